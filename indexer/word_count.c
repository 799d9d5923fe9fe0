/*
 * word_count.c - word counts for the woord table; see word_count.h.
 * Open addressing with linear probing over an array of entries; keys and
 * spellings are strdup'ed. word_count_sort() turns the table into a sorted
 * array (for writing in key order); a later add makes it a table again.
 */
#include "word_count.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <utf8proc.h>

#include "batch_insert.h"
#include "nl_tokenizer.h"

struct wc_entry {
	char *key, *shown;
	uint32_t hash, count;
};

struct word_count {
	struct wc_entry *v;   /* nslots entries; key NULL = empty */
	size_t nslots, n;     /* nslots is a power of two */
	int sorted;           /* v[0..n) holds the words by key, no table */
};

static uint32_t
hash_str(const char *s)
{
	uint32_t h = 2166136261u;

	while (*s)
		h = (h ^ (uint8_t)*s++) * 16777619u;
	return h;
}

static int
grow(struct word_count *wc)
{
	size_t n = wc->nslots ? wc->nslots * 2 : 4096;
	struct wc_entry *v = calloc(n, sizeof(*v));

	if (v == NULL)
		return -1;
	for (size_t i = 0; i < wc->nslots; i++) {
		size_t j;
		if (wc->v[i].key == NULL)
			continue;
		for (j = wc->v[i].hash & (n - 1); v[j].key != NULL;
		    j = (j + 1) & (n - 1))
			;
		v[j] = wc->v[i];
	}
	free(wc->v);
	wc->v = v;
	wc->nslots = n;
	return 0;
}

/* The spelling shown for a word: the written form w[0..n), case-folded
 * (accents kept). NULL when it cannot be made or is NL_MAX_TOKEN bytes or
 * more. Caller frees. */
static char *
shown_form(const char *w, size_t n)
{
	utf8proc_uint8_t *shown = NULL;

	if (utf8proc_map((const utf8proc_uint8_t *)w, (utf8proc_ssize_t)n,
	    &shown, UTF8PROC_STABLE | UTF8PROC_COMPOSE |
	    UTF8PROC_CASEFOLD) < 0 || strlen((char *)shown) >= NL_MAX_TOKEN) {
		free(shown);
		return NULL;
	}
	return (char *)shown;
}

int
word_count_add(struct word_count *wc, const char *key, const char *written,
               size_t nwritten)
{
	uint32_t h = hash_str(key);
	struct wc_entry *e;
	size_t i;

	if (wc->sorted) {               /* back to a hash table */
		if (grow(wc) != 0)
			return -1;
		wc->sorted = 0;
	}
	if ((wc->n + 1) * 2 > wc->nslots && grow(wc) != 0)
		return -1;
	for (i = h & (wc->nslots - 1); wc->v[i].key != NULL;
	    i = (i + 1) & (wc->nslots - 1)) {
		if (wc->v[i].hash == h && strcmp(wc->v[i].key, key) == 0) {
			wc->v[i].count++;
			return 0;
		}
	}
	e = &wc->v[i];
	if ((e->shown = shown_form(written, nwritten)) == NULL)
		return 0;        /* no spelling to show: not suggested */
	if ((e->key = strdup(key)) == NULL) {
		free(e->shown);
		e->shown = NULL;
		return -1;
	}
	e->hash = h;
	e->count = 1;
	wc->n++;
	return 0;
}

static int
cmp_entries(const void *a, const void *b)
{
	return strcmp(((const struct wc_entry *)a)->key,
	    ((const struct wc_entry *)b)->key);
}

void
word_count_sort(struct word_count *wc)
{
	size_t n = 0;

	if (wc->sorted)
		return;
	for (size_t i = 0; i < wc->nslots; i++)
		if (wc->v[i].key != NULL)
			wc->v[n++] = wc->v[i];
	for (size_t i = n; i < wc->nslots; i++)
		memset(&wc->v[i], 0, sizeof(wc->v[i]));
	qsort(wc->v, n, sizeof(*wc->v), cmp_entries);
	wc->sorted = 1;
}

/* batch_insert() row i: the i-th word in key order. */
static void
bind_word(void *ctx, sqlite3_stmt *st, int first, size_t i)
{
	const struct wc_entry *e = &((const struct word_count *)ctx)->v[i];

	sqlite3_bind_text(st, first, e->key, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, first + 1, e->shown, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, first + 2, e->count);
}

int
word_count_write(struct word_count *wc, sqlite3 *db)
{
	word_count_sort(wc);
	return batch_insert(db, "INSERT INTO woord (sleutel, woord, aantal) "
	    "VALUES ", "(?,?,?)", wc->n, bind_word, wc);
}

struct word_count *
word_count_new(void)
{
	struct word_count *wc = calloc(1, sizeof(*wc));

	if (wc != NULL && grow(wc) != 0) {
		free(wc);
		return NULL;
	}
	return wc;
}

void
word_count_free(struct word_count *wc)
{
	if (wc == NULL)
		return;
	for (size_t i = 0; i < wc->nslots; i++) {
		free(wc->v[i].key);
		free(wc->v[i].shown);
	}
	free(wc->v);
	free(wc);
}
