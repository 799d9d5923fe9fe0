/*
 * vocab.c - loading and looking up the vocabularies; see vocab.h.
 *
 * The three files are small RFC 4180 CSV texts (delimiter ',', fields
 * quoted with '"', "" inside quotes, CRLF or LF, optional UTF-8 BOM) with
 * a header row; columns are found by their header name. A struct vocab
 * owns all its strings and arrays; vocab_free() releases them. The CSV
 * rows parsed on the way are freed before loading returns.
 */
#include "vocab.h"

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <utf8proc.h>

#include "textutil.h"

/* Defined in builtin_data.c (assembly .incbin of schema/). */
extern const char sk_builtin_themas_csv[];
extern const char sk_builtin_doelgroepen_csv[];
extern const char sk_builtin_gebieden_csv[];

/* Upper bound for one vocabulary file; the real ones are a few KiB. */
#define VOCAB_MAX_BYTES (4u << 20)

/* ---- a tiny CSV reader -------------------------------------------------- */

struct csv_row {
	char **f;
	size_t n, cap;
	long line;
};

struct csv_table {
	struct csv_row *rows;
	size_t n, cap;
};

static void
set_err(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
set_err(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (err == NULL || errlen == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

static void
table_free(struct csv_table *t)
{
	for (size_t i = 0; i < t->n; i++) {
		for (size_t j = 0; j < t->rows[i].n; j++)
			free(t->rows[i].f[j]);
		free(t->rows[i].f);
	}
	free(t->rows);
	memset(t, 0, sizeof(*t));
}

static struct csv_row *
table_new_row(struct csv_table *t, long line)
{
	if (t->n == t->cap) {
		size_t ncap = t->cap ? t->cap * 2 : 32;
		struct csv_row *nr = realloc(t->rows, ncap * sizeof(*nr));

		if (nr == NULL)
			return NULL;
		t->rows = nr;
		t->cap = ncap;
	}
	memset(&t->rows[t->n], 0, sizeof(t->rows[t->n]));
	t->rows[t->n].line = line;
	return &t->rows[t->n++];
}

/* Appends s[0..n) to the row, with "" turned into " when unquote. */
static int
row_add_field(struct csv_row *r, const char *s, size_t n, int unquote)
{
	char *f, *p;

	if (r->n == r->cap) {
		size_t ncap = r->cap ? r->cap * 2 : 8;
		char **nf = realloc(r->f, ncap * sizeof(*nf));

		if (nf == NULL)
			return -1;
		r->f = nf;
		r->cap = ncap;
	}
	f = malloc(n + 1);
	if (f == NULL)
		return -1;
	p = f;
	for (size_t i = 0; i < n; i++) {
		*p++ = s[i];
		if (unquote && s[i] == '"')
			i++;	/* skip the second quote of "" */
	}
	*p = '\0';
	r->f[r->n++] = f;
	return 0;
}

/* Parses text into t. Empty lines are skipped. Returns 0, or -1 with a
 * message in err. */
static int
csv_parse(const char *text, const char *fname, struct csv_table *t,
          char *err, size_t errlen)
{
	const char *p = text;
	long line = 1;
	struct csv_row *row = NULL;

	if ((unsigned char)p[0] == 0xEF && (unsigned char)p[1] == 0xBB &&
	    (unsigned char)p[2] == 0xBF)
		p += 3;
	while (*p != '\0') {
		const char *start;
		long qline = line;

		if (row == NULL) {
			if (*p == '\n' || *p == '\r') {		/* empty line */
				if (*p == '\r' && p[1] == '\n')
					p++;
				p++;
				line++;
				continue;
			}
			row = table_new_row(t, line);
			if (row == NULL)
				goto nomem;
		}
		if (*p == '"') {
			start = ++p;
			for (;;) {
				if (*p == '\0') {
					set_err(err, errlen, "%s:%ld: aanhalingsteken "
					    "wordt niet gesloten", fname, qline);
					return -1;
				}
				if (*p == '"') {
					if (p[1] != '"')
						break;
					p++;
				} else if (*p == '\n') {
					line++;
				}
				p++;
			}
			if (row_add_field(row, start, (size_t)(p - start), 1) < 0)
				goto nomem;
			p++;	/* closing quote */
			if (*p != ',' && *p != '\n' && *p != '\r' && *p != '\0') {
				set_err(err, errlen, "%s:%ld: tekst na een "
				    "aanhalingsteken", fname, line);
				return -1;
			}
		} else {
			start = p;
			while (*p != ',' && *p != '\n' && *p != '\r' &&
			    *p != '\0')
				p++;
			if (row_add_field(row, start, (size_t)(p - start), 0) < 0)
				goto nomem;
		}
		if (*p == ',') {
			p++;
			if (*p == '\0' || *p == '\n' || *p == '\r') {
				/* a last, empty field */
				if (row_add_field(row, "", 0, 0) < 0)
					goto nomem;
			}
		}
		if (*p == '\r' || *p == '\n') {
			if (*p == '\r' && p[1] == '\n')
				p++;
			p++;
			line++;
			row = NULL;
		}
	}
	return 0;
nomem:
	set_err(err, errlen, "%s: geen geheugen meer", fname);
	return -1;
}

/* ---- building the vocabulary -------------------------------------------- */

/* Index of the column named name in the header row, or -1. */
static int
column(const struct csv_row *hdr, const char *name)
{
	for (size_t i = 0; i < hdr->n; i++) {
		size_t len;
		const char *h = text_trim_span(hdr->f[i], strlen(hdr->f[i]), &len);

		if (len == strlen(name) && ascii_ncasecmp(h, name, len) == 0)
			return (int)i;
	}
	return -1;
}

/* A trimmed copy of row field col ("" when col < 0). */
static char *
cell(const struct csv_row *r, int col)
{
	return text_trim_dup(col < 0 ? "" : r->f[col]);
}

/* Parses text, checks the header has every column in need[] (NULL
 * ended) and every row as many fields as the header and valid UTF-8,
 * and stores the column indexes of want[] (NULL ended) in cols[]. */
static int
load_table(const char *text, const char *fname, const char *const *need,
           const char *const *want, int *cols, struct csv_table *t,
           char *err, size_t errlen)
{
	const struct csv_row *hdr;

	if (csv_parse(text, fname, t, err, errlen) < 0)
		return -1;
	if (t->n == 0) {
		set_err(err, errlen, "%s: het bestand is leeg", fname);
		return -1;
	}
	hdr = &t->rows[0];
	for (size_t i = 0; need[i] != NULL; i++) {
		if (column(hdr, need[i]) < 0) {
			set_err(err, errlen, "%s:1: kolom %s ontbreekt", fname,
			    need[i]);
			return -1;
		}
	}
	for (size_t i = 0; want[i] != NULL; i++)
		cols[i] = column(hdr, want[i]);
	for (size_t i = 1; i < t->n; i++) {
		const struct csv_row *r = &t->rows[i];

		if (r->n != hdr->n) {
			set_err(err, errlen, "%s:%ld: %zu velden, de kop heeft "
			    "er %zu", fname, r->line, r->n, hdr->n);
			return -1;
		}
		for (size_t j = 0; j < r->n; j++) {
			if (!utf8_valid(r->f[j], strlen(r->f[j]))) {
				set_err(err, errlen, "%s:%ld: tekst is geen "
				    "geldige UTF-8", fname, r->line);
				return -1;
			}
		}
	}
	return 0;
}

static void
entries_free(struct vocab_entry *e, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(e[i].code);
		free(e[i].naam);
		free(e[i].omschrijving);
	}
	free(e);
}

static void
gemeenten_free(struct gemeente_entry *g, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(g[i].code);
		free(g[i].naam);
		free(g[i].regio);
		free(g[i].provincie);
	}
	free(g);
}

/* themas.csv / doelgroepen.csv: code, naam[, omschrijving]. */
static int
load_entries(const char *text, const char *fname, struct vocab_entry **out,
             size_t *nout, char *err, size_t errlen)
{
	static const char *const need[] = { "code", "naam", NULL };
	static const char *const want[] = { "code", "naam", "omschrijving",
	    NULL };
	struct csv_table t = { NULL, 0, 0 };
	struct vocab_entry *e = NULL;
	size_t n = 0;
	int cols[3];

	if (load_table(text, fname, need, want, cols, &t, err, errlen) < 0)
		goto fail;
	e = calloc(t.n, sizeof(*e));
	if (e == NULL)
		goto nomem;
	for (size_t i = 1; i < t.n; i++, n++) {
		const struct csv_row *r = &t.rows[i];

		e[n].code = cell(r, cols[0]);
		e[n].naam = cell(r, cols[1]);
		e[n].omschrijving = cell(r, cols[2]);
		if (!e[n].code || !e[n].naam || !e[n].omschrijving) {
			n++;
			goto nomem;
		}
		if (e[n].code[0] == '\0' || e[n].naam[0] == '\0') {
			set_err(err, errlen, "%s:%ld: code of naam is leeg",
			    fname, r->line);
			n++;
			goto fail;
		}
		for (size_t j = 0; j < n; j++) {
			if (ascii_casecmp(e[j].code, e[n].code) == 0) {
				set_err(err, errlen, "%s:%ld: code %s komt "
				    "twee keer voor", fname, r->line, e[n].code);
				n++;
				goto fail;
			}
		}
	}
	table_free(&t);
	*out = e;
	*nout = n;
	return 0;
nomem:
	set_err(err, errlen, "%s: geen geheugen meer", fname);
fail:
	entries_free(e, n);
	table_free(&t);
	return -1;
}

static int
gm_code_valid(const char *s)
{
	if (strlen(s) != 6 || ascii_ncasecmp(s, "GM", 2) != 0)
		return 0;
	for (int i = 2; i < 6; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return 1;
}

/* gebieden.csv: gemeentecode, gemeente[, regio, provincie]. */
static int
load_gemeenten(const char *text, const char *fname,
               struct gemeente_entry **out, size_t *nout, char *err,
               size_t errlen)
{
	static const char *const need[] = { "gemeentecode", "gemeente", NULL };
	static const char *const want[] = { "gemeentecode", "gemeente",
	    "regio", "provincie", NULL };
	struct csv_table t = { NULL, 0, 0 };
	struct gemeente_entry *g = NULL;
	size_t n = 0;
	int cols[4];

	if (load_table(text, fname, need, want, cols, &t, err, errlen) < 0)
		goto fail;
	g = calloc(t.n, sizeof(*g));
	if (g == NULL)
		goto nomem;
	for (size_t i = 1; i < t.n; i++, n++) {
		const struct csv_row *r = &t.rows[i];

		g[n].code = cell(r, cols[0]);
		g[n].naam = cell(r, cols[1]);
		g[n].regio = cell(r, cols[2]);
		g[n].provincie = cell(r, cols[3]);
		if (!g[n].code || !g[n].naam || !g[n].regio || !g[n].provincie) {
			n++;
			goto nomem;
		}
		if (!gm_code_valid(g[n].code) || g[n].naam[0] == '\0') {
			set_err(err, errlen, "%s:%ld: geen geldige "
			    "gemeentecode of naam", fname, r->line);
			n++;
			goto fail;
		}
		g[n].code[0] = 'G';
		g[n].code[1] = 'M';
		for (size_t j = 0; j < n; j++) {
			if (strcmp(g[j].code, g[n].code) == 0) {
				set_err(err, errlen, "%s:%ld: code %s komt "
				    "twee keer voor", fname, r->line, g[n].code);
				n++;
				goto fail;
			}
		}
	}
	table_free(&t);
	*out = g;
	*nout = n;
	return 0;
nomem:
	set_err(err, errlen, "%s: geen geheugen meer", fname);
fail:
	gemeenten_free(g, n);
	table_free(&t);
	return -1;
}

int
vocab_load_mem(struct vocab *v, const char *themas_csv,
               const char *doelgroepen_csv, const char *gebieden_csv,
               char *err, size_t errlen)
{
	memset(v, 0, sizeof(*v));
	if (load_entries(themas_csv, "themas.csv", &v->themas, &v->nthemas,
	    err, errlen) < 0)
		goto fail;
	if (load_entries(doelgroepen_csv, "doelgroepen.csv", &v->doelgroepen,
	    &v->ndoelgroepen, err, errlen) < 0)
		goto fail;
	if (load_gemeenten(gebieden_csv, "gebieden.csv", &v->gemeenten,
	    &v->ngemeenten, err, errlen) < 0)
		goto fail;
	return 0;
fail:
	vocab_free(v);
	return -1;
}

/* Reads DIR/NAME whole into a NUL-ended heap string (caller frees). */
static char *
read_file(const char *dir, const char *name, char *err, size_t errlen)
{
	char path[4096];
	FILE *f = NULL;
	char *buf = NULL;
	size_t len = 0;
	int n;

	n = snprintf(path, sizeof(path), "%s/%s", dir, name);
	if (n < 0 || (size_t)n >= sizeof(path)) {
		set_err(err, errlen, "%s/%s: pad is te lang", dir, name);
		return NULL;
	}
	f = fopen(path, "rb");
	if (f == NULL)
		goto ioerr;
	buf = malloc(VOCAB_MAX_BYTES + 1);
	if (buf == NULL) {
		set_err(err, errlen, "%s: geen geheugen meer", path);
		goto fail;
	}
	len = fread(buf, 1, VOCAB_MAX_BYTES + 1, f);
	if (ferror(f))
		goto ioerr;
	if (len > VOCAB_MAX_BYTES) {
		set_err(err, errlen, "%s: bestand is te groot", path);
		goto fail;
	}
	if (memchr(buf, '\0', len) != NULL) {
		set_err(err, errlen, "%s: bestand is geen tekst", path);
		goto fail;
	}
	buf[len] = '\0';
	fclose(f);
	return buf;
ioerr:
	set_err(err, errlen, "%s: kan niet lezen: %s", path, strerror(errno));
fail:
	if (f != NULL)
		fclose(f);
	free(buf);
	return NULL;
}

int
vocab_load_dir(struct vocab *v, const char *dir, char *err, size_t errlen)
{
	char *th = NULL, *dg = NULL, *gb = NULL;
	int rc = -1;

	memset(v, 0, sizeof(*v));
	th = read_file(dir, "themas.csv", err, errlen);
	if (th == NULL)
		goto done;
	dg = read_file(dir, "doelgroepen.csv", err, errlen);
	if (dg == NULL)
		goto done;
	gb = read_file(dir, "gebieden.csv", err, errlen);
	if (gb == NULL)
		goto done;
	rc = vocab_load_mem(v, th, dg, gb, err, errlen);
done:
	free(th);
	free(dg);
	free(gb);
	return rc;
}

int
vocab_load_builtin(struct vocab *v, char *err, size_t errlen)
{
	return vocab_load_mem(v, sk_builtin_themas_csv,
	    sk_builtin_doelgroepen_csv, sk_builtin_gebieden_csv, err, errlen);
}

void
vocab_free(struct vocab *v)
{
	entries_free(v->themas, v->nthemas);
	entries_free(v->doelgroepen, v->ndoelgroepen);
	gemeenten_free(v->gemeenten, v->ngemeenten);
	memset(v, 0, sizeof(*v));
}

/* ---- lookups ------------------------------------------------------------ */

/* Lower case of the character at s[0..n) in *cp; returns its size, or 0
 * for an invalid sequence. */
static size_t
lower_char(const char *s, size_t n, utf8proc_int32_t *cp)
{
	unsigned char c = (unsigned char)*s;
	utf8proc_ssize_t k;

	if (c < 0x80) {
		*cp = c >= 'A' && c <= 'Z' ? c + 32 : c;
		return 1;
	}
	k = utf8proc_iterate((const utf8proc_uint8_t *)s, (utf8proc_ssize_t)n,
	    cp);
	if (k <= 0)
		return 0;
	*cp = utf8proc_tolower(*cp);
	return (size_t)k;
}

/* 1 when the NUL-ended word equals s[0..n) ignoring case, also of
 * letters outside ASCII ("CLIËNTONDERSTEUNING" is "cliëntondersteuning"). */
static int
same_word(const char *word, const char *s, size_t n)
{
	size_t wn, i = 0, j = 0;

	/* ASCII, by far the most common, byte by byte */
	while (j < n && (unsigned char)word[i] < 0x80 &&
	    (unsigned char)s[j] < 0x80) {
		unsigned char a = (unsigned char)word[i], b = (unsigned char)s[j];

		if (a == '\0' || (a >= 'A' && a <= 'Z' ? a + 32 : a) !=
		    (b >= 'A' && b <= 'Z' ? b + 32 : b))
			return 0;
		i++;
		j++;
	}
	if (j == n)
		return word[i] == '\0';
	wn = i + strlen(word + i);
	while (i < wn && j < n) {
		utf8proc_int32_t a, b;
		size_t ka = lower_char(word + i, wn - i, &a);
		size_t kb = lower_char(s + j, n - j, &b);

		if (ka == 0 || kb == 0 || a != b)
			return 0;
		i += ka;
		j += kb;
	}
	return i == wn && j == n;
}

static const struct vocab_entry *
find_entry(const struct vocab_entry *e, size_t n, const char *s)
{
	size_t len;
	const char *t = text_trim_span(s, strlen(s), &len);

	for (size_t i = 0; i < n; i++)
		if (same_word(e[i].code, t, len))
			return &e[i];
	for (size_t i = 0; i < n; i++)
		if (same_word(e[i].naam, t, len))
			return &e[i];
	return NULL;
}

const struct vocab_entry *
vocab_thema(const struct vocab *v, const char *s)
{
	return find_entry(v->themas, v->nthemas, s);
}

const struct vocab_entry *
vocab_doelgroep(const struct vocab *v, const char *s)
{
	return find_entry(v->doelgroepen, v->ndoelgroepen, s);
}

const struct gemeente_entry *
vocab_gemeente(const struct vocab *v, const char *s)
{
	size_t len;
	const char *t = text_trim_span(s, strlen(s), &len);

	for (size_t i = 0; i < v->ngemeenten; i++)
		if (same_word(v->gemeenten[i].code, t, len))
			return &v->gemeenten[i];
	for (size_t i = 0; i < v->ngemeenten; i++)
		if (same_word(v->gemeenten[i].naam, t, len))
			return &v->gemeenten[i];
	return NULL;
}
