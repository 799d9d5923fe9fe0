/*
 * token_log.h - the tokens of one listing's fields, recorded while the
 * reading thread tokenizes them for the ranking data, and replayed into
 * FTS5 when the writing thread inserts the same texts (so each text is
 * tokenized once instead of twice: see nl_tokenizer_register_replay()).
 *
 * A log holds, per field, the text it was made from (pointer and length)
 * and its tokens in order: NL_TOK_* flags, byte span and token bytes.
 * token_log_replay() finds the field whose text has exactly the bytes FTS5
 * asks about and passes its tokens on; for any other text it answers
 * NL_REPLAY_MISS and the tokenizer runs as usual, so a replay can never
 * put into FTS5 anything but what tokenizing would.
 *
 * Ownership: a log owns its token buffer and borrows the field texts (they
 * belong to the listing it was made for and must stay unchanged until its
 * last replay). token_log_free() releases the buffer.
 */
#ifndef SK_TOKEN_LOG_H
#define SK_TOKEN_LOG_H

#include <stddef.h>
#include <stdint.h>

#include "index_format.h"
#include "nl_tokenizer.h"

struct token_log {
	uint8_t *buf;              /* the records of every field, in order */
	size_t len, cap;
	struct {
		const char *text;  /* borrowed; NULL: field not recorded */
		int textlen;
		size_t from, to;   /* its records: buf[from..to) */
	} field[SK_FIELD_COUNT];
	int cur;                   /* field being recorded, or -1 */
	int nomem;                 /* a record did not fit: log is unusable */
};

/* What a replay source did, for tests and benchmarks. */
struct token_replay {
	const struct token_log *log;  /* armed log, or NULL */
	unsigned long hits, misses;   /* texts replayed / tokenized again */
};

/* Empties log (keeping its buffer). A zeroed struct is an empty log too. */
void token_log_reset(struct token_log *log);
/* Makes room for bytes of records at once (a listing's log in one
 * allocation instead of growing). Returns 0, or -1 (ENOMEM: the log is
 * unchanged and may still grow token by token). */
int token_log_reserve(struct token_log *log, size_t bytes);
/* Records one token of field (0 .. SK_FIELD_COUNT-1) whose text is text
 * (NUL-ended); the tokens of a field must come together, in order.
 * Returns 0, or -1 (ENOMEM: the log is marked unusable and every later
 * replay of it misses). */
int token_log_add(struct token_log *log, int field, const char *text,
                  int flags, const char *tok, int ntok, int start, int end);
void token_log_free(struct token_log *log);

/* nl_replay_fn over a struct token_replay (ctx): replays the field of
 * ctx->log whose text equals text[0..len), or returns NL_REPLAY_MISS. */
int token_log_replay(void *ctx, const char *text, int len, nl_token_ex_cb cb,
                     void *cbctx);

#endif
