/*
 * piece_memo.h - the tokens of text pieces that come back in listing after
 * listing, recorded the first time and replayed after that.
 *
 * The labels field of every listing is made of the names and descriptions
 * of its themas and doelgroepen (a few hundred distinct pieces, some 15 %
 * of all the text an import tokenizes). postings_build.c tokenizes a piece
 * once, records what the tokenizer gave (flags, token, byte span, and the
 * caller's term number) and replays that for the next listing, which is
 * exactly what tokenizing it again would give: tokens never span the
 * " ; " between pieces.
 *
 * The memo holds at most PIECE_MEMO_MAX pieces of at most
 * PIECE_MEMO_MAX_TEXT bytes; others are simply not recorded (the caller
 * tokenizes them as before). Ownership: the memo owns copies of the piece
 * texts and tokens; piece_memo_free() releases them. Pointers it returns
 * stay valid until the next piece_memo_add() or piece_memo_end().
 */
#ifndef SK_PIECE_MEMO_H
#define SK_PIECE_MEMO_H

#include <stddef.h>
#include <stdint.h>

#define PIECE_MEMO_MAX      2048
#define PIECE_MEMO_MAX_TEXT 4096
#define PIECE_NO_TERM       UINT32_MAX

struct piece_tok {
	uint32_t term;         /* the caller's term number, or PIECE_NO_TERM */
	uint32_t tok;          /* offset of the token's bytes in the memo */
	uint32_t start, end;   /* byte span in the piece */
	uint16_t ntok, flags;  /* token length; NL_TOK_* flags */
};

struct piece_memo;

/* Returns a new, empty memo, or NULL (ENOMEM). */
struct piece_memo *piece_memo_new(void);
void piece_memo_free(struct piece_memo *m);

/* 1 when the piece s[0..n) was recorded: *toks then points at its *ntoks
 * tokens (maybe 0); else 0. */
int piece_memo_find(const struct piece_memo *m, const char *s, size_t n,
                    const struct piece_tok **toks, uint32_t *ntoks);
/* The bytes of a recorded token (t->ntok of them, not NUL-ended). */
const char *piece_memo_tok(const struct piece_memo *m,
                           const struct piece_tok *t);

/* Starts recording the piece s[0..n), which piece_memo_find() did not
 * know. Returns 1 when it records, 0 when the memo is full or the piece
 * too long (nothing to do), -1 on ENOMEM. */
int piece_memo_begin(struct piece_memo *m, const char *s, size_t n);
/* Records one token of the piece being recorded. Returns 0 or -1. */
int piece_memo_add(struct piece_memo *m, int flags, const char *tok,
                   int ntok, int start, int end, uint32_t term);
/* Ends the recording: the piece can be found from now on. 0 or -1. */
int piece_memo_end(struct piece_memo *m);
/* Forgets the piece being recorded (its tokenizing failed). */
void piece_memo_drop(struct piece_memo *m);

#endif
