/*
 * plan.h - what FTS5 is asked for one free-text query.
 *
 * A query plan is a list of groups; each group is a list of terms (words
 * or phrases, as text: score.h tokenizes them) joined by OR, or by AND
 * for the parts of a split compound, with a weight. search.c scores every
 * group on its own (score.h: BM25F from the index's postings) and adds
 * weight * score per listing, so a listing matching more query words
 * scores higher, and expansions (synonyms, compound parts, corrected
 * typos) can weigh less than the words typed. Each group also carries the
 * same query as an FTS5 expression (only quoted terms and OR/AND, never
 * user syntax), for FTS5 itself and for tests.
 *
 * plan_build() makes the plan for the words as typed (one group per
 * content word). Query expansion (expand.h) adds groups to it.
 * A query_plan owns its strings; free it with plan_free().
 */
#ifndef SK_PLAN_H
#define SK_PLAN_H

#include <stddef.h>

struct plan_group {
	char **terms;      /* the terms, each a word or phrase */
	size_t nterms;
	int all;           /* 1: every term must match (AND), 0: any (OR) */
	int prefix;        /* 1: the last term is a prefix ("wand" finds
	                    * wandelgroep) */
	char *expr;        /* the same as an FTS5 expression */
	double weight;     /* 1.0 for a typed word, less for an expansion */
	int word;          /* index of the typed word it serves, or -1 */
	unsigned also;     /* bit mask of further typed words it serves (the
	                    * second word of two written together) */
};

struct query_plan {
	struct plan_group *groups;
	size_t n, cap;
	int nwords;        /* words with a letter or digit, as typed */
	char **words;      /* those words (nwords entries) */
	char *gezocht;     /* what was searched, shown to the user */
	char *bedoelt;     /* the corrected query, or NULL */
	int last_prefix;   /* the last typed word is a prefix (while typing):
	                    * expansion leaves that word alone */
};

/* Splits text into words and adds one group per word that has a letter
 * or digit. Returns 0 or -1 (ENOMEM). */
int plan_build(const char *text, struct query_plan *p);
/* Frees what group g owns (its terms and expression). */
void plan_group_free(struct plan_group *g);
/* Adds a group whose expression is the quoted form of each of the n
 * terms, OR-ed (a term with spaces becomes a phrase). Returns 0 or -1. */
int plan_add_terms(struct query_plan *p, const char *const *terms, size_t n,
                   double weight, int word);
/* The OR of every group's expression (for snippets), malloc'd; NULL when
 * the plan is empty or memory ran out. */
char *plan_union(const struct query_plan *p);
/* The same, with the terms AND-ed: every one must match (the parts of a
 * split compound). */
int plan_add_all_terms(struct query_plan *p, const char *const *terms,
                       size_t n, double weight, int word);
/* Appends s to out as an FTS5 string: "s" with '"' doubled. */
int plan_quote(const char *s, size_t n, char **out, size_t *len, size_t *cap);
/* The typed words a group serves, as a bit mask (first 16 words). */
unsigned plan_group_words(const struct plan_group *g);
/* The typed words some group of p serves (stop words dropped by
 * expansion are not among them). */
unsigned plan_words(const struct query_plan *p);
/* Makes the last typed word a prefix query ("wand" finds wandelgroep)
 * when it has at least PLAN_MIN_PREFIX bytes. Returns 0 or -1 (ENOMEM). */
#define PLAN_MIN_PREFIX 3
int plan_set_last_prefix(struct query_plan *p);
void plan_free(struct query_plan *p);

/* Number of white-space separated words in text (for the 16-word limit). */
int plan_count_words(const char *text);

#endif
