/*
 * test_score.c - unit tests for searchd/score.c (suite "score"): BM25F
 * from the index's postings equals FTS5's bm25() with the same weights,
 * and phrases, AND groups, prefixes, hyphenated words, stop words and a
 * damaged posting blob behave as score.h says. The index is built from a
 * small export by the real indexer code (testindex.h).
 */
#include <criterion/criterion.h>
#include <math.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "index_format.h"
#include "plan.h"
#include "score.h"
#include "store.h"
#include "testindex.h"

#define A(id, naam, body) \
	"<aanbod id=\"" id "\"><naam>" naam "</naam><soort>informeel</soort>" \
	"<gemeente>GM0307</gemeente>" body "</aanbod>\n"

static const char EXPORT[] =
	"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<sociale-kaart>\n"
	A("s1", "Koffie in de buurtkamer",
	  "<samenvatting>Elke week koffie en een praatje.</samenvatting>"
	  "<thema>ontmoeting</thema>")
	A("s2", "Wandelgroep De Stappers",
	  "<samenvatting>Samen wandelen door het park.</samenvatting>"
	  "<omschrijving>We wandelen elke dinsdag een uur. Na afloop drinken "
	  "we koffie in het buurthuis. Iedereen is welkom, ook met een "
	  "rollator.</omschrijving><thema>bewegen</thema>")
	A("s3", "Taalcafé",
	  "<samenvatting>Nederlands oefenen bij een kop koffie.</samenvatting>"
	  "<omschrijving>Koffie, thee en gesprekken. Koffie staat klaar vanaf "
	  "tien uur. Vrijwilligers helpen met de taal.</omschrijving>"
	  "<trefwoord>taal</trefwoord><trefwoord>koffie</trefwoord>")
	A("s4", "Welzijn op Recept",
	  "<samenvatting>De huisarts verwijst, de welzijnscoach helpt.</samenvatting>"
	  "<omschrijving>Bij welzijn op recept zoekt u met een coach een "
	  "activiteit die bij u past.</omschrijving><organisatie>Welzijn "
	  "Amersfoort</organisatie>")
	A("s5", "Recept voor welzijn in de wijk",
	  "<samenvatting>Kookles met gezonde recepten.</samenvatting>")
	A("s6", "Buurthuis De Kamer",
	  "<samenvatting>Ontmoeten in de buurt: e-mail ons voor de "
	  "agenda.</samenvatting><thema>ontmoeting</thema>")
	A("s7", "Wandelmaatje",
	  "<samenvatting>Een maatje om mee te wandelen.</samenvatting>"
	  "<omschrijving>Voor wie niet alleen wil lopen. Stuur een email.</omschrijving>")
	"</sociale-kaart>\n";

static struct {
	char dir[64], index[64];
	struct store store;
	struct gen *g;
	struct conn *c;
} fx;

static void
setup(void)
{
	char err[256];

	testindex_build(EXPORT, strlen(EXPORT), fx.dir, fx.index);
	cr_assert_eq(store_open(&fx.store, fx.index, err, sizeof(err)), 0, "%s",
	    err);
	fx.g = store_acquire(&fx.store);
	fx.c = gen_conn_get(fx.g);
	cr_assert_not_null(fx.c);
}

static void
teardown(void)
{
	gen_conn_put(fx.g, fx.c);
	store_release(&fx.store, fx.g);
	store_close(&fx.store);
	testindex_remove(fx.dir);
}

TestSuite(score, .init = setup, .fini = teardown);

/* What score_group() gave, per listing (0 = not matched): the sum of
 * what was reported (an OR group reports once per matching term). */
struct got {
	float s[16];
	int n;                    /* listings reported */
};

static int
collect(void *ctx, uint32_t i, float s)
{
	struct got *g = ctx;

	cr_assert_lt(i, 16);
	cr_assert_gt(s, 0);
	if (g->s[i] == 0)
		g->n++;
	g->s[i] += s;
	return 0;
}

static struct got
run_group(const struct plan_group *gr)
{
	struct got got = { { 0 }, 0 };

	cr_assert_eq(score_group(fx.c->score, &fx.g->model, fx.c->tok, gr,
	    collect, &got), 0);
	return got;
}

static struct got
run_terms(const char *const *terms, size_t n, int all, int prefix)
{
	struct query_plan p;
	struct got got;

	cr_assert_eq(plan_build("", &p), 0);
	if (all)
		cr_assert_eq(plan_add_all_terms(&p, terms, n, 1.0, 0), 0);
	else
		cr_assert_eq(plan_add_terms(&p, terms, n, 1.0, 0), 0);
	p.groups[0].prefix = prefix;
	got = run_group(&p.groups[0]);
	plan_free(&p);
	return got;
}

/* 1-based listing number of id sN is N; index N-1. */
#define L(n) ((n) - 1)

Test(score, bm25f_equals_fts5_bm25)
{
	static const char *const words[] = {
		"koffie", "wandelen", "buurthuis", "taal", "welzijn", "recept",
		"ontmoeting", "maatje", "amersfoort",
	};
	sqlite3_stmt *st;

	cr_assert_eq(sqlite3_prepare_v2(fx.c->db, "SELECT rowid, -bm25("
	    "aanbod_fts, " SK_BM25_WEIGHTS_SQL ") FROM aanbod_fts WHERE "
	    "aanbod_fts MATCH ?1", -1, &st, NULL), SQLITE_OK, "%s",
	    sqlite3_errmsg(fx.c->db));
	for (size_t w = 0; w < sizeof(words) / sizeof(words[0]); w++) {
		char expr[64];
		struct got got = run_terms(&words[w], 1, 0, 0);
		int n = 0;

		snprintf(expr, sizeof(expr), "\"%s\"", words[w]);
		sqlite3_bind_text(st, 1, expr, -1, SQLITE_STATIC);
		while (sqlite3_step(st) == SQLITE_ROW) {
			int i = sqlite3_column_int(st, 0) - 1;
			double want = sqlite3_column_double(st, 1);
			cr_expect(fabs(got.s[i] - want) <= 1e-4 * fabs(want) + 1e-6,
			    "%s, listing %d: postings %g, FTS5 %g", words[w], i + 1,
			    got.s[i], want);
			n++;
		}
		sqlite3_reset(st);
		cr_expect_eq(got.n, n, "%s: %d matches, FTS5 %d", words[w], got.n,
		    n);
		cr_expect_gt(n, 0, "%s matches nothing", words[w]);
	}
	sqlite3_finalize(st);
}

Test(score, phrase_needs_every_word)
{
	static const char *const t[] = { "welzijn op recept" };
	struct got got = run_terms(t, 1, 0, 0);

	cr_expect_gt(got.s[L(4)], 0);
	cr_expect_gt(got.s[L(5)], 0);      /* both words, other order */
	cr_expect_eq(got.n, 2);
}

Test(score, and_group_needs_every_term_and_sums)
{
	static const char *const t[] = { "koffie", "taal" };
	struct got both = run_terms(t, 2, 1, 0);
	struct got koffie = run_terms(t, 1, 0, 0);
	struct got taal = run_terms(t + 1, 1, 0, 0);

	cr_expect_eq(both.n, 1);
	cr_expect_gt(both.s[L(3)], 0);
	cr_expect_float_eq(both.s[L(3)], koffie.s[L(3)] + taal.s[L(3)], 1e-5);
}

Test(score, or_group_sums_terms)
{
	static const char *const t[] = { "koffie", "wandelen" };
	struct got any = run_terms(t, 2, 0, 0);
	struct got koffie = run_terms(t, 1, 0, 0);
	struct got wandel = run_terms(t + 1, 1, 0, 0);

	cr_expect_float_eq(any.s[L(2)], koffie.s[L(2)] + wandel.s[L(2)], 1e-5);
	cr_expect_eq(any.n, 4);           /* s1 s2 s3 koffie, s2 s7 wandelen */
}

Test(score, prefix_finds_longer_words)
{
	static const char *const t[] = { "wand" };
	struct got exact = run_terms(t, 1, 0, 0);
	struct got pre = run_terms(t, 1, 0, 1);

	cr_expect_eq(exact.n, 0);
	cr_expect_gt(pre.s[L(2)], 0);      /* wandelgroep, wandelen */
	cr_expect_gt(pre.s[L(7)], 0);      /* wandelmaatje */
	cr_expect_eq(pre.n, 2);
}

Test(score, prefix_of_a_stem_form)
{
	/* "wandele" stems to something shorter than its folded form: the
	 * stem's range must still find "wandelen". */
	static const char *const t[] = { "wandele" };
	struct got pre = run_terms(t, 1, 0, 1);

	cr_expect_gt(pre.s[L(2)], 0);
	cr_expect_gt(pre.s[L(7)], 0);
}

Test(score, hyphenated_words)
{
	static const char *const t1[] = { "e-mail" };
	static const char *const t2[] = { "email" };
	struct got hy = run_terms(t1, 1, 0, 0);
	struct got joined = run_terms(t2, 1, 0, 0);

	cr_expect_gt(hy.s[L(6)], 0);       /* "e-mail" in the text */
	cr_expect_gt(joined.s[L(6)], 0);   /* the joined form is indexed */
	cr_expect_gt(joined.s[L(7)], 0);
	/* "e-mail" finds "email" too: a hyphen group matches as its parts
	 * or as its joined form, the larger frequency counting (here both
	 * come from one field, so the scores are those of "email") */
	cr_expect_gt(hy.s[L(7)], 0);
	cr_expect_eq(hy.n, joined.n);
	cr_expect_float_eq(hy.s[L(6)], joined.s[L(6)], 1e-5);
	cr_expect_float_eq(hy.s[L(7)], joined.s[L(7)], 1e-5);

	/* the other words of a term still have to match: s7 has no
	 * "ontmoeten" */
	static const char *const t3[] = { "ontmoeten e-mail" };
	struct got both = run_terms(t3, 1, 0, 0);

	cr_expect_gt(both.s[L(6)], 0);
	cr_expect_eq(both.s[L(7)], 0);
	cr_expect_eq(both.n, 1);
}

Test(score, stop_words_match_nothing)
{
	static const char *const t[] = { "de het een" };
	struct got got = run_terms(t, 1, 0, 0);

	cr_expect_eq(got.n, 0);
}

Test(score, unknown_word_matches_nothing)
{
	static const char *const t[] = { "parkeervergunning" };
	struct got got = run_terms(t, 1, 0, 0);

	cr_expect_eq(got.n, 0);
}

Test(score, damaged_postings_are_an_error_not_a_crash)
{
	static const char *const bad[] = {
		"x'ff'", "x'0a'", "x'ffffffffff01'", "x'6401'",
	};
	char path[128], sql[128];
	struct query_plan p;
	sqlite3 *db;

	snprintf(path, sizeof(path), "%s/idx.gen", fx.dir);
	cr_assert_eq(plan_build("koffie", &p), 0);
	for (size_t k = 0; k < sizeof(bad) / sizeof(bad[0]); k++) {
		struct got got = { { 0 }, 0 };
		int rc;

		cr_assert_eq(sqlite3_open(path, &db), SQLITE_OK);
		snprintf(sql, sizeof(sql), "UPDATE posting SET docs = %s WHERE id ="
		    " (SELECT id FROM term WHERE token = 'koffie')", bad[k]);
		cr_assert_eq(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
		sqlite3_close(db);
		/* the store's connection reads the file as it is now */
		rc = score_group(fx.c->score, &fx.g->model, fx.c->tok,
		    &p.groups[0], collect, &got);
		cr_expect_eq(rc, -1, "blob %s gave %d", bad[k], rc);
	}
	plan_free(&p);
}

/* The forms a prefix term matches by (shared by scoring and marking). */
Test(score, prefix_forms)
{
	static const struct {
		const char *term;
		int n;
		const char *form[2];
	} cases[] = {
		{ "wand", 1, { "wand" } },
		{ "wandelingen", 1, { "wandel" } },  /* folded starts with stem */
		{ "Café", 1, { "caf" } },
		{ "bev", 2, { "bev", "bef" } },      /* neither starts the other */
		{ "mensen", 2, { "mensen", "men_" } },
		{ "de", 0, { NULL } },               /* a stop word */
		{ "ÉÉN", 0, { NULL } },              /* folds to a stop word */
		{ "e-mail", 0, { NULL } },           /* three tokens */
	};
	struct nl_tokenizer *tok = nl_tokenizer_new();

	cr_assert_not_null(tok);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct score_prefix pf;

		cr_expect_eq(score_prefix_forms(tok, cases[i].term, &pf),
		    cases[i].n, "%s", cases[i].term);
		cr_expect_eq(pf.n, cases[i].n);
		for (int k = 0; k < cases[i].n && k < pf.n; k++) {
			cr_expect_str_eq(pf.form[k], cases[i].form[k], "%s",
			    cases[i].term);
			cr_expect_eq(pf.len[k], (int)strlen(cases[i].form[k]));
		}
	}
	nl_tokenizer_free(tok);
}
