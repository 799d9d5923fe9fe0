/*
 * strset.c - open-addressing string map; see strset.h. The map owns its
 * slot array and a copy of every key and value.
 */
#include "strset.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

struct entry {
	char *key;      /* NULL: free slot */
	char *value;
	uint64_t hash;
};

struct strset {
	struct entry *slots;
	size_t cap;     /* power of two */
	size_t count;
};

/* FNV-1a, 64 bit. */
static uint64_t
hash_str(const char *s)
{
	uint64_t h = 0xcbf29ce484222325ULL;

	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= 0x100000001b3ULL;
	}
	return h;
}

struct strset *
strset_new(void)
{
	struct strset *s = malloc(sizeof(*s));

	if (s == NULL)
		return NULL;
	s->cap = 16;
	s->count = 0;
	s->slots = calloc(s->cap, sizeof(*s->slots));
	if (s->slots == NULL) {
		free(s);
		return NULL;
	}
	return s;
}

void
strset_free(struct strset *s)
{
	if (s == NULL)
		return;
	for (size_t i = 0; i < s->cap; i++) {
		free(s->slots[i].key);
		free(s->slots[i].value);
	}
	free(s->slots);
	free(s);
}

/* The slot holding key, or the free slot where it belongs. */
static struct entry *
find_slot(const struct strset *s, const char *key, uint64_t h)
{
	size_t mask = s->cap - 1;

	for (size_t i = (size_t)h & mask;; i = (i + 1) & mask) {
		struct entry *e = &s->slots[i];

		if (e->key == NULL ||
		    (e->hash == h && strcmp(e->key, key) == 0))
			return e;
	}
}

static int
grow(struct strset *s)
{
	struct entry *old = s->slots;
	size_t oldcap = s->cap, ncap = s->cap * 2;
	struct entry *nv;

	if (ncap > SIZE_MAX / sizeof(*nv))
		return -1;
	nv = calloc(ncap, sizeof(*nv));
	if (nv == NULL)
		return -1;
	s->slots = nv;
	s->cap = ncap;
	for (size_t i = 0; i < oldcap; i++)
		if (old[i].key != NULL)
			*find_slot(s, old[i].key, old[i].hash) = old[i];
	free(old);
	return 0;
}

static char *
dup_or_null(const char *v, int *failed)
{
	char *p;

	if (v == NULL)
		return NULL;
	p = strdup(v);
	if (p == NULL)
		*failed = 1;
	return p;
}

/* Inserts or (when replace) overwrites. Returns 1 added, 0 present. */
static int
insert(struct strset *s, const char *key, const char *value, int replace)
{
	uint64_t h = hash_str(key);
	struct entry *e = find_slot(s, key, h);
	char *k, *v;
	int failed = 0;

	if (e->key != NULL) {
		if (!replace)
			return 0;
		v = dup_or_null(value, &failed);
		if (failed)
			return -1;
		free(e->value);
		e->value = v;
		return 0;
	}
	if ((s->count + 1) * 2 > s->cap) {
		if (grow(s) < 0)
			return -1;
		e = find_slot(s, key, h);
	}
	k = strdup(key);
	v = dup_or_null(value, &failed);
	if (k == NULL || failed) {
		free(k);
		free(v);
		return -1;
	}
	e->key = k;
	e->value = v;
	e->hash = h;
	s->count++;
	return 1;
}

int
strset_put(struct strset *s, const char *key, const char *value)
{
	return insert(s, key, value, 1) < 0 ? -1 : 0;
}

int
strset_add(struct strset *s, const char *key, const char *value)
{
	return insert(s, key, value, 0);
}

int
strset_has(const struct strset *s, const char *key)
{
	return find_slot(s, key, hash_str(key))->key != NULL;
}

const char *
strset_get(const struct strset *s, const char *key)
{
	return find_slot(s, key, hash_str(key))->value;
}

size_t
strset_count(const struct strset *s)
{
	return s->count;
}
