/*
 * token_log.c - records and replays token streams; see token_log.h.
 *
 * Record layout, one per token: flags (1 byte), token length, start, and
 * end - start as varints (index_format.h), then the token bytes.
 */
#include "token_log.h"

#include <stdlib.h>
#include <string.h>

#define REC_HEAD_MAX (1 + 3 * 5)   /* flags + three varints */

void
token_log_reset(struct token_log *log)
{
	log->len = 0;
	for (int f = 0; f < SK_FIELD_COUNT; f++)
		log->field[f].text = NULL;
	log->cur = -1;
	log->nomem = 0;
}

void
token_log_free(struct token_log *log)
{
	free(log->buf);
	memset(log, 0, sizeof(*log));
	log->cur = -1;
}

/* Makes room for need more bytes. Returns 0 or -1. */
static int
reserve(struct token_log *log, size_t need)
{
	size_t cap = log->cap ? log->cap : 1024;
	uint8_t *b;

	if (log->len + need <= log->cap)
		return 0;
	while (cap < log->len + need)
		cap *= 2;
	if ((b = realloc(log->buf, cap)) == NULL)
		return -1;
	log->buf = b;
	log->cap = cap;
	return 0;
}

int
token_log_reserve(struct token_log *log, size_t bytes)
{
	return reserve(log, bytes);
}

/* Starts recording field f (text) after the records made so far. */
static void
begin_field(struct token_log *log, int f, const char *text)
{
	log->cur = f;
	log->field[f].text = text;
	log->field[f].textlen = (int)strlen(text);
	log->field[f].from = log->field[f].to = log->len;
}

int
token_log_add(struct token_log *log, int field, const char *text, int flags,
              const char *tok, int ntok, int start, int end)
{
	uint8_t *p;

	if (log->nomem)
		return -1;
	if (field < 0 || field >= SK_FIELD_COUNT || ntok < 0 || start < 0 ||
	    end < start)
		goto fail;
	if (field != log->cur || log->field[field].text == NULL)
		begin_field(log, field, text);
	if (reserve(log, REC_HEAD_MAX + (size_t)ntok) != 0)
		goto fail;
	p = log->buf + log->len;
	*p++ = (uint8_t)flags;
	p += sk_varint_put(p, (uint32_t)ntok);
	p += sk_varint_put(p, (uint32_t)start);
	p += sk_varint_put(p, (uint32_t)(end - start));
	memcpy(p, tok, (size_t)ntok);
	log->len = (size_t)(p - log->buf) + (size_t)ntok;
	log->field[field].to = log->len;
	return 0;
fail:
	log->nomem = 1;
	return -1;
}

/* Passes the records buf[from..to) to cb. Returns 0, cb's first non-zero
 * value, or SQLITE_CORRUPT when a record is damaged (cannot happen for a
 * log made by token_log_add; checked all the same, and not a miss: some
 * tokens may have been passed on already). */
static int
replay_records(const uint8_t *p, const uint8_t *end, nl_token_ex_cb cb,
               void *cbctx)
{
	while (p < end) {
		uint32_t ntok, start, span;
		size_t k;
		int flags = *p++, rc;

		if ((k = sk_varint_get(p, end, &ntok)) == 0)
			return SQLITE_CORRUPT;
		p += k;
		if ((k = sk_varint_get(p, end, &start)) == 0)
			return SQLITE_CORRUPT;
		p += k;
		if ((k = sk_varint_get(p, end, &span)) == 0 ||
		    (size_t)(end - (p + k)) < ntok)
			return SQLITE_CORRUPT;
		p += k;
		rc = cb(cbctx, flags, (const char *)p, (int)ntok, (int)start,
		    (int)(start + span));
		if (rc != 0)
			return rc;
		p += ntok;
	}
	return 0;
}

/* The recorded field of log holding exactly text[0..len), or -1. */
static int
find_field(const struct token_log *log, const char *text, int len)
{
	for (int f = 0; f < SK_FIELD_COUNT; f++) {
		const char *t = log->field[f].text;

		if (t != NULL && log->field[f].textlen == len &&
		    (t == text || memcmp(t, text, (size_t)len) == 0))
			return f;
	}
	return -1;
}

int
token_log_replay(void *ctx, const char *text, int len, nl_token_ex_cb cb,
                 void *cbctx)
{
	struct token_replay *r = ctx;
	const struct token_log *log = r->log;
	int f;

	if (log == NULL || log->nomem || len < 0 ||
	    (f = find_field(log, text, len)) < 0) {
		r->misses++;
		return NL_REPLAY_MISS;
	}
	r->hits++;
	return replay_records(log->buf + log->field[f].from,
	    log->buf + log->field[f].to, cb, cbctx);
}
