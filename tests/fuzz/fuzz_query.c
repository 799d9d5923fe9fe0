/*
 * fuzz_query.c - libFuzzer harness for search_fts_expr() (searchd/search.c):
 * no user text may ever become FTS5 syntax.
 *
 * The input (skipped unless it is valid UTF-8 without NUL, as searchd only
 * passes such q values) is turned into an FTS5 expression, and also into
 * searchd's query plan (plan.c) with the last word as a prefix; each
 * expression is checked
 *   - in form (fz_fts_expr, fuzz_common.h): only quoted strings, '"'
 *     doubled inside, joined by OR/AND, in parentheses, with " *" for a
 *     prefix; no more strings than search_count_words() counts;
 *   - by SQLite itself: it is run with MATCH against in-memory FTS5 tables
 *     (the index's tokenizer "unicode61 remove_diacritics 2", and also the
 *     project's "dutch" tokenizer, common/nl_tokenizer.c), and any answer of
 *     sqlite3_step() other than SQLITE_ROW / SQLITE_DONE aborts.
 * The tables are made once, in LLVMFuzzerInitialize.
 */
#include <sqlite3.h>

#include "fuzz_common.h"
#include "nl_tokenizer.h"
#include "params.h"
#include "plan.h"
#include "search.h"

static sqlite3 *db;
static sqlite3_stmt *stmts[2];
static const char *stmt_names[2];
static size_t nstmts;

static const char *const ROWS[][2] = {
	{ "Buurtkamer De Kruiskamp", "Koffie drinken en elkaar ontmoeten in de wijk" },
	{ "Geldzaken op orde", "Hulp bij post, formulieren en schulden; e-mail en DigiD" },
	{ "Taalcafé Overvecht", "Nederlands oefenen met vrijwilligers, ook voor anderstaligen" },
	{ "Wandelgroep 'Samen op pad'", "Elke dinsdag wandelen, daarna koffie \"met\" taart" },
	{ "Mantelzorgsteunpunt Woerden", "Ondersteuning voor mantelzorgers: respijtzorg, advies" },
	{ "Jongerenwerk", "Voor jongeren van 12 tot 23 jaar; AND OR NOT NEAR zijn gewone woorden" },
};

static void
die(const char *what)
{
	fprintf(stderr, "fuzz_query: %s: %s\n", what, db ? sqlite3_errmsg(db) :
	    "no database");
	abort();
}

static void
make_table(const char *name, const char *tokenize)
{
	char sql[512];
	sqlite3_stmt *ins;

	snprintf(sql, sizeof(sql), "CREATE VIRTUAL TABLE %s USING fts5(a, b, "
	    "tokenize='%s')", name, tokenize);
	if (sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK)
		die(sql);
	snprintf(sql, sizeof(sql), "INSERT INTO %s(a, b) VALUES (?1, ?2)", name);
	if (sqlite3_prepare_v2(db, sql, -1, &ins, NULL) != SQLITE_OK)
		die(sql);
	for (size_t i = 0; i < sizeof(ROWS) / sizeof(ROWS[0]); i++) {
		sqlite3_bind_text(ins, 1, ROWS[i][0], -1, SQLITE_STATIC);
		sqlite3_bind_text(ins, 2, ROWS[i][1], -1, SQLITE_STATIC);
		if (sqlite3_step(ins) != SQLITE_DONE)
			die("insert");
		sqlite3_reset(ins);
	}
	sqlite3_finalize(ins);
	/* the query searchd runs (store.c), with weights for both columns */
	snprintf(sql, sizeof(sql), "SELECT rowid, bm25(%s, 10.0, 1.0) FROM %s "
	    "WHERE %s MATCH ?1", name, name, name);
	if (sqlite3_prepare_v2(db, sql, -1, &stmts[nstmts], NULL) != SQLITE_OK)
		die(sql);
	stmt_names[nstmts++] = tokenize;
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	if (sqlite3_open(":memory:", &db) != SQLITE_OK)
		die("open");
	make_table("t", "unicode61 remove_diacritics 2");
	if (nl_tokenizer_register(db) == SQLITE_OK)
		make_table("t_nl", NL_TOKENIZER_NAME);
	else
		fprintf(stderr, "fuzz_query: tokenizer \"dutch\" not registered; "
		    "only unicode61 is tested\n");
	return 0;
}

/* Runs expr against every table; aborts on any SQLite error. */
static void
run_match(const char *expr)
{
	for (size_t i = 0; i < nstmts; i++) {
		sqlite3_stmt *st = stmts[i];
		int rc;

		sqlite3_bind_text(st, 1, expr, -1, SQLITE_STATIC);
		while ((rc = sqlite3_step(st)) == SQLITE_ROW)
			;
		if (rc != SQLITE_DONE) {
			fprintf(stderr, "fuzz_query: MATCH failed (tokenizer %s, "
			    "rc %d): %s\nexpression: %s\n", stmt_names[i], rc,
			    sqlite3_errmsg(db), expr);
			abort();
		}
		sqlite3_reset(st);
		sqlite3_clear_bindings(st);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct query_plan p;
	char *text, *expr = NULL;
	int words;

	if (memchr(data, '\0', size) != NULL ||
	    !params_utf8_valid(data, size))
		return 0;
	if ((text = malloc(size + 1)) == NULL)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	words = search_count_words(text);
	FUZZ_CHECK(words >= 0, "search_count_words %d", words);

	/* the expression of the brief: every word quoted, OR-ed */
	if (search_fts_expr(text, &expr) == 0 && expr != NULL) {
		FUZZ_CHECK(fz_fts_expr(expr) <= words, "more strings in the "
		    "expression than words in the text (%d)", words);
		run_match(expr);
	}
	free(expr);

	/* searchd's plan with the last word as a prefix (prefix=ja): each
	 * group on its own, as search.c runs them, and their union */
	if (plan_build(text, &p) == 0) {
		if (plan_set_last_prefix(&p) == 0 && p.n > 0) {
			char *u = plan_union(&p);

			for (size_t i = 0; i < p.n; i++) {
				fz_fts_expr(p.groups[i].expr);
				run_match(p.groups[i].expr);
			}
			if (u != NULL) {
				fz_fts_expr(u);
				run_match(u);
			}
			free(u);
		}
		plan_free(&p);
	}
	free(text);
	return 0;
}
