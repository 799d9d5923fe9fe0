/*
 * nl_tokenizer.h - Dutch word splitting, folding and stemming, as an FTS5
 * tokenizer ("dutch") and as plain functions for building queries.
 *
 * One pipeline serves both sides, so a query word and an indexed word meet
 * exactly when their tokens are byte-equal:
 *
 *   split   letters, digits and combining marks make words (Unicode
 *           categories L, N, M); everything else separates. Soft hyphen
 *           and zero-width joiners are skipped inside a word.
 *           Apostrophe between letters: a final 's is dropped (auto's ->
 *           auto, Anna's -> anna), any other is removed (z'n -> zn, m'n ->
 *           mn, zo'n -> zon). A leading apostrophe separates ('s -> s,
 *           't -> t). Hyphen (-, U+2010, U+2011) between letters/digits
 *           splits (ma-vr -> ma, vr) and, when the hyphenated group holds a
 *           letter, the joined form is emitted too, colocated with the last
 *           part (e-mail -> e, mail + email). All-digit groups (dates, phone
 *           numbers, times) are not joined. Other dashes only separate.
 *   fold    NFKD + case fold + strip marks (utf8proc), plus letters that do
 *           not decompose: l-stroke -> l, dotless i -> i, o-slash -> o,
 *           d-stroke -> d, ae -> ae, oe -> oe, h/t-stroke -> h/t. The ij
 *           ligature (U+0133) becomes "ij" through NFKD. Words are cut at
 *           NL_MAX_TOKEN bytes (at a character boundary).
 *   stem    only words of a-z letters up to NL_MAX_STEM bytes; others are
 *           emitted folded. An exception table and plural/diminutive rules
 *           run in front of Snowball "dutch" (libstemmer), and a few fixes
 *           after it; nl_tokenizer.c documents each rule. A content word
 *           whose stem equals a stop word's stem gets "_" appended (mensen
 *           -> men_, while men -> men), so the two never share a token.
 *           Tokens are lower-case; "_" is their only non-alphanumeric byte.
 *
 * Stop words are never dropped here; the query side asks nl_is_stopword()
 * or reads NL_TOK_STOPWORD. Stemming changes what is stored in an index:
 * bump NL_TOKENIZER_VERSION whenever the output for some input changes.
 *
 * Threads and memory: there is no global mutable state. Each FTS5
 * tokenizer instance, and each struct nl_tokenizer, owns one Snowball
 * stemmer, which is not thread-safe: use one instance per thread, and a
 * cache of folded word -> stem (at most 1.5 MiB, cleared when full; words
 * repeat, so ~97 % of stems come from it and tokenizing runs at ~12 M
 * tokens/s). No memory is allocated per token once the cache has grown;
 * scratch buffers live on the stack.
 * Strings passed to callbacks are valid only during the callback.
 */
#ifndef SK_NL_TOKENIZER_H
#define SK_NL_TOKENIZER_H

#include <stdint.h>

#include <sqlite3.h>

#define NL_TOKENIZER_NAME    "dutch"
/* Bump the version when the output changes: it is stored in the index. */
#define NL_TOKENIZER_VERSION "1"

#define NL_MAX_STEM  64   /* longer folded words are emitted unstemmed */
#define NL_MAX_TOKEN 256  /* buffer size for one token, NUL included */

/* Flags passed to an nl_token_ex_cb. */
#define NL_TOK_COLOCATED 0x01  /* same position as the token before it
                                * (the joined form of a hyphenated group) */
#define NL_TOK_STOPWORD  0x02  /* the folded word is in nl_is_stopword() */

/* Registers the tokenizer "dutch" with the FTS5 of db. The tokenizer takes
 * no arguments. Returns SQLITE_OK or an error code. */
int nl_tokenizer_register(sqlite3 *db);

/* Called for each token: tok/ntok is the folded+stemmed token (not
 * NUL-ended), start/end the byte span in the text it came from. Return 0
 * to go on; any other value stops the run and is returned by it. */
typedef int (*nl_token_cb)(void *ctx, const char *tok, int ntok, int start,
                           int end);
/* The same, with NL_TOK_* flags. */
typedef int (*nl_token_ex_cb)(void *ctx, int flags, const char *tok, int ntok,
                              int start, int end);

/*
 * Token replay, for a writer that has tokenized a text already (the
 * indexer does, for its ranking data) and inserts the same text into FTS5.
 * When FTS5 tokenizes a document text, fn(ctx, text, len, cb, cbctx) may
 * pass the tokens it recorded for exactly these bytes to cb (in order, with
 * their flags and spans, as nl_tokenizer_run() gave them) and return 0 or
 * cb's first non-zero value; or return NL_REPLAY_MISS, and the text is
 * tokenized as usual. Queries are always tokenized.
 * nl_tokenizer_register_replay() registers "dutch" on db with such a hook
 * (replay is borrowed and must outlive db). Returns as
 * nl_tokenizer_register().
 */
#define NL_REPLAY_MISS (-1)
typedef int (*nl_replay_fn)(void *ctx, const char *text, int len,
                            nl_token_ex_cb cb, void *cbctx);
struct nl_replay {
	nl_replay_fn fn;
	void *ctx;
};
int nl_tokenizer_register_replay(sqlite3 *db, const struct nl_replay *replay);

/* Tokenizes text outside FTS5 (used by searchd to build queries). Colocated
 * tokens are passed too, right after the token whose position they share;
 * nl_tokenize_ex() tells them apart. A hyphenated query word therefore
 * gives "e", "mail", "email": the caller decides how to combine them.
 * len < 0 means strlen(text). Returns 0, SQLITE_NOMEM, or the first
 * non-zero callback value. Creates and frees a stemmer per call; callers
 * with many texts use struct nl_tokenizer below. */
int nl_tokenize(const char *text, int len, nl_token_cb cb, void *ctx);
int nl_tokenize_ex(const char *text, int len, nl_token_ex_cb cb, void *ctx);

/* Folds and stems ONE word (already split); writes the token into out
 * (size outsz, NUL-ended); returns its length (0 when the word holds no
 * letter or digit) or -1 when out is too small or an argument is bad.
 * Characters other than letters/digits are dropped, except that a final
 * 's is removed as a whole ("e-mail" -> "email", "auto's" -> "auto"). */
int nl_normalize_word(const char *word, int len, char *out, int outsz);

/* Only folds ONE word, as nl_normalize_word() but without stemming: the
 * form nl_is_stopword() expects. Same return values. */
int nl_fold_word(const char *word, int len, char *out, int outsz);

/* 1 when the folded (unstemmed) word is a Dutch function word such as de,
 * het, een, en, van, ik, mijn, z'n (as "zn"); 0 otherwise. Words that carry
 * meaning in this domain (alleen, samen, hulp, zelf, zonder) are not in it. */
int nl_is_stopword(const char *folded, int len);

/* Writes into out (17 bytes) 16 hex digits hashing the tokens of a fixed
 * probe text that exercises every rule, with NL_TOKENIZER_VERSION. Store it
 * beside the index: if it differs at start-up, the tokenizer (or the
 * libstemmer underneath it, e.g. Snowball 3's new "dutch") changed and the
 * index must be rebuilt. Returns 0 or SQLITE_NOMEM. */
int nl_tokenizer_fingerprint(char out[17]);

/* A reusable tokenizer for one thread: owns a stemmer. */
struct nl_tokenizer;

/* Returns a new tokenizer, or NULL on ENOMEM. Free with nl_tokenizer_free. */
struct nl_tokenizer *nl_tokenizer_new(void);
/* Frees t and its stemmer; t may be NULL. */
void nl_tokenizer_free(struct nl_tokenizer *t);
/* As nl_tokenize_ex(), reusing t. */
int nl_tokenizer_run(struct nl_tokenizer *t, const char *text, int len,
                     nl_token_ex_cb cb, void *ctx);
/* Word tags: while a callback of nl_tokenizer_run() (not in prefix mode)
 * has a token, nl_tokenizer_tag() gives the tag the caller stored for that
 * word earlier with nl_tokenizer_set_tag() while it had the same word, or
 * 0: none yet, or the word is not in t's word cache (not a plain a-z
 * word, or the cache forgot it). A tag maps a word to the caller's own
 * number for its token without a second hash lookup (postings_build.c).
 * Both act on the word being emitted and do nothing outside a callback;
 * call them before the callback tokenizes anything else with t. */
uint32_t nl_tokenizer_tag(const struct nl_tokenizer *t);
void nl_tokenizer_set_tag(struct nl_tokenizer *t, uint32_t tag);
/* As nl_normalize_word(), reusing t. */
int nl_tokenizer_normalize(struct nl_tokenizer *t, const char *word, int len,
                           char *out, int outsz);

#endif
