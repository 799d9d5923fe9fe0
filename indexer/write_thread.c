/*
 * write_thread.c - the writer thread and its queue; see write_thread.h.
 * The reading thread prepares each listing (index_writer_prepare: ranking
 * data, suggestion words) before queueing it; the writer thread stores it
 * (index_writer_store: SQL). One mutex guards the ring; `changed` wakes
 * the writer when a listing arrives or input ends, and the reader when
 * room frees up.
 */
#include "write_thread.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct write_thread {
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t changed;
	struct index_writer *w;
	struct prepared_listing ring[WRITE_QUEUE_MAX];
	size_t head, count;       /* guarded by mu */
	int closed;               /* no more input (guarded by mu) */
	int failed;               /* a write failed (guarded by mu) */
	char err[512];            /* its message (written by the thread) */
	int prep_failed;          /* preparing failed (reading thread) */
	char prep_err[512];       /* its message */
};

/* Takes the next listing into *l; 0 when input has ended. */
static int
take(struct write_thread *t, struct prepared_listing *l)
{
	int got = 0;

	pthread_mutex_lock(&t->mu);
	while (t->count == 0 && !t->closed)
		pthread_cond_wait(&t->changed, &t->mu);
	if (t->count > 0) {
		*l = t->ring[t->head];
		t->head = (t->head + 1) % WRITE_QUEUE_MAX;
		t->count--;
		got = 1;
		pthread_cond_broadcast(&t->changed);
	}
	pthread_mutex_unlock(&t->mu);
	return got;
}

static void
fail(struct write_thread *t)
{
	pthread_mutex_lock(&t->mu);
	t->failed = 1;
	pthread_cond_broadcast(&t->changed);
	pthread_mutex_unlock(&t->mu);
}

static void *
run(void *arg)
{
	struct write_thread *t = arg;
	struct prepared_listing p;
	int failed = 0;

	while (take(t, &p)) {
		if (!failed && index_writer_store(t->w, &p, t->err,
		    sizeof(t->err)) != 0) {
			failed = 1;
			fail(t);
		}
		prepared_listing_free(&p);   /* after a failure: drain, drop */
	}
	return NULL;
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
	pthread_cond_init(&t->changed, NULL);
	if (pthread_create(&t->thread, NULL, run, t) != 0) {
		pthread_cond_destroy(&t->changed);
		pthread_mutex_destroy(&t->mu);
		free(t);
		return -1;
	}
	*out = t;
	return 0;
}

int
write_thread_put(struct write_thread *t, struct listing *l)
{
	struct prepared_listing p;
	char err[512];
	int failed;

	/* the reading half of the work, on this thread */
	if (index_writer_prepare(t->w, l, &p, err, sizeof(err)) != 0) {
		pthread_mutex_lock(&t->mu);
		if (!t->failed)
			memcpy(t->prep_err, err, sizeof(err));
		t->prep_failed = 1;
		pthread_mutex_unlock(&t->mu);
		return -1;
	}
	pthread_mutex_lock(&t->mu);
	while (t->count == WRITE_QUEUE_MAX && !t->failed)
		pthread_cond_wait(&t->changed, &t->mu);
	failed = t->failed;
	if (!failed) {
		t->ring[(t->head + t->count) % WRITE_QUEUE_MAX] = p;
		t->count++;
		pthread_cond_broadcast(&t->changed);
	}
	pthread_mutex_unlock(&t->mu);
	if (failed)
		prepared_listing_free(&p);
	return failed ? -1 : 0;
}

int
write_thread_finish(struct write_thread *t, char *err, size_t errlen)
{
	int failed;

	if (t == NULL)
		return 0;
	pthread_mutex_lock(&t->mu);
	t->closed = 1;
	pthread_cond_broadcast(&t->changed);
	pthread_mutex_unlock(&t->mu);
	pthread_join(t->thread, NULL);
	failed = t->failed || t->prep_failed;
	if (failed)
		snprintf(err, errlen, "%s", t->failed ? t->err : t->prep_err);
	pthread_cond_destroy(&t->changed);
	pthread_mutex_destroy(&t->mu);
	free(t);
	return failed ? -1 : 0;
}
