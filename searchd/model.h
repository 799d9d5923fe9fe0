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
	struct csr dim[D_COUNT];     /* D_GEMEENTE = home + werkgebied */
	struct csr gm_wijken;        /* per gemeente id: its known wijk ids */
};

/* Loads the model from an open index. Returns 0, or -1 with err set. */
int model_load(struct model *m, sqlite3 *db, char *err, size_t errlen);
void model_free(struct model *m);

/* Value id of code in dimension d (ASCII case-insensitive), or -1. */
int model_value(const struct model *m, enum dim_id d, const char *code);
/* Gemeente id by code or name (case-insensitive), or -1. */
int model_gemeente(const struct model *m, const char *code_or_name);

/* The name of dimension d as used in API parameters and facets. */
const char *model_dim_param(enum dim_id d);

#endif
