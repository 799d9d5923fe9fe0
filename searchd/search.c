/*
 * search.c - parameter validation, matching, filtering, facets and
 * ordering; see search.h.
 */
#include "search.h"

#include "log.h"

/* Ranking weight of query coverage: score x (BASE + (1-BASE) x coverage). */
#define COVER_BASE 0.5
/* Groups at least this heavy count as the typed word itself for coverage:
 * the word as typed (1.0) and two typed words written together (0.8). */
#define COVER_WHOLE 0.8

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ---- the free text ------------------------------------------------------ */

int
search_count_words(const char *text)
{
	return plan_count_words(text);
}

int
search_fts_expr(const char *text, char **expr)
{
	struct query_plan p;

	*expr = NULL;
	if (plan_build(text, &p) != 0)
		return -1;
	if (p.n > 0 && (*expr = plan_union(&p)) == NULL) {
		plan_free(&p);
		return -1;
	}
	plan_free(&p);
	return 0;
}

/* ---- parameters --------------------------------------------------------- */

static int
pick_value(const struct model *m, struct search_req *r, enum dim_id d,
           const char *param, const char *value, struct problem *pr)
{
	int v;

	if (r->sel[d] == NULL &&
	    (r->sel[d] = calloc(m->vs[d].n + 1, 1)) == NULL)
		return problem_set(pr, 500, NULL, "geen geheugen");
	if (d == D_GEMEENTE)
		v = model_gemeente(m, value);
	else
		v = model_value(m, d, value);
	if (v < 0)
		return problem_set(pr, 400, param, "onbekende waarde \"%.60s\" voor "
		    "%s", value, param);
	r->sel[d][v] = 1;
	return 0;
}

static int
wijk_code_ok(const char *s)
{
	if (strlen(s) != 8 || strncasecmp(s, "WK", 2) != 0)
		return 0;
	for (int i = 2; i < 6; i++)
		if (!isdigit((unsigned char)s[i]))
			return 0;
	return isalnum((unsigned char)s[6]) && isalnum((unsigned char)s[7]);
}

static int
pick_wijk(const struct model *m, struct search_req *r, const char *value,
          struct problem *pr)
{
	char gm[7];
	int g, w;

	if (!wijk_code_ok(value))
		return problem_set(pr, 400, "wijk", "\"%.60s\" is geen wijkcode "
		    "(WK + 4 cijfers + 2 tekens, bijvoorbeeld WK034403)", value);
	snprintf(gm, sizeof(gm), "GM%.4s", value + 2);
	if ((g = model_gemeente(m, gm)) < 0)
		return problem_set(pr, 400, "wijk", "wijk %.8s ligt niet in een "
		    "gemeente van deze sociale kaart", value);
	if (r->sel[D_WIJK] == NULL &&
	    (r->sel[D_WIJK] = calloc(m->vs[D_WIJK].n + 1, 1)) == NULL)
		return problem_set(pr, 500, NULL, "geen geheugen");
	if (r->wijk_gm == NULL &&
	    (r->wijk_gm = calloc(m->vs[D_GEMEENTE].n + 1, 1)) == NULL)
		return problem_set(pr, 500, NULL, "geen geheugen");
	if ((w = model_value(m, D_WIJK, value)) >= 0)
		r->sel[D_WIJK][w] = 1;
	r->wijk_gm[g] = 1;
	return 0;
}

static int
pick_taal(const struct model *m, struct search_req *r, const char *value,
          struct problem *pr)
{
	size_t n = strlen(value);
	int v;

	for (size_t i = 0; i < n; i++)
		if (!isalpha((unsigned char)value[i]))
			n = 0;
	if (n < 2 || n > 3)
		return problem_set(pr, 400, "taal", "\"%.60s\" is geen taalcode "
		    "(2 of 3 letters, bijvoorbeeld nl, en, ar)", value);
	if (r->sel[D_TAAL] == NULL &&
	    (r->sel[D_TAAL] = calloc(m->vs[D_TAAL].n + 1, 1)) == NULL)
		return problem_set(pr, 500, NULL, "geen geheugen");
	/* A language no listing offers is a valid choice that finds nothing. */
	if ((v = model_value(m, D_TAAL, value)) >= 0)
		r->sel[D_TAAL][v] = 1;
	return 0;
}

static int
parse_count(const char *param, const char *value, uint32_t min, uint32_t max,
            uint32_t *out, struct problem *pr)
{
	char *end;
	unsigned long v;

	if (!isdigit((unsigned char)value[0]))
		goto bad;
	v = strtoul(value, &end, 10);
	if (*end != '\0' || v < min || v > max)
		goto bad;
	*out = (uint32_t)v;
	return 0;
bad:
	return problem_set(pr, 400, param, "%s moet een heel getal van %u tot "
	    "en met %u zijn", param, min, max);
}

int
search_check_q_controls(const char *q, struct problem *pr)
{
	for (const unsigned char *p = (const unsigned char *)q; *p; p++)
		if ((*p < 0x20 && *p != '\t' && *p != '\n' && *p != '\r') ||
		    *p == 0x7F || (*p == 0xC2 && p[1] >= 0x80 && p[1] <= 0x9F))
			/* C0, DEL, C1 (U+0080..U+009F) */
			return problem_set(pr, 400, "q", "de zoektekst bevat "
			    "stuurtekens");
	return 0;
}

static int
set_q(struct search_req *r, const char *value, struct problem *pr)
{
	size_t n = strlen(value);

	if (r->q != NULL)
		return problem_set(pr, 400, "q", "q mag maar één keer voorkomen");
	if (n > Q_MAX_BYTES)
		return problem_set(pr, 400, "q", "de zoektekst is te lang: "
		    "hoogstens %d bytes (een letter met accent telt voor 2)",
		    Q_MAX_BYTES);
	if (search_count_words(value) > Q_MAX_WORDS)
		return problem_set(pr, 400, "q", "de zoektekst heeft te veel "
		    "woorden: hoogstens %d", Q_MAX_WORDS);
	if (search_check_q_controls(value, pr) != 0)
		return -1;
	if ((r->q = strdup(value)) == NULL)
		return problem_set(pr, 500, NULL, "geen geheugen");
	for (char *c = r->q; *c != '\0'; c++)
		if (*c == '\t' || *c == '\n' || *c == '\r')
			*c = ' ';         /* pasted text: white space */
	if (plan_build(r->q, &r->plan) != 0)
		return problem_set(pr, 500, NULL, "geen geheugen");
	return 0;
}

static int
dim_for_param(const char *name, enum dim_id *d)
{
	for (int i = 0; i < D_COUNT; i++)
		if (strcmp(model_dim_param((enum dim_id)i), name) == 0) {
			*d = (enum dim_id)i;
			return 0;
		}
	return -1;
}

static int
apply_param(const struct model *m, struct search_req *r,
            const struct param *p, int *seen_page, int *seen_pp,
            struct problem *pr)
{
	enum dim_id d = D_COUNT;
	int is_page = strcmp(p->name, "pagina") == 0;
	int is_per_page = strcmp(p->name, "perPagina") == 0;

	if (strcmp(p->name, "prefix") == 0) {
		if (strcmp(p->value, "ja") != 0 && strcmp(p->value, "nee") != 0)
			return problem_set(pr, 400, "prefix", "prefix is ja of nee");
		r->prefix = strcmp(p->value, "ja") == 0;
		return 0;
	}
	/* an unknown name is an error, also without a value */
	if (strcmp(p->name, "q") != 0 && !is_page && !is_per_page &&
	    dim_for_param(p->name, &d) != 0)
		return problem_set(pr, 400, p->name, "onbekende parameter \"%.40s\"",
		    p->name);
	if (p->value[0] == '\0')
		return 0;                 /* an empty value counts as absent */
	if (strcmp(p->name, "q") == 0)
		return set_q(r, p->value, pr);
	if (is_page) {
		if ((*seen_page)++)
			return problem_set(pr, 400, "pagina", "pagina mag maar één "
			    "keer voorkomen");
		return parse_count("pagina", p->value, 1, PAGE_MAX, &r->pagina, pr);
	}
	if (is_per_page) {
		if ((*seen_pp)++)
			return problem_set(pr, 400, "perPagina", "perPagina mag maar "
			    "één keer voorkomen");
		return parse_count("perPagina", p->value, 1, PER_PAGE_MAX,
		    &r->per_pagina, pr);
	}
	if (d == D_WIJK)
		return pick_wijk(m, r, p->value, pr);
	if (d == D_TAAL)
		return pick_taal(m, r, p->value, pr);
	return pick_value(m, r, d, p->name, p->value, pr);
}

int
search_req_build(const struct model *m, const struct param_list *p,
                 struct search_req *r, struct problem *pr)
{
	int seen_page = 0, seen_pp = 0;

	memset(r, 0, sizeof(*r));
	r->pagina = 1;
	r->per_pagina = PER_PAGE_DEFAULT;
	for (size_t i = 0; i < p->n; i++) {
		if (apply_param(m, r, &p->v[i], &seen_page, &seen_pp, pr) != 0) {
			search_req_free(r);
			return -1;
		}
	}
	if (r->q != NULL && r->q[0] == '\0') {
		free(r->q);
		r->q = NULL;
		plan_free(&r->plan);
	}
	if (r->q != NULL && r->prefix && plan_set_last_prefix(&r->plan) != 0) {
		search_req_free(r);
		return problem_set(pr, 500, NULL, "geen geheugen");
	}
	return 0;
}

void
search_req_free(struct search_req *r)
{
	free(r->q);
	plan_free(&r->plan);
	for (int d = 0; d < D_COUNT; d++)
		free(r->sel[d]);
	free(r->wijk_gm);
	memset(r, 0, sizeof(*r));
}

/* ---- running ------------------------------------------------------------ */

struct hitvec {
	struct hit *v;
	uint32_t n, cap;
};

static int
hitvec_push(struct hitvec *h, uint32_t idx, double score)
{
	if (h->n == h->cap) {
		uint32_t ncap = h->cap ? h->cap * 2 : 256;
		struct hit *nv = realloc(h->v, ncap * sizeof(*nv));
		if (nv == NULL)
			return -1;
		h->v = nv;
		h->cap = ncap;
	}
	h->v[h->n].idx = idx;
	h->v[h->n].score = score;
	h->n++;
	return 0;
}

/* Per-connection score accumulator sized for the model. */
static int
acc_ready(struct conn *c, uint32_t n)
{
	if (c->acc == NULL || c->acc_n != n) {
		conn_scratch_free(c);
		c->acc = calloc(n + 1, sizeof(*c->acc));
		c->stamp = calloc(n + 1, sizeof(*c->stamp));
		c->exact = calloc(n + 1, sizeof(*c->exact));
		c->partial = calloc(n + 1, sizeof(*c->partial));
		c->acc_n = c->acc && c->stamp && c->exact && c->partial ? n : 0;
		c->cur_stamp = 0;
		if (c->acc_n != n)
			return -1;
	}
	if (++c->cur_stamp == 0) {
		memset(c->stamp, 0, (n + 1) * sizeof(*c->stamp));
		c->cur_stamp = 1;
	}
	return 0;
}

/* What the score callback needs to add one group's scores. */
struct group_run {
	const struct model *m;
	struct conn *c;
	struct hitvec *touched;
	float weight;
	uint16_t words;           /* typed words the group serves */
	int whole;                /* counts as the typed word itself */
	uint16_t *found;
};

static int
add_group_score(void *ctx, uint32_t i, float score)
{
	struct group_run *gr = ctx;
	struct conn *c = gr->c;

	if (!gr->m->active[i])
		return 0;
	*gr->found |= gr->words;
	if (c->stamp[i] != c->cur_stamp) {
		c->stamp[i] = c->cur_stamp;
		c->acc[i] = 0;
		c->exact[i] = c->partial[i] = 0;
		if (hitvec_push(gr->touched, i, 0) != 0)
			return -1;
	}
	c->acc[i] += gr->weight * score;
	if (gr->whole)
		c->exact[i] |= gr->words;
	else
		c->partial[i] |= gr->words;
	return 0;
}

/* Scores one plan group (score.h), adding weight * score to every active
 * listing it matches. */
static int
run_group(const struct model *m, struct conn *c, const struct plan_group *g,
          struct hitvec *touched, uint16_t *found, struct problem *pr)
{
	struct group_run gr = {
		.m = m, .c = c, .touched = touched, .weight = (float)g->weight,
		.words = (uint16_t)plan_group_words(g),
		.whole = g->weight >= COVER_WHOLE, .found = found,
	};
	int rc = score_group(c->score, m, c->tok, g, add_group_score, &gr);

	if (rc == -2)
		return problem_set(pr, 500, NULL, "geen geheugen");
	if (rc != 0)
		return problem_set(pr, 503, NULL, "De zoekdienst kan de index nu "
		    "niet lezen. Probeer het over een paar seconden opnieuw.");
	return 0;
}

/*
 * How much of the query a listing matches, 0..1: every typed word that
 * has a group counts 1 when matched as typed (stemmed, folded), 1/2 when
 * only an expansion of it (correction, synonym, compound part) matched.
 */
static double
coverage(uint16_t words, uint16_t exact, uint16_t partial)
{
	double got;

	if (words == 0)
		return 1.0;
	got = __builtin_popcount(exact & words) +
	    0.5 * __builtin_popcount(partial & words & ~exact);
	return got / __builtin_popcount(words);
}

/* Candidates: active listings matching the text (or all active ones),
 * with their score (higher is better). */
static int
collect_candidates(const struct model *m, struct conn *c,
                   const struct search_req *r, struct hitvec *out,
                   uint16_t *found, struct problem *pr)
{
	uint16_t words;

	if (r->q == NULL) {
		for (uint32_t i = 0; i < m->n; i++)
			if (m->active[i] && hitvec_push(out, i, 0) != 0)
				return problem_set(pr, 500, NULL, "geen geheugen");
		return 0;
	}
	if (acc_ready(c, m->n) != 0)
		return problem_set(pr, 500, NULL, "geen geheugen");
	for (size_t g = 0; g < r->plan.n; g++)
		if (run_group(m, c, &r->plan.groups[g], out, found, pr) != 0) {
			score_ctx_shrink(c->score);
			return -1;
		}
	score_ctx_shrink(c->score);
	words = (uint16_t)plan_words(&r->plan);
	for (uint32_t k = 0; k < out->n; k++) {
		uint32_t i = out->v[k].idx;
		double match = coverage(words, c->exact[i], c->partial[i]);
		out->v[k].match = match;
		out->v[k].score = c->acc[i] * m->fresh[i] * (COVER_BASE +
		    (1.0 - COVER_BASE) * match);
	}
	return 0;
}

/* 1 when listing i has a value of dimension d chosen in sel; *n gets
 * the number of values it has. */
static int
row_has(const struct model *m, enum dim_id d, uint32_t i,
        const uint8_t *sel, uint32_t *n)
{
	const uint16_t *v = model_values(m, d, i, n);

	for (uint32_t k = 0; k < *n; k++)
		if (sel[v[k]])
			return 1;
	return 0;
}

static int
names_chosen_wijk(const struct model *m, const struct search_req *r,
                  uint32_t i)
{
	uint32_t n;

	return r->sel[D_WIJK] != NULL && row_has(m, D_WIJK, i,
	    r->sel[D_WIJK], &n);
}

/* Bit d set when listing i fails the filter on dimension d. */
static unsigned
failed_dims(const struct model *m, const struct search_req *r, uint32_t i)
{
	unsigned fails = 0;

	for (int d = 0; d < D_COUNT; d++) {
		uint32_t n;

		if (r->sel[d] == NULL)
			continue;
		if (row_has(m, (enum dim_id)d, i, r->sel[d], &n))
			continue;
		if (d == D_WIJK && n == 0 && r->wijk_gm[m->home_gm[i]])
			continue;         /* city-wide listing of that gemeente */
		fails |= 1u << d;
	}
	return fails;
}

/* Adds listing i to the counts of facet d. A city-wide listing (no wijk
 * of its own) counts for every wijk of its gemeente: it is tallied per
 * gemeente in citywide[] and spread over the wijken once, at the end
 * (spread_citywide), instead of once per listing. */
static void
count_facet(const struct model *m, enum dim_id d, uint32_t i, uint32_t *cnt,
            uint32_t *citywide)
{
	uint32_t n;
	const uint16_t *v = model_values(m, d, i, &n);

	for (uint32_t k = 0; k < n; k++)
		cnt[v[k]]++;
	if (d == D_WIJK && n == 0)
		citywide[m->home_gm[i]]++;
}

#define FACET_PREFETCH 8   /* hits ahead whose facet record is fetched */

/* count_facet() for every facet at once, from the listing's facet
 * record (model.h); returns the listing's name rank, which the record
 * holds too. */
static uint32_t
count_all_facets(const struct model *m, uint32_t i, uint32_t *const *facet,
                 uint32_t *citywide)
{
	const uint16_t *rec = model_facet_rec(m, i);
	const uint16_t *v = rec + MODEL_NFACETS;

	for (int f = 0; f < MODEL_NFACETS; f++) {
		uint32_t *cnt = facet[MODEL_FACETS[f]];

		for (uint16_t k = 0; k < rec[f]; k++)
			cnt[*v++]++;
	}
	if (rec[MODEL_FACET_WIJK] == 0)
		citywide[v[0]]++;            /* v[0]: home gemeente */
	return (uint32_t)v[1] | (uint32_t)v[2] << 16;
}

static void
spread_citywide(const struct model *m, uint32_t *cnt, const uint32_t *citywide)
{
	const struct csr *gw = &m->gm_wijken;

	for (uint32_t g = 0; g < m->vs[D_GEMEENTE].n; g++) {
		if (citywide[g] == 0)
			continue;
		for (uint32_t k = gw->start[g]; k < gw->start[g + 1]; k++)
			cnt[gw->vals[k]] += citywide[g];
	}
}

static int
cmp_hits(const void *a, const void *b)
{
	const struct hit *x = a, *y = b;

	if (x->wijk_specific != y->wijk_specific)
		return y->wijk_specific - x->wijk_specific;
	if (x->score != y->score)
		return x->score > y->score ? -1 : 1;
	return x->rank < y->rank ? -1 : x->rank > y->rank;
}

/* Heap of the k best hits with the worst at the root. */
static void
sift_down(struct hit *v, uint32_t k, uint32_t i)
{
	for (;;) {
		uint32_t worst = i, l = 2 * i + 1, r = l + 1;
		struct hit t;

		if (l < k && cmp_hits(&v[l], &v[worst]) > 0)
			worst = l;
		if (r < k && cmp_hits(&v[r], &v[worst]) > 0)
			worst = r;
		if (worst == i)
			return;
		t = v[i];
		v[i] = v[worst];
		v[worst] = t;
		i = worst;
	}
}

/*
 * Orders v so that its first k hits are the k best, sorted; the rest
 * stays unordered (no page shows them). A heap of k instead of sorting
 * all n hits, when k is much smaller than n.
 */
static void
sort_top(struct hit *v, uint32_t n, uint32_t k)
{
	if (k >= n / 4 || k == 0) {
		if (n > 1)
			qsort(v, n, sizeof(*v), cmp_hits);
		return;
	}
	for (uint32_t i = k / 2; i-- > 0;)
		sift_down(v, k, i);
	for (uint32_t j = k; j < n; j++) {
		if (cmp_hits(&v[j], &v[0]) < 0) {
			struct hit t = v[0];
			v[0] = v[j];
			v[j] = t;
			sift_down(v, k, 0);
		}
	}
	qsort(v, k, sizeof(*v), cmp_hits);
}

static int
alloc_facets(const struct model *m, struct search_res *res)
{
	for (int f = 0; f < MODEL_NFACETS; f++) {
		enum dim_id d = MODEL_FACETS[f];
		if ((res->facet[d] = calloc(m->vs[d].n + 1, sizeof(uint32_t))) == NULL)
			return -1;
	}
	return 0;
}

int
search_run(const struct model *m, struct conn *c, const struct search_req *r,
           struct search_res *res, struct problem *pr)
{
	struct hitvec cand = { 0 };
	uint32_t kept = 0, *citywide = NULL;

	memset(res, 0, sizeof(*res));
	if (alloc_facets(m, res) != 0 || (citywide = calloc(
	    m->vs[D_GEMEENTE].n + 1, sizeof(*citywide))) == NULL) {
		problem_set(pr, 500, NULL, "geen geheugen");
		goto fail;
	}
	if (collect_candidates(m, c, r, &cand, &res->found_words, pr) != 0)
		goto fail;
	for (uint32_t k = 0; k < cand.n; k++) {
		struct hit h = cand.v[k];
		unsigned fails = failed_dims(m, r, h.idx);

		if (k + FACET_PREFETCH < cand.n)   /* a miss per hit otherwise */
			__builtin_prefetch(model_facet_rec(m,
			    cand.v[k + FACET_PREFETCH].idx));

		if (fails == 0) {
			h.rank = count_all_facets(m, h.idx, res->facet,
			    citywide);
			h.wijk_specific = r->q == NULL && names_chosen_wijk(m, r, h.idx);
			cand.v[kept++] = h;
		} else if ((fails & (fails - 1)) == 0) {
			enum dim_id d = (enum dim_id)__builtin_ctz(fails);
			if (m->facet_pos[d] >= 0)     /* a facet dimension */
				count_facet(m, d, h.idx, res->facet[d], citywide);
		}
	}
	spread_citywide(m, res->facet[D_WIJK], citywide);
	free(citywide);
	citywide = NULL;
	sort_top(cand.v, kept, (uint64_t)r->pagina * r->per_pagina > kept ?
	    kept : r->pagina * r->per_pagina);
	res->total = kept;
	res->hits = cand.v;
	return 0;
fail:
	free(cand.v);
	free(citywide);
	search_res_free(res);
	return -1;
}

void
search_res_free(struct search_res *res)
{
	free(res->hits);
	for (int d = 0; d < D_COUNT; d++)
		free(res->facet[d]);
	memset(res, 0, sizeof(*res));
}
