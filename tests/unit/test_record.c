/*
 * test_record.c - raw records keep their strings in blocks (record.c):
 * every value reads back as added, across block boundaries, with values
 * longer than a block, and after the record is cleared and filled again.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "record.h"

/* Value k: a few bytes, or (every 50th) 40 000, so blocks overflow. */
static char *
value_of(int k)
{
	size_t n = k % 50 == 49 ? 40000 : (size_t)(k % 23) + 1;
	char *v = malloc(n + 1);

	cr_assert_not_null(v);
	for (size_t i = 0; i < n; i++)
		v[i] = (char)('a' + (k + (int)i) % 26);
	v[n] = '\0';
	return v;
}

static void
fill_and_check(struct raw_record *r, int nfields)
{
	char name[32];

	cr_assert_eq(raw_record_set_id(r, "id-1"), 0);
	for (int k = 0; k < nfields; k++) {
		char *v = value_of(k);

		snprintf(name, sizeof(name), "veld%d", k);
		cr_assert_eq(raw_record_addn(r, name, v, strlen(v), k + 1), 0);
		free(v);
	}
	cr_assert_eq(r->nfields, (size_t)nfields);
	cr_assert_str_eq(r->id, "id-1");
	for (int k = 0; k < nfields; k++) {
		char *v = value_of(k);

		snprintf(name, sizeof(name), "veld%d", k);
		cr_assert_str_eq(r->fields[k].name, name);
		cr_assert_str_eq(r->fields[k].value, v, "field %d", k);
		cr_assert_eq(r->fields[k].line, k + 1);
		free(v);
	}
}

Test(record, values_read_back_across_blocks_and_reuse)
{
	struct raw_record r;

	memset(&r, 0, sizeof(r));
	for (int round = 0; round < 3; round++) {
		fill_and_check(&r, 2000);       /* ~100 long values, many blocks */
		raw_record_clear(&r);
		cr_assert_eq(r.nfields, 0);
		cr_assert_null(r.id);
		fill_and_check(&r, 10);         /* small: fits the kept block */
		raw_record_clear(&r);
	}
	raw_record_free(&r);
	cr_assert_null(r.blocks);
}

/* A value with a NUL-free length given explicitly is cut there. */
Test(record, addn_copies_exactly_n_bytes)
{
	struct raw_record r;

	memset(&r, 0, sizeof(r));
	cr_assert_eq(raw_record_addn(&r, "naam", "koffieochtend", 6, 3), 0);
	cr_assert_str_eq(r.fields[0].value, "koffie");
	raw_record_free(&r);
}
