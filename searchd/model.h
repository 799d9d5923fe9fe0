/*
 * model.h - the in-memory filter and facet model of one index generation.
 *
 * At load time every listing's filterable values are read from the index
 * into compact arrays (one "dimension" per filter name), so that filters
 * and facet counts are computed in memory with one pass over the matched
 * listings instead of SQL joins. Listing i (0-based) is aanbod.rowid i+1.
 *
 * A model owns all its arrays and strings; model_free() releases them.
 * A loaded model is read-only and may be shared by any number of threads.
 */
#ifndef SK_MODEL_H
#define SK_MODEL_H

#include <stddef.h>
#include <stdint.h>

#include <sqlite3.h>

enum dim_id {
	D_THEMA, D_DOELGROEP, D_WIJK, D_GEMEENTE, D_SOORT, D_KOSTEN,
	D_TOEGANG, D_TOEGANKELIJKHEID, D_TAAL, D_WOR, D_COUNT
};

/* The value space of a dimension: value id -> code (and display name). */
struct valset {
	char **codes;
	char **names;      /* may hold NULLs */
	uint32_t n;
};

/* Compressed rows: the values of listing i are vals[start[i] .. start[i+1]). */
struct csr {
	uint32_t *start;   /* n + 1 entries */
	uint16_t *vals;
	uint32_t nvals, cap;
};

/* The dimensions counted as facets of a search, in the order of the
 * answer and of a listing's facet record (below). */
#define MODEL_NFACETS 5
extern const enum dim_id MODEL_FACETS[MODEL_NFACETS];
#define MODEL_FACET_WIJK 2           /* MODEL_FACETS[2] == D_WIJK */

/*
 * A listing's facet record: one run of uint16 in vals from start[i]:
 *   [number of values of MODEL_FACETS[0]] .. [of MODEL_FACETS[4]]
 *   [the value ids of MODEL_FACETS[0]] .. [of MODEL_FACETS[4]]
 *   [home gemeente id] [name rank, low 16 bits] [high 16 bits]
 * Counting the facets of a hit, the hottest loop of a broad search, then
 * reads one or two cache lines instead of eleven arrays (five CSR starts,
 * five value arrays, home_gm and name_rank): at 250 000 listings that
 * loop took half of a broad search's time. The facet dimensions have no
 * struct csr of their own: model_values() reads them from here.
 */
struct facet_rows {
	uint32_t *start;   /* n + 1 entries */
	uint16_t *vals;
	uint32_t nvals, cap;
};
#define FACET_REC_EXTRA 3    /* home gemeente, name rank (two halves) */

struct model {
	uint32_t n;                  /* listings in the index */
	uint32_t nactive;
	uint8_t *active;             /* status actief */
	uint32_t *name_rank;         /* order by folded naam, then id */
	uint16_t *home_gm;           /* gemeente id of the listing itself */
	float *fresh;                /* ranking factor from gecontroleerd:
	                              * 1.05 checked within a year, 1.02
	                              * within two, else 1.0 */
	float *norm;                 /* BM25 length factor k1 * (1 - b + b *
	                              * tokens / average) (index_format.h) */
	struct valset vs[D_COUNT];
	struct csr dim[D_COUNT];     /* D_GEMEENTE = home + werkgebied;
	                              * empty for the MODEL_FACETS */
	struct facet_rows facets;
	int8_t facet_pos[D_COUNT];   /* place in MODEL_FACETS, or -1 */
	struct csr gm_wijken;        /* per gemeente id: its known wijk ids */
};

/* Loads the model from an open index. Returns 0, or -1 with err set. */
int model_load(struct model *m, sqlite3 *db, char *err, size_t errlen);
void model_free(struct model *m);

/* The facet record of listing i (struct facet_rows). */
static inline const uint16_t *
model_facet_rec(const struct model *m, uint32_t i)
{
	return m->facets.vals + m->facets.start[i];
}

/* The value ids of listing i in dimension d; *n of them (NULL when none).
 * Inline: filter-only searches call it for every listing. */
static inline const uint16_t *
model_values(const struct model *m, enum dim_id d, uint32_t i, uint32_t *n)
{
	const uint16_t *rec, *v;
	int f = m->facet_pos[d];

	if (f < 0) {
		const struct csr *c = &m->dim[d];

		*n = c->start[i + 1] - c->start[i];
		return *n > 0 ? c->vals + c->start[i] : NULL;
	}
	rec = model_facet_rec(m, i);
	v = rec + MODEL_NFACETS;
	for (int k = 0; k < f; k++)
		v += rec[k];
	*n = rec[f];
	return *n > 0 ? v : NULL;
}

/* Value id of code in dimension d (ASCII case-insensitive), or -1. */
int model_value(const struct model *m, enum dim_id d, const char *code);
/* Gemeente id by code or name (case-insensitive), or -1. */
int model_gemeente(const struct model *m, const char *code_or_name);

/* The name of dimension d as used in API parameters and facets. */
const char *model_dim_param(enum dim_id d);

#endif
