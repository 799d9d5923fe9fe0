/*
 * test_params.c - request target decoding (searchd/params.c).
 */
#include <criterion/criterion.h>
#include <string.h>

#include "params.h"

static const char *
value_of(const struct param_list *l, const char *name, int nth)
{
	for (size_t i = 0; i < l->n; i++)
		if (strcmp(l->v[i].name, name) == 0 && nth-- == 0)
			return l->v[i].value;
	return NULL;
}

Test(params, splits_path_and_pairs_in_order)
{
	struct param_list l;
	const char *bad;

	cr_assert_eq(params_parse("/v1/aanbod?q=koffie&thema=ontmoeting&thema=bewegen",
	    &l, &bad), PARAMS_OK);
	cr_assert_str_eq(l.path, "/v1/aanbod");
	cr_assert_eq(l.n, 3);
	cr_assert_str_eq(value_of(&l, "q", 0), "koffie");
	cr_assert_str_eq(value_of(&l, "thema", 0), "ontmoeting");
	cr_assert_str_eq(value_of(&l, "thema", 1), "bewegen");
	params_free(&l);
}

Test(params, plus_and_percent20_are_spaces)
{
	struct param_list l;
	const char *bad;

	cr_assert_eq(params_parse("/x?q=koffie+in%20de+buurt", &l, &bad),
	    PARAMS_OK);
	cr_assert_str_eq(value_of(&l, "q", 0), "koffie in de buurt");
	params_free(&l);
}

Test(params, plus_in_path_stays_plus)
{
	struct param_list l;
	const char *bad;

	cr_assert_eq(params_parse("/v1/aanbod/a+b", &l, &bad), PARAMS_OK);
	cr_assert_str_eq(l.path, "/v1/aanbod/a+b");
	params_free(&l);
}

Test(params, utf8_after_decoding)
{
	struct param_list l;
	const char *bad;

	cr_assert_eq(params_parse("/x?q=caf%C3%A9", &l, &bad), PARAMS_OK);
	cr_assert_str_eq(value_of(&l, "q", 0), "caf\xc3\xa9");
	params_free(&l);
}

Test(params, invalid_utf8_names_the_parameter)
{
	struct param_list l;
	const char *bad = NULL;

	cr_assert_eq(params_parse("/x?thema=a&q=%C3%28", &l, &bad),
	    PARAMS_BAD_UTF8);
	cr_assert_not_null(bad);
	cr_assert_str_eq(bad, "q");
	params_free(&l);
}

Test(params, nul_and_bad_escapes_are_errors)
{
	struct param_list l;
	const char *bad;

	cr_assert_eq(params_parse("/x?q=a%00b", &l, &bad), PARAMS_NUL);
	params_free(&l);
	cr_assert_eq(params_parse("/x?q=%zz", &l, &bad), PARAMS_BAD_ESCAPE);
	params_free(&l);
	cr_assert_eq(params_parse("/x?q=%4", &l, &bad), PARAMS_BAD_ESCAPE);
	params_free(&l);
	cr_assert_eq(params_parse("/x?q=%", &l, &bad), PARAMS_BAD_ESCAPE);
	params_free(&l);
}

Test(params, empty_pairs_and_missing_values)
{
	struct param_list l;
	const char *bad;

	cr_assert_eq(params_parse("/x?&&q&thema=&", &l, &bad), PARAMS_OK);
	cr_assert_eq(l.n, 2);
	cr_assert_str_eq(value_of(&l, "q", 0), "");
	cr_assert_str_eq(value_of(&l, "thema", 0), "");
	params_free(&l);
}

Test(params, value_may_hold_equals_sign)
{
	struct param_list l;
	const char *bad;

	cr_assert_eq(params_parse("/x?q=a=b", &l, &bad), PARAMS_OK);
	cr_assert_str_eq(value_of(&l, "q", 0), "a=b");
	params_free(&l);
}

Test(params, utf8_validator_rejects_overlong_and_surrogates)
{
	cr_assert(params_utf8_valid((const unsigned char *)"abc \xe2\x82\xac", 7));
	cr_assert_not(params_utf8_valid((const unsigned char *)"\xc0\xaf", 2));
	cr_assert_not(params_utf8_valid((const unsigned char *)"\xed\xa0\x80", 3));
	cr_assert_not(params_utf8_valid((const unsigned char *)"\xf4\x90\x80\x80", 4));
	cr_assert_not(params_utf8_valid((const unsigned char *)"\xe2\x82", 2));
}
