/*
 * bench_snippet.c - time of one marked snippet: snippet_make() (no FTS5)
 * against FTS5's snippet() with a MATCH on one row, as store.c's
 * SQL_SNIPPET does per column, and the bare tokenizer run beneath both.
 *
 *   bench_snippet [ITERATIONS]     (default 20000)
 *
 * The text is a description of 150 words (several sentences); the query has 3 words
 * (their index tokens for snippet_make, the words themselves for MATCH).
 * Prints microseconds per snippet (median of 5 runs) and both snippets.
 * Everything is allocated and freed here; exit 1 on any error.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sqlite3.h>

#include "nl_tokenizer.h"
#include "sbuf.h"
#include "snippet.h"

#define RUNS 5
#define MAX_WORDS 24

static const char TEXT[] =
    "In de buurtkamer kunt u zonder afspraak binnenlopen voor een kop "
    "koffie en een praatje met buren. Er liggen kranten en spelletjes. Op "
    "vrijdag doen we vaak samen een puzzel. Vrijwilligers uit de wijk "
    "zetten de koffie klaar. Wijkcentrum De Dreef is het huis van de wijk. "
    "Iedereen is welkom voor een krant of een spelletje: open inloop op "
    "werkdagen, handwerkclub op dinsdag, bingo elke eerste vrijdag van de "
    "maand. Een schuldhulpverlener maakt met u "
    "een overzicht van uw inkomsten, uitgaven en schulden. Samen zoeken we "
    "een oplossing, bijvoorbeeld een schuldregeling of budgetbeheer. U kunt "
    "zich aanmelden via het buurtteam of rechtstreeks via het "
    "telefoonnummer hieronder. Wij koppelen u aan "
    "een vast wandelmaatje uit de buurt. Na een kennismakingsgesprek thuis "
    "gaat u één keer per week samen op pad. In de buurthuizen van "
    "Amersfoort is elke middag een taalcafé voor wie beter Nederlands wil "
    "spreken.";

static const char *const WORDS[] = { "buurthuis", "taalcafe", "spreken" };
#define NWORDS (sizeof(WORDS) / sizeof(WORDS[0]))

static double
now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* The state one timed step needs. */
struct bench {
	struct nl_tokenizer *tk;
	struct snippet_terms terms;
	sqlite3 *db;
	sqlite3_stmt *st;
	struct sbuf out;
};

static int
step_snippet(struct bench *b)
{
	b->out.len = 0;
	return snippet_make(b->tk, TEXT, &b->terms, MAX_WORDS, &b->out) > 0 ?
	    0 : -1;
}

static int
step_fts5(struct bench *b)
{
	int rc = sqlite3_step(b->st) == SQLITE_ROW &&
	    sqlite3_column_text(b->st, 0) != NULL ? 0 : -1;

	sqlite3_reset(b->st);
	return rc;
}

static int
noop_cb(void *ctx, int flags, const char *tok, int ntok, int start, int end)
{
	(void)ctx; (void)flags; (void)tok; (void)ntok; (void)start; (void)end;
	return 0;
}

static int
step_tokenize(struct bench *b)
{
	return nl_tokenizer_run(b->tk, TEXT, -1, noop_cb, NULL);
}

/* Median µs per call of step over RUNS runs of iters calls. */
static double
measure(struct bench *b, int (*step)(struct bench *), int iters)
{
	double runs[RUNS];

	for (int r = 0; r < RUNS; r++) {
		double t0 = now_us();

		for (int i = 0; i < iters; i++)
			if (step(b) != 0)
				return -1;
		runs[r] = (now_us() - t0) / iters;
	}
	qsort(runs, RUNS, sizeof(runs[0]), cmp_double);
	return runs[RUNS / 2];
}

static int
setup_fts5(struct bench *b)
{
	char q[256] = "";

	for (size_t i = 0; i < NWORDS; i++)
		snprintf(q + strlen(q), sizeof(q) - strlen(q), "%s\"%s\"",
		    i ? " OR " : "", WORDS[i]);
	if (sqlite3_open(":memory:", &b->db) != SQLITE_OK ||
	    nl_tokenizer_register(b->db) != SQLITE_OK ||
	    sqlite3_exec(b->db, "CREATE VIRTUAL TABLE t USING fts5(x, "
	    "tokenize='dutch')", NULL, NULL, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(b->db, "INSERT INTO t(rowid, x) VALUES(1, ?1)",
	    -1, &b->st, NULL) != SQLITE_OK)
		return -1;
	sqlite3_bind_text(b->st, 1, TEXT, -1, SQLITE_STATIC);
	if (sqlite3_step(b->st) != SQLITE_DONE)
		return -1;
	sqlite3_finalize(b->st);
	b->st = NULL;
	if (sqlite3_prepare_v2(b->db, "SELECT snippet(t, 0, char(1), char(2), "
	    "'…', 24) FROM t WHERE t MATCH ?1 AND rowid = 1", -1, &b->st,
	    NULL) != SQLITE_OK)
		return -1;
	sqlite3_bind_text(b->st, 1, q, -1, SQLITE_TRANSIENT);
	return 0;
}

static void
print_marked(const char *label, const char *s)
{
	printf("%s: ", label);
	for (; s != NULL && *s != '\0'; s++)
		fputs(*s == '\x01' ? "[" : *s == '\x02' ? "]" :
		    (char[2]){ *s, '\0' }, stdout);
	putchar('\n');
}

int
main(int argc, char **argv)
{
	struct bench b = { 0 };
	char tokbuf[NWORDS][NL_MAX_TOKEN];
	const char *tp[NWORDS];
	int iters = argc > 1 ? atoi(argv[1]) : 20000, words = 0, rc = 1;
	double us_snip, us_fts, us_tok;

	if (iters < 1 || (b.tk = nl_tokenizer_new()) == NULL)
		goto fail;
	for (size_t i = 0; i < NWORDS; i++) {
		if (nl_tokenizer_normalize(b.tk, WORDS[i], -1, tokbuf[i],
		    NL_MAX_TOKEN) <= 0)
			goto fail;
		tp[i] = tokbuf[i];
	}
	b.terms = (struct snippet_terms){ tp, NWORDS, NULL, 0 };
	if (setup_fts5(&b) != 0)
		goto fail;
	for (const char *p = TEXT; *p != '\0'; p++)
		words += p[0] != ' ' && (p[1] == ' ' || p[1] == '\0');
	us_snip = measure(&b, step_snippet, iters);
	us_fts = measure(&b, step_fts5, iters);
	us_tok = measure(&b, step_tokenize, iters);
	if (us_snip < 0 || us_fts < 0 || us_tok < 0)
		goto fail;
	printf("text: %d words, %zu bytes; query: %zu words; window %d; "
	    "%d iterations x %d runs (median)\n", words, strlen(TEXT), NWORDS,
	    MAX_WORDS, iters, RUNS);
	printf("snippet_make            %8.2f us/snippet\n", us_snip);
	printf("FTS5 snippet() + MATCH  %8.2f us/snippet\n", us_fts);
	printf("tokenizer run alone     %8.2f us/text\n", us_tok);
	print_marked("snippet_make", b.out.s);
	if (sqlite3_step(b.st) == SQLITE_ROW)
		print_marked("FTS5        ",
		    (const char *)sqlite3_column_text(b.st, 0));
	rc = 0;
fail:
	if (rc != 0)
		fprintf(stderr, "bench_snippet: failed\n");
	sqlite3_finalize(b.st);
	sqlite3_close(b.db);
	sbuf_free(&b.out);
	nl_tokenizer_free(b.tk);
	return rc;
}
