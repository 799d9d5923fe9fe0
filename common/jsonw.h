/*
 * jsonw.h - JSON text written straight into an sbuf, for the answers on
 * the hot path (GET /v1/aanbod): no tree of objects is built and freed per
 * request, as with jansson (which the rarer answers still use).
 *
 * The writer tracks only whether a comma is due; the caller opens and
 * closes objects and arrays in the right order. Strings must be UTF-8:
 * an invalid string is written as null (as json_string() would give).
 * Errors are sticky in the sbuf (sbuf.h): check b->failed at the end.
 */
#ifndef SK_JSONW_H
#define SK_JSONW_H

#include <stddef.h>
#include <stdint.h>

#include "sbuf.h"

struct jsonw {
	struct sbuf *b;
	int need_comma;
};

void jw_begin_object(struct jsonw *w);
void jw_end_object(struct jsonw *w);
void jw_begin_array(struct jsonw *w);
void jw_end_array(struct jsonw *w);
/* An object key; the value follows with one of the calls below. */
void jw_key(struct jsonw *w, const char *key);
/* A string, or null when s is NULL or not UTF-8. */
void jw_str(struct jsonw *w, const char *s);
void jw_int(struct jsonw *w, int64_t v);
/* A number as jansson writes reals (17 significant digits). */
void jw_real(struct jsonw *w, double v);
void jw_bool(struct jsonw *w, int v);
void jw_null(struct jsonw *w);

#endif
