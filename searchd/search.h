/*
 * search.h - answering GET /v1/aanbod: validating the parameters into a
 * search_req, and running it against one generation into a search_res.
 *
 * Matching: the free text goes to FTS5 as an OR of quoted words (no user
 * text is ever FTS5 syntax); filters and facets are computed in memory on
 * the model (model.h) in one pass over the matched listings.
 * Ordering: with text by score (plan.h: bm25 with the index's field
 * weights, summed over the plan's groups), then by
 * name; without text, listings that name a chosen wijk first, then by
 * name; ties end on the id, so the order is stable.
 *
 * search_req and search_res own their arrays; free them with
 * search_req_free() / search_res_free().
 */
#ifndef SK_SEARCH_H
#define SK_SEARCH_H

#include <stdint.h>

#include "model.h"
#include "params.h"
#include "plan.h"
#include "problem.h"
#include "store.h"

enum {
	Q_MAX_BYTES = 500,
	Q_MAX_WORDS = 16,
	PER_PAGE_DEFAULT = 10,
	PER_PAGE_MAX = 100,
	PAGE_MAX = 2147483647,     /* any page; one past the end is empty */
};

struct search_req {
	char *q;                   /* the text as given, or NULL */
	struct query_plan plan;    /* what FTS5 is asked for q */
	uint8_t *sel[D_COUNT];     /* per value id: chosen; NULL = no filter */
	uint8_t *wijk_gm;          /* gemeenten whose city-wide listings match
	                            * the wijk filter */
	uint32_t pagina, per_pagina;
	int prefix;                /* prefix=ja: last word is a prefix */
};

struct hit {
	uint32_t idx;              /* listing index (rowid - 1) */
	uint32_t rank;             /* name rank, copied for sorting */
	double score;              /* ranking: sum of weight * -bm25, times
	                            * freshness and coverage; 0 without q */
	double match;              /* share of the query matched, 0..1 (the
	                            * "score" clients see) */
	int wijk_specific;         /* names a chosen wijk */
};

/* Facets reported in the answer: MODEL_FACETS (model.h), in that order. */

struct search_res {
	uint32_t total;
	struct hit *hits;          /* all results; sorted up to the end of the
	                            * requested page, the rest unordered */
	uint32_t *facet[D_COUNT];  /* counts per value id, facet dims only */
	uint16_t found_words;      /* typed words (bit per plan word) that some
	                            * active listing matches, as typed or
	                            * through an expansion */
};

/* Validates params against the model. 0, or -1 with pr filled (400). */
int search_req_build(const struct model *m, const struct param_list *p,
                     struct search_req *r, struct problem *pr);
void search_req_free(struct search_req *r);

/* Runs r. 0, or -1 with pr filled (5xx). */
int search_run(const struct model *m, struct conn *c,
               const struct search_req *r, struct search_res *res,
               struct problem *pr);
void search_res_free(struct search_res *res);

/* Builds the FTS5 expression for text: every word quoted, words joined
 * by OR; words without a letter or digit are left out. *expr is NULL
 * when no word is left. Returns 0 or -1 (ENOMEM). */
int search_fts_expr(const char *text, char **expr);
/* Number of white-space separated words in text. */
int search_count_words(const char *text);
/* The check of q that /v1/aanbod and /v1/suggesties share: returns 0, or
 * -1 with a 400 problem in *pr when the UTF-8 text q holds a control
 * character: C0 (but tab and line breaks, white space in pasted text),
 * DEL or C1. */
int search_check_q_controls(const char *q, struct problem *pr);

#endif
