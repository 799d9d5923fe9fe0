/*
 * test_sorted_write.c - the indexer sorts terms and words before writing
 * them (postings_build_sort, word_count_sort; the pipeline does it on the
 * preparing thread). The tables read back complete and in byte order,
 * also when the sort was made before more was added, and terms sharing
 * their first 8 bytes (the sort's prefix key) come out in order.
 * batch_insert() writes every row once, around its batch size.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include <sqlite3.h>

#include "batch_insert.h"
#include "postings_build.h"
#include "word_count.h"

static sqlite3 *
open_db(void)
{
	sqlite3 *db = NULL;

	cr_assert_eq(sqlite3_open(":memory:", &db), SQLITE_OK);
	cr_assert_eq(sqlite3_exec(db,
	    "CREATE TABLE woord (sleutel TEXT PRIMARY KEY, woord TEXT NOT NULL,"
	    " aantal INTEGER NOT NULL) WITHOUT ROWID;"
	    "CREATE TABLE term (token TEXT PRIMARY KEY, df INTEGER NOT NULL,"
	    " id INTEGER NOT NULL) WITHOUT ROWID;"
	    "CREATE TABLE posting (id INTEGER PRIMARY KEY, docs BLOB NOT NULL);",
	    NULL, NULL, NULL), SQLITE_OK);
	return db;
}

static long
query_long(sqlite3 *db, const char *sql, const char *arg)
{
	sqlite3_stmt *st;
	long v = -1;

	cr_assert_eq(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK,
	    "%s", sqlite3_errmsg(db));
	if (arg != NULL)
		sqlite3_bind_text(st, 1, arg, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

static void
add_word(struct word_count *wc, const char *w)
{
	cr_assert_eq(word_count_add(wc, w, w, strlen(w)), 0);
}

Test(sorted_write, words_added_after_a_sort_are_written_too)
{
	struct word_count *wc = word_count_new();
	sqlite3 *db = open_db();
	char w[32];

	cr_assert_not_null(wc);
	for (int i = 0; i < 5000; i++) {      /* the table grows twice */
		snprintf(w, sizeof(w), "woord%d", (i * 7919) % 5000);
		add_word(wc, w);
	}
	word_count_sort(wc);
	add_word(wc, "woord42");             /* known: counted again */
	add_word(wc, "aaa-nieuw");           /* new after the sort */
	word_count_sort(wc);
	word_count_sort(wc);                 /* twice is the same */
	cr_assert_eq(word_count_write(wc, db), 0, "%s", sqlite3_errmsg(db));
	cr_expect_eq(query_long(db, "SELECT count(*) FROM woord", NULL), 5001);
	cr_expect_eq(query_long(db, "SELECT aantal FROM woord WHERE "
	    "sleutel = ?1", "woord42"), 2);
	cr_expect_eq(query_long(db, "SELECT aantal FROM woord WHERE "
	    "sleutel = ?1", "aaa-nieuw"), 1);
	cr_expect_eq(query_long(db, "SELECT aantal FROM woord WHERE "
	    "sleutel = ?1", "woord4999"), 1);
	word_count_free(wc);
	sqlite3_close(db);
}

static void
add_listing(struct postings_build *pb, uint32_t rowid, const char *naam)
{
	const char *fields[SK_FIELD_COUNT] = { naam };
	uint32_t ntokens = 0;

	cr_assert_eq(postings_build_add(pb, rowid, fields, &ntokens), 0);
	cr_assert_gt(ntokens, 0);
}

Test(sorted_write, terms_in_byte_order_after_a_stale_sort)
{
	struct postings_build *pb = NULL;
	sqlite3 *db = open_db();
	sqlite3_stmt *st;
	char err[256], prev[256] = "";
	long n = 0;

	cr_assert_eq(postings_build_new(&pb), 0);
	/* long shared beginnings: the order is decided after byte 8 */
	add_listing(pb, 1, "gemeenschapshuis gemeenschapstuin zwembad");
	add_listing(pb, 2, "gemeenschapszin gemeenschap ambulance");
	cr_assert_eq(postings_build_sort(pb), 0);
	add_listing(pb, 3, "gemeenschapsavond aardappel gemeenschapshuis");
	cr_assert_eq(postings_build_write(pb, db, err, sizeof(err)), 0, "%s",
	    err);

	cr_expect_eq(query_long(db, "SELECT df FROM term WHERE token = ?1",
	    "aardappel"), 1, "a term of the listing added after the sort");
	cr_expect_eq(query_long(db, "SELECT count(*) FROM term", NULL),
	    query_long(db, "SELECT count(*) FROM posting", NULL));
	/* ids follow the tokens' byte order, with no gaps */
	cr_assert_eq(sqlite3_prepare_v2(db, "SELECT token, id FROM term ORDER "
	    "BY id", -1, &st, NULL), SQLITE_OK);
	while (sqlite3_step(st) == SQLITE_ROW) {
		const char *tok = (const char *)sqlite3_column_text(st, 0);

		n++;
		cr_expect_eq(sqlite3_column_int64(st, 1), n);
		cr_expect_lt(strcmp(prev, tok), 0, "\"%s\" before \"%s\"", prev,
		    tok);
		snprintf(prev, sizeof(prev), "%s", tok);
	}
	sqlite3_finalize(st);
	cr_expect_geq(n, 8, "%ld terms", n);
	postings_build_free(pb);
	sqlite3_close(db);
}

static void
bind_square(void *ctx, sqlite3_stmt *st, int first, size_t row)
{
	(void)ctx;
	sqlite3_bind_int64(st, first, (sqlite3_int64)row);
	sqlite3_bind_int64(st, first + 1, (sqlite3_int64)(row * row));
}

Test(sorted_write, batch_insert_writes_every_row_once)
{
	static const size_t counts[] = {
		0, 1, BATCH_INSERT_ROWS - 1, BATCH_INSERT_ROWS,
		BATCH_INSERT_ROWS + 1, 3 * BATCH_INSERT_ROWS + 17,
	};

	for (size_t c = 0; c < sizeof(counts) / sizeof(counts[0]); c++) {
		sqlite3 *db = open_db();
		size_t n = counts[c];

		cr_assert_eq(sqlite3_exec(db, "CREATE TABLE sq (k INTEGER PRIMARY "
		    "KEY, v INTEGER)", NULL, NULL, NULL), SQLITE_OK);
		cr_assert_eq(batch_insert(db, "INSERT INTO sq (k, v) VALUES ",
		    "(?,?)", n, bind_square, NULL), 0, "%s",
		    sqlite3_errmsg(db));
		cr_expect_eq(query_long(db, "SELECT count(*) FROM sq", NULL),
		    (long)n, "%zu rows", n);
		cr_expect_eq(query_long(db, "SELECT count(*) FROM sq WHERE "
		    "v = k * k", NULL), (long)n, "%zu rows", n);
		if (n > 0)
			cr_expect_eq(query_long(db, "SELECT max(k) FROM sq", NULL),
			    (long)n - 1);
		/* a second run collides with every key: an error, reported */
		if (n > 0)
			cr_expect_eq(batch_insert(db, "INSERT INTO sq (k, v) VALUES ",
			    "(?,?)", n, bind_square, NULL), -1);
		sqlite3_close(db);
	}
}
