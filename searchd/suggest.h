/*
 * suggest.h - completions while typing: GET /v1/suggesties?q=wand.
 *
 * Three sources, in this order in the answer: names of active listings
 * with a word starting with the last typed word and, for every earlier
 * typed word, a word starting with that one (from a sorted in-memory list
 * of name words: a range lookup, no FTS5 prefix query that ranks every
 * match; best first: the name starting with it, then shorter names, then
 * by name; a name given by several listings is suggested once), thema
 * and doelgroep names
 * with a word that starts with the last typed word, and frequent words of
 * the index (the woord table, held in memory sorted by folded form).
 * A suggest_index belongs to one generation, is read-only after loading
 * and owns its strings; free it with suggest_free().
 */
#ifndef SK_SUGGEST_H
#define SK_SUGGEST_H

#include <stdint.h>

#include <sqlite3.h>

#include "model.h"
#include "problem.h"

struct conn;

struct suggest_index {
	/* the woord table, sorted by key: entry i is key words + key[i] and
	 * its spelling words + shown[i] (NUL-ended strings in one buffer) */
	char *words;
	uint32_t *key, *shown;
	uint32_t *count;       /* listings using the word */
	uint32_t n;
	char **folded_names[D_COUNT];  /* folded thema/doelgroep names */
	char *names;           /* folded names of the active listings, each
	                        * NUL-ended, words split by one space */
	uint32_t *name_at;     /* per listing: offset in names, or UINT32_MAX */
	struct name_word {
		uint32_t at;       /* offset in names where the word starts */
		uint32_t idx;      /* the listing */
	} *name_words;         /* sorted by word */
	uint32_t nname_words;
};

enum { SUGGEST_MAX_BYTES = 100, SUGGEST_MAX = 10 };

int suggest_load(struct suggest_index *s, const struct model *m, sqlite3 *db,
                 char *err, size_t errlen);
void suggest_free(struct suggest_index *s);

/* The JSON answer for q (malloc'd), or NULL with pr filled. */
char *suggest_json(const struct suggest_index *s, const struct model *m,
                   struct conn *c, const char *q, struct problem *pr);

#endif
