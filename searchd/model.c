/*
 * model.c - loading the in-memory filter model; see model.h.
 */
#include "model.h"

#include "index_format.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <utf8proc.h>

static const char *const SOORTEN[] = { "formeel", "informeel",
	"inwonersinitiatief", NULL };
static const char *const KOSTEN[] = { "gratis", "vrijwillige-bijdrage",
	"eigen-bijdrage", "betaald", NULL };
static const char *const TOEGANG[] = { "vrije-inloop", "aanmelden",
	"verwijzing", "beschikking", NULL };
static const char *const TOEGANKELIJKHEID[] = { "rolstoel",
	"invalidentoilet", "ringleiding", "prikkelarm", "ov", "begeleiding",
	"aan-huis", NULL };
static const char *const WOR[] = { "ja", NULL };

const enum dim_id MODEL_FACETS[MODEL_NFACETS] = {
	D_THEMA, D_DOELGROEP, D_WIJK, D_GEMEENTE, D_SOORT
};

static const char *const DIM_PARAM[D_COUNT] = {
	[D_THEMA] = "thema", [D_DOELGROEP] = "doelgroep", [D_WIJK] = "wijk",
	[D_GEMEENTE] = "gemeente", [D_SOORT] = "soort", [D_KOSTEN] = "kosten",
	[D_TOEGANG] = "toegang", [D_TOEGANKELIJKHEID] = "toegankelijkheid",
	[D_TAAL] = "taal", [D_WOR] = "welzijnOpRecept",
};

const char *
model_dim_param(enum dim_id d)
{
	return DIM_PARAM[d];
}

static char *
dup_col(sqlite3_stmt *st, int col)
{
	const unsigned char *s = sqlite3_column_text(st, col);

	return s ? strdup((const char *)s) : NULL;
}

static int
valset_add(struct valset *vs, const char *code, const char *name)
{
	char **nc = realloc(vs->codes, (vs->n + 1) * sizeof(*nc));
	char **nn;

	if (nc == NULL)
		return -1;
	vs->codes = nc;
	if ((nn = realloc(vs->names, (vs->n + 1) * sizeof(*nn))) == NULL)
		return -1;
	vs->names = nn;
	vs->codes[vs->n] = strdup(code);
	vs->names[vs->n] = name ? strdup(name) : NULL;
	if (vs->codes[vs->n] == NULL) {
		free(vs->names[vs->n]);
		return -1;
	}
	vs->n++;
	return 0;
}

static int
valset_fixed(struct valset *vs, const char *const *codes)
{
	for (size_t i = 0; codes[i] != NULL; i++)
		if (valset_add(vs, codes[i], NULL) != 0)
			return -1;
	return 0;
}

/* Fills a value set from a query returning (code, name). */
static int
valset_query(struct valset *vs, sqlite3 *db, const char *sql)
{
	sqlite3_stmt *st = NULL;
	int rc = -1, step;

	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		return -1;
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		const char *code = (const char *)sqlite3_column_text(st, 0);
		const char *name = (const char *)sqlite3_column_text(st, 1);
		if (code == NULL || valset_add(vs, code, name) != 0)
			goto fail;
	}
	if (step == SQLITE_DONE && vs->n <= UINT16_MAX)
		rc = 0;
fail:
	sqlite3_finalize(st);
	return rc;
}

static int
valset_find(const struct valset *vs, const char *code)
{
	for (uint32_t i = 0; i < vs->n; i++)
		if (strcasecmp(vs->codes[i], code) == 0)
			return (int)i;
	return -1;
}

int
model_value(const struct model *m, enum dim_id d, const char *code)
{
	return valset_find(&m->vs[d], code);
}

int
model_gemeente(const struct model *m, const char *s)
{
	const struct valset *vs = &m->vs[D_GEMEENTE];
	int i = valset_find(vs, s);

	if (i >= 0)
		return i;
	for (uint32_t j = 0; j < vs->n; j++)
		if (vs->names[j] != NULL && strcasecmp(vs->names[j], s) == 0)
			return (int)j;
	return -1;
}

static int
csr_push(struct csr *c, uint16_t v)
{
	if (c->nvals == c->cap) {
		uint32_t ncap = c->cap ? c->cap * 2 : 1024;
		uint16_t *nv = realloc(c->vals, ncap * sizeof(*nv));
		if (nv == NULL)
			return -1;
		c->vals = nv;
		c->cap = ncap;
	}
	c->vals[c->nvals++] = v;
	return 0;
}

/* Adds v to the current row unless the row already holds it. */
static int
csr_push_unique(struct csr *c, uint32_t row_start, uint16_t v)
{
	for (uint32_t i = row_start; i < c->nvals; i++)
		if (c->vals[i] == v)
			return 0;
	return csr_push(c, v);
}

static void
csr_free(struct csr *c)
{
	free(c->start);
	free(c->vals);
	memset(c, 0, sizeof(*c));
}

static int
load_valsets(struct model *m, sqlite3 *db)
{
	if (valset_query(&m->vs[D_THEMA], db,
	    "SELECT code, naam FROM thema ORDER BY code") != 0 ||
	    valset_query(&m->vs[D_DOELGROEP], db,
	    "SELECT code, naam FROM doelgroep ORDER BY code") != 0 ||
	    valset_query(&m->vs[D_GEMEENTE], db,
	    "SELECT code, naam FROM gemeente ORDER BY code") != 0 ||
	    valset_query(&m->vs[D_WIJK], db,
	    "SELECT code, naam FROM wijk ORDER BY code") != 0 ||
	    valset_query(&m->vs[D_TAAL], db, "SELECT code, NULL FROM taal "
	    "ORDER BY code") != 0)
		return -1;
	if (valset_fixed(&m->vs[D_SOORT], SOORTEN) != 0 ||
	    valset_fixed(&m->vs[D_KOSTEN], KOSTEN) != 0 ||
	    valset_fixed(&m->vs[D_TOEGANG], TOEGANG) != 0 ||
	    valset_fixed(&m->vs[D_TOEGANKELIJKHEID], TOEGANKELIJKHEID) != 0 ||
	    valset_fixed(&m->vs[D_WOR], WOR) != 0)
		return -1;
	return 0;
}

/* Per gemeente, the wijken the index knows (from the wijk table). */
static int
load_gm_wijken(struct model *m)
{
	const struct valset *gm = &m->vs[D_GEMEENTE], *wk = &m->vs[D_WIJK];
	struct csr *c = &m->gm_wijken;
	char code[7];

	if ((c->start = calloc(gm->n + 1, sizeof(uint32_t))) == NULL)
		return -1;
	for (uint32_t g = 0; g < gm->n; g++) {
		c->start[g] = c->nvals;
		for (uint32_t w = 0; w < wk->n; w++) {
			snprintf(code, sizeof(code), "GM%.4s", wk->codes[w] + 2);
			if (strcmp(code, gm->codes[g]) == 0 &&
			    csr_push(c, (uint16_t)w) != 0)
				return -1;
		}
	}
	c->start[gm->n] = c->nvals;
	return 0;
}

/* Row starts for listing i in every dimension; single values first. */
static int
begin_row(struct model *m, uint32_t i, sqlite3_stmt *a)
{
	const char *single[] = {
		[D_SOORT] = (const char *)sqlite3_column_text(a, 2),
		[D_KOSTEN] = (const char *)sqlite3_column_text(a, 3),
		[D_TOEGANG] = (const char *)sqlite3_column_text(a, 4),
	};
	const char *gm = (const char *)sqlite3_column_text(a, 6);
	int g = gm ? model_value(m, D_GEMEENTE, gm) : -1;

	for (int d = 0; d < D_COUNT; d++)
		m->dim[d].start[i] = m->dim[d].nvals;
	if (g < 0)
		return -1;
	m->home_gm[i] = (uint16_t)g;
	if (csr_push(&m->dim[D_GEMEENTE], (uint16_t)g) != 0)
		return -1;
	for (int d = D_SOORT; d <= D_TOEGANG; d++) {
		int v = single[d] ? model_value(m, (enum dim_id)d, single[d]) : -1;
		if (v >= 0 && csr_push(&m->dim[d], (uint16_t)v) != 0)
			return -1;
	}
	if (sqlite3_column_int(a, 5) &&
	    csr_push(&m->dim[D_WOR], 0) != 0)
		return -1;
	m->active[i] = strcmp((const char *)sqlite3_column_text(a, 1),
	    "actief") == 0;
	m->nactive += m->active[i];
	return 0;
}

/* The columns of aanbod with a listing's multi values (codes joined by
 * spaces), from column VALUE_COL_FIRST of the listings statement on. */
#define VALUE_COL_FIRST 11
static const enum dim_id VALUE_COLS[] = {
	D_THEMA, D_DOELGROEP, D_WIJK, D_GEMEENTE, D_TOEGANKELIJKHEID, D_TAAL,
};
#define VALUE_COL_SQL "themas, doelgroepen, wijken, werkgebied, " \
	"toegankelijkheid, talen"

/* Adds the codes in s (joined by spaces) to listing i in dimension d; a
 * code the vocabulary does not know is left out. */
static int
add_codes(struct model *m, uint32_t i, enum dim_id d, const char *s)
{
	char code[64];
	const char *c;
	size_t n;

	while (sk_code_next(&s, &c, &n)) {
		int v = -1;

		if (n < sizeof(code)) {         /* longer: no code of ours */
			memcpy(code, c, n);
			code[n] = '\0';
			v = d == D_GEMEENTE ? model_gemeente(m, code) :
			    model_value(m, d, code);
		}
		if (v >= 0 && csr_push_unique(&m->dim[d], m->dim[d].start[i],
		    (uint16_t)v) != 0)
			return -1;
	}
	return 0;
}

/* Adds the multi values of listing i (its row in a). */
static int
add_values(struct model *m, uint32_t i, sqlite3_stmt *a)
{
	for (size_t k = 0; k < sizeof(VALUE_COLS) / sizeof(VALUE_COLS[0]); k++)
		if (add_codes(m, i, VALUE_COLS[k], (const char *)
		    sqlite3_column_text(a, VALUE_COL_FIRST + (int)k)) != 0)
			return -1;
	return 0;
}

/* Index of d in MODEL_FACETS, or -1. */
static int
facet_index(enum dim_id d)
{
	for (int f = 0; f < MODEL_NFACETS; f++)
		if (MODEL_FACETS[f] == d)
			return f;
	return -1;
}

/* Makes room for need more values in the facet records. */
static int
facets_reserve(struct facet_rows *fr, uint32_t need)
{
	uint32_t ncap = fr->cap ? fr->cap : 4096;
	uint16_t *nv;

	if (need > UINT32_MAX - fr->nvals)
		return -1;
	if (fr->nvals + need <= fr->cap)
		return 0;
	while (ncap < fr->nvals + need) {
		if (ncap > UINT32_MAX / 2)
			return -1;
		ncap *= 2;
	}
	if ((nv = realloc(fr->vals, (size_t)ncap * sizeof(*nv))) == NULL)
		return -1;
	fr->vals = nv;
	fr->cap = ncap;
	return 0;
}

/* Moves listing i's facet values, which begin_row() and add_values() put
 * at the end of the facet dimensions' CSRs, into its facet record, and
 * empties those CSRs again: they never hold more than one listing. The
 * name rank is set by set_facet_ranks() once all names are known. */
static int
append_facet_rec(struct model *m, uint32_t i)
{
	struct facet_rows *fr = &m->facets;
	uint32_t need = MODEL_NFACETS + FACET_REC_EXTRA;
	uint16_t *rec, *v;

	for (int f = 0; f < MODEL_NFACETS; f++) {
		const struct csr *c = &m->dim[MODEL_FACETS[f]];

		if (c->nvals - c->start[i] > UINT16_MAX)
			return -1;
		need += c->nvals - c->start[i];
	}
	if (facets_reserve(fr, need) != 0)
		return -1;
	fr->start[i] = fr->nvals;
	rec = fr->vals + fr->nvals;
	v = rec + MODEL_NFACETS;
	for (int f = 0; f < MODEL_NFACETS; f++) {
		struct csr *c = &m->dim[MODEL_FACETS[f]];
		uint32_t n = c->nvals - c->start[i];

		rec[f] = (uint16_t)n;
		if (n > 0)
			memcpy(v, c->vals + c->start[i], n * sizeof(*v));
		v += n;
		c->nvals = c->start[i];
	}
	*v++ = m->home_gm[i];
	*v++ = 0;                       /* name rank: set_facet_ranks() */
	*v++ = 0;
	fr->nvals = (uint32_t)(v - fr->vals);
	return 0;
}

/* Writes every listing's name rank into its facet record. */
static void
set_facet_ranks(struct model *m)
{
	for (uint32_t i = 0; i < m->n; i++) {
		uint16_t *rec = m->facets.vals + m->facets.start[i];
		uint16_t *tail = rec + MODEL_NFACETS;

		for (int f = 0; f < MODEL_NFACETS; f++)
			tail += rec[f];
		tail[1] = (uint16_t)(m->name_rank[i] & 0xFFFF);
		tail[2] = (uint16_t)(m->name_rank[i] >> 16);
	}
}

static int
alloc_arrays(struct model *m)
{
	m->active = calloc(m->n + 1, 1);
	m->name_rank = calloc(m->n + 1, sizeof(uint32_t));
	m->home_gm = calloc(m->n + 1, sizeof(uint16_t));
	m->fresh = calloc(m->n + 1, sizeof(float));
	m->norm = calloc(m->n + 1, sizeof(float));
	if (!m->active || !m->name_rank || !m->home_gm || !m->fresh || !m->norm)
		return -1;
	for (int d = 0; d < D_COUNT; d++) {
		if ((m->dim[d].start = calloc(m->n + 1, sizeof(uint32_t))) == NULL)
			return -1;
		m->facet_pos[d] = (int8_t)facet_index((enum dim_id)d);
	}
	if ((m->facets.start = calloc(m->n + 1, sizeof(uint32_t))) == NULL)
		return -1;
	return 0;
}

/* Folded sort key of a name: case and accents removed (malloc'd). */
static char *
fold_key(const char *s)
{
	utf8proc_uint8_t *out = NULL;

	if (utf8proc_map((const utf8proc_uint8_t *)s, 0, &out,
	    UTF8PROC_NULLTERM | UTF8PROC_STABLE | UTF8PROC_DECOMPOSE |
	    UTF8PROC_CASEFOLD | UTF8PROC_STRIPMARK) < 0)
		return strdup(s);
	return (char *)out;
}

struct rank_item {
	char *key;
	char *id;
	uint32_t idx;
};

static int
rank_cmp(const void *a, const void *b)
{
	const struct rank_item *x = a, *y = b;
	int c = strcmp(x->key, y->key);

	return c != 0 ? c : strcmp(x->id, y->id);
}

/* Checked recently means more likely still right: a small boost. */
static float
freshness(sqlite3_stmt *a, int col)
{
	double days;

	if (sqlite3_column_type(a, col) == SQLITE_NULL)
		return 1.0f;
	days = sqlite3_column_double(a, col);
	if (days < 366)
		return 1.05f;
	if (days < 731)
		return 1.02f;
	return 1.0f;
}

static int
load_listings(struct model *m, sqlite3 *db, struct rank_item *items,
              char *err, size_t errlen)
{
	sqlite3_stmt *a = NULL;
	int rc = -1, astep;
	uint32_t i = 0;

	if (sqlite3_prepare_v2(db, "SELECT rowid, status, soort, kosten, "
	    "toegang, welzijn_op_recept, gemeente, naam, id, "
	    "julianday('now') - julianday(gecontroleerd), tokens, "
	    VALUE_COL_SQL " FROM aanbod ORDER BY rowid", -1, &a, NULL) !=
	    SQLITE_OK)
		goto fail;
	while ((astep = sqlite3_step(a)) == SQLITE_ROW) {
		if (i >= m->n || sqlite3_column_int64(a, 0) != (sqlite3_int64)i + 1)
			goto fail;
		if (begin_row(m, i, a) != 0 || add_values(m, i, a) != 0 ||
		    append_facet_rec(m, i) != 0)
			goto fail;
		m->fresh[i] = freshness(a, 9);
		m->norm[i] = (float)sqlite3_column_int64(a, 10);
		items[i].key = fold_key((const char *)sqlite3_column_text(a, 7));
		items[i].id = dup_col(a, 8);
		items[i].idx = i;
		if (items[i].key == NULL || items[i].id == NULL)
			goto fail;
		i++;
	}
	/* A read error ends a cursor like the end of data: tell them apart,
	 * or a damaged file would load as a model with values missing. */
	if (astep != SQLITE_DONE || i != m->n)
		goto fail;
	for (int d = 0; d < D_COUNT; d++)
		m->dim[d].start[m->n] = m->dim[d].nvals;
	m->facets.start[m->n] = m->facets.nvals;
	for (int f = 0; f < MODEL_NFACETS; f++)  /* empty: all moved out */
		csr_free(&m->dim[MODEL_FACETS[f]]);
	rc = 0;
fail:
	if (rc != 0)
		snprintf(err, errlen, "aanbod laden mislukt: %s", sqlite3_errmsg(db));
	sqlite3_finalize(a);
	return rc;
}

/* Turns the lengths load_listings() put in norm into BM25's length
 * factor k1 * (1 - b + b * len / average len). */
static void
set_norms(struct model *m)
{
	double total = 0, avg;

	for (uint32_t i = 0; i < m->n; i++)
		total += m->norm[i];
	avg = m->n > 0 && total > 0 ? total / m->n : 1.0;
	for (uint32_t i = 0; i < m->n; i++)
		m->norm[i] = (float)(SK_BM25_K1 * (1.0 - SK_BM25_B +
		    SK_BM25_B * m->norm[i] / avg));
}

static int
count_listings(sqlite3 *db, uint32_t *n)
{
	sqlite3_stmt *st = NULL;
	int rc = -1;

	if (sqlite3_prepare_v2(db, "SELECT count(*), coalesce(max(rowid), 0) "
	    "FROM aanbod", -1, &st, NULL) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW &&
	    sqlite3_column_int64(st, 0) == sqlite3_column_int64(st, 1) &&
	    sqlite3_column_int64(st, 0) < UINT32_MAX) {
		*n = (uint32_t)sqlite3_column_int64(st, 0);
		rc = 0;
	}
	sqlite3_finalize(st);
	return rc;
}

int
model_load(struct model *m, sqlite3 *db, char *err, size_t errlen)
{
	struct rank_item *items = NULL;
	int rc = -1;

	memset(m, 0, sizeof(*m));
	if (count_listings(db, &m->n) != 0) {
		snprintf(err, errlen, "tabel aanbod is onleesbaar of onvolledig");
		goto fail;
	}
	if (load_valsets(m, db) != 0 || load_gm_wijken(m) != 0 ||
	    alloc_arrays(m) != 0 ||
	    (items = calloc(m->n + 1, sizeof(*items))) == NULL) {
		snprintf(err, errlen, "vocabulaire laden mislukt: %s",
		    sqlite3_errmsg(db));
		goto fail;
	}
	if (load_listings(m, db, items, err, errlen) != 0)
		goto fail;
	set_norms(m);
	qsort(items, m->n, sizeof(*items), rank_cmp);
	for (uint32_t r = 0; r < m->n; r++)
		m->name_rank[items[r].idx] = r;
	set_facet_ranks(m);
	rc = 0;
fail:
	if (items != NULL) {
		for (uint32_t i = 0; i < m->n; i++) {
			free(items[i].key);
			free(items[i].id);
		}
		free(items);
	}
	if (rc != 0)
		model_free(m);
	return rc;
}

static void
valset_free(struct valset *vs)
{
	for (uint32_t i = 0; i < vs->n; i++) {
		free(vs->codes[i]);
		free(vs->names[i]);
	}
	free(vs->codes);
	free(vs->names);
	memset(vs, 0, sizeof(*vs));
}

void
model_free(struct model *m)
{
	for (int d = 0; d < D_COUNT; d++) {
		valset_free(&m->vs[d]);
		csr_free(&m->dim[d]);
	}
	csr_free(&m->gm_wijken);
	free(m->facets.start);
	free(m->facets.vals);
	free(m->active);
	free(m->name_rank);
	free(m->home_gm);
	free(m->fresh);
	free(m->norm);
	memset(m, 0, sizeof(*m));
}
