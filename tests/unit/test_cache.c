/*
 * test_cache.c - unit tests for searchd/cache.c (suite "cache") and
 * searchd/jsonw.c (suite "jsonw").
 */
#include <criterion/criterion.h>
#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cache.h"
#include "jsonw.h"

Test(cache, stores_and_copies_answers)
{
	struct answer_cache *c = cache_new(1 << 20);
	char *body;

	cr_assert_not_null(c);
	cr_expect_eq(cache_get(c, "g1", "/v1/aanbod?q=koffie", &body), 0);
	cr_expect_null(body);
	cache_put(c, "g1", "/v1/aanbod?q=koffie", "{\"totaal\":3}");
	cr_assert_eq(cache_get(c, "g1", "/v1/aanbod?q=koffie", &body), 1);
	cr_expect_str_eq(body, "{\"totaal\":3}");
	free(body);
	cache_free(c);
}

Test(cache, generation_and_target_are_the_key)
{
	struct answer_cache *c = cache_new(1 << 20);
	char *body;

	cache_put(c, "g1", "/v1/aanbod?q=koffie", "old");
	cr_expect_eq(cache_get(c, "g2", "/v1/aanbod?q=koffie", &body), 0);
	cr_expect_eq(cache_get(c, "g1", "/v1/aanbod?q=koffi", &body), 0);
	cr_expect_eq(cache_get(c, "g1\n/v1", "aanbod?q=koffie", &body), 0);
	cr_expect_eq(cache_get(c, "g", "1\n/v1/aanbod?q=koffie", &body), 0);
	cache_free(c);
}

Test(cache, least_recently_used_goes_first)
{
	/* 16 shards of 64 KiB: 200 answers of 2 KB cannot all stay */
	struct answer_cache *c = cache_new(1 << 20);
	char key[32], big[2048], *body;
	int kept = 0;

	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	for (int i = 0; i < 1000; i++) {
		snprintf(key, sizeof(key), "/q%d", i);
		cache_put(c, "g", key, big);
		/* keep touching /q0: it must survive */
		cr_assert_eq(cache_get(c, "g", "/q0", &body), 1, "lost at %d", i);
		free(body);
	}
	for (int i = 0; i < 1000; i++) {
		snprintf(key, sizeof(key), "/q%d", i);
		if (cache_get(c, "g", key, &body)) {
			kept++;
			free(body);
		}
	}
	cr_expect_lt(kept, 1000);
	cr_expect_gt(kept, 100);
	cr_expect_eq(cache_get(c, "g", "/q999", &body), 1);
	free(body);
	cache_free(c);
}

Test(cache, too_big_answers_and_no_cache)
{
	struct answer_cache *c = cache_new(16 * 8 * 100);
	char *big = malloc(200), *body;

	memset(big, 'y', 199);
	big[199] = '\0';
	cache_put(c, "g", "/big", big);
	cr_expect_eq(cache_get(c, "g", "/big", &body), 0);
	cache_free(c);
	cr_expect_null(cache_new(0));
	cache_put(NULL, "g", "/x", "y");
	cr_expect_eq(cache_get(NULL, "g", "/x", &body), 0);
	free(big);
}

Test(jsonw, writes_what_jansson_reads_back)
{
	struct sbuf b = { 0 };
	struct jsonw w = { &b, 0 };
	json_error_t e;
	json_t *j;
	char *s;

	jw_begin_object(&w);
	jw_key(&w, "tekst");
	jw_str(&w, "a\"b\\c\n\t\x01 café <mark>");
	jw_key(&w, "leeg");
	jw_str(&w, NULL);
	jw_key(&w, "fout");
	jw_str(&w, "\xc3\x28");
	jw_key(&w, "lijst");
	jw_begin_array(&w);
	jw_int(&w, -3);
	jw_int(&w, 0);
	jw_int(&w, INT64_MIN);
	jw_int(&w, 1234567890123);
	jw_real(&w, 0.5);
	jw_real(&w, 2.0);
	jw_bool(&w, 1);
	jw_null(&w);
	jw_begin_object(&w);
	jw_end_object(&w);
	jw_end_array(&w);
	jw_end_object(&w);
	s = sbuf_take(&b);
	cr_assert_not_null(s);
	j = json_loads(s, 0, &e);
	cr_assert_not_null(j, "%s: %s", s, e.text);
	cr_expect_str_eq(json_string_value(json_object_get(j, "tekst")),
	    "a\"b\\c\n\t\x01 café <mark>");
	cr_expect(json_is_null(json_object_get(j, "leeg")));
	cr_expect(json_is_null(json_object_get(j, "fout")));
	cr_expect_eq(json_array_size(json_object_get(j, "lijst")), 9);
	cr_expect_eq(json_integer_value(json_array_get(json_object_get(j,
	    "lijst"), 0)), -3);
	cr_expect_eq(json_integer_value(json_array_get(json_object_get(j,
	    "lijst"), 1)), 0);
	cr_expect_eq(json_integer_value(json_array_get(json_object_get(j,
	    "lijst"), 2)), INT64_MIN);
	cr_expect_eq(json_integer_value(json_array_get(json_object_get(j,
	    "lijst"), 3)), 1234567890123);
	cr_expect(json_is_real(json_array_get(json_object_get(j, "lijst"), 5)));
	cr_expect_float_eq(json_real_value(json_array_get(json_object_get(j,
	    "lijst"), 4)), 0.5, 1e-12);
	json_decref(j);
	free(s);
}
