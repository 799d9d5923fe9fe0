/*
 * test_work_queue.c - unit tests for indexer/work_queue.c (suite
 * "work_queue"): items arrive once and in order between two threads,
 * whichever side is slower; fewer items than a wake-up batch still arrive
 * when the producer closes; a stopped queue refuses items.
 */
#include <criterion/criterion.h>
#include <pthread.h>
#include <time.h>

#include "work_queue.h"

struct run {
	struct work_queue q;
	int n;                     /* items to send */
	int slow_producer, slow_consumer;
	int received, in_order;
};

static void
nap(void)
{
	struct timespec ts = { 0, 20000 };   /* 20 us */

	nanosleep(&ts, NULL);
}

static void *
consume(void *arg)
{
	struct run *r = arg;
	long item;

	r->in_order = 1;
	while (work_queue_take(&r->q, &item)) {
		if (item != r->received)
			r->in_order = 0;
		r->received++;
		if (r->slow_consumer && item % 7 == 0)
			nap();
	}
	return NULL;
}

static void
send_all(struct run *r, size_t cap)
{
	pthread_t th;

	cr_assert_eq(work_queue_init(&r->q, sizeof(long), cap), 0);
	cr_assert_eq(pthread_create(&th, NULL, consume, r), 0);
	for (long i = 0; i < r->n; i++) {
		cr_assert_eq(work_queue_put(&r->q, &i), 0);
		if (r->slow_producer && i % 7 == 0)
			nap();
	}
	work_queue_close(&r->q);
	pthread_join(th, NULL);
	work_queue_destroy(&r->q);
	cr_expect_eq(r->received, r->n);
	cr_expect(r->in_order, "items came out of order");
}

Test(work_queue, slow_consumer_gets_everything_in_order)
{
	struct run r = { .n = 5000, .slow_consumer = 1 };

	send_all(&r, 64);
}

Test(work_queue, slow_producer_gets_everything_through)
{
	struct run r = { .n = 5000, .slow_producer = 1 };

	send_all(&r, 64);
}

Test(work_queue, fewer_items_than_a_batch_arrive_at_close)
{
	struct run r = { .n = WORK_QUEUE_BATCH - 3, .slow_producer = 1 };

	send_all(&r, 64);
}

Test(work_queue, nothing_at_all_ends_the_consumer)
{
	struct run r = { .n = 0 };

	send_all(&r, 32);
}

Test(work_queue, a_stopped_queue_refuses_and_still_drains)
{
	struct work_queue q;
	long item = 1, out;

	cr_assert_eq(work_queue_init(&q, sizeof(long), 32), 0);
	cr_expect_eq(work_queue_put(&q, &item), 0);
	work_queue_stop(&q);
	item = 2;
	cr_expect_eq(work_queue_put(&q, &item), -1);
	work_queue_close(&q);
	cr_expect_eq(work_queue_take(&q, &out), 1);
	cr_expect_eq(out, 1);
	cr_expect_eq(work_queue_take(&q, &out), 0);
	work_queue_destroy(&q);
}

struct blocked {
	struct work_queue q;
	int refused;
};

static void *
fill(void *arg)
{
	struct blocked *b = arg;

	for (long i = 0; i < 1000; i++)
		if (work_queue_put(&b->q, &i) != 0) {
			b->refused = 1;
			break;
		}
	return NULL;
}

Test(work_queue, stopping_wakes_a_producer_waiting_for_room)
{
	struct blocked b = { .refused = 0 };
	pthread_t th;
	long out;

	cr_assert_eq(work_queue_init(&b.q, sizeof(long), 32), 0);
	cr_assert_eq(pthread_create(&th, NULL, fill, &b), 0);
	cr_assert_eq(work_queue_take(&b.q, &out), 1);  /* the producer runs */
	work_queue_stop(&b.q);
	pthread_join(th, NULL);                        /* hangs if not woken */
	cr_expect(b.refused);
	work_queue_close(&b.q);
	while (work_queue_take(&b.q, &out))
		;
	work_queue_destroy(&b.q);
}

Test(work_queue, a_queue_no_bigger_than_a_batch_is_refused)
{
	struct work_queue q;

	cr_expect_eq(work_queue_init(&q, sizeof(long), WORK_QUEUE_BATCH), -1);
}
