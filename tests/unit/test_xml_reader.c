/*
 * test_xml_reader.c - Criterion tests for indexer/xml_reader.c (suite
 * "xml_reader"): records, fields and line numbers; HTML in omschrijving;
 * unknown elements; hostile input (XXE, entity bombs, XInclude, deep
 * nesting, huge fields); encodings; the real corpus files.
 *
 * Fixtures live in tests/data/xml/ and fixtures/corpus/ (paths relative
 * to the repository root, where the tests run). Large or hostile inputs
 * are generated in memory. Each test owns its struct run and frees it.
 */
#include <criterion/criterion.h>
#include <criterion/redirect.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "diag.h"
#include "record.h"
#include "xml_reader.h"

#define DATA "tests/data/xml/"

/* A deep copy of one record as the callback saw it. */
struct fld {
	char *name, *value;
	long line;
};

struct rec {
	char *file, *id, *error;
	long line;
	int multi_joined, html_allowed;
	struct fld *f;
	size_t nf;
};

/* Everything one reader call produced. */
struct run {
	struct diag d;
	FILE *out;
	char *msgs;          /* all diag output */
	size_t msgs_len;
	struct rec *recs;
	size_t n, cap;
	size_t stop_at;      /* callback returns -1 on this call (1-based) */
	int rc;
};

static char *
xstrdup(const char *s)
{
	char *p;

	if (s == NULL)
		return NULL;
	p = strdup(s);
	cr_assert_not_null(p);
	return p;
}

static int
collect(const struct raw_record *r, void *ctx)
{
	struct run *run = ctx;
	struct rec *c;

	if (run->n == run->cap) {
		run->cap = run->cap ? run->cap * 2 : 16;
		run->recs = realloc(run->recs, run->cap * sizeof(*run->recs));
		cr_assert_not_null(run->recs);
	}
	c = &run->recs[run->n++];
	c->file = xstrdup(r->file);
	c->id = xstrdup(r->id);
	c->error = xstrdup(r->error);
	c->line = r->line;
	c->multi_joined = r->multi_joined;
	c->html_allowed = r->html_allowed;
	c->nf = r->nfields;
	c->f = calloc(r->nfields + 1, sizeof(*c->f));
	cr_assert_not_null(c->f);
	for (size_t i = 0; i < r->nfields; i++) {
		c->f[i].name = xstrdup(r->fields[i].name);
		c->f[i].value = xstrdup(r->fields[i].value);
		c->f[i].line = r->fields[i].line;
	}
	return run->stop_at != 0 && run->n == run->stop_at ? -1 : 0;
}

static void
run_begin(struct run *run)
{
	run->out = open_memstream(&run->msgs, &run->msgs_len);
	cr_assert_not_null(run->out);
	run->d.out = run->out;
}

static void
run_end(struct run *run)
{
	fclose(run->out);
	run->out = NULL;
}

static void
run_mem(struct run *run, const char *name, const char *buf, size_t len)
{
	run_begin(run);
	run->rc = xml_read_mem(name, buf, len, &run->d, collect, run);
	run_end(run);
}

static void
run_str(struct run *run, const char *xml)
{
	run_mem(run, "test.xml", xml, strlen(xml));
}

static char *
slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long n;

	cr_assert_not_null(f, "cannot open %s", path);
	cr_assert_eq(fseek(f, 0, SEEK_END), 0);
	n = ftell(f);
	cr_assert_geq(n, 0);
	rewind(f);
	buf = malloc((size_t)n + 1);
	cr_assert_not_null(buf);
	cr_assert_eq(fread(buf, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	buf[n] = '\0';
	*len = (size_t)n;
	return buf;
}

/* Reads a fixture file through xml_read_mem, named by its path. */
static void
run_fixture(struct run *run, const char *path)
{
	size_t len;
	char *buf = slurp(path, &len);

	run_mem(run, path, buf, len);
	free(buf);
}

static void
run_free(struct run *run)
{
	for (size_t i = 0; i < run->n; i++) {
		struct rec *c = &run->recs[i];

		for (size_t j = 0; j < c->nf; j++) {
			free(c->f[j].name);
			free(c->f[j].value);
		}
		free(c->f);
		free(c->file);
		free(c->id);
		free(c->error);
	}
	free(run->recs);
	free(run->msgs);
}

/* The nth (0-based) value of field name in r, or NULL. */
static const struct fld *
field(const struct rec *r, const char *name, int nth)
{
	for (size_t i = 0; i < r->nf; i++)
		if (strcmp(r->f[i].name, name) == 0 && nth-- == 0)
			return &r->f[i];
	return NULL;
}

static const char *
value(const struct rec *r, const char *name, int nth)
{
	const struct fld *f = field(r, name, nth);

	return f != NULL ? f->value : NULL;
}

static const char *
msgs(const struct run *run)
{
	return run->msgs != NULL ? run->msgs : "";
}

/* The file was rejected once, with a message containing want. */
static void
assert_rejected(const struct run *run, const char *want)
{
	cr_assert_eq(run->rc, -1, "rc %d, messages: %s", run->rc, msgs(run));
	cr_assert_eq(run->d.rejected, 1);
	cr_assert_not_null(strstr(msgs(run), want), "want \"%s\" in: %s", want,
	    msgs(run));
	cr_assert_not_null(strstr(msgs(run), ": error: "));
}

/* No record and no message contains s. */
static void
assert_nowhere(const struct run *run, const char *s)
{
	cr_assert_null(strstr(msgs(run), s), "leaked in messages: %s", s);
	for (size_t i = 0; i < run->n; i++)
		for (size_t j = 0; j < run->recs[i].nf; j++)
			cr_assert_null(strstr(run->recs[i].f[j].value, s),
			    "leaked in a field: %s", s);
}

/* A buffer of n pieces of s between head and tail. */
static char *
repeat(const char *head, const char *s, size_t n, const char *tail,
       size_t *len)
{
	size_t hl = strlen(head), sl = strlen(s), tl = strlen(tail);
	char *buf = malloc(hl + sl * n + tl + 1), *p = buf;

	cr_assert_not_null(buf);
	memcpy(p, head, hl);
	p += hl;
	for (size_t i = 0; i < n; i++, p += sl)
		memcpy(p, s, sl);
	memcpy(p, tail, tl + 1);
	*len = hl + sl * n + tl;
	return buf;
}

static void
setup(void)
{
	xml_reader_init();
}

TestSuite(xml_reader, .init = setup);

/* ---- records, fields, lines ---------------------------------------------- */

Test(xml_reader, spec_example)
{
	struct run run = { 0 };
	const struct rec *r;

	run_fixture(&run, DATA "voorbeeld.xml");
	cr_assert_eq(run.rc, 0, "%s", msgs(&run));
	cr_assert_eq(run.n, 3);
	cr_assert_str_empty(msgs(&run));

	r = &run.recs[0];
	cr_assert_str_eq(r->file, DATA "voorbeeld.xml");
	cr_assert_str_eq(r->id, "vb-001");
	cr_assert_eq(r->line, 3);
	cr_assert_null(r->error);
	cr_assert_eq(r->multi_joined, 0);
	cr_assert_eq(r->html_allowed, 1);
	cr_assert_eq(r->nf, 27);
	cr_assert_str_eq(r->f[0].name, "naam");
	cr_assert_str_eq(r->f[0].value, "Buurtkamer De Kruiskamp");
	cr_assert_eq(r->f[0].line, 4);
	cr_assert_str_eq(value(r, "omschrijving", 0),
	    "<p>In de buurtkamer is iedereen welkom voor een kop koffie en een "
	    "praatje.\nVrijwilligers uit de buurt zetten de koffie klaar. Zin "
	    "om mee te helpen? Loop gerust binnen.</p>");
	cr_assert_eq(field(r, "omschrijving", 0)->line, 6);
	cr_assert_str_eq(value(r, "doelgroep", 0), "ouderen");
	cr_assert_str_eq(value(r, "doelgroep", 1), "eenzamen");
	cr_assert_null(value(r, "doelgroep", 2));
	cr_assert_str_eq(value(r, "wijk", 0), "WK030712=Kruiskamp");
	cr_assert_eq(field(r, "wijk", 0)->line, 16);
	cr_assert_str_eq(value(r, "gecontroleerd", 0), "2026-10-12");
	cr_assert_eq(field(r, "gecontroleerd", 0)->line, 31);

	r = &run.recs[1];
	cr_assert_str_eq(r->id, "vb-002");
	cr_assert_eq(r->line, 33);
	cr_assert_eq(r->nf, 18);
	cr_assert_str_eq(value(r, "wachttijd-dagen", 0), "21");

	r = &run.recs[2];
	cr_assert_str_eq(r->id, "vb-003");
	cr_assert_eq(r->line, 53);
	cr_assert_str_eq(value(r, "omschrijving", 0), "Wandelen is gezond en "
	    "gezelliger met z'n tweeën. Wij koppelen u aan een vaste "
	    "wandelmaatje.");
	cr_assert_str_eq(value(r, "werkgebied", 1), "GM0351");
	run_free(&run);
}

Test(xml_reader, read_file_gives_same_as_mem)
{
	struct run run = { 0 };

	run_begin(&run);
	run.rc = xml_read_file(DATA "voorbeeld.xml", &run.d, collect, &run);
	run_end(&run);
	cr_assert_eq(run.rc, 0, "%s", msgs(&run));
	cr_assert_eq(run.n, 3);
	cr_assert_str_eq(run.recs[2].file, DATA "voorbeeld.xml");
	cr_assert_eq(run.recs[2].line, 53);
	run_free(&run);
}

/* A file of several read-ahead buffers (128 KiB each): records, values
 * and lines that cross a buffer's end come out as from memory. */
Test(xml_reader, large_file_gives_same_as_mem)
{
	struct run from_file = { 0 }, from_mem = { 0 };
	char path[] = "/tmp/sk-xml-large-XXXXXX";
	size_t cap = 4 << 20, len = 0;
	char *xml = malloc(cap);
	int fd, n = 1500;

	cr_assert_not_null(xml);
	len += (size_t)sprintf(xml + len, "<sociale-kaart>\n");
	for (int i = 0; i < n; i++) {
		int pad = 100 + (i * 53) % 1900;

		len += (size_t)sprintf(xml + len, "<aanbod id=\"r%d\">\n"
		    "<naam>Naam %d</naam>\n<omschrijving>", i, i);
		for (int k = 0; k < pad; k++)
			xml[len++] = k % 61 == 60 ? '\n' : (char)('a' + k % 26);
		len += (size_t)sprintf(xml + len, "</omschrijving>\n</aanbod>\n");
		cr_assert_lt(len + 4096, cap);
	}
	len += (size_t)sprintf(xml + len, "</sociale-kaart>\n");
	cr_assert_gt(len, (size_t)3 * 128 * 1024);
	cr_assert_geq(fd = mkstemp(path), 0);
	cr_assert_eq(write(fd, xml, len), (ssize_t)len);
	close(fd);

	run_begin(&from_file);
	from_file.rc = xml_read_file(path, &from_file.d, collect, &from_file);
	run_end(&from_file);
	unlink(path);
	run_mem(&from_mem, path, xml, len);
	cr_assert_eq(from_file.rc, 0, "%s", msgs(&from_file));
	cr_assert_eq(from_mem.rc, 0, "%s", msgs(&from_mem));
	cr_assert_eq(from_file.n, (size_t)n);
	cr_assert_eq(from_mem.n, (size_t)n);
	for (int i = 0; i < n; i++) {
		const struct rec *a = &from_file.recs[i], *b = &from_mem.recs[i];

		cr_assert_str_eq(a->id, b->id);
		cr_assert_eq(a->line, b->line, "record %d", i);
		cr_assert_str_eq(value(a, "omschrijving", 0),
		    value(b, "omschrijving", 0), "record %d", i);
	}
	run_free(&from_file);
	run_free(&from_mem);
	free(xml);
}

Test(xml_reader, missing_file_is_rejected)
{
	struct run run = { 0 };

	run_begin(&run);
	run.rc = xml_read_file(DATA "bestaat-niet.xml", &run.d, collect, &run);
	run_end(&run);
	assert_rejected(&run, "bestaat-niet.xml: error: kan het bestand niet "
	    "openen");
	run_free(&run);
}

Test(xml_reader, lines_of_multi_line_start_tags)
{
	struct run run = { 0 };
	const struct rec *r;

	/* Also: "<aanbod" inside a comment, a PI and CDATA is no tag. */
	run_fixture(&run, DATA "regels.xml");
	cr_assert_eq(run.rc, 0, "%s", msgs(&run));
	cr_assert_eq(run.n, 3);
	r = &run.recs[0];
	cr_assert_str_eq(r->id, "regel-1");
	cr_assert_eq(r->line, 6);
	cr_assert_eq(field(r, "naam", 0)->line, 9);
	cr_assert_str_eq(value(r, "naam", 0), "Start over regels");
	cr_assert_eq(field(r, "omschrijving", 0)->line, 11);
	cr_assert_str_eq(value(r, "omschrijving", 0),
	    "\n<aanbod id=\"ook-nep\">\n");
	cr_assert_eq(field(r, "soort", 0)->line, 14);
	cr_assert_eq(run.recs[1].line, 16);
	cr_assert_eq(field(&run.recs[1], "naam", 0)->line, 16);
	cr_assert_eq(run.recs[2].line, 19);
	cr_assert_eq(field(&run.recs[2], "naam", 0)->line, 20);
	run_free(&run);
}

Test(xml_reader, lines_with_crlf_and_cr)
{
	struct run run = { 0 };

	run_str(&run, "<sociale-kaart>\r\n<aanbod\r\nid=\"a\">\r\n"
	    "<naam>x</naam></aanbod>\r<aanbod id=\"b\"/>\n</sociale-kaart>\r\n");
	cr_assert_eq(run.rc, 0, "%s", msgs(&run));
	cr_assert_eq(run.n, 2);
	cr_assert_eq(run.recs[0].line, 2);
	cr_assert_eq(field(&run.recs[0], "naam", 0)->line, 4);
	cr_assert_eq(run.recs[1].line, 5);
	cr_assert_eq(run.recs[1].nf, 0);
	run_free(&run);
}

/* Many listings with CR LF, CR and LF line ends and long text lines, so
 * line ends (and CR LF pairs) fall on every position of libxml2's read
 * chunks: each record's line must still be exact. */
Test(xml_reader, lines_stay_exact_across_read_chunks)
{
	static const char *const ends[] = { "\r\n", "\r", "\n" };
	struct run run = { 0 };
	size_t cap = 1 << 20, len = 0;
	char *xml = malloc(cap);
	long line = 1, want[400];

	cr_assert_not_null(xml);
	len += (size_t)sprintf(xml + len, "<sociale-kaart>\n");
	line++;
	for (int i = 0; i < 400; i++) {
		const char *e = ends[i % 3];
		int pad = (i * 37) % 300;

		want[i] = line;
		len += (size_t)sprintf(xml + len, "<aanbod id=\"r%d\">%s<naam>",
		    i, e);
		line++;
		memset(xml + len, 'x', (size_t)pad);
		len += (size_t)pad;
		len += (size_t)sprintf(xml + len, "</naam>%s %s</aanbod>%s", e,
		    ends[(i + 1) % 3], e);
		line += 3;
		cr_assert_lt(len + 1024, cap);
	}
	sprintf(xml + len, "</sociale-kaart>\n");
	run_str(&run, xml);
	cr_assert_eq(run.rc, 0, "%s", msgs(&run));
	cr_assert_eq(run.n, 400);
	for (int i = 0; i < 400; i++)
		cr_expect_eq(run.recs[i].line, want[i], "record %d: line %ld, "
		    "want %ld", i, run.recs[i].line, want[i]);
	run_free(&run);
	free(xml);
}

/* Short CR LF lines only: some read chunk ends between a CR and its LF
 * (one chunk boundary in ten lands there), which must stay one line end. */
Test(xml_reader, crlf_split_by_a_read_chunk_is_one_line_end)
{
	struct run run = { 0 };
	size_t cap = 1 << 20, len = 0;
	char *xml = malloc(cap);
	int n = 3000;

	cr_assert_not_null(xml);
	len += (size_t)sprintf(xml + len, "<sociale-kaart>\r\n");
	for (int i = 0; i < n; i++) {
		len += (size_t)sprintf(xml + len, "<aanbod id=\"r%d\">\r\n<naam>",
		    i);
		memset(xml + len, 'x', (size_t)(i * 7) % 13);
		len += (size_t)(i * 7) % 13;
		len += (size_t)sprintf(xml + len, "</naam>\r\n</aanbod>\r\n");
		cr_assert_lt(len + 1024, cap);
	}
	sprintf(xml + len, "</sociale-kaart>\r\n");
	run_str(&run, xml);
	cr_assert_eq(run.rc, 0, "%s", msgs(&run));
	cr_assert_eq(run.n, (size_t)n);
	for (int i = 0; i < n; i++)
		cr_expect_eq(run.recs[i].line, 2 + 3 * i, "record %d: line %ld",
		    i, run.recs[i].line);
	run_free(&run);
	free(xml);
}

Test(xml_reader, missing_id_attribute)
{
	struct run run = { 0 };

	run_str(&run, "<sociale-kaart><aanbod><naam>Zonder id</naam></aanbod>"
	    "<aanbod id=\"\"><naam>Leeg id</naam></aanbod></sociale-kaart>");
	cr_assert_eq(run.rc, 0, "%s", msgs(&run));
	cr_assert_eq(run.n, 2);
	cr_assert_null(run.recs[0].id);
	cr_assert_str_eq(value(&run.recs[0], "naam", 0), "Zonder id");
	cr_assert_str_eq(run.recs[1].id, "");
	run_free(&run);
}

Test(xml_reader, empty_values_and_wijk_forms)
{
	struct run run = { 0 };
	const struct rec *r;

	run_str(&run, "<sociale-kaart><aanbod id=\"e\">"
	    "<naam></naam><organisatie/><samenvatting>  </samenvatting>"
	    "<wijk code=\"WK034403\">Overvecht</wijk><wijk>Zonder code</wijk>"
	    "<wijk code=\"WK030712\"/><naam>a &lt; b &amp; &#233;&#x20AC;</naam>"
	    "<adres>Straat <b>1</b></adres>"
	    "</aanbod></sociale-kaart>");
	cr_assert_eq(run.rc, 0, "%s", msgs(&run));
	cr_assert_eq(run.n, 1);
	r = &run.recs[0];
	cr_assert_str_eq(value(r, "naam", 0), "");
	cr_assert_str_eq(value(r, "organisatie", 0), "");
	cr_assert_str_eq(value(r, "samenvatting", 0), "  ");
	cr_assert_str_eq(value(r, "wijk", 0), "WK034403=Overvecht");
	cr_assert_str_eq(value(r, "wijk", 1), "=Zonder code");
	cr_assert_str_eq(value(r, "wijk", 2), "WK030712=");
	cr_assert_str_eq(value(r, "naam", 1), "a < b & é€");
	/* a field other than omschrijving keeps only the text */
	cr_assert_str_eq(value(r, "adres", 0), "Straat 1");
	run_free(&run);
}

Test(xml_reader, empty_root_and_other_nodes)
{
	struct run run = { 0 };

	run_str(&run, "<?xml version=\"1.0\"?>\n<!-- kop -->\n<?pi x?>\n"
	    "<sociale-kaart bron=\"x\" gegenereerd=\"2026-11-01\"/>\n"
	    "<!-- staart -->\n");
	cr_assert_eq(run.rc, 0, "%s", msgs(&run));
	cr_assert_eq(run.n, 0);
	cr_assert_str_empty(msgs(&run));
	run_free(&run);
}

/* The line scanner skips the inside of comments and CDATA to the first
 * byte of their closer: near-closers and line ends in there still count
 * right. */
Test(xml_reader, lines_after_comments_and_cdata_with_near_closers)
{
	struct run run = { 0 };

	run_str(&run, "<?xml version=\"1.0\"?>\n<!-- a - b -x- c\n- -\n-->\n"
	    "<sociale-kaart>\n<aanbod id=\"c1\"><omschrijving><![CDATA[x] y]]z\n"
	    "]\n]] ]\r\n<aanbod>]]]></omschrijving></aanbod>\n<!-- <aanbod - -->\n"
	    "<aanbod id=\"c2\"><naam>n</naam></aanbod>\n</sociale-kaart>\n");
	cr_assert_eq(run.rc, 0, "%s", msgs(&run));
	cr_assert_eq(run.n, 2);
	cr_assert_eq(run.recs[0].line, 6);
	cr_assert_str_eq(value(&run.recs[0], "omschrijving", 0),
	    "x] y]]z\n]\n]] ]\r\n<aanbod>]");   /* CR LF: listing_build's */
	cr_assert_eq(run.recs[1].line, 11);
	cr_assert_eq(field(&run.recs[1], "naam", 0)->line, 11);
	run_free(&run);
}

Test(xml_reader, callback_stop)
{
	struct run run = { .stop_at = 2 };

	run_fixture(&run, DATA "voorbeeld.xml");
	cr_assert_eq(run.rc, -2);
	cr_assert_eq(run.n, 2);
	cr_assert_eq(run.d.rejected, 0);
	run_free(&run);
}

/* ---- omschrijving -------------------------------------------------------- */

Test(xml_reader, omschrijving_cdata_escaped_and_xhtml)
{
	struct run run = { 0 };

	run_fixture(&run, DATA "omschrijving.xml");
	cr_assert_eq(run.rc, 0, "%s", msgs(&run));
	cr_assert_eq(run.n, 4);
	cr_assert_str_eq(value(&run.recs[0], "omschrijving", 0),
	    "<p>Koffie & thee</p>");
	cr_assert_str_eq(value(&run.recs[1], "omschrijving", 0),
	    "<p>Koffie &amp; thee</p>");
	cr_assert_str_eq(value(&run.recs[2], "omschrijving", 0),
	    "<p>Koffie &amp; <strong>thee</strong></p><ul><li>een</li>"
	    "<li>twee</li></ul><p>Zie <a href=\"https://example.nl/?a=1&amp;"
	    "b=&quot;2&quot;\">hier</a>.<br/>Klaar</p>");
	cr_assert_eq(field(&run.recs[2], "omschrijving", 0)->line, 13);
	cr_assert_str_eq(value(&run.recs[3], "naam", 0),
	    "Tekst met nadruk in de naam");
	cr_assert_str_eq(value(&run.recs[3], "omschrijving", 0),
	    "Gewone tekst, 5 > 3 é€");
	cr_assert_str_eq(value(&run.recs[3], "samenvatting", 0), "");
	cr_assert_str_eq(value(&run.recs[3], "organisatie", 0), "");
	run_free(&run);
}

Test(xml_reader, omschrijving_mixed_text_is_escaped)
{
	struct run run = { 0 };

	run_str(&run, "<sociale-kaart><aanbod id=\"m\"><omschrijving>"
	    "a &amp; b <![CDATA[<x>]]><p>c</p>\n<!-- weg --></omschrijving>"
	    "</aanbod></sociale-kaart>");
	cr_assert_eq(run.rc, 0, "%s", msgs(&run));
	cr_assert_str_eq(value(&run.recs[0], "omschrijving", 0),
	    "a &amp; b &lt;x&gt;<p>c</p>\n");
	run_free(&run);
}

/* ---- unknown elements ---------------------------------------------------- */

Test(xml_reader, unknown_elements_warn)
{
	struct run run = { 0 };
	const struct rec *r;

	run_fixture(&run, DATA "onbekend.xml");
	cr_assert_eq(run.rc, 0, "%s", msgs(&run));
	cr_assert_eq(run.n, 2, "the <aanbod> inside <kop> is skipped");
	/* the reader warns about the file's own unknown element; those of a
	 * listing go into its record, for the builder to warn about when it
	 * imports the listing (not when it skips it) */
	cr_assert_eq(run.d.warnings, 1);
	cr_assert_str_eq(msgs(&run),
	    DATA "onbekend.xml:3: warning: onbekend element <kop> genegeerd\n");
	r = &run.recs[0];
	cr_assert_str_eq(r->id, "onb-1");
	cr_assert_eq(r->nf, 5);
	cr_assert_str_eq(r->f[0].name, "naam");
	cr_assert_str_eq(r->f[1].name, "<xyz>");
	cr_assert_str_eq(r->f[1].value, "");
	cr_assert_eq(r->f[1].line, 6);
	cr_assert_str_eq(r->f[2].name, "<id>");
	cr_assert_eq(r->f[2].line, 8);
	cr_assert_str_eq(r->f[3].name, "wijk");
	cr_assert_str_eq(r->f[3].value, "=Zonder code");
	cr_assert_str_eq(r->f[4].name, "soort");
	cr_assert_null(run.recs[1].id);
	cr_assert_eq(run.recs[1].nf, 2);
	cr_assert_str_eq(run.recs[1].f[1].name, "<xyz>");
	cr_assert_eq(run.recs[1].f[1].line, 14);
	run_free(&run);
}

/* ---- hostile input ------------------------------------------------------- */

Test(xml_reader, xxe_file_is_rejected)
{
	struct run run = { 0 };

	run_fixture(&run, DATA "xxe_file.xml");
	assert_rejected(&run, "xxe_file.xml:2: error: bevat een DTD "
	    "(<!DOCTYPE>): niet toegestaan");
	cr_assert_eq(run.n, 0);
	assert_nowhere(&run, "root:");
	run_free(&run);
}

Test(xml_reader, xxe_canary_never_read)
{
	char path[] = "/tmp/sk_xml_canaryXXXXXX";
	char xml[512];
	const char secret[] = "KANARIE-7f3a9c";
	struct run run = { 0 };
	int fd = mkstemp(path);

	cr_assert_geq(fd, 0);
	cr_assert_eq(write(fd, secret, sizeof(secret) - 1),
	    (ssize_t)sizeof(secret) - 1);
	close(fd);
	snprintf(xml, sizeof(xml), "<?xml version=\"1.0\"?>\n"
	    "<!DOCTYPE sociale-kaart [<!ENTITY s SYSTEM \"file://%s\">]>\n"
	    "<sociale-kaart><aanbod id=\"c\"><naam>&s;</naam></aanbod>"
	    "</sociale-kaart>\n", path);
	run_str(&run, xml);
	unlink(path);
	assert_rejected(&run, "DTD");
	cr_assert_eq(run.n, 0);
	assert_nowhere(&run, secret);
	run_free(&run);
}

Test(xml_reader, xxe_http_is_rejected)
{
	struct run run = { 0 };

	run_fixture(&run, DATA "xxe_http.xml");
	assert_rejected(&run, "bevat een DTD");
	cr_assert_eq(run.n, 0);
	run_free(&run);
}

Test(xml_reader, parameter_entity_is_rejected)
{
	struct run run = { 0 };

	run_fixture(&run, DATA "xxe_parameter.xml");
	assert_rejected(&run, "bevat een DTD");
	cr_assert_eq(run.n, 0);
	assert_nowhere(&run, "root:");
	run_free(&run);
}

Test(xml_reader, external_dtd_is_rejected)
{
	struct run run = { 0 };

	run_fixture(&run, DATA "external_dtd.xml");
	assert_rejected(&run, "external_dtd.xml:2: error: bevat een DTD");
	cr_assert_eq(run.n, 0);
	assert_nowhere(&run, "root:");
	run_free(&run);
}

Test(xml_reader, billion_laughs_is_rejected)
{
	struct run run = { 0 };

	run_fixture(&run, DATA "billion_laughs.xml");
	assert_rejected(&run, "bevat een DTD");
	cr_assert_eq(run.n, 0);
	assert_nowhere(&run, "lollollol");
	run_free(&run);
}

Test(xml_reader, quadratic_blowup_is_rejected)
{
	struct run run = { 0 };
	size_t elen, len;
	char *ent = repeat("", "x", 100000, "", &elen);
	char *head = malloc(elen + 200);
	char *xml;

	cr_assert_not_null(head);
	snprintf(head, elen + 200, "<?xml version=\"1.0\"?>\n<!DOCTYPE "
	    "sociale-kaart [<!ENTITY a \"%s\">]>\n<sociale-kaart><aanbod "
	    "id=\"q\"><naam>", ent);
	xml = repeat(head, "&a;", 10000, "</naam></aanbod></sociale-kaart>\n",
	    &len);
	run_mem(&run, "quadratic.xml", xml, len);
	assert_rejected(&run, "quadratic.xml:2: error: bevat een DTD");
	cr_assert_eq(run.n, 0);
	free(xml);
	free(head);
	free(ent);
	run_free(&run);
}

Test(xml_reader, undeclared_entity_is_rejected)
{
	struct run run = { 0 };

	run_str(&run, "<sociale-kaart>\n<aanbod id=\"n\">\n"
	    "<naam>A&nbsp;B</naam></aanbod></sociale-kaart>");
	assert_rejected(&run, "test.xml:3: error: bevat een entiteit: niet "
	    "toegestaan");
	assert_rejected(&run, "Entity 'nbsp' not defined");
	run_free(&run);
}

Test(xml_reader, xinclude_2001_is_rejected)
{
	struct run run = { 0 };

	run_fixture(&run, DATA "xinclude_2001.xml");
	assert_rejected(&run, "xinclude_2001.xml:5: error: bevat XInclude "
	    "(<xi:include>): niet toegestaan");
	assert_nowhere(&run, "root:");
	run_free(&run);
}

Test(xml_reader, xinclude_2003_is_rejected)
{
	struct run run = { 0 };

	run_fixture(&run, DATA "xinclude_2003.xml");
	assert_rejected(&run, "xinclude_2003.xml:3: error: bevat XInclude");
	cr_assert_eq(run.n, 0);
	run_free(&run);
}

Test(xml_reader, deep_nesting_is_rejected)
{
	struct run run = { 0 };
	size_t hlen, len;
	char *head = repeat("<sociale-kaart><aanbod id=\"d\"><omschrijving>",
	    "<p>", 10000, "x", &hlen);
	char *xml = repeat(head, "</p>", 10000,
	    "</omschrijving></aanbod></sociale-kaart>", &len);

	run_mem(&run, "diep.xml", xml, len);
	assert_rejected(&run, "te diep in elkaar genest");
	cr_assert_eq(run.n, 0);
	free(xml);
	free(head);
	run_free(&run);
}

Test(xml_reader, truncated_file_is_rejected_with_line)
{
	struct run run = { 0 };

	run_fixture(&run, DATA "truncated.xml");
	assert_rejected(&run, "truncated.xml:9: error: het bestand houdt te "
	    "vroeg op");
	run_free(&run);
}

Test(xml_reader, broken_xml_is_rejected_with_line)
{
	struct run run = { 0 };

	run_str(&run, "<sociale-kaart>\n<aanbod id=\"x\">\n<naam>a</soort>\n"
	    "</aanbod>\n</sociale-kaart>\n");
	assert_rejected(&run, "test.xml:3: error: een eindtag past niet bij "
	    "de begintag (libxml2: Opening and ending tag mismatch");
	run_free(&run);
}

Test(xml_reader, content_after_root_is_rejected)
{
	struct run run = { 0 };

	run_str(&run, "<sociale-kaart>\n<aanbod id=\"x\"/>\n</sociale-kaart>\n"
	    "<aanbod id=\"y\"/>\n");
	assert_rejected(&run, "test.xml:4: error: na het einde van "
	    "<sociale-kaart> staat nog");
	run_free(&run);
}

Test(xml_reader, wrong_root_is_rejected)
{
	struct run run = { 0 };

	run_fixture(&run, DATA "verkeerde-wortel.xml");
	assert_rejected(&run, "verkeerde-wortel.xml:2: error: het eerste "
	    "element is <aanbod-lijst>; dat moet <sociale-kaart> zijn");
	cr_assert_eq(run.n, 0);
	run_free(&run);
}

Test(xml_reader, not_xml_empty_and_utf16_are_rejected)
{
	struct run run1 = { 0 }, run2 = { 0 }, run3 = { 0 }, run4 = { 0 };

	run_str(&run1, "id;naam\n1;Koffie\n");
	assert_rejected(&run1, "geen XML-bestand");
	run_str(&run2, "");
	assert_rejected(&run2, "het bestand is leeg");
	run_mem(&run3, "utf16.xml", "\xff\xfe<\0s\0/\0>\0", 10);
	assert_rejected(&run3, "UTF-16 wordt niet ondersteund");
	run_str(&run4, "<?xml version=\"1.0\" encoding=\"ISO-8859-15\"?>"
	    "<sociale-kaart/>");
	assert_rejected(&run4, "de codering \"ISO-8859-15\" wordt niet "
	    "ondersteund");
	run_free(&run1);
	run_free(&run2);
	run_free(&run3);
	run_free(&run4);
}

Test(xml_reader, field_of_5_mb_breaks_only_its_record)
{
	struct run run = { 0 };
	size_t len;
	char *xml = repeat("<sociale-kaart>\n<aanbod id=\"groot\"><naam>a</naam>"
	    "<omschrijving>", "0123456789", 512 * 1024, "</omschrijving>"
	    "<soort>informeel</soort></aanbod>\n<aanbod id=\"daarna\"><naam>b"
	    "</naam></aanbod>\n</sociale-kaart>\n", &len);

	run_mem(&run, "groot.xml", xml, len);
	cr_assert_eq(run.rc, 0, "%s", msgs(&run));
	cr_assert_eq(run.n, 2);
	cr_assert_str_eq(run.recs[0].id, "groot");
	cr_assert_str_eq(run.recs[0].error, "veld <omschrijving> is te lang "
	    "(meer dan 1 MB)");
	cr_assert_null(value(&run.recs[0], "omschrijving", 0));
	cr_assert_str_eq(value(&run.recs[0], "soort", 0), "informeel");
	cr_assert_str_eq(run.recs[1].id, "daarna");
	cr_assert_eq(run.recs[1].line, 3);
	cr_assert_null(run.recs[1].error);
	free(xml);
	run_free(&run);
}

Test(xml_reader, too_many_children_break_only_their_record)
{
	struct run run = { 0 };
	size_t len;
	char *xml = repeat("<sociale-kaart>\n<aanbod id=\"veel\">",
	    "<trefwoord>t</trefwoord><onbekend/>\n", 800,
	    "</aanbod>\n<aanbod id=\"daarna\"><naam>b</naam></aanbod>\n"
	    "</sociale-kaart>\n", &len);

	run_mem(&run, "veel.xml", xml, len);
	cr_assert_eq(run.rc, 0, "%s", msgs(&run));
	cr_assert_eq(run.n, 2);
	cr_assert_str_eq(run.recs[0].error, "te veel elementen in één <aanbod> "
	    "(meer dan 1000)");
	cr_assert_eq(run.d.warnings, 0, "a skipped record warns about nothing");
	size_t unknown = 0;
	for (size_t i = 0; i < run.recs[0].nf; i++)
		unknown += strcmp(run.recs[0].f[i].name, "<onbekend>") == 0;
	cr_assert_eq(unknown, 500, "unknown elements stop at the limit");
	cr_assert_null(run.recs[1].error);
	cr_assert_eq(run.recs[1].line, 803);
	free(xml);
	run_free(&run);
}

/* ---- encodings ----------------------------------------------------------- */

Test(xml_reader, iso_8859_1_is_read_as_windows_1252)
{
	struct run run = { 0 };

	run_fixture(&run, DATA "iso-8859-1.xml");
	cr_assert_eq(run.rc, 0, "%s", msgs(&run));
	cr_assert_eq(run.n, 1);
	cr_assert_str_eq(value(&run.recs[0], "naam", 0),
	    "caf\xc3\xa9 \xe2\x82\xac \xe2\x80\x9cx\xe2\x80\x9d");
	run_free(&run);
}

Test(xml_reader, windows_1252_declaration)
{
	struct run run = { 0 };

	run_fixture(&run, DATA "windows-1252.xml");
	cr_assert_eq(run.rc, 0, "%s", msgs(&run));
	cr_assert_str_eq(value(&run.recs[0], "naam", 0), "café € “x”");
	run_free(&run);
}

Test(xml_reader, windows_1252_undefined_byte_is_rejected)
{
	struct run run = { 0 };

	struct run run2 = { 0 };

	run_fixture(&run, DATA "windows-1252-undefined.xml");
	assert_rejected(&run, "windows-1252-undefined.xml:5: error: bevat de "
	    "byte 0x81; die is geen teken in de codering windows-1252\n");
	run_str(&run2, "<?xml version=\"1.0\" encoding=\"iso-8859-1\"?>\n"
	    "<sociale-kaart>\n\x9d</sociale-kaart>");
	assert_rejected(&run2, "test.xml:3: error: bevat de byte 0x9D; die is "
	    "geen teken in de codering windows-1252 (het bestand noemt "
	    "iso-8859-1; dat lezen we als windows-1252)");
	run_free(&run);
	run_free(&run2);
}

Test(xml_reader, undeclared_non_utf8_is_rejected)
{
	struct run run = { 0 };

	run_fixture(&run, DATA "undeclared-cp1252.xml");
	assert_rejected(&run, "undeclared-cp1252.xml:4: error: bevat tekst die "
	    "geen geldige UTF-8 is, en de XML-declaratie noemt geen andere "
	    "codering");
	cr_assert_eq(run.n, 0);
	run_free(&run);
}

Test(xml_reader, utf8_bom)
{
	struct run run = { 0 }, run2 = { 0 };

	run_fixture(&run, DATA "utf8-bom.xml");
	cr_assert_eq(run.rc, 0, "%s", msgs(&run));
	cr_assert_eq(run.recs[0].line, 3);
	cr_assert_str_eq(value(&run.recs[0], "naam", 0), "café € “x”");
	/* the BOM wins over a declared windows-1252 */
	run_fixture(&run2, DATA "utf8-bom-declared-1252.xml");
	cr_assert_eq(run2.rc, 0, "%s", msgs(&run2));
	cr_assert_str_eq(value(&run2.recs[0], "naam", 0), "café € “x”");
	run_free(&run);
	run_free(&run2);
}

static void
setup_quiet(void)
{
	xml_reader_init();
	cr_redirect_stderr();
}

Test(xml_reader, libxml2_prints_nothing_itself, .init = setup_quiet)
{
	static const char *const files[] = {
		DATA "windows-1252-undefined.xml", DATA "undeclared-cp1252.xml",
		DATA "xxe_file.xml", DATA "billion_laughs.xml",
		DATA "truncated.xml", DATA "xinclude_2001.xml",
	};

	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		struct run run = { 0 };

		run_fixture(&run, files[i]);
		cr_assert_eq(run.rc, -1, "%s", files[i]);
		run_free(&run);
	}
	fflush(stderr);
	cr_assert_stderr_eq_str("");
}

/* ---- real exports -------------------------------------------------------- */

static void
check_corpus(const char *path, size_t want)
{
	struct run run = { 0 };
	size_t len;
	char *buf = slurp(path, &len);
	long prev = 0;

	run_mem(&run, path, buf, len);
	cr_assert_eq(run.rc, 0, "%s", msgs(&run));
	cr_assert_str_empty(msgs(&run));
	cr_assert_eq(run.n, want);
	for (size_t i = 0; i < run.n; i++) {
		const struct rec *r = &run.recs[i];
		char tag[128];
		const char *at;

		cr_assert_not_null(r->id);
		cr_assert_null(r->error);
		cr_assert_gt(r->line, prev);
		prev = r->line;
		/* the line really is the one of <aanbod id="..."> */
		snprintf(tag, sizeof(tag), "<aanbod id=\"%s\"", r->id);
		at = strstr(buf, tag);
		cr_assert_not_null(at);
		{
			long line = 1;

			for (const char *p = buf; p < at; p++)
				line += *p == '\n';
			cr_assert_eq(r->line, line, "%s", r->id);
		}
		cr_assert_not_null(value(r, "naam", 0), "%s", r->id);
		cr_assert_gt(field(r, "naam", 0)->line, r->line);
	}
	free(buf);
	run_free(&run);
}

Test(xml_reader, corpus_eemland)
{
	check_corpus("fixtures/corpus/eemland.xml", 93);
}

Test(xml_reader, corpus_utrecht)
{
	struct run run = { 0 };

	check_corpus("fixtures/corpus/utrecht.xml", 70);
	/* escaped HTML comes out as HTML */
	run_fixture(&run, "fixtures/corpus/utrecht.xml");
	cr_assert_eq(strncmp(value(&run.recs[0], "omschrijving", 0),
	    "<p>In de buurtkamer", 19), 0);
	run_free(&run);
}

/* libxml2 2.9 lets an overlong UTF-8 form through inside CDATA (found by
 * fuzz_xml); the reader must not pass it on. */
Test(xml_reader, overlong_utf8_in_cdata_is_rejected)
{
	struct run run = { 0 };

	run_str(&run, "<sociale-kaart>\n<aanbod id=\"a\"><naam>x</naam>\n"
	    "<omschrijving><![CDATA[\xc1\x9d]]></omschrijving></aanbod>\n"
	    "</sociale-kaart>\n");
	assert_rejected(&run, "test.xml:3: error: bevat tekst die geen geldige "
	    "UTF-8 is");
	run_free(&run);
}

/* ---- limits and records of xmlTextReader, kept by the SAX reader --------- */

/* xmlTextReader's tree builder refused a text node over 10 MB; a text
 * that a comment splits is two nodes. */
Test(xml_reader, text_node_over_10_mb_is_rejected)
{
	struct run run = { 0 }, run2 = { 0 };
	size_t len, len2;
	char *xml = repeat("<sociale-kaart>\n<aanbod id=\"a\"><naam>n</naam>"
	    "</aanbod>\n<aanbod id=\"b\"><omschrijving>", "0123456789",
	    1000001, "</omschrijving></aanbod>\n</sociale-kaart>\n", &len);
	char *head = repeat("<sociale-kaart>\n<aanbod id=\"b\"><omschrijving>",
	    "0123456789", 600000, "<!-- -->", &len2);
	char *xml2 = repeat(head, "0123456789", 600000, "</omschrijving>"
	    "</aanbod>\n</sociale-kaart>\n", &len2);

	run_mem(&run, "groot.xml", xml, len);
	assert_rejected(&run, "groot.xml:3: error: een tekst in het bestand is "
	    "te lang (meer dan 10 MB) (libxml2: xmlSAX2Characters: huge text "
	    "node)");
	cr_assert_eq(run.n, 1, "the record before it was passed on");
	run_mem(&run2, "gesplitst.xml", xml2, len2);
	cr_assert_eq(run2.rc, 0, "%s", msgs(&run2));
	cr_assert_eq(run2.n, 1);
	cr_assert_str_eq(run2.recs[0].error, "veld <omschrijving> is te lang "
	    "(meer dan 1 MB)");
	free(xml);
	free(head);
	free(xml2);
	run_free(&run);
	run_free(&run2);
}

/* It also refused an xml:id that is no NCName or not unique. */
Test(xml_reader, xml_id_is_checked)
{
	struct run run = { 0 }, run2 = { 0 };

	run_str(&run, "<sociale-kaart>\n<aanbod id=\"a\" xml:id=\"1x\"/>\n"
	    "</sociale-kaart>\n");
	assert_rejected(&run, "test.xml:2: error: geen geldige XML (libxml2: "
	    "xml:id : attribute value 1x is not an NCName)");
	run_str(&run2, "<sociale-kaart>\n<aanbod id=\"a\" xml:id=\"x\"/>\n"
	    "<aanbod id=\"b\" xml:id=\"x\"/>\n</sociale-kaart>\n");
	assert_rejected(&run2, "test.xml:3: error: geen geldige XML (libxml2: "
	    "ID x already defined)");
	run_free(&run);
	run_free(&run2);
}

/* Entities in attribute values are decoded; in omschrijving the inner
 * markup keeps namespace declarations, prefixes and <x/> versus
 * <x></x>. */
Test(xml_reader, attributes_entities_and_namespaces)
{
	struct run run = { 0 };

	run_str(&run, "<sociale-kaart><aanbod id=\"a&amp;b&#38;c&#233;\">"
	    "<omschrijving><p:b xmlns:p=\"urn:p\" p:a=\"1&amp;2\" "
	    "c=\"&quot;&lt;\">t</p:b><br/><i></i></omschrijving>"
	    "<wijk p:code=\"nee\" xmlns:p=\"urn:p\" code=\"C&amp;D\">w</wijk>"
	    "</aanbod></sociale-kaart>");
	cr_assert_eq(run.rc, 0, "%s", msgs(&run));
	cr_assert_eq(run.n, 1);
	cr_assert_str_eq(run.recs[0].id, "a&b&c\xc3\xa9");
	cr_assert_str_eq(value(&run.recs[0], "omschrijving", 0),
	    "<p:b xmlns:p=\"urn:p\" p:a=\"1&amp;2\" c=\"&quot;&lt;\">t</p:b>"
	    "<br/><i></i>");
	cr_assert_str_eq(value(&run.recs[0], "wijk", 0), "C&D=w");
	run_free(&run);
}

/* Which records reach the callback before a file is rejected depends on
 * how far libxml2 had parsed: an error in the first 4 KB passes none
 * on, a later one those that xmlTextReader had handed out before it. */
Test(xml_reader, records_before_an_error)
{
	struct run run = { 0 }, run2 = { 0 };
	size_t len;
	char *xml = repeat("<sociale-kaart>\n", "<aanbod id=\"r\"><naam>x</naam>"
	    "</aanbod>\n", 300, "<aanbod id=\"f\"><naam>&nbsp;</naam></aanbod>\n"
	    "</sociale-kaart>\n", &len);

	run_str(&run, "<sociale-kaart>\n<aanbod id=\"a\"><naam>x</naam>"
	    "</aanbod>\n<aanbod id=\"b\"><naam>&nbsp;</naam></aanbod>\n"
	    "</sociale-kaart>\n");
	assert_rejected(&run, "test.xml:3: error: bevat een entiteit");
	cr_assert_eq(run.n, 0);
	run_mem(&run2, "laat.xml", xml, len);
	assert_rejected(&run2, "laat.xml:302: error: bevat een entiteit");
	cr_assert_eq(run2.n, 288, "%zu records passed on", run2.n);
	free(xml);
	run_free(&run);
	run_free(&run2);
}
