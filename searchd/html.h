/*
 * html.h - the HTML pages for people: a search page at / and a page per
 * listing at /aanbod/{id}. Plain server-rendered HTML (no script), Dutch
 * at B1 level, with labels, landmarks and a skip link for screen readers.
 * Every text from the index is HTML-escaped; links only to http(s),
 * mailto: and tel:.
 *
 * Each function returns a malloc'd page the caller frees, or NULL.
 */
#ifndef SK_HTML_H
#define SK_HTML_H

#include "problem.h"
#include "search.h"
#include "store.h"

char *html_search(const struct model *m, struct conn *c,
                  const struct search_req *r, const struct search_res *res);
char *html_detail(const struct model *m, struct conn *c, const char *id,
                  int *found);
char *html_error(const struct problem *p);

#endif
