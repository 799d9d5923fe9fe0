/*
 * fuzz_expand.c - libFuzzer harness for searchd's free-text path as it
 * runs for GET /v1/aanbod?q=...: plan_build() (searchd/plan.c), then
 * expand_plan() (searchd/expand.c: stop words, typos, compounds,
 * synonyms), then every plan group as an FTS5 MATCH.
 *
 * Start-up builds a small index in memory: the fixtures (handmade and the
 * development corpus) read with the real readers and listing_build(), the
 * text columns written to an aanbod_fts table with the "dutch" tokenizer
 * (as schema/schema.sql), and an expand_index loaded from it with the
 * synonym rules of schema/synoniemen.txt and the wdutch word list.
 *
 * Per input (skipped unless it is a q that search_req_build() accepts:
 * valid UTF-8, no control characters, <= Q_MAX_BYTES, <= Q_MAX_WORDS):
 *   - the plan's groups (also after plan_set_last_prefix): expressions
 *     of quoted strings only (fz_fts_expr, fuzz_common.h: never user
 *     syntax), weight in (0, 1], word index in
 *     range; gezocht/bedoelt valid UTF-8;
 *   - every group runs as MATCH without an SQLite error.
 */
#define FZ_READER_HARNESS
#include <sqlite3.h>

#include "csv_reader.h"
#include "expand.h"
#include "fuzz_common.h"
#include "nl_tokenizer.h"
#include "params.h"
#include "plan.h"
#include "search.h"
#include "xml_reader.h"

static sqlite3 *db;
static sqlite3_stmt *match_st, *insert_st;
static struct expand_index *xi;
static struct nl_tokenizer *tok;
static long nrows;

static void
die(const char *what)
{
	fprintf(stderr, "fuzz_expand: %s: %s\n", what, db ? sqlite3_errmsg(db) :
	    "?");
	abort();
}

static char *
join(const struct strlist *l)
{
	size_t n = 1;
	char *s, *p;

	for (size_t i = 0; i < l->n; i++)
		n += strlen(l->v[i]) + 1;
	if ((s = p = calloc(1, n)) == NULL)
		die("out of memory");
	for (size_t i = 0; i < l->n; i++)
		p += sprintf(p, "%s%s", i ? " " : "", l->v[i]);
	return s;
}

static int
add_row(const struct raw_record *rec, void *ctx)
{
	struct build_ctx *b = ctx;
	struct listing l;
	char *tw, *labels;
	size_t nl = 1;

	listing_init(&l);
	if (listing_build(b, rec, &l) == 1) {
		for (size_t i = 0; i < l.themas.n; i++) {
			const struct vocab_entry *e = vocab_thema(&fz_vocab,
			    l.themas.v[i]);
			nl += strlen(e->naam) + 1;
		}
		labels = calloc(1, nl);
		for (size_t i = 0; labels && i < l.themas.n; i++) {
			strcat(labels, vocab_thema(&fz_vocab, l.themas.v[i])->naam);
			strcat(labels, " ");
		}
		tw = join(&l.trefwoorden);
		sqlite3_bind_text(insert_st, 1, l.naam, -1, SQLITE_STATIC);
		sqlite3_bind_text(insert_st, 2, l.samenvatting, -1, SQLITE_STATIC);
		sqlite3_bind_text(insert_st, 3, l.omschrijving, -1, SQLITE_STATIC);
		sqlite3_bind_text(insert_st, 4, l.organisatie, -1, SQLITE_STATIC);
		sqlite3_bind_text(insert_st, 5, tw, -1, SQLITE_STATIC);
		sqlite3_bind_text(insert_st, 6, labels, -1, SQLITE_STATIC);
		if (sqlite3_step(insert_st) != SQLITE_DONE)
			die("insert");
		sqlite3_reset(insert_st);
		free(tw);
		free(labels);
		nrows++;
	}
	listing_free(&l);
	return 0;
}

static char *
slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *s;
	long n;

	if (f == NULL)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	s = calloc(1, (size_t)n + 1);
	if (s != NULL && fread(s, 1, (size_t)n, f) != (size_t)n) {
		free(s);
		s = NULL;
	}
	fclose(f);
	return s;
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	static const char *const files[] = {
		"fixtures/handmade/hm1-eemland.xml",
		"fixtures/handmade/hm2-utrecht.xml",
		"fixtures/handmade/hm3-lekstroom.csv",
		"fixtures/handmade/hm4-woerden.csv",
		"fixtures/corpus/eemland.xml",
		"fixtures/corpus/utrecht.xml",
		"fixtures/corpus/woerden.csv",
	};
	struct diag d = { 0 };
	struct build_ctx *b;
	char err[512], *syn;

	(void)argc;
	(void)argv;
	xml_reader_init();
	fz_reader_init();
	d.out = fz_devnull;
	if (sqlite3_open(":memory:", &db) != SQLITE_OK ||
	    nl_tokenizer_register(db) != SQLITE_OK)
		die("open");
	if (sqlite3_exec(db, "CREATE VIRTUAL TABLE aanbod_fts USING fts5 ("
	    "naam, samenvatting, omschrijving, organisatie, trefwoorden, "
	    "labels, tokenize = 'dutch')", NULL, NULL, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db, "INSERT INTO aanbod_fts VALUES "
	    "(?1, ?2, ?3, ?4, ?5, ?6)", -1, &insert_st, NULL) != SQLITE_OK)
		die("schema");
	if ((b = build_ctx_new(&fz_vocab, &d)) == NULL)
		die("build_ctx_new");
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		size_t n = strlen(files[i]);

		if (strcmp(files[i] + n - 4, ".xml") == 0)
			xml_read_file(files[i], &d, add_row, b);
		else
			csv_read_file(files[i], &d, add_row, b);
	}
	build_ctx_free(b);
	sqlite3_finalize(insert_st);
	if (nrows < 50) {
		fprintf(stderr, "fuzz_expand: only %ld listings; run from the "
		    "repository root\n", nrows);
		abort();
	}
	syn = slurp("schema/synoniemen.txt");
	if (expand_index_load_with(&xi, db, syn, EXPAND_WORDLIST, err,
	    sizeof(err)) != 0) {
		fprintf(stderr, "fuzz_expand: expand_index_load: %s\n", err);
		abort();
	}
	free(syn);
	if ((tok = nl_tokenizer_new()) == NULL)
		die("nl_tokenizer_new");
	if (sqlite3_prepare_v2(db, "SELECT rowid, bm25(aanbod_fts, 10, 4, 1, "
	    "2, 6, 0.5) FROM aanbod_fts WHERE aanbod_fts MATCH ?1", -1,
	    &match_st, NULL) != SQLITE_OK)
		die("prepare");
	return 0;
}

/* Checks the plan and runs every group as MATCH. */
static void
check_plan(const struct query_plan *p)
{
	FUZZ_CHECK(p->gezocht != NULL &&
	    fz_utf8_ok(p->gezocht, strlen(p->gezocht)), "gezocht");
	FUZZ_CHECK(p->bedoelt == NULL ||
	    fz_utf8_ok(p->bedoelt, strlen(p->bedoelt)), "bedoelt");
	FUZZ_CHECK(p->n <= p->cap || p->cap == 0, "n %zu cap %zu", p->n, p->cap);
	for (size_t g = 0; g < p->n; g++) {
		const struct plan_group *gr = &p->groups[g];
		int rc;

		FUZZ_CHECK(gr->expr != NULL, "group %zu without expr", g);
		fz_fts_expr(gr->expr);
		FUZZ_CHECK(gr->weight > 0 && gr->weight <= 1.0,
		    "group %zu weight %g", g, gr->weight);
		FUZZ_CHECK(gr->word >= -1 && gr->word < p->nwords,
		    "group %zu word %d of %d", g, gr->word, p->nwords);
		sqlite3_bind_text(match_st, 1, gr->expr, -1, SQLITE_STATIC);
		while ((rc = sqlite3_step(match_st)) == SQLITE_ROW)
			;
		if (rc != SQLITE_DONE) {
			fprintf(stderr, "fuzz_expand: MATCH failed (rc %d): %s\n"
			    "expression: %s\n", rc, sqlite3_errmsg(db), gr->expr);
			abort();
		}
		sqlite3_reset(match_st);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct query_plan p;
	char *text;

	/* what set_q() lets through */
	if (size > Q_MAX_BYTES || !params_utf8_valid(data, size))
		return 0;
	for (size_t i = 0; i < size; i++)
		if (data[i] < 0x20 || data[i] == 0x7f)
			return 0;
	if ((text = malloc(size + 1)) == NULL)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	if (plan_count_words(text) > Q_MAX_WORDS ||
	    plan_build(text, &p) != 0) {
		free(text);
		return 0;
	}
	if (expand_plan(xi, tok, &p) == 0) {
		check_plan(&p);
		/* prefix=ja: the last typed word as a prefix */
		if (plan_set_last_prefix(&p) == 0)
			check_plan(&p);
	}
	plan_free(&p);
	free(text);
	return 0;
}
