/*
 * fields.h - the table of listing fields of the spec (aanbod-formaat.md):
 * their names, whether they repeat, and their length limits.
 * Static data only; nothing to free.
 */
#ifndef SK_FIELDS_H
#define SK_FIELDS_H

#include <stddef.h>

struct field_def {
	const char *name;   /* as in XML element / CSV header, e.g. "tijden-toelichting" */
	size_t len;         /* strlen(name) */
	int multi;          /* 1: zero or more values */
	int required;       /* 1: id, naam, soort, gemeente */
	size_t max_chars;   /* limit in characters (code points), 0 = none */
};

/* The definition of a field, or NULL when name is no field of the spec.
 * Exact, case-sensitive match (the spec's names are lower case). */
const struct field_def *field_lookup(const char *name);
/* All fields, in the spec's table order; *n receives the count. */
const struct field_def *field_all(size_t *n);

#endif
