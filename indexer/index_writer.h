/*
 * index_writer.h - writes listings into a new SQLite index file.
 *
 * The writer creates a fresh file (the caller chooses its name, see
 * publish.h), runs schema/schema.sql on it, stores the vocabularies, and
 * inserts every listing inside one transaction, collecting the ranking
 * data (postings_build.h) and suggestion words (word_count.h) in memory.
 * index_writer_finish() commits, then writes those in a second
 * transaction while a second connection runs PRAGMA quick_check on the
 * first commit's file; it checks the tables of the second transaction
 * (quick_check of each) and closes the file while another thread fsyncs
 * it. Nothing here touches the live index: publishing is publish.h's job.
 *
 * Ownership: the writer owns its sqlite3 handle and statements; it copies
 * nothing from the listings it is given (they are written at once).
 * index_writer_close() frees everything (and closes the file if
 * finish was not reached; the caller removes the file).
 */
#ifndef SK_INDEX_WRITER_H
#define SK_INDEX_WRITER_H

#include <stddef.h>
#include <stdint.h>

#include "listing.h"
#include "token_log.h"
#include "value_pack.h"
#include "vocab.h"

struct index_writer;

/* Creates the index file at path (must not exist) with the schema and
 * the vocabularies. Returns 0, or -1 with a message in err. */
int index_writer_open(struct index_writer **out, const char *path,
                      const struct vocab *v, char *err, size_t errlen);
/* Adds one listing. Returns 0, or -1 with a message in err. */
int index_writer_add(struct index_writer *w, const struct listing *l,
                     char *err, size_t errlen);

/*
 * index_writer_add() in two halves, for the pipeline's threads
 * (write_thread.h): prepare assigns the rowid and collects the ranking
 * data, suggestion words and token log (no SQL); store writes the rows
 * (SQL only). Prepare listings in input order on one thread and store them
 * in the same order on another; the two halves touch disjoint parts of the
 * writer.
 */
struct prepared_listing {
	struct listing l;          /* owned */
	long long rowid;
	uint32_t ntokens;          /* length for ranking */
	char *kw, *labels;         /* texts of the trefwoorden and labels fields */
	struct packed_values packed; /* multi values and slots (value_pack.h) */
	struct token_log log;      /* their tokens, replayed into FTS5; owned */
};
/* Takes l over (it is emptied, also on failure). Returns 0, or -1 with a
 * message in err. */
int index_writer_prepare(struct index_writer *w, struct listing *l,
                         struct prepared_listing *p, char *err,
                         size_t errlen);
/* Called on the preparing thread after its last listing: sorts the terms
 * and words for index_writer_finish() while the other thread still stores.
 * Returns 0, or -1 with a message in err. */
int index_writer_prepare_done(struct index_writer *w, char *err,
                              size_t errlen);
int index_writer_store(struct index_writer *w,
                       const struct prepared_listing *p, char *err,
                       size_t errlen);
void prepared_listing_free(struct prepared_listing *p);
/* How many field texts the FTS5 inserts took from the token logs (hits)
 * and how many it tokenized again (misses). */
void index_writer_replay_stats(const struct index_writer *w,
                               unsigned long *hits, unsigned long *misses);
/* Stores a meta key/value (e.g. "sources"). */
int index_writer_meta(struct index_writer *w, const char *key,
                      const char *value, char *err, size_t errlen);
/* Commits, checks and closes the file durably. Returns 0, or
 * -1 with a message in err (the file is then not fit to publish). */
int index_writer_finish(struct index_writer *w, char *err, size_t errlen);
/* Frees the writer; closes the database if still open. NULL is fine. */
void index_writer_close(struct index_writer *w);

#endif
