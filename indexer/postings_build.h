/*
 * postings_build.h - collects, while listings are written, the ranking
 * data searchd scores with: for every token the listings holding it and
 * its weighted frequency there (common/index_format.h describes the
 * formula and the blob format), and every listing's length in tokens.
 *
 * Everything is held in memory until postings_build_write() stores the
 * tables term and posting in one go (sorted by token). Memory grows with
 * the number of (token, listing) pairs: about 2-3 bytes each, some 60 MB
 * for 250 000 listings of 1.5 KB text.
 *
 * Ownership: a postings_build owns its tokenizer, terms and buffers;
 * postings_build_free() releases them. It copies the field text it is
 * given only as tokens.
 */
#ifndef SK_POSTINGS_BUILD_H
#define SK_POSTINGS_BUILD_H

#include <stddef.h>
#include <stdint.h>

#include <sqlite3.h>

#include "index_format.h"

struct postings_build;

/* Returns 0 and a new builder in *out, or -1 (ENOMEM). */
int postings_build_new(struct postings_build **out);
/* Adds listing rowid with its fields in the order of SK_BM25_WEIGHTS
 * (naam, samenvatting, omschrijving, organisatie, trefwoorden, labels;
 * NULL for an empty field). Rowids must increase. Sets *ntokens to the
 * listing's length. Returns 0 or -1 (ENOMEM). */
int postings_build_add(struct postings_build *pb, uint32_t rowid,
                       const char *const fields[SK_FIELD_COUNT],
                       uint32_t *ntokens);
/* Called for every token of the listing being added (stop words and
 * colocated tokens too): the field number (order of SK_BM25_WEIGHTS), the
 * field's text, the token's NL_TOK_* flags, the token and its byte span
 * in text. Lets the writer collect suggestion words and record the tokens
 * for FTS5 (token_log.h) without tokenizing again. Returns 0, or -1 to
 * stop postings_build_add() with a failure (ENOMEM). */
typedef int (*postings_token_cb)(void *ctx, int field, const char *text,
                                 int flags, const char *tok, int ntok,
                                 int start, int end);
/* Sets the observer (NULL: none). */
void postings_build_observe(struct postings_build *pb, postings_token_cb cb,
                            void *ctx);
/* Puts the terms in the order they are written in (by their bytes), so
 * that the pipeline can sort on the thread that added the listings while
 * another still writes. Adding a listing after drops the order;
 * postings_build_write() sorts when no order is kept. Returns 0 or -1
 * (ENOMEM). */
int postings_build_sort(struct postings_build *pb);
/* Writes the tables term and posting into db (inside the caller's
 * transaction). Returns 0, or -1 with a message in err. */
int postings_build_write(struct postings_build *pb, sqlite3 *db, char *err,
                         size_t errlen);
/* Frees pb; NULL is fine. */
void postings_build_free(struct postings_build *pb);

#endif
