/*
 * cache.c - answer cache; see cache.h.
 *
 * Each shard: a chained hash table of entries and a doubly linked list
 * from most to least recently used. An entry holds key and body in one
 * allocation: "gen\ntarget\0body\0".
 */
#include "cache.h"

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

enum { SHARDS = 16, BUCKETS = 1024 };

struct entry {
	struct entry *chain;          /* next in the hash bucket */
	struct entry *newer, *older;  /* LRU list */
	uint64_t hash;
	size_t klen, size;            /* key length; bytes held */
	char data[];                  /* key NUL body NUL */
};

struct shard {
	pthread_mutex_t mu;
	struct entry *bucket[BUCKETS];
	struct entry *newest, *oldest;
	size_t bytes, max_bytes;
};

struct answer_cache {
	struct shard shard[SHARDS];
};

static uint64_t
hash_key(const char *gen, const char *target)
{
	uint64_t h = 14695981039346656037ull;

	for (const char *p = gen; *p; p++)
		h = (h ^ (uint8_t)*p) * 1099511628211ull;
	h = (h ^ '\n') * 1099511628211ull;
	for (const char *p = target; *p; p++)
		h = (h ^ (uint8_t)*p) * 1099511628211ull;
	return h;
}

static int
key_is(const struct entry *e, const char *gen, size_t gl, const char *target,
       size_t tl)
{
	return e->klen == gl + 1 + tl && memcmp(e->data, gen, gl) == 0 &&
	    e->data[gl] == '\n' && memcmp(e->data + gl + 1, target, tl) == 0;
}

static void
lru_unlink(struct shard *s, struct entry *e)
{
	if (e->newer)
		e->newer->older = e->older;
	else
		s->newest = e->older;
	if (e->older)
		e->older->newer = e->newer;
	else
		s->oldest = e->newer;
	e->newer = e->older = NULL;
}

static void
lru_push(struct shard *s, struct entry *e)
{
	e->older = s->newest;
	e->newer = NULL;
	if (s->newest)
		s->newest->newer = e;
	s->newest = e;
	if (s->oldest == NULL)
		s->oldest = e;
}

static struct entry **
find(struct shard *s, uint64_t h, const char *gen, const char *target)
{
	size_t gl = strlen(gen), tl = strlen(target);
	struct entry **pp = &s->bucket[(h >> 4) % BUCKETS];

	for (; *pp != NULL; pp = &(*pp)->chain)
		if ((*pp)->hash == h && key_is(*pp, gen, gl, target, tl))
			return pp;
	return pp;
}

static void
evict(struct shard *s, struct entry *e)
{
	struct entry **pp = &s->bucket[(e->hash >> 4) % BUCKETS];

	while (*pp != e)
		pp = &(*pp)->chain;
	*pp = e->chain;
	lru_unlink(s, e);
	s->bytes -= e->size;
	free(e);
}

int
cache_get(struct answer_cache *c, const char *gen, const char *target,
          char **body)
{
	uint64_t h;
	struct shard *s;
	struct entry *e;
	int hit = 0;

	*body = NULL;
	if (c == NULL)
		return 0;
	h = hash_key(gen, target);
	s = &c->shard[h % SHARDS];
	pthread_mutex_lock(&s->mu);
	if ((e = *find(s, h, gen, target)) != NULL &&
	    (*body = strdup(e->data + e->klen + 1)) != NULL) {
		lru_unlink(s, e);
		lru_push(s, e);
		hit = 1;
	}
	pthread_mutex_unlock(&s->mu);
	return hit;
}

void
cache_put(struct answer_cache *c, const char *gen, const char *target,
          const char *body)
{
	size_t gl, tl, bl, size;
	struct entry **pp, *e;
	struct shard *s;
	uint64_t h;

	if (c == NULL)
		return;
	gl = strlen(gen);
	tl = strlen(target);
	bl = strlen(body);
	size = sizeof(*e) + gl + 1 + tl + 1 + bl + 1;
	h = hash_key(gen, target);
	s = &c->shard[h % SHARDS];
	if (size > s->max_bytes / 8 || (e = malloc(size)) == NULL)
		return;
	e->hash = h;
	e->klen = gl + 1 + tl;
	e->size = size;
	memcpy(e->data, gen, gl);
	e->data[gl] = '\n';
	memcpy(e->data + gl + 1, target, tl + 1);
	memcpy(e->data + e->klen + 1, body, bl + 1);
	pthread_mutex_lock(&s->mu);
	if (*find(s, h, gen, target) != NULL) {   /* made twice at once */
		pthread_mutex_unlock(&s->mu);
		free(e);
		return;
	}
	while (s->bytes + size > s->max_bytes && s->oldest != NULL)
		evict(s, s->oldest);
	pp = &s->bucket[(h >> 4) % BUCKETS];
	e->chain = *pp;
	*pp = e;
	lru_push(s, e);
	s->bytes += size;
	pthread_mutex_unlock(&s->mu);
}

struct answer_cache *
cache_new(size_t max_bytes)
{
	struct answer_cache *c;

	if (max_bytes == 0 || (c = calloc(1, sizeof(*c))) == NULL)
		return NULL;
	for (int i = 0; i < SHARDS; i++) {
		pthread_mutex_init(&c->shard[i].mu, NULL);
		c->shard[i].max_bytes = max_bytes / SHARDS;
	}
	return c;
}

void
cache_free(struct answer_cache *c)
{
	if (c == NULL)
		return;
	for (int i = 0; i < SHARDS; i++) {
		struct shard *s = &c->shard[i];
		while (s->oldest != NULL)
			evict(s, s->oldest);
		pthread_mutex_destroy(&s->mu);
	}
	free(c);
}
