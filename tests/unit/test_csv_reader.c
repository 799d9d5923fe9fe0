/*
 * test_csv_reader.c - Criterion tests for indexer/csv_reader.c.
 *
 * Each test runs the reader on a buffer or a file with a callback that
 * copies every record into a struct got (the reader's record is only
 * valid during the call); messages go to an in-memory stream so the
 * tests can check them. run_done() frees everything.
 */
#include <criterion/criterion.h>

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "csv_reader.h"
#include "diag.h"
#include "record.h"

#define WOERDEN "fixtures/corpus/woerden.csv"
#define DATA    "tests/data/csv/"

struct got_field {
	char *name, *value;
	long line;
};

struct got_rec {
	char *file, *id, *error;
	long line;
	int multi_joined, html_allowed;
	struct got_field *f;
	size_t nf;
};

struct run {
	struct got_rec *r;
	size_t n, cap;
	long stop_after;      /* > 0: the callback returns -1 on that record */
	struct diag d;
	FILE *out;
	char *msg;
	size_t msglen;
	int rc;
};

static char *
dup_or_null(const char *s)
{
	return s ? strdup(s) : NULL;
}

static int
collect(const struct raw_record *rec, void *ctx)
{
	struct run *t = ctx;
	struct got_rec *g;

	if (t->n == t->cap) {
		t->cap = t->cap ? t->cap * 2 : 8;
		t->r = realloc(t->r, t->cap * sizeof(*t->r));
		cr_assert_not_null(t->r);
	}
	g = &t->r[t->n++];
	memset(g, 0, sizeof(*g));
	g->file = dup_or_null(rec->file);
	g->id = dup_or_null(rec->id);
	g->error = dup_or_null(rec->error);
	g->line = rec->line;
	g->multi_joined = rec->multi_joined;
	g->html_allowed = rec->html_allowed;
	g->nf = rec->nfields;
	g->f = calloc(rec->nfields + 1, sizeof(*g->f));
	for (size_t i = 0; i < rec->nfields; i++) {
		g->f[i].name = strdup(rec->fields[i].name);
		g->f[i].value = strdup(rec->fields[i].value);
		g->f[i].line = rec->fields[i].line;
	}
	if (t->stop_after > 0 && (long)t->n == t->stop_after)
		return -1;
	return 0;
}

static void
run_start(struct run *t)
{
	t->out = open_memstream(&t->msg, &t->msglen);
	cr_assert_not_null(t->out);
	t->d.out = t->out;
}

static void
run_end(struct run *t)
{
	fclose(t->out);
	t->out = NULL;
}

static void
run_memn(struct run *t, const char *s, size_t n)
{
	run_start(t);
	t->rc = csv_read_mem("t.csv", s, n, &t->d, collect, t);
	run_end(t);
}

static void
run_mem(struct run *t, const char *s)
{
	run_memn(t, s, strlen(s));
}

static void
run_file(struct run *t, const char *path)
{
	run_start(t);
	t->rc = csv_read_file(path, &t->d, collect, t);
	run_end(t);
}

static void
run_done(struct run *t)
{
	for (size_t i = 0; i < t->n; i++) {
		struct got_rec *g = &t->r[i];
		for (size_t k = 0; k < g->nf; k++) {
			free(g->f[k].name);
			free(g->f[k].value);
		}
		free(g->f);
		free(g->file);
		free(g->id);
		free(g->error);
	}
	free(t->r);
	free(t->msg);
	memset(t, 0, sizeof(*t));
}

/* The value of field name in record g, or NULL when it is absent. */
static const char *
val(const struct got_rec *g, const char *name)
{
	for (size_t i = 0; i < g->nf; i++)
		if (strcmp(g->f[i].name, name) == 0)
			return g->f[i].value;
	return NULL;
}

static long
fline(const struct got_rec *g, const char *name)
{
	for (size_t i = 0; i < g->nf; i++)
		if (strcmp(g->f[i].name, name) == 0)
			return g->f[i].line;
	return -1;
}

static size_t
count_str(const char *hay, const char *needle)
{
	size_t n = 0;

	for (const char *p = hay; p && (p = strstr(p, needle)) != NULL; p++)
		n++;
	return n;
}

static int
utf8_ok(const char *str)
{
	const unsigned char *s = (const unsigned char *)str;

	while (*s) {
		size_t k;
		if (*s < 0x80) {
			s++;
			continue;
		}
		if (*s >= 0xC2 && *s <= 0xDF)
			k = 1;
		else if (*s >= 0xE0 && *s <= 0xEF)
			k = 2;
		else if (*s >= 0xF0 && *s <= 0xF4)
			k = 3;
		else
			return 0;
		for (size_t j = 1; j <= k; j++)
			if ((s[j] & 0xC0) != 0x80)
				return 0;
		s += k + 1;
	}
	return 1;
}

/* A growing string for building test input. */
struct sb {
	char *s;
	size_t n, cap;
};

static void
sb_add(struct sb *b, const char *s, size_t n)
{
	if (b->n + n + 1 > b->cap) {
		b->cap = (b->n + n + 1) * 2;
		b->s = realloc(b->s, b->cap);
		cr_assert_not_null(b->s);
	}
	memcpy(b->s + b->n, s, n);
	b->n += n;
	b->s[b->n] = '\0';
}

static void
sb_str(struct sb *b, const char *s)
{
	sb_add(b, s, strlen(s));
}

static void
sb_fill(struct sb *b, char c, size_t n)
{
	for (size_t i = 0; i < n; i++)
		sb_add(b, &c, 1);
}

static void __attribute__((format(printf, 2, 3)))
sb_fmt(struct sb *b, const char *fmt, ...)
{
	char tmp[256];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	cr_assert(n >= 0 && (size_t)n < sizeof(tmp));
	sb_add(b, tmp, (size_t)n);
}

/* ---- delimiters and basics ----------------------------------------- */

Test(csv_reader, semicolon_basic)
{
	struct run t = { 0 };

	run_mem(&t, "id;naam;soort;gemeente\n"
	            "a-1;Buurtkamer;informeel;GM0307\n"
	            "a-2;Schuldhulp;formeel;GM0327\n");
	cr_assert_eq(t.rc, 0);
	cr_assert_eq(t.n, 2);
	cr_assert_str_eq(t.r[0].file, "t.csv");
	cr_assert_eq(t.r[0].line, 2);
	cr_assert_eq(t.r[1].line, 3);
	cr_assert_str_eq(t.r[0].id, "a-1");
	cr_assert_eq(t.r[0].multi_joined, 1);
	cr_assert_eq(t.r[0].html_allowed, 0);
	cr_assert_null(t.r[0].error);
	cr_assert_eq(t.r[0].nf, 4);
	cr_assert_str_eq(val(&t.r[0], "naam"), "Buurtkamer");
	cr_assert_str_eq(val(&t.r[1], "gemeente"), "GM0327");
	cr_assert_str_eq(val(&t.r[1], "id"), "a-2");
	cr_assert_eq(t.d.warnings, 0);
	cr_assert_eq(t.d.rejected, 0);
	cr_assert_eq(t.msglen, 0);
	run_done(&t);
}

Test(csv_reader, comma_delimiter)
{
	struct run t = { 0 };

	run_mem(&t, "id,naam,kosten-toelichting\n"
	            "c-1,Koffie,\"2,50 per keer; met U-pas gratis\"\n");
	cr_assert_eq(t.rc, 0);
	cr_assert_eq(t.n, 1);
	cr_assert_null(t.r[0].error);
	cr_assert_str_eq(val(&t.r[0], "kosten-toelichting"),
	                 "2,50 per keer; met U-pas gratis");
	run_done(&t);
}

Test(csv_reader, delimiter_counted_outside_quotes)
{
	struct run t = { 0 };

	/* two ',' inside quotes, two ';' outside: ';' wins */
	run_mem(&t, "id;\"naam\";\"x,y,z\"\nd-1;Naam, met komma;3\n");
	cr_assert_eq(t.rc, 0);
	cr_assert_eq(t.n, 1);
	cr_assert_null(t.r[0].error);
	cr_assert_str_eq(val(&t.r[0], "naam"), "Naam, met komma");
	cr_assert(strstr(t.msg, "t.csv:1: warning: onbekende kolom \"x,y,z\" genegeerd"));
	run_done(&t);
}

Test(csv_reader, utf8_bom_stripped)
{
	struct run t = { 0 };

	run_mem(&t, "\xEF\xBB\xBFid;naam\nb-1;Caf\xC3\xA9\n");
	cr_assert_eq(t.rc, 0);
	cr_assert_eq(t.n, 1);
	cr_assert_str_eq(t.r[0].id, "b-1");
	cr_assert_str_eq(val(&t.r[0], "naam"), "Caf\xC3\xA9");
	cr_assert_eq(t.d.warnings, 0);
	run_done(&t);
}

Test(csv_reader, sep_line_semicolon)
{
	struct run t = { 0 };

	run_mem(&t, "sep=;\r\nid;naam;omschrijving\r\ns-1;Een, twee;a,b\r\n");
	cr_assert_eq(t.rc, 0);
	cr_assert_eq(t.n, 1);
	cr_assert_eq(t.r[0].line, 3);
	cr_assert_null(t.r[0].error);
	cr_assert_str_eq(val(&t.r[0], "naam"), "Een, twee");
	cr_assert_str_eq(val(&t.r[0], "omschrijving"), "a,b");
	run_done(&t);
}

Test(csv_reader, sep_line_comma_overrides_count)
{
	struct run t = { 0 };

	/* the header alone would choose ';', but sep=, says ',' */
	run_mem(&t, "\xEF\xBB\xBFSEP=,\nid,naam,\"a;b;c\"\ns-1,Naam;met;puntkomma,x\n");
	cr_assert_eq(t.rc, 0);
	cr_assert_eq(t.n, 1);
	cr_assert_null(t.r[0].error);
	cr_assert_str_eq(val(&t.r[0], "naam"), "Naam;met;puntkomma");
	/* the spec fixes FILE:1, also after a sep= line */
	cr_assert(strstr(t.msg, "t.csv:1: warning: onbekende kolom \"a;b;c\""));
	run_done(&t);
}

Test(csv_reader, header_case_and_spaces)
{
	struct run t = { 0 };

	run_mem(&t, " ID ; Naam ;\"Tijden-Toelichting \"\nh-1;X;niet in de vakantie\n");
	cr_assert_eq(t.rc, 0);
	cr_assert_eq(t.n, 1);
	cr_assert_eq(t.d.warnings, 0);
	cr_assert_str_eq(t.r[0].id, "h-1");
	cr_assert_str_eq(val(&t.r[0], "tijden-toelichting"), "niet in de vakantie");
	run_done(&t);
}

/* ---- line endings and line numbers --------------------------------- */

Test(csv_reader, crlf_lf_cr_mixed)
{
	struct run t = { 0 };

	run_mem(&t, "id;naam\r\nm-1;een\nm-2;twee\r\nm-3;drie\rm-4;vier\r\n");
	cr_assert_eq(t.rc, 0);
	cr_assert_eq(t.n, 4);
	for (size_t i = 0; i < 4; i++) {
		cr_assert_eq(t.r[i].line, (long)i + 2);
		cr_assert_null(t.r[i].error);
	}
	cr_assert_str_eq(val(&t.r[1], "naam"), "twee");
	cr_assert_str_eq(val(&t.r[2], "naam"), "drie");
	cr_assert_str_eq(t.r[3].id, "m-4");
	run_done(&t);
}

Test(csv_reader, quoted_line_breaks_and_lines_after)
{
	struct run t = { 0 };

	run_mem(&t, "id;naam;omschrijving;soort\r\n"
	            "q-1;Een;\"regel 1\r\nregel 2\nregel 3\";informeel\r\n"
	            "q-2;\"Twee\r\nnamen\";\"\";formeel\r\n"
	            "q-3;Drie;x;y\r\n");
	cr_assert_eq(t.rc, 0);
	cr_assert_eq(t.n, 3);
	cr_assert_eq(t.r[0].line, 2);
	cr_assert_str_eq(val(&t.r[0], "omschrijving"), "regel 1\nregel 2\nregel 3");
	cr_assert_eq(fline(&t.r[0], "soort"), 4);
	cr_assert_eq(t.r[1].line, 5);
	cr_assert_str_eq(val(&t.r[1], "naam"), "Twee\nnamen");
	cr_assert_eq(fline(&t.r[1], "omschrijving"), 6);
	cr_assert_str_eq(val(&t.r[1], "omschrijving"), "");
	cr_assert_eq(t.r[2].line, 7);
	run_done(&t);
}

Test(csv_reader, blank_lines_ignored)
{
	struct run t = { 0 };

	run_mem(&t, "\r\nid;naam\r\n\r\n\nb-1;een\r\n\r\n\r\nb-2;twee\r\n\r\n");
	cr_assert_eq(t.rc, 0);
	cr_assert_eq(t.n, 2);
	cr_assert_eq(t.r[0].line, 5);
	cr_assert_eq(t.r[1].line, 8);
	cr_assert_null(t.r[0].error);
	cr_assert_null(t.r[1].error);
	run_done(&t);
}

Test(csv_reader, no_trailing_newline)
{
	struct run t = { 0 };

	run_mem(&t, "id;naam\nn-1;een\nn-2;\"twee\"");
	cr_assert_eq(t.rc, 0);
	cr_assert_eq(t.n, 2);
	cr_assert_str_eq(val(&t.r[1], "naam"), "twee");
	cr_assert_null(t.r[1].error);
	run_done(&t);
}

/* ---- field contents ------------------------------------------------ */

Test(csv_reader, doubled_quotes)
{
	struct run t = { 0 };

	run_mem(&t, "id;naam;omschrijving\n"
	            "d-1;\"De \"\"Kids\"\" Kookclub\";\"\"\"\"\n");
	cr_assert_eq(t.rc, 0);
	cr_assert_eq(t.n, 1);
	cr_assert_str_eq(val(&t.r[0], "naam"), "De \"Kids\" Kookclub");
	cr_assert_str_eq(val(&t.r[0], "omschrijving"), "\"");
	run_done(&t);
}

Test(csv_reader, empty_fields_kept)
{
	struct run t = { 0 };

	run_mem(&t, "id;naam;thema;doelgroep\n;;;\ne-1;;\"\";ouderen|eenzamen\n");
	cr_assert_eq(t.rc, 0);
	cr_assert_eq(t.n, 2);
	cr_assert_null(t.r[0].id);
	cr_assert_null(t.r[0].error);
	cr_assert_eq(t.r[0].nf, 4);
	cr_assert_str_eq(val(&t.r[0], "naam"), "");
	cr_assert_str_eq(val(&t.r[0], "id"), "");
	cr_assert_str_eq(val(&t.r[1], "thema"), "");
	cr_assert_str_eq(val(&t.r[1], "doelgroep"), "ouderen|eenzamen");
	run_done(&t);
}

Test(csv_reader, id_trimmed_values_not)
{
	struct run t = { 0 };

	run_mem(&t, "id;naam;telefoon\n  t-1 \t;  Naam  ; +31 6 1234 5678 \n   ;x;y\n");
	cr_assert_eq(t.rc, 0);
	cr_assert_eq(t.n, 2);
	cr_assert_str_eq(t.r[0].id, "t-1");
	cr_assert_str_eq(val(&t.r[0], "id"), "t-1");
	cr_assert_str_eq(val(&t.r[0], "naam"), "  Naam  ");
	cr_assert_str_eq(val(&t.r[0], "telefoon"), " +31 6 1234 5678 ");
	cr_assert_null(t.r[1].id);
	run_done(&t);
}

Test(csv_reader, stray_quote_and_text_after_quote_lenient)
{
	struct run t = { 0 };

	run_mem(&t, "id;naam;omschrijving\n"
	            "l-1;ab\"c;\"ab\"c\n"
	            "l-2;12\" scherm;\"x\" \n");
	cr_assert_eq(t.rc, 0);
	cr_assert_eq(t.n, 2);
	cr_assert_str_eq(val(&t.r[0], "naam"), "ab\"c");
	cr_assert_str_eq(val(&t.r[0], "omschrijving"), "abc");
	cr_assert_str_eq(val(&t.r[1], "naam"), "12\" scherm");
	cr_assert_str_eq(val(&t.r[1], "omschrijving"), "x ");
	cr_assert_null(t.r[0].error);
	cr_assert_null(t.r[1].error);
	run_done(&t);
}

Test(csv_reader, field_lines)
{
	struct run t = { 0 };

	run_mem(&t, "id;omschrijving;naam\nf-1;\"a\nb\nc\";N\n");
	cr_assert_eq(t.n, 1);
	cr_assert_eq(fline(&t.r[0], "id"), 2);
	cr_assert_eq(fline(&t.r[0], "omschrijving"), 2);
	cr_assert_eq(fline(&t.r[0], "naam"), 4);
	run_done(&t);
}

/* ---- broken rows --------------------------------------------------- */

Test(csv_reader, wrong_field_count)
{
	struct run t = { 0 };

	run_mem(&t, "id;naam;soort\n"
	            "w-1;kort\n"
	            "w-2;lang;informeel;extra;nog een\n"
	            "w-3;goed;formeel\n");
	cr_assert_eq(t.rc, 0);
	cr_assert_eq(t.n, 3);
	cr_assert_str_eq(t.r[0].error, "rij heeft 2 velden, de kop heeft 3");
	cr_assert_str_eq(t.r[0].id, "w-1");
	cr_assert_eq(t.r[0].line, 2);
	cr_assert_str_eq(t.r[1].error, "rij heeft 5 velden, de kop heeft 3");
	cr_assert_str_eq(val(&t.r[1], "soort"), "informeel");
	cr_assert_null(t.r[2].error);
	cr_assert_eq(t.r[2].line, 4);
	/* the reader does not report rows itself; the builder does */
	cr_assert_eq(t.msglen, 0);
	cr_assert_eq(t.d.skipped, 0);
	run_done(&t);
}

Test(csv_reader, too_many_fields_in_row)
{
	struct run t = { 0 };
	struct sb b = { 0 };

	sb_str(&b, "id;naam\nr-1;");
	for (int i = 0; i < 1000; i++)
		sb_str(&b, "x;");
	sb_str(&b, "\n");
	run_mem(&t, b.s);
	cr_assert_eq(t.rc, 0);
	cr_assert_eq(t.n, 1);
	cr_assert_str_eq(t.r[0].error, "rij heeft 1002 velden, de kop heeft 2");
	cr_assert_str_eq(t.r[0].id, "r-1");
	free(b.s);
	run_done(&t);
}

Test(csv_reader, field_too_long_then_goes_on)
{
	struct run t = { 0 };
	struct sb b = { 0 };

	sb_str(&b, "id;naam;omschrijving\nx-1;n;\"");
	sb_fill(&b, 'a', CSV_MAX_FIELD_BYTES + 10);
	sb_str(&b, "\"\nx-2;n;ok\n");
	run_memn(&t, b.s, b.n);
	cr_assert_eq(t.rc, 0);
	cr_assert_eq(t.n, 2);
	cr_assert_str_eq(t.r[0].error, "veld te lang (meer dan 1 MiB)");
	cr_assert_str_eq(t.r[0].id, "x-1");
	cr_assert_null(t.r[1].error);
	cr_assert_eq(t.r[1].line, 3);
	cr_assert_str_eq(val(&t.r[1], "omschrijving"), "ok");
	free(b.s);
	run_done(&t);
}

Test(csv_reader, record_too_long)
{
	struct run t = { 0 };
	struct sb b = { 0 };

	/* five fields of 900 KiB: each under the field limit, together over
	 * the record limit */
	sb_str(&b, "id;naam;samenvatting;omschrijving;organisatie;adres\ny-1");
	for (int i = 0; i < 5; i++) {
		sb_str(&b, ";");
		sb_fill(&b, 'b', 900 * 1024);
	}
	sb_str(&b, "\ny-2;n;;;;\n");
	run_memn(&t, b.s, b.n);
	cr_assert_eq(t.rc, 0);
	cr_assert_eq(t.n, 2);
	cr_assert_str_eq(t.r[0].error, "rij te lang (meer dan 4 MiB)");
	cr_assert_null(t.r[1].error);
	free(b.s);
	run_done(&t);
}

/* ---- rejected files ------------------------------------------------ */

Test(csv_reader, unclosed_quote_rejected_at_opening_line)
{
	struct run t = { 0 };

	run_mem(&t, "id;naam;omschrijving\n"
	            "u-1;een;goed\n"
	            "u-2;twee;\"begint hier\n"
	            "en loopt door\n"
	            "tot het einde\n");
	cr_assert_eq(t.rc, -1);
	cr_assert_eq(t.d.rejected, 1);
	cr_assert_str_eq(t.msg, "t.csv:3: error: aanhalingsteken geopend op "
	                 "regel 3 wordt nooit gesloten\n");
	run_done(&t);
}

Test(csv_reader, unclosed_quote_in_header)
{
	struct run t = { 0 };

	run_mem(&t, "id;\"naam\nx;y\n");
	cr_assert_eq(t.rc, -1);
	cr_assert_eq(t.n, 0);
	cr_assert(strstr(t.msg, "t.csv:1: error: aanhalingsteken geopend op regel 1"));
	run_done(&t);
}

Test(csv_reader, header_without_id)
{
	struct run t = { 0 };

	run_mem(&t, "naam;soort\nx;y\n");
	cr_assert_eq(t.rc, -1);
	cr_assert_eq(t.n, 0);
	cr_assert_eq(t.d.rejected, 1);
	cr_assert_str_eq(t.msg, "t.csv:1: error: de kop heeft geen kolom \"id\"\n");
	run_done(&t);
}

Test(csv_reader, header_without_naam_or_both)
{
	struct run t = { 0 };

	run_mem(&t, "id;soort;onzin\nx;y;z\n");
	cr_assert_eq(t.rc, -1);
	cr_assert_str_eq(t.msg, "t.csv:1: error: de kop heeft geen kolom \"naam\"\n");
	run_done(&t);
	run_mem(&t, "a\tb\tc\n");
	cr_assert_eq(t.rc, -1);
	cr_assert_str_eq(t.msg, "t.csv:1: error: de kop heeft geen kolommen "
	                 "\"id\" en \"naam\"\n");
	cr_assert_eq(t.d.warnings, 0);
	run_done(&t);
}

Test(csv_reader, nul_byte_rejected)
{
	struct run t = { 0 };
	static const char s[] = "id;naam\nn-1;een\nn-2;t\0wee\n";

	run_memn(&t, s, sizeof(s) - 1);
	cr_assert_eq(t.rc, -1);
	cr_assert_eq(t.d.rejected, 1);
	cr_assert_str_eq(t.msg, "t.csv:3: error: bevat NUL-bytes: geen CSV\n");
	run_done(&t);

	/* a binary file is rejected for its NUL, not for its "header" */
	run_memn(&t, "\x89PNG\r\n\x1a\n\0\0\0\rIHDR", 16);
	cr_assert_eq(t.rc, -1);
	cr_assert_str_eq(t.msg, "t.csv:3: error: bevat NUL-bytes: geen CSV\n");
	run_done(&t);

	/* UTF-16 looks like this */
	run_memn(&t, "\xFF\xFEi\0d\0", 6);
	cr_assert_eq(t.rc, -1);
	cr_assert_str_eq(t.msg, "t.csv:1: error: bevat NUL-bytes: geen CSV\n");
	run_done(&t);
}

Test(csv_reader, empty_file_rejected)
{
	static const char *const empty[] = { "", "\xEF\xBB\xBF", "\r\n\r\n\n", "sep=;\r\n" };
	struct run t = { 0 };

	for (size_t i = 0; i < sizeof(empty) / sizeof(empty[0]); i++) {
		run_mem(&t, empty[i]);
		cr_assert_eq(t.rc, -1, "case %zu", i);
		cr_assert_str_eq(t.msg, "t.csv: error: leeg bestand: er is geen kop "
		                 "met veldnamen\n");
		run_done(&t);
	}
}

Test(csv_reader, header_only_is_valid)
{
	struct run t = { 0 };

	run_mem(&t, "id;naam;soort\r\n");
	cr_assert_eq(t.rc, 0);
	cr_assert_eq(t.n, 0);
	cr_assert_eq(t.msglen, 0);
	run_done(&t);
	run_mem(&t, "id;naam");
	cr_assert_eq(t.rc, 0);
	cr_assert_eq(t.n, 0);
	run_done(&t);
}

Test(csv_reader, header_too_many_columns)
{
	struct run t = { 0 };
	struct sb b = { 0 };

	sb_str(&b, "id;naam");
	for (int i = 0; i < 300; i++)
		sb_fmt(&b, ";k%d", i);
	sb_str(&b, "\n");
	run_mem(&t, b.s);
	cr_assert_eq(t.rc, -1);
	cr_assert_str_eq(t.msg, "t.csv:1: error: de kop heeft meer dan 256 kolommen\n");
	free(b.s);
	run_done(&t);
}

Test(csv_reader, missing_file_rejected)
{
	struct run t = { 0 };

	run_file(&t, DATA "bestaat-niet.csv");
	cr_assert_eq(t.rc, -1);
	cr_assert_eq(t.d.rejected, 1);
	cr_assert(strstr(t.msg, "bestaat-niet.csv: error: kan het bestand niet openen"));
	run_done(&t);
}

/* ---- header warnings ----------------------------------------------- */

Test(csv_reader, unknown_column_warned_once)
{
	struct run t = { 0 };

	run_mem(&t, "id;naam;Extra;extra;ook-onbekend;;\n"
	            "k-1;a;1;2;3;;\n"
	            "k-2;b;4;5;6;;\n"
	            "k-3;c;7;8;9;;\n");
	cr_assert_eq(t.rc, 0);
	cr_assert_eq(t.n, 3);
	cr_assert_eq(t.d.warnings, 3);
	cr_assert_eq(count_str(t.msg, "onbekende kolom \"Extra\""), 1);
	cr_assert_eq(count_str(t.msg, "onbekende kolom \"extra\""), 0);
	cr_assert_eq(count_str(t.msg, "t.csv:1: warning: onbekende kolom \"ook-onbekend\" genegeerd\n"), 1);
	cr_assert_eq(count_str(t.msg, "t.csv:1: warning: kolom zonder naam genegeerd\n"), 1);
	cr_assert_eq(t.r[0].nf, 2);
	cr_assert_null(t.r[0].error);
	run_done(&t);
}

Test(csv_reader, duplicate_column_warned_first_kept)
{
	struct run t = { 0 };

	run_mem(&t, "id;naam;Naam;NAAM\nz-1;eerste;tweede;derde\n");
	cr_assert_eq(t.rc, 0);
	cr_assert_eq(t.n, 1);
	cr_assert_eq(t.d.warnings, 1);
	cr_assert_str_eq(t.msg, "t.csv:1: warning: kolom \"Naam\" staat meer dan eens "
	                 "in de kop; alleen de eerste telt\n");
	cr_assert_eq(t.r[0].nf, 2);
	cr_assert_str_eq(val(&t.r[0], "naam"), "eerste");
	run_done(&t);
}

/* ---- encodings ------------------------------------------------------ */

Test(csv_reader, windows1252_converted)
{
	struct run t = { 0 };

	run_mem(&t, "id;naam;kosten-toelichting\r\n"
	            "w-1;Taalcaf\xE9 \x93" "Een\x94;\x80 2,50\r\n"
	            "w-2;Cli\xEBnt;\r\n");
	cr_assert_eq(t.rc, 0);
	cr_assert_eq(t.n, 2);
	cr_assert_null(t.r[0].error);
	cr_assert_str_eq(val(&t.r[0], "naam"),
	                 "Taalcaf\xC3\xA9 \xE2\x80\x9C" "Een\xE2\x80\x9D");
	cr_assert_str_eq(val(&t.r[0], "kosten-toelichting"), "\xE2\x82\xAC 2,50");
	cr_assert_str_eq(val(&t.r[1], "naam"), "Cli\xC3\xABnt");
	run_done(&t);
}

Test(csv_reader, utf8_kept_per_record)
{
	struct run t = { 0 };

	/* one UTF-8 record and one windows-1252 record in one file */
	run_mem(&t, "id;naam\nu-1;Caf\xC3\xA9\nu-2;Caf\xE9\nu-3;\xF0\x9F\x98\x80\n");
	cr_assert_eq(t.rc, 0);
	cr_assert_eq(t.n, 3);
	cr_assert_str_eq(val(&t.r[0], "naam"), "Caf\xC3\xA9");
	cr_assert_str_eq(val(&t.r[1], "naam"), "Caf\xC3\xA9");
	cr_assert_str_eq(val(&t.r[2], "naam"), "\xF0\x9F\x98\x80");
	run_done(&t);
}

Test(csv_reader, invalid_utf8_forms_fall_back)
{
	struct run t = { 0 };

	/* overlong '/', a surrogate, a lone continuation byte */
	run_mem(&t, "id;naam\nv-1;\xC0\xAF\nv-2;\xED\xA0\x80\nv-3;\xA9\n");
	cr_assert_eq(t.n, 3);
	cr_assert_str_eq(val(&t.r[0], "naam"), "\xC3\x80\xC2\xAF");
	cr_assert_str_eq(val(&t.r[1], "naam"), "\xC3\xAD\xC2\xA0\xE2\x82\xAC");
	cr_assert_str_eq(val(&t.r[2], "naam"), "\xC2\xA9");
	for (size_t i = 0; i < 3; i++)
		cr_assert_null(t.r[i].error);
	run_done(&t);
}

Test(csv_reader, utf8_kept_per_field)
{
	struct run t = { 0 };

	/* a row where one field is windows-1252 and the others UTF-8: only
	 * that field is converted */
	run_mem(&t, "id;naam;samenvatting\nm1;Caf\xC3\xA9;Caf\xE9 \x80 2\n");
	cr_assert_eq(t.rc, 0);
	cr_assert_eq(t.n, 1);
	cr_assert_null(t.r[0].error);
	cr_assert_str_eq(val(&t.r[0], "naam"), "Caf\xC3\xA9");
	cr_assert_str_eq(val(&t.r[0], "samenvatting"),
	                 "Caf\xC3\xA9 \xE2\x82\xAC 2");
	cr_assert_str_eq(val(&t.r[0], "id"), "m1");
	run_done(&t);
}

Test(csv_reader, windows1252_undefined_byte_breaks_row)
{
	struct run t = { 0 };

	run_mem(&t, "id;naam\nx-1;a\x81" "b\nx-2;ok\n");
	cr_assert_eq(t.rc, 0);
	cr_assert_eq(t.n, 2);
	cr_assert_str_eq(t.r[0].error, "tekst is geen UTF-8 en ook geen "
	                 "windows-1252 (byte 0x81)");
	cr_assert(utf8_ok(val(&t.r[0], "naam")));
	cr_assert_null(t.r[1].error);
	run_done(&t);
}

Test(csv_reader, windows1252_header)
{
	struct run t = { 0 };

	run_mem(&t, "id;naam;caf\xE9\nh-1;x;y\n");
	cr_assert_eq(t.rc, 0);
	cr_assert_str_eq(t.msg, "t.csv:1: warning: onbekende kolom \"caf\xC3\xA9\" genegeerd\n");
	run_done(&t);
}

/* ---- the callback -------------------------------------------------- */

Test(csv_reader, callback_stop)
{
	struct run t = { 0 };

	t.stop_after = 2;
	run_mem(&t, "id;naam\na;1\nb;2\nc;3\n");
	cr_assert_eq(t.rc, -2);
	cr_assert_eq(t.n, 2);
	run_done(&t);
}

/* ---- files ---------------------------------------------------------- */

Test(csv_reader, file_woerden)
{
	struct run t = { 0 };
	static const long lines[32] = {
		2, 4, 5, 6, 7, 8, 9, 10, 12, 14, 15, 16, 17, 19, 20, 21,
		22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 37,
	};

	run_file(&t, WOERDEN);
	cr_assert_eq(t.rc, 0);
	cr_assert_eq(t.n, 32);
	cr_assert_eq(t.msglen, 0, "%s", t.msg);
	for (size_t i = 0; i < 32; i++) {
		char id[32];
		snprintf(id, sizeof(id), "dev-woe-%03zu", i + 1);
		cr_assert_str_eq(t.r[i].id, id);
		cr_assert_null(t.r[i].error, "%s: %s", id, t.r[i].error);
		cr_assert_eq(t.r[i].nf, 35);
		cr_assert_eq(t.r[i].line, lines[i], "%s", id);
		cr_assert_str_eq(t.r[i].file, WOERDEN);
		for (size_t k = 0; k < t.r[i].nf; k++)
			cr_assert(utf8_ok(t.r[i].f[k].value));
	}
	cr_assert_str_eq(val(&t.r[5], "naam"), "Taalcaf\xC3\xA9 Woerden");
	cr_assert_str_eq(val(&t.r[4], "kosten-toelichting"), "\xE2\x82\xAC 2,50 per les");
	cr_assert_str_eq(val(&t.r[31], "naam"), "Cli\xC3\xABntondersteuning Woerden");
	cr_assert_str_eq(val(&t.r[0], "omschrijving"),
	                 "Elke ochtend staat de koffie klaar; 's middags zijn er "
	                 "wisselende activiteiten.\nOp woensdag is er \"Kids Kookclub\" "
	                 "voor kinderen van 8 tot 12 jaar.");
	cr_assert_str_eq(val(&t.r[0], "thema"), "ontmoeting|cultuur");
	cr_assert_str_eq(val(&t.r[0], "status"), "");
	run_done(&t);
}

Test(csv_reader, file_cp1252_crlf)
{
	struct run t = { 0 };

	run_file(&t, DATA "cp1252_crlf.csv");
	cr_assert_eq(t.rc, 0);
	cr_assert_eq(t.n, 3);
	cr_assert_eq(t.msglen, 0);
	cr_assert_eq(t.r[0].line, 2);
	cr_assert_eq(t.r[1].line, 4);
	cr_assert_eq(t.r[2].line, 5);
	cr_assert_str_eq(val(&t.r[0], "naam"), "Taalcaf\xC3\xA9 Woerden");
	cr_assert_str_eq(val(&t.r[0], "omschrijving"),
	                 "Oefen Nederlands; \"gewoon\" praten.\nTweede regel.");
	cr_assert_str_eq(val(&t.r[0], "kosten-toelichting"), "\xE2\x82\xAC 2,50 per keer");
	cr_assert_str_eq(val(&t.r[0], "telefoon"), "0348 123 456");
	cr_assert_str_eq(val(&t.r[1], "naam"),
	                 "\xE2\x80\x9C" "Cli\xC3\xABntondersteuning\xE2\x80\x9D");
	cr_assert_str_eq(val(&t.r[1], "telefoon"), "+31 6 1234 5678");
	cr_assert_str_eq(val(&t.r[2], "omschrijving"), "\xC3\x89\xC3\xA9n\ntwee\ndrie");
	cr_assert_str_eq(val(&t.r[2], "telefoon"), "");
	run_done(&t);
}

Test(csv_reader, file_utf8_bom_comma)
{
	struct run t = { 0 };

	run_file(&t, DATA "utf8_bom_comma.csv");
	cr_assert_eq(t.rc, 0);
	cr_assert_eq(t.n, 2);
	cr_assert_eq(t.msglen, 0);
	cr_assert_str_eq(t.r[0].id, "bom-1");
	cr_assert_str_eq(val(&t.r[0], "naam"), "Buurtkamer, De Kruiskamp");
	cr_assert_str_eq(val(&t.r[0], "omschrijving"), "Koffie, thee\nen \"praatje\"");
	cr_assert_eq(t.r[1].line, 4);
	cr_assert_str_eq(val(&t.r[1], "naam"), "Caf\xC3\xA9 \xC3\x89\xC3\xA9n");
	cr_assert_str_eq(val(&t.r[1], "postcode"), "0123ab");
	run_done(&t);
}

Test(csv_reader, file_sep_line)
{
	struct run t = { 0 };

	run_file(&t, DATA "sep_line.csv");
	cr_assert_eq(t.rc, 0);
	cr_assert_eq(t.n, 2);
	cr_assert_eq(t.r[0].line, 3);
	cr_assert_str_eq(val(&t.r[0], "naam"), "E\xC3\xA9n, twee");
	cr_assert_str_eq(val(&t.r[0], "omschrijving"), "a,b,c");
	run_done(&t);
}

Test(csv_reader, file_unclosed_quote)
{
	struct run t = { 0 };

	run_file(&t, DATA "unclosed_quote.csv");
	cr_assert_eq(t.rc, -1);
	cr_assert_eq(t.n, 1);
	cr_assert_str_eq(t.msg, DATA "unclosed_quote.csv:3: error: aanhalingsteken "
	                 "geopend op regel 3 wordt nooit gesloten\n");
	run_done(&t);
}

/* Writes n bytes to a new temporary file; the caller unlinks path. */
static void
write_temp(char *path, const char *s, size_t n)
{
	int fd = mkstemp(path);

	cr_assert(fd >= 0);
	cr_assert_eq(write(fd, s, n), (ssize_t)n);
	close(fd);
}

Test(csv_reader, file_crlf_across_read_chunks)
{
	struct run t = { 0 };
	char path[] = "/tmp/csv_reader_test_XXXXXX";
	size_t chunk = 64 * 1024;
	struct sb b = { 0 };

	/* CR as the last byte of the first 64 KiB read, its LF the first
	 * of the next; then a quoted CRLF across the second boundary */
	sb_str(&b, "id;naam;omschrijving\r\nc-1;");
	sb_fill(&b, 'a', chunk - 1 - b.n);
	sb_str(&b, "\r\nc-2;b;\"");
	sb_fill(&b, 'c', 2 * chunk - 1 - b.n);
	sb_str(&b, "\r\nd\"\r\nc-3;e;f");
	cr_assert_eq(b.s[chunk - 1], '\r');
	cr_assert_eq(b.s[2 * chunk - 1], '\r');
	write_temp(path, b.s, b.n);
	run_file(&t, path);
	unlink(path);
	cr_assert_eq(t.rc, 0);
	cr_assert_eq(t.n, 3);
	cr_assert_str_eq(t.r[0].error, "rij heeft 2 velden, de kop heeft 3");
	cr_assert_eq(t.r[1].line, 3);
	cr_assert_null(t.r[1].error);
	cr_assert_eq(strlen(val(&t.r[1], "omschrijving")), 2 * chunk - 1 - chunk - 8 + 2);
	cr_assert_eq(t.r[2].line, 5);
	cr_assert_str_eq(val(&t.r[2], "omschrijving"), "f");
	free(b.s);
	run_done(&t);
}

Test(csv_reader, file_many_rows_streamed)
{
	struct run t = { 0 };
	char path[] = "/tmp/csv_reader_test_XXXXXX";
	size_t rows = 20000;
	struct sb b = { 0 };

	sb_str(&b, "id;naam;omschrijving\r\n");
	for (size_t i = 0; i < rows; i++)
		sb_fmt(&b, "r-%zu;Naam %zu;\"a;\r\nb\"\r\n", i, i);
	write_temp(path, b.s, b.n);
	run_file(&t, path);
	unlink(path);
	cr_assert_eq(t.rc, 0);
	cr_assert_eq(t.n, rows);
	cr_assert_eq(t.r[rows - 1].line, (long)(2 + 2 * (rows - 1)));
	cr_assert_str_eq(t.r[rows - 1].id, "r-19999");
	free(b.s);
	run_done(&t);
}

/* ---- hostile input and round trip ---------------------------------- */

static uint32_t
rnd(uint32_t *st)
{
	*st ^= *st << 13;
	*st ^= *st >> 17;
	*st ^= *st << 5;
	return *st;
}

struct fuzz_ctx {
	long records;
};

static int
fuzz_check(const struct raw_record *rec, void *ctx)
{
	struct fuzz_ctx *c = ctx;

	c->records++;
	cr_assert_str_eq(rec->file, "fuzz.csv");
	cr_assert(rec->line >= 2);
	for (size_t i = 0; i < rec->nfields; i++) {
		cr_assert(utf8_ok(rec->fields[i].value));
		cr_assert(rec->fields[i].line >= rec->line);
	}
	return 0;
}

Test(csv_reader, random_input_never_crashes)
{
	static const char alphabet[] = "\"\";;,,\r\n\n ab\xE9\x81\xC3\xA9=|";
	uint32_t st = 2463534242u;
	char buf[300];
	FILE *null = fopen("/dev/null", "w");
	struct diag d = { .out = null };

	for (int iter = 0; iter < 5000; iter++) {
		struct fuzz_ctx c = { 0 };
		size_t n = rnd(&st) % sizeof(buf), o = 0;
		int rc;

		if (iter % 2) {
			o = strlen("id;naam;omschrijving\n");
			memcpy(buf, "id;naam;omschrijving\n", o);
		}
		for (; o < n; o++)
			buf[o] = alphabet[rnd(&st) % (sizeof(alphabet) - 1)];
		if (iter % 97 == 0 && n > 0)
			buf[rnd(&st) % n] = '\0';
		rc = csv_read_mem("fuzz.csv", buf, n, &d, fuzz_check, &c);
		cr_assert(rc == 0 || rc == -1, "rc %d", rc);
	}
	fclose(null);
}

/* Adds v as an RFC 4180 quoted field. */
static void
sb_quoted(struct sb *b, const char *v)
{
	sb_str(b, "\"");
	for (; *v; v++) {
		if (*v == '"')
			sb_str(b, "\"");
		sb_add(b, v, 1);
	}
	sb_str(b, "\"");
}

/* Random values of id, naam and omschrijving (with quotes, delimiters, line
 * breaks and UTF-8), written per RFC 4180, read back unchanged (R11). */
static void
random_value(uint32_t *st, char *out, size_t i, int k)
{
	static const char alphabet[] = "ab ;,\"\n\xC3|=-";
	size_t len = rnd(st) % 8, w = 0;

	if (k == 0)
		w = (size_t)snprintf(out, 24, "r%zu", i);
	for (size_t j = 0; k != 0 && j < len; j++) {
		char ch = alphabet[rnd(st) % (sizeof(alphabet) - 1)];
		out[w++] = ch;
		if (ch == '\xC3')
			out[w++] = '\xA9';
	}
	out[w] = '\0';
}

Test(csv_reader, roundtrip_random_records)
{
	static const char *const names[3] = { "id", "naam", "omschrijving" };
	uint32_t st = 88172645u;

	for (int iter = 0; iter < 300; iter++) {
		char vals[20][3][24];
		struct sb b = { 0 };
		struct run t = { 0 };
		char delim = iter % 2 ? ';' : ',';
		const char *eol = iter % 3 ? "\r\n" : "\n";
		size_t nrec = 1 + rnd(&st) % 20;

		sb_fmt(&b, "id%cnaam%comschrijving%s", delim, delim, eol);
		for (size_t i = 0; i < nrec; i++) {
			for (int k = 0; k < 3; k++) {
				random_value(&st, vals[i][k], i, k);
				if (k == 0) {
					sb_str(&b, vals[i][k]);
					continue;
				}
				sb_add(&b, &delim, 1);
				sb_quoted(&b, vals[i][k]);
			}
			if (i + 1 < nrec || iter % 5)
				sb_str(&b, eol);
		}
		run_memn(&t, b.s, b.n);
		free(b.s);
		cr_assert_eq(t.rc, 0);
		cr_assert_eq(t.n, nrec);
		for (size_t i = 0; i < nrec; i++) {
			cr_assert_null(t.r[i].error);
			for (int k = 0; k < 3; k++)
				cr_assert_str_eq(val(&t.r[i], names[k]), vals[i][k],
				                 "iter %d rec %zu field %d", iter, i, k);
		}
		run_done(&t);
	}
}
