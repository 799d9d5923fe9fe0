/*
 * write_thread.h - writes listings into the index on two more threads, so
 * reading and validating the next listings (libxml2, the CSV reader,
 * listing_build), tokenizing the ones before (index_writer_prepare: ranking
 * data, suggestion words, the token logs FTS5 replays) and writing the ones
 * before those (index_writer_store: SQLite, FTS5) overlap. On two cores
 * the three stages share the CPUs as their load asks.
 *
 * The reading thread hands each accepted listing over with
 * write_thread_put(); the prepare thread and the write thread handle them
 * in the same order, so rowids follow the input as without threads.
 * Bounded queues (WRITE_QUEUE_MAX listings each, work_queue.h) keep memory
 * flat. They are long because the stages' speeds swing from listing to
 * listing: with 256 places the reading thread waited 3.1 s for room and
 * the tokenizing thread 1.9 s for work at 250 000 listings (both ran out
 * of their queue in turn); with 2048, 1.1 s and 0.7 s, 6 % faster for
 * ~15 MB more memory.
 *
 * Ownership: write_thread_put() takes the listing over (the caller's
 * struct is emptied, also when it is refused); the threads free it after
 * writing. The index_writer stays the caller's; it must not be used by the
 * caller between write_thread_start() and write_thread_finish().
 */
#ifndef SK_WRITE_THREAD_H
#define SK_WRITE_THREAD_H

#include <stddef.h>

#include "index_writer.h"
#include "listing.h"

#define WRITE_QUEUE_MAX 2048

struct write_thread;

/* Starts the prepare and write threads on w. Returns 0, or -1 (no
 * threads; *out NULL). */
int write_thread_start(struct write_thread **out, struct index_writer *w);
/* Queues l (taken over). Returns 0, or -1 when preparing or writing has
 * failed (l is freed; stop reading and call write_thread_finish() for the
 * message). */
int write_thread_put(struct write_thread *t, struct listing *l);
/* Waits until everything queued is written, stops the threads and frees
 * t. Returns 0, or -1 with the first error (preparing or writing) in err.
 * NULL is fine. */
int write_thread_finish(struct write_thread *t, char *err, size_t errlen);

#endif
