/*
 * write_thread.h - writes listings into the index on a second thread, so
 * reading and validating the next listings (libxml2, the CSV reader,
 * listing_build) overlaps with writing the previous ones (SQLite, the
 * tokenizer, the postings).
 *
 * The reading thread hands each accepted listing over with
 * write_thread_put(), which prepares it there (index_writer_prepare:
 * tokenizing for the ranking data); the writer thread stores them
 * (index_writer_store: SQLite, FTS5) in the same order, so rowids follow
 * the input as without a thread.
 * A bounded queue (WRITE_QUEUE_MAX listings) keeps memory flat.
 *
 * Ownership: write_thread_put() takes the listing over (the caller's
 * struct is emptied); the writer thread frees it after writing. The
 * index_writer stays the caller's; it must not be used by the caller
 * between write_thread_start() and write_thread_finish().
 */
#ifndef SK_WRITE_THREAD_H
#define SK_WRITE_THREAD_H

#include <stddef.h>

#include "index_writer.h"
#include "listing.h"

#define WRITE_QUEUE_MAX 256

struct write_thread;

/* Starts the writer thread on w. Returns 0, or -1 (no thread; *out NULL). */
int write_thread_start(struct write_thread **out, struct index_writer *w);
/* Prepares and queues l (taken over). Returns 0, or -1 when preparing or
 * a write has failed (l is freed; stop reading and call
 * write_thread_finish() for the message). */
int write_thread_put(struct write_thread *t, struct listing *l);
/* Waits until everything queued is written, stops the thread and frees
 * it. Returns 0, or -1 with the first write error in err. NULL is fine. */
int write_thread_finish(struct write_thread *t, char *err, size_t errlen);

#endif
