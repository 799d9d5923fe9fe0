/*
 * tijden.h - the `tijden` schedule grammar of the listing format
 * (aanbod-formaat.md, "Schedule grammar") turned into struct slot rows
 * (listing.h).
 *
 *   "ma,wo 09:30-12:00"       "ma-vr 08:30-17:00"      "za-ma 10:00-12:00"
 *   "ma t/m vr 9.00-12.30 uur"  "di 14:00-16:00 2-wekelijks; za 10:00-12:00"
 *
 * Ownership: tijden_parse() returns a heap array the caller frees with
 * free(); the name functions return static strings.
 */
#ifndef SK_TIJDEN_H
#define SK_TIJDEN_H

#include <stddef.h>

#include "listing.h"

/* Parses text. Returns 0 with *out and *n set to the rows (one per day of
 * each slot, in the order written; a day named twice in one slot gives
 * one row; *out is NULL when there are none, e.g. for empty or
 * whitespace-only text), -1 when text does not follow the grammar, or -2
 * when memory ran out. On -1 and -2, *out is NULL and *n is 0. */
int tijden_parse(const char *text, struct slot **out, size_t *n);

/* "ma" ... "zo" for dag 1..7, NULL otherwise. */
const char *tijden_dag_naam(int dag);
/* "wekelijks", "2-wekelijks", "maandelijks" for enum frequentie, NULL
 * otherwise. */
const char *tijden_freq_naam(int freq);

#endif
