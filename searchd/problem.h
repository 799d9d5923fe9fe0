/*
 * problem.h - an error answer in the making (RFC 9457 problem details).
 * A plain struct with fixed buffers: nothing to free.
 */
#ifndef SK_PROBLEM_H
#define SK_PROBLEM_H

#include <stdarg.h>

struct problem {
	unsigned status;       /* 400, 404, 405, 414, 500, 503 */
	const char *title;     /* short Dutch title (static) */
	char detail[512];      /* what is wrong, for people */
	char param[64];        /* the parameter at fault (may be ""), */
	int has_param;         /* ... when this is set */
	char reason[512];      /* why that parameter is wrong */
};

/* Fills a problem; param may be NULL. reason is also the detail when
 * param is set. Returns -1 so callers can `return problem_set(...)`. */
int problem_set(struct problem *p, unsigned status, const char *param,
                const char *fmt, ...) __attribute__((format(printf, 4, 5)));

#endif
