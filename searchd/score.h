/*
 * score.h - matching and scoring the groups of a query plan from the
 * index's ranking data (tables term and posting; the BM25F formula and
 * the blob format are in common/index_format.h).
 *
 * For each group the terms are tokenized with the "dutch" tokenizer, each
 * token's postings are read with one indexed lookup, and the group's score
 * per listing is handed to a callback. No SQL runs per matching listing
 * and nothing is scored that does not match: a word in half of 250 000
 * listings costs about a millisecond, where FTS5's bm25() costs ~100 ms.
 *
 * What a term matches (positions are not stored, so phrases are looser
 * than FTS5's):
 *   one word    the listings holding its token;
 *   a phrase    "welzijn op recept": listings holding every word; its
 *               frequency is that of its rarest word;
 *   hyphenated  "e-mail": e AND (mail OR email), the joined form being an
 *               alternative for the last part, as the tokenizer colocates;
 *   prefix      the SCORE_PREFIX_TOKENS most frequent tokens starting with
 *               the word (folded, and stemmed when that differs), their
 *               frequencies added;
 *   stop words  have no postings and are left out of a phrase; a term of
 *               stop words only matches nothing.
 * An OR group scores the sum of its matching terms (as bm25() sums its
 * phrases); an AND group only listings matching every term, with the sum.
 *
 * Ownership: a score_ctx belongs to one connection (struct conn) and one
 * thread; it owns its statements and scratch arrays. score_ctx_free()
 * releases them.
 */
#ifndef SK_SCORE_H
#define SK_SCORE_H

#include <stdint.h>

#include <sqlite3.h>

#include "model.h"
#include "nl_tokenizer.h"
#include "plan.h"

#define SCORE_PREFIX_TOKENS 48

struct score_ctx;

/* Called for every listing (index i, 0-based, any status) a group
 * matches, with the group's score there (before its weight). Return 0 to
 * go on, -1 to stop (out of memory). */
typedef int (*score_cb)(void *ctx, uint32_t i, float score);

/* Prepares the statements on db. Returns a new context, or NULL with a
 * message in err. */
struct score_ctx *score_ctx_new(sqlite3 *db, char *err, size_t errlen);
void score_ctx_free(struct score_ctx *sc);

/* The forms a prefix term matches tokens by, for scoring and for marking
 * snippets alike: when the term is one token and not a stop word, its
 * folded form and its stem, or only the shorter when one starts with the
 * other (each form matches the tokens starting with it). */
struct score_prefix {
	char form[2][NL_MAX_TOKEN];
	int len[2];
	int n;
};
/* Fills pf; returns pf->n: 1 or 2, or 0 when the term is no prefix term
 * after all (a stop word, or more than one token: it matches as typed). */
int score_prefix_forms(struct nl_tokenizer *tok, const char *term,
                       struct score_prefix *pf);

/* Frees scratch lists grown past 1 MB by a very broad query, so an idle
 * connection does not keep them. */
void score_ctx_shrink(struct score_ctx *sc);

/* Scores group g against model m (whose listings the index holds),
 * tokenizing with tok. Returns 0, -1 when the index could not be read
 * (corrupt or I/O error: logged), or -2 when memory ran out or cb
 * stopped. */
int score_group(struct score_ctx *sc, const struct model *m,
                struct nl_tokenizer *tok, const struct plan_group *g,
                score_cb cb, void *ctx);

#endif
