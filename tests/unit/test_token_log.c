/*
 * test_token_log.c - unit tests for indexer/token_log.c (suite
 * "token_log"): a recorded field replays exactly the tokens the tokenizer
 * gave, only for the very same bytes; and an index written through the
 * two threads, with FTS5 fed from the logs, passes FTS5's own
 * integrity-check against its content (which tokenizes every row again).
 */
#include <criterion/criterion.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "index_writer.h"
#include "listing.h"
#include "nl_tokenizer.h"
#include "testindex.h"
#include "token_log.h"
#include "vocab.h"
#include "write_thread.h"

/* ---- token streams ------------------------------------------------------- */

struct stream {
	char text[4096];           /* "flags:token:start:end " per token */
	size_t len;
	int n;
};

static int
to_stream(void *ctx, int flags, const char *tok, int ntok, int start, int end)
{
	struct stream *s = ctx;
	int k = snprintf(s->text + s->len, sizeof(s->text) - s->len,
	    "%d:%.*s:%d:%d ", flags, ntok, tok, start, end);

	cr_assert(k > 0 && (size_t)k < sizeof(s->text) - s->len);
	s->len += (size_t)k;
	s->n++;
	return 0;
}

struct recorder {
	struct token_log *log;
	int field;
	const char *text;
	struct stream direct;
};

static int
record(void *ctx, int flags, const char *tok, int ntok, int start, int end)
{
	struct recorder *r = ctx;

	cr_assert_eq(token_log_add(r->log, r->field, r->text, flags, tok, ntok,
	    start, end), 0);
	return to_stream(&r->direct, flags, tok, ntok, start, end);
}

/* Tokenizes text as field f into log; returns the stream it gave. */
static struct stream
record_field(struct nl_tokenizer *t, struct token_log *log, int f,
             const char *text)
{
	struct recorder r = { log, f, text, { .len = 0 } };

	cr_assert_eq(nl_tokenizer_run(t, text, -1, record, &r), 0);
	return r.direct;
}

static const char *const TEXTS[] = {
	"Koffie-ochtend voor ouderen in de wijk: e-mail ons, of bel 030-1234567!",
	"Café Zuid — samen eten; z'n auto's, één crèche, ĳsbaan en ZWEMMEN",
	"mantelzorgers & vrijwilligers",
};

Test(token_log, replays_exactly_what_the_tokenizer_gave)
{
	struct nl_tokenizer *t = nl_tokenizer_new();
	struct token_log log = { 0 };
	struct token_replay rp = { &log, 0, 0 };
	struct stream direct[3];

	cr_assert_not_null(t);
	token_log_reset(&log);
	for (int f = 0; f < 3; f++)
		direct[f] = record_field(t, &log, f, TEXTS[f]);
	for (int f = 2; f >= 0; f--) {      /* any order */
		struct stream replayed = { .len = 0 };
		char copy[256];

		cr_assert_gt(direct[f].n, 1);
		/* a copy: same bytes, another pointer */
		strcpy(copy, TEXTS[f]);
		cr_assert_eq(token_log_replay(&rp, copy, (int)strlen(copy),
		    to_stream, &replayed), 0);
		cr_expect_str_eq(replayed.text, direct[f].text);
	}
	cr_expect_eq(rp.hits, 3);
	cr_expect_eq(rp.misses, 0);
	token_log_free(&log);
	nl_tokenizer_free(t);
}

Test(token_log, other_bytes_miss)
{
	struct nl_tokenizer *t = nl_tokenizer_new();
	struct token_log log = { 0 };
	struct token_replay rp = { &log, 0, 0 };
	struct stream s = { .len = 0 };
	char other[256];

	cr_assert_not_null(t);
	token_log_reset(&log);
	record_field(t, &log, 1, TEXTS[0]);
	strcpy(other, TEXTS[0]);
	other[3] = 'F';                     /* same length, one byte off */
	cr_expect_eq(token_log_replay(&rp, other, (int)strlen(other), to_stream,
	    &s), NL_REPLAY_MISS);
	cr_expect_eq(token_log_replay(&rp, TEXTS[0], (int)strlen(TEXTS[0]) - 1,
	    to_stream, &s), NL_REPLAY_MISS);
	cr_expect_eq(token_log_replay(&rp, TEXTS[1], (int)strlen(TEXTS[1]),
	    to_stream, &s), NL_REPLAY_MISS);
	cr_expect_eq(s.n, 0, "a miss passed tokens on");
	cr_expect_eq(rp.misses, 3);
	rp.log = NULL;                      /* nothing armed */
	cr_expect_eq(token_log_replay(&rp, TEXTS[0], (int)strlen(TEXTS[0]),
	    to_stream, &s), NL_REPLAY_MISS);
	rp.log = &log;                      /* emptied log */
	token_log_reset(&log);
	cr_expect_eq(token_log_replay(&rp, TEXTS[0], (int)strlen(TEXTS[0]),
	    to_stream, &s), NL_REPLAY_MISS);
	cr_expect_eq(rp.hits, 0);
	token_log_free(&log);
	nl_tokenizer_free(t);
}

static int
stop_at_second(void *ctx, int flags, const char *tok, int ntok, int start,
               int end)
{
	int *n = ctx;

	(void)flags, (void)tok, (void)ntok, (void)start, (void)end;
	return ++*n == 2 ? 7 : 0;
}

Test(token_log, a_callback_can_stop_the_replay)
{
	struct nl_tokenizer *t = nl_tokenizer_new();
	struct token_log log = { 0 };
	struct token_replay rp = { &log, 0, 0 };
	int n = 0;

	cr_assert_not_null(t);
	token_log_reset(&log);
	record_field(t, &log, 0, TEXTS[2]);
	cr_expect_eq(token_log_replay(&rp, TEXTS[2], (int)strlen(TEXTS[2]),
	    stop_at_second, &n), 7);
	cr_expect_eq(n, 2);
	token_log_free(&log);
	nl_tokenizer_free(t);
}

Test(token_log, bad_records_are_refused_and_spoil_the_log)
{
	struct token_log log = { 0 };
	struct token_replay rp = { &log, 0, 0 };
	struct stream s = { .len = 0 };

	token_log_reset(&log);
	cr_expect_eq(token_log_add(&log, SK_FIELD_COUNT, "x", 0, "x", 1, 0, 1),
	    -1);
	cr_expect_eq(token_log_add(&log, 0, "x", 0, "x", 1, 0, 1), -1,
	    "a spoilt log took a record");
	cr_expect_eq(token_log_replay(&rp, "x", 1, to_stream, &s),
	    NL_REPLAY_MISS);
	token_log_reset(&log);
	cr_expect_eq(token_log_add(&log, 0, "x", 0, "x", 1, 1, 0), -1,
	    "end before start");
	token_log_free(&log);
}

/* ---- a whole index ------------------------------------------------------- */

static struct test_writer fx;

static void
setup(void)
{
	test_writer_open(&fx);
}

static void
teardown(void)
{
	test_writer_close(&fx);
}

static char *
xstrdup(const char *s)
{
	char *d = strdup(s);

	cr_assert_not_null(d);
	return d;
}

static void
make_listing(struct listing *l, int i)
{
	char buf[256];

	listing_init(l);
	l->file = "t.xml";
	l->line = i + 1;
	snprintf(buf, sizeof(buf), "tl%04d", i);
	l->id = xstrdup(buf);
	snprintf(buf, sizeof(buf), "%s %d", TEXTS[i % 3], i);
	l->naam = xstrdup(buf);
	l->samenvatting = xstrdup(TEXTS[(i + 1) % 3]);
	if (i % 4 != 0)
		l->omschrijving = xstrdup(TEXTS[(i + 2) % 3]);
	l->organisatie = xstrdup(i % 2 ? "Buurtteam Overvecht" : "---");
	l->soort = xstrdup("informeel");
	l->status = xstrdup("actief");
	l->gemeente = xstrdup("GM0344");
	cr_assert_eq(strlist_add(&l->trefwoorden, "ontmoeting"), 0);
	cr_assert_eq(strlist_add(&l->trefwoorden, "eenzaamheid"), 0);
	cr_assert_eq(strlist_add(&l->themas, "ontmoeting"), 0);
}

/* Runs sql on db and returns its single integer. */
static long
one_int(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *st;
	long v;

	cr_assert_eq(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK,
	    "%s", sqlite3_errmsg(db));
	cr_assert_eq(sqlite3_step(st), SQLITE_ROW, "%s", sqlite3_errmsg(db));
	v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

/* FTS5's check of the index against the content table: it tokenizes
 * every row again (rank 1) and compares. */
static int
fts_integrity(sqlite3 *db, char *msg, size_t msglen)
{
	int rc = sqlite3_exec(db, "INSERT INTO aanbod_fts(aanbod_fts, rank) "
	    "VALUES ('integrity-check', 1)", NULL, NULL, NULL);

	snprintf(msg, msglen, "%s", sqlite3_errmsg(db));
	return rc;
}

Test(token_log, fts5_fed_from_the_logs_matches_its_content,
     .init = setup, .fini = teardown)
{
	struct write_thread *t;
	unsigned long hits, misses;
	char err[256];
	sqlite3 *db;
	int n = 2 * WRITE_QUEUE_MAX + 5;

	cr_assert_eq(write_thread_start(&t, fx.w), 0);
	for (int i = 0; i < n; i++) {
		struct listing l;
		make_listing(&l, i);
		cr_assert_eq(write_thread_put(t, &l), 0);
	}
	cr_assert_eq(write_thread_finish(t, err, sizeof(err)), 0, "%s", err);
	index_writer_replay_stats(fx.w, &hits, &misses);
	/* naam, samenvatting, trefwoorden, labels always; omschrijving 3 in 4;
	 * organisatie "---" has no token, so FTS5 tokenizes it itself */
	cr_expect_eq(hits, (unsigned long)(4 * n + (n - (n + 3) / 4) + n / 2),
	    "hits %lu", hits);
	cr_expect_eq(misses, (unsigned long)(n - n / 2), "misses %lu", misses);
	cr_assert_eq(index_writer_finish(fx.w, err, sizeof(err)), 0, "%s", err);

	cr_assert_eq(sqlite3_open(fx.path, &db), SQLITE_OK);
	cr_assert_eq(nl_tokenizer_register(db), SQLITE_OK);
	cr_expect_eq(fts_integrity(db, err, sizeof(err)), SQLITE_OK, "%s", err);
	cr_expect_eq(one_int(db, "SELECT count(*) FROM aanbod_fts WHERE "
	    "aanbod_fts MATCH 'ontmoeting AND eenzaamheid'"), n);
	cr_expect_eq(one_int(db, "SELECT count(*) FROM aanbod_fts WHERE "
	    "aanbod_fts MATCH 'buurtteam'"), n / 2);
	sqlite3_close(db);
}

Test(token_log, the_integrity_check_sees_an_index_that_differs,
     .init = setup, .fini = teardown)
{
	struct listing l;
	char err[256];
	sqlite3 *db;

	make_listing(&l, 1);
	cr_assert_eq(index_writer_add(fx.w, &l, err, sizeof(err)), 0, "%s", err);
	listing_free(&l);
	cr_assert_eq(index_writer_finish(fx.w, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(sqlite3_open(fx.path, &db), SQLITE_OK);
	cr_assert_eq(nl_tokenizer_register(db), SQLITE_OK);
	cr_assert_eq(fts_integrity(db, err, sizeof(err)), SQLITE_OK, "%s", err);
	/* the content changes behind FTS5's back */
	cr_assert_eq(sqlite3_exec(db, "UPDATE aanbod SET naam = 'iets anders'",
	    NULL, NULL, NULL), SQLITE_OK);
	cr_expect_neq(fts_integrity(db, err, sizeof(err)), SQLITE_OK);
	sqlite3_close(db);
}
