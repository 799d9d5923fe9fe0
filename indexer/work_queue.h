/*
 * work_queue.h - a bounded FIFO of fixed-size items between one producer
 * thread and one consumer thread (the indexer's pipeline, write_thread.h).
 *
 * Items are copied in and out by value. Wake-ups are batched: a consumer
 * waiting on an empty queue is woken when WORK_QUEUE_BATCH items are in it
 * (or the producer closes it), a producer waiting on a full one when
 * WORK_QUEUE_BATCH slots are free (or the consumer stops it), so a fast
 * thread does not pay a futex call per item.
 *
 * Ending: the producer calls work_queue_close() after its last item; the
 * consumer's work_queue_take() then returns 0 once the queue is empty. A
 * consumer that gives up calls work_queue_stop(): every later
 * work_queue_put() refuses its item (returns -1; the producer still owns
 * it), and the consumer keeps taking until 0 to free what was queued.
 *
 * Ownership: the queue owns its slot memory and nothing an item points to.
 */
#ifndef SK_WORK_QUEUE_H
#define SK_WORK_QUEUE_H

#include <pthread.h>
#include <stddef.h>

#define WORK_QUEUE_BATCH 16

struct work_queue {
	pthread_mutex_t mu;
	pthread_cond_t more, room;
	unsigned char *slots;      /* cap items of size bytes */
	size_t size, cap, head, count;
	int closed, stopped;
	int taker_waits, putter_waits;
};

/* Makes q for cap (> WORK_QUEUE_BATCH) items of size bytes. Returns 0 or
 * -1 (ENOMEM). */
int work_queue_init(struct work_queue *q, size_t size, size_t cap);
void work_queue_destroy(struct work_queue *q);
/* Copies item in, waiting for room. Returns 0, or -1 when the consumer has
 * stopped (item not taken). */
int work_queue_put(struct work_queue *q, const void *item);
/* Copies the oldest item out, waiting for one. Returns 1, or 0 when the
 * queue is closed and empty. */
int work_queue_take(struct work_queue *q, void *item);
void work_queue_close(struct work_queue *q);
void work_queue_stop(struct work_queue *q);

#endif
