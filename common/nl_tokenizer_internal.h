/*
 * nl_tokenizer_internal.h - test hooks into the word cache of
 * common/nl_tokenizer.c. Not part of the API (nl_tokenizer.h): only the
 * unit tests include it.
 */
#ifndef SK_NL_TOKENIZER_INTERNAL_H
#define SK_NL_TOKENIZER_INTERNAL_H

#include "nl_tokenizer.h"

/* What the word cache of one tokenizer has done so far. */
struct nl_cache_stats {
	unsigned long hits;      /* words answered from the cache */
	unsigned long misses;    /* words stemmed (and then stored) */
	unsigned long clears;    /* times the full cache was emptied */
	unsigned long entries;   /* words in it now */
	unsigned long slots;     /* size of its index now */
};

/* Empties t's cache and bounds its index to max_slots slots (a power of
 * two, 4 .. the built-in maximum; the arena shrinks with it), so that a
 * test can force the clearing path; 0 turns the cache off (every word is
 * stemmed, as before the cache existed). Returns 0, or -1 for a bad
 * value. */
int nl_tokenizer_cache_limit(struct nl_tokenizer *t, unsigned max_slots);

/* Fills *st with t's counters. */
void nl_tokenizer_cache_stats(const struct nl_tokenizer *t,
                              struct nl_cache_stats *st);

#endif
