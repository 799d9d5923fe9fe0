/*
 * suggest.h - completions while typing: GET /v1/suggesties?q=wand.
 *
 * Three sources, in this order in the answer: names of listings that
 * match the typed words with the last word as a prefix (FTS5 prefix query
 * on the naam column, active listings only), thema and doelgroep names
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
	char **keys;           /* folded words, sorted */
	char **shown;          /* their spelling */
	uint32_t *count;       /* listings using the word */
	uint32_t n;
	char **folded_names[D_COUNT];  /* folded thema/doelgroep names */
};

enum { SUGGEST_MAX_BYTES = 100, SUGGEST_MAX = 10 };

int suggest_load(struct suggest_index *s, const struct model *m, sqlite3 *db,
                 char *err, size_t errlen);
void suggest_free(struct suggest_index *s);

/* The JSON answer for q (malloc'd), or NULL with pr filled. */
char *suggest_json(const struct suggest_index *s, const struct model *m,
                   struct conn *c, const char *q, struct problem *pr);

#endif
