/*
 * listing_build.h - validating a raw record (record.h) against the rules
 * of aanbod-formaat.md ("What the indexer does with bad input") and
 * turning it into a struct listing (listing.h).
 *
 * A build_ctx lives for one indexer run: it remembers the ids of the
 * listings accepted so far (to skip later duplicates) and the first name
 * read for every wijk code. It borrows the vocab and the diag, which must
 * outlive it. Free it with build_ctx_free().
 */
#ifndef SK_LISTING_BUILD_H
#define SK_LISTING_BUILD_H

#include "diag.h"
#include "listing.h"
#include "record.h"
#include "vocab.h"

struct build_ctx;

/* A new context, or NULL when out of memory. */
struct build_ctx *build_ctx_new(const struct vocab *v, struct diag *d);
void build_ctx_free(struct build_ctx *c);

/* Validates one raw record and fills *out (listing_init'ed by the
 * caller; afterwards the caller owns it and frees it with listing_free).
 * Always counts d->read++. Returns
 *    1: import it; its warnings were reported with diag_warn;
 *    0: skipped, reported once with diag_skip and the first reason found
 *       (fields are checked in the order of the spec's table); *out is
 *       left empty, and no warning of this record is reported;
 *   -1: out of memory (*out left empty, nothing reported).
 * Only accepted listings count as "seen before" for ids and wijk names. */
int listing_build(struct build_ctx *c, const struct raw_record *rec,
                  struct listing *out);

#endif
