/*
 * render_json.h - the JSON bodies of the API (jansson).
 *
 * Each function returns a malloc'd, NUL-ended UTF-8 string that the
 * caller frees (it is handed to libmicrohttpd with MHD_RESPMEM_MUST_FREE),
 * or NULL when memory or the index failed.
 */
#ifndef SK_RENDER_JSON_H
#define SK_RENDER_JSON_H

/* The version in the API-Version header and the landing document. */
#define SK_API_VERSION "1.0.0"

#include "problem.h"
#include "search.h"
#include "store.h"

char *json_search(const struct model *m, struct conn *c,
                  const struct search_req *r, const struct search_res *res);
/* *found is 0 when no listing has that id (then NULL is returned). */
char *json_detail(const struct model *m, struct conn *c, const char *id,
                  int *found);
char *json_problem(const struct problem *p, const char *instance);
char *json_landing(void);

#endif
