/*
 * test_write_thread.c - unit tests for indexer/write_thread.c (suite
 * "write_thread"): every queued listing is written in order, more than a
 * queue's worth included, and a failing write stops the reader with the
 * writer's message instead of losing it.
 */
#include <criterion/criterion.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "index_writer.h"
#include "listing.h"
#include "testindex.h"
#include "vocab.h"
#include "write_thread.h"

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

TestSuite(write_thread, .init = setup, .fini = teardown);

static void
make_listing(struct listing *l, const char *id, long line)
{
	char naam[64];

	listing_init(l);
	snprintf(naam, sizeof(naam), "Koffie-ochtend %s", id);
	l->file = "t.xml";
	l->line = line;
	l->id = strdup(id);
	l->naam = strdup(naam);
	l->soort = strdup("informeel");
	l->status = strdup("actief");
	l->gemeente = strdup("GM0307");
	cr_assert(l->id && l->naam && l->soort && l->status && l->gemeente);
}

Test(write_thread, writes_everything_in_order)
{
	struct write_thread *t;
	char err[256], id[16];
	sqlite3 *db;
	sqlite3_stmt *st;
	int n = 0, ordered = 1;

	cr_assert_eq(write_thread_start(&t, fx.w), 0);
	for (int i = 0; i < 3 * WRITE_QUEUE_MAX + 7; i++) {
		struct listing l;
		snprintf(id, sizeof(id), "w%04d", i);
		make_listing(&l, id, i + 1);
		cr_assert_eq(write_thread_put(t, &l), 0);
		cr_assert_null(l.id, "the listing was not taken over");
	}
	cr_assert_eq(write_thread_finish(t, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(index_writer_finish(fx.w, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(sqlite3_open(fx.path, &db), SQLITE_OK);
	cr_assert_eq(sqlite3_prepare_v2(db, "SELECT rowid, id FROM aanbod ORDER "
	    "BY rowid", -1, &st, NULL), SQLITE_OK);
	while (sqlite3_step(st) == SQLITE_ROW) {
		snprintf(id, sizeof(id), "w%04d", n);
		if (sqlite3_column_int(st, 0) != n + 1 ||
		    strcmp((const char *)sqlite3_column_text(st, 1), id) != 0)
			ordered = 0;
		n++;
	}
	sqlite3_finalize(st);
	sqlite3_close(db);
	cr_expect_eq(n, 3 * WRITE_QUEUE_MAX + 7);
	cr_expect(ordered, "rowids do not follow the input order");
}

Test(write_thread, a_failed_write_stops_the_reader_with_its_message)
{
	struct write_thread *t;
	char err[256] = "", id[16];
	int refused = 0;

	cr_assert_eq(write_thread_start(&t, fx.w), 0);
	for (int i = 0; i < 4 * WRITE_QUEUE_MAX && !refused; i++) {
		struct listing l;
		/* the 11th listing repeats an id: its insert fails */
		snprintf(id, sizeof(id), "d%04d", i == 10 ? 3 : i);
		make_listing(&l, id, i + 1);
		if (write_thread_put(t, &l) != 0)
			refused = 1;
		cr_assert_null(l.id);
	}
	cr_expect(refused, "the reader was never told to stop");
	cr_expect_eq(write_thread_finish(t, err, sizeof(err)), -1);
	cr_expect_not_null(strstr(err, "d0003"), "message: %s", err);
}

Test(write_thread, finishing_nothing_is_fine)
{
	struct write_thread *t;
	char err[64];

	cr_assert_eq(write_thread_start(&t, fx.w), 0);
	cr_expect_eq(write_thread_finish(t, err, sizeof(err)), 0);
	cr_expect_eq(write_thread_finish(NULL, err, sizeof(err)), 0);
}
