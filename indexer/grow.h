/*
 * grow.h - the two small helpers the indexer's in-memory tables share
 * (postings_build.c, piece_memo.c): growing an array by doubling, and the
 * FNV-1a hash of a byte string. Header-only; nothing is kept.
 */
#ifndef SK_GROW_H
#define SK_GROW_H

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

/* Makes *p (an array of elements of size bytes, *cap of them) hold at
 * least need, doubling from 16. Returns 0, or -1 on ENOMEM (*p and *cap
 * unchanged). */
static inline int
grow_array(void **p, uint32_t *cap, uint32_t need, size_t size)
{
	uint32_t ncap;
	void *np;

	if (need <= *cap)
		return 0;
	ncap = *cap ? *cap : 16;
	while (ncap < need)
		ncap *= 2;
	if ((np = realloc(*p, (size_t)ncap * size)) == NULL)
		return -1;
	*p = np;
	*cap = ncap;
	return 0;
}

/* FNV-1a of s[0..n). */
static inline uint32_t
fnv1a(const char *s, size_t n)
{
	uint32_t h = 2166136261u;

	for (size_t i = 0; i < n; i++)
		h = (h ^ (uint8_t)s[i]) * 16777619u;
	return h;
}

#endif
