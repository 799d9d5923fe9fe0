/*
 * work_queue.c - bounded FIFO between two threads; see work_queue.h.
 * One mutex guards everything; `more` wakes the consumer, `room` the
 * producer. taker_waits / putter_waits say whether one is asleep, so the
 * other signals only when that one is and the batch is reached.
 */
#include "work_queue.h"

#include <stdlib.h>
#include <string.h>

int
work_queue_init(struct work_queue *q, size_t size, size_t cap)
{
	memset(q, 0, sizeof(*q));
	if (cap <= WORK_QUEUE_BATCH || (q->slots = calloc(cap, size)) == NULL)
		return -1;
	q->size = size;
	q->cap = cap;
	pthread_mutex_init(&q->mu, NULL);
	pthread_cond_init(&q->more, NULL);
	pthread_cond_init(&q->room, NULL);
	return 0;
}

void
work_queue_destroy(struct work_queue *q)
{
	if (q->slots == NULL)
		return;
	pthread_cond_destroy(&q->room);
	pthread_cond_destroy(&q->more);
	pthread_mutex_destroy(&q->mu);
	free(q->slots);
	q->slots = NULL;
}

int
work_queue_put(struct work_queue *q, const void *item)
{
	int rc = -1;

	pthread_mutex_lock(&q->mu);
	while (q->count == q->cap && !q->stopped) {
		q->putter_waits = 1;
		pthread_cond_wait(&q->room, &q->mu);
		q->putter_waits = 0;
	}
	if (!q->stopped) {
		memcpy(q->slots + ((q->head + q->count) % q->cap) * q->size, item,
		    q->size);
		q->count++;
		if (q->taker_waits && q->count >= WORK_QUEUE_BATCH)
			pthread_cond_signal(&q->more);
		rc = 0;
	}
	pthread_mutex_unlock(&q->mu);
	return rc;
}

int
work_queue_take(struct work_queue *q, void *item)
{
	int got = 0;

	pthread_mutex_lock(&q->mu);
	while (q->count == 0 && !q->closed) {
		q->taker_waits = 1;
		pthread_cond_wait(&q->more, &q->mu);
		q->taker_waits = 0;
	}
	if (q->count > 0) {
		memcpy(item, q->slots + q->head * q->size, q->size);
		q->head = (q->head + 1) % q->cap;
		q->count--;
		if (q->putter_waits && q->cap - q->count >= WORK_QUEUE_BATCH)
			pthread_cond_signal(&q->room);
		got = 1;
	}
	pthread_mutex_unlock(&q->mu);
	return got;
}

void
work_queue_close(struct work_queue *q)
{
	pthread_mutex_lock(&q->mu);
	q->closed = 1;
	pthread_cond_signal(&q->more);
	pthread_mutex_unlock(&q->mu);
}

void
work_queue_stop(struct work_queue *q)
{
	pthread_mutex_lock(&q->mu);
	q->stopped = 1;
	pthread_cond_signal(&q->room);
	pthread_mutex_unlock(&q->mu);
}
