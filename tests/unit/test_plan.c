/*
 * test_plan.c - query plans and FTS5 quoting (searchd/plan.c), and proof
 * that hostile text never becomes FTS5 syntax (search_fts_expr run
 * against a real FTS5 table).
 */
#include <criterion/criterion.h>
#include <sqlite3.h>
#include <string.h>

#include "plan.h"
#include "search.h"

Test(plan, one_group_per_word_with_weight_one)
{
	struct query_plan p;

	cr_assert_eq(plan_build("koffie  in\tde buurt", &p), 0);
	cr_assert_eq(p.nwords, 4);
	cr_assert_eq(p.n, 4);
	cr_assert_str_eq(p.groups[0].expr, "\"koffie\"");
	cr_assert_str_eq(p.groups[3].expr, "\"buurt\"");
	cr_assert_float_eq(p.groups[1].weight, 1.0, 1e-9);
	cr_assert_eq(p.groups[2].word, 2);
	cr_assert_str_eq(p.gezocht, "koffie  in\tde buurt");
	cr_assert_null(p.bedoelt);
	plan_free(&p);
}

Test(plan, quotes_are_doubled_and_punctuation_words_dropped)
{
	struct query_plan p;

	cr_assert_eq(plan_build("\"koffie\" *** ( NEAR", &p), 0);
	cr_assert_eq(p.nwords, 2);
	cr_assert_str_eq(p.groups[0].expr, "\"\"\"koffie\"\"\"");
	cr_assert_str_eq(p.groups[1].expr, "\"NEAR\"");
	plan_free(&p);
}

Test(plan, add_terms_makes_an_or_group)
{
	struct query_plan p;
	const char *terms[] = { "wijkcentrum", "buurt centrum" };

	cr_assert_eq(plan_build("buurthuis", &p), 0);
	cr_assert_eq(plan_add_terms(&p, terms, 2, 0.5, 0), 0);
	cr_assert_eq(p.n, 2);
	cr_assert_str_eq(p.groups[1].expr, "\"wijkcentrum\" OR \"buurt centrum\"");
	cr_assert_float_eq(p.groups[1].weight, 0.5, 1e-9);
	plan_free(&p);
}

Test(plan, counts_words_on_unicode_spaces)
{
	cr_assert_eq(plan_count_words(""), 0);
	cr_assert_eq(plan_count_words("  a  b\xc2\xa0" "c "), 3);
}

/* Every hostile string must give an expression FTS5 accepts. */
Test(plan, hostile_text_is_never_fts5_syntax)
{
	static const char *const inputs[] = {
		"\"", "\"\"", "a\"b", "*", "a*", "NEAR(a b)", "a AND b", "a OR",
		"NOT a", "-a", "a:b", "naam:koffie", "{naam}:x", "^a", "(", ")",
		"a) OR (b", "e-mail", "it's", "\xc3\xa9\xc3\xa9n", "+", "a+b",
		"x\"* OR naam:y", "''", "100%", "AND", "OR", "NOT",
	};
	sqlite3 *db;
	sqlite3_stmt *st;

	cr_assert_eq(sqlite3_open(":memory:", &db), SQLITE_OK);
	cr_assert_eq(sqlite3_exec(db, "CREATE VIRTUAL TABLE t USING fts5(a, b);"
	    "INSERT INTO t VALUES ('koffie in de buurt', 'e-mail it''s');",
	    NULL, NULL, NULL), SQLITE_OK);
	cr_assert_eq(sqlite3_prepare_v2(db, "SELECT rowid FROM t WHERE t MATCH ?",
	    -1, &st, NULL), SQLITE_OK);
	for (size_t i = 0; i < sizeof(inputs) / sizeof(inputs[0]); i++) {
		char *expr = NULL;
		int rc;
		cr_assert_eq(search_fts_expr(inputs[i], &expr), 0);
		if (expr == NULL)
			continue;           /* nothing searchable: no SQL at all */
		sqlite3_bind_text(st, 1, expr, -1, SQLITE_TRANSIENT);
		while ((rc = sqlite3_step(st)) == SQLITE_ROW)
			;
		cr_assert_eq(rc, SQLITE_DONE, "input %s -> %s: %s", inputs[i], expr,
		    sqlite3_errmsg(db));
		sqlite3_reset(st);
		free(expr);
	}
	sqlite3_finalize(st);
	sqlite3_close(db);
}
