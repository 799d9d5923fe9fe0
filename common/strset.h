/*
 * strset.h - a small hash map from string to string, also usable as a
 * set (value NULL). Open addressing with linear probing; grows at 50 %
 * load, so lookups and inserts are O(1) on average. Entries cannot be
 * removed one by one.
 *
 * Ownership: the map owns copies of every key and value it holds; free
 * it with strset_free(). Strings returned by strset_get() belong to the
 * map and stay valid until the entry is replaced or the map is freed.
 */
#ifndef SK_STRSET_H
#define SK_STRSET_H

#include <stddef.h>

struct strset;

/* A new empty map, or NULL when out of memory. Free with strset_free(). */
struct strset *strset_new(void);
void strset_free(struct strset *s);

/* Inserts key -> value (value may be NULL), replacing an existing value.
 * Returns 0, or -1 when out of memory (the map is then unchanged). */
int strset_put(struct strset *s, const char *key, const char *value);
/* Inserts key -> value only when key is absent. Returns 1 when added,
 * 0 when key was already there (its value untouched), -1 on ENOMEM. */
int strset_add(struct strset *s, const char *key, const char *value);
/* 1 when key is in the map, else 0. */
int strset_has(const struct strset *s, const char *key);
/* The value stored for key; NULL when key is absent or its value is
 * NULL (tell them apart with strset_has()). */
const char *strset_get(const struct strset *s, const char *key);
/* Number of keys. */
size_t strset_count(const struct strset *s);

#endif
