/*
 * write_thread.c - the indexer's pipeline; see write_thread.h.
 *
 *   reading thread --listings--> prepare thread --prepared--> write thread
 *   (libxml2, CSV,   queue `raw`  (tokenizing,       queue     (SQLite,
 *    listing_build)                postings, words)  `ready`    FTS5)
 *
 * Each stage owns what it took from its queue. The first failure (of
 * preparing or writing) is kept in err; the stage that failed stops the
 * queue it reads from, so the stage before it is refused at its next put
 * and stops too, back to write_thread_put(). Every stage drains its queue
 * to the end, freeing what it no longer handles.
 */
#include "write_thread.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "work_queue.h"

struct write_thread {
	struct index_writer *w;
	struct work_queue raw;          /* struct listing */
	struct work_queue ready;        /* struct prepared_listing */
	pthread_t preparer, writer;
	pthread_mutex_t mu;             /* guards failed and err */
	int failed;
	char err[512];                  /* the first failure's message */
};

/* Keeps msg as the failure when it is the first. */
static void
set_failed(struct write_thread *t, const char *msg)
{
	pthread_mutex_lock(&t->mu);
	if (!t->failed) {
		t->failed = 1;
		snprintf(t->err, sizeof(t->err), "%s", msg);
	}
	pthread_mutex_unlock(&t->mu);
}

/* The prepare thread: raw listings in, prepared listings out. */
static void *
run_prepare(void *arg)
{
	struct write_thread *t = arg;
	struct prepared_listing p;
	struct listing l;
	char err[512];
	int stopped = 0;

	while (work_queue_take(&t->raw, &l)) {
		if (stopped) {
			listing_free(&l);
			continue;
		}
		if (index_writer_prepare(t->w, &l, &p, err, sizeof(err)) != 0) {
			set_failed(t, err);     /* l was freed */
			stopped = 1;
		} else if (work_queue_put(&t->ready, &p) != 0) {
			prepared_listing_free(&p);  /* the writer has failed */
			stopped = 1;
		}
		if (stopped)
			work_queue_stop(&t->raw);
	}
	work_queue_close(&t->ready);
	if (!stopped && index_writer_prepare_done(t->w, err, sizeof(err)) != 0)
		set_failed(t, err);
	return NULL;
}

/* The write thread: stores prepared listings in order. */
static void *
run_write(void *arg)
{
	struct write_thread *t = arg;
	struct prepared_listing p;
	char err[512];
	int stopped = 0;

	while (work_queue_take(&t->ready, &p)) {
		if (!stopped && index_writer_store(t->w, &p, err,
		    sizeof(err)) != 0) {
			set_failed(t, err);
			stopped = 1;
			work_queue_stop(&t->ready);
		}
		prepared_listing_free(&p);   /* after a failure: drain, drop */
	}
	return NULL;
}

static void
free_thread(struct write_thread *t)
{
	work_queue_destroy(&t->ready);
	work_queue_destroy(&t->raw);
	pthread_mutex_destroy(&t->mu);
	free(t);
}

int
write_thread_start(struct write_thread **out, struct index_writer *w)
{
	struct write_thread *t = calloc(1, sizeof(*t));

	*out = NULL;
	if (t == NULL)
		return -1;
	t->w = w;
	pthread_mutex_init(&t->mu, NULL);
	if (work_queue_init(&t->raw, sizeof(struct listing),
	    WRITE_QUEUE_MAX) != 0 ||
	    work_queue_init(&t->ready, sizeof(struct prepared_listing),
	    WRITE_QUEUE_MAX) != 0)
		goto fail;
	if (pthread_create(&t->writer, NULL, run_write, t) != 0)
		goto fail;
	if (pthread_create(&t->preparer, NULL, run_prepare, t) != 0) {
		work_queue_close(&t->ready);
		pthread_join(t->writer, NULL);
		goto fail;
	}
	*out = t;
	return 0;
fail:
	free_thread(t);
	return -1;
}

int
write_thread_put(struct write_thread *t, struct listing *l)
{
	if (work_queue_put(&t->raw, l) != 0) {
		listing_free(l);
		return -1;
	}
	listing_init(l);               /* taken over */
	return 0;
}

int
write_thread_finish(struct write_thread *t, char *err, size_t errlen)
{
	int failed;

	if (t == NULL)
		return 0;
	work_queue_close(&t->raw);
	pthread_join(t->preparer, NULL);
	pthread_join(t->writer, NULL);
	failed = t->failed;
	if (failed)
		snprintf(err, errlen, "%s", t->err);
	free_thread(t);
	return failed ? -1 : 0;
}
