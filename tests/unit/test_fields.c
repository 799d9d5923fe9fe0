/*
 * test_fields.c - field_lookup() finds every field of the spec's table at
 * its place in FIELDS (field_all), and nothing else: its switch by length
 * repeats the table's places, so a field added to one and not the other
 * fails here.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "fields.h"

Test(fields, every_field_is_found_at_its_place)
{
	size_t n;
	const struct field_def *all = field_all(&n);

	cr_assert_eq(n, 35);
	for (size_t i = 0; i < n; i++) {
		cr_assert_eq(field_lookup(all[i].name), &all[i], "%s", all[i].name);
		cr_assert_eq(all[i].len, strlen(all[i].name), "%s", all[i].name);
	}
}

Test(fields, other_names_are_not_fields)
{
	static const char *const others[] = {
		"", "Naam", "naamx", "nam", "<naam>", "lat ", "leeftijd-mi",
		"leeftijd-maxx", "tijden_toelichting", "idid", "i", "e-mail",
		"welzijn-op-recep", "gecontroleerdx", "aanbod",
	};

	for (size_t i = 0; i < sizeof(others) / sizeof(others[0]); i++)
		cr_assert_null(field_lookup(others[i]), "%s", others[i]);
}
