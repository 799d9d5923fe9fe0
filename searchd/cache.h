/*
 * cache.h - recent answers, kept for repeated requests: GET /v1/aanbod and
 * /v1/suggesties with the same request target on the same index
 * generation give the same body, so the second one is a copy.
 *
 * A sociale kaart sees the same searches over and over (the popular
 * words, the pages of a thema or wijk, every prefix while typing), and an
 * answer costs 0.1-10 ms to make but ~1 us to copy. The key is the
 * generation's file name plus the raw request target, so a new index
 * never serves an old answer; answers of an old generation simply age
 * out. The cache is split in 16 shards, each with its own lock, its own
 * least-recently-used list and 1/16 of the byte budget; an answer larger
 * than 1/8 of a shard is not kept. Only 200 answers are stored.
 *
 * The cache holds search text in memory (never on disk or in logs).
 * Ownership: the cache owns copies of keys and bodies; cache_get() hands
 * out a fresh copy the caller frees. Thread-safe.
 */
#ifndef SK_CACHE_H
#define SK_CACHE_H

#include <stddef.h>

struct answer_cache;

/* A cache of at most max_bytes (keys and bodies), or NULL when max_bytes
 * is 0 (no cache: every call below then does nothing) or memory ran out. */
struct answer_cache *cache_new(size_t max_bytes);
void cache_free(struct answer_cache *c);

/* The body stored for (gen, target): 1 with a malloc'd copy in *body,
 * 0 when absent (or no cache, or no memory). */
int cache_get(struct answer_cache *c, const char *gen, const char *target,
              char **body);
/* Stores a copy of body for (gen, target), evicting the least recently
 * used answers of its shard as needed. */
void cache_put(struct answer_cache *c, const char *gen, const char *target,
               const char *body);

#endif
