/*
 * test_search.c - filters, facets, order and JSON of a search, in process:
 * a small export is indexed (testindex.h) and the store loads it.
 */
#include <criterion/criterion.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "params.h"
#include "render_json.h"
#include "search.h"
#include "store.h"
#include "testindex.h"

#define A(id, naam, gm, extra) \
	"<aanbod id=\"" id "\"><naam>" naam "</naam><soort>informeel</soort>" \
	"<gemeente>" gm "</gemeente>" extra "</aanbod>\n"

static const char EXPORT[] =
	"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<sociale-kaart>\n"
	A("a1", "Koffie in de buurtkamer", "GM0307",
	  "<thema>ontmoeting</thema><doelgroep>ouderen</doelgroep>"
	  "<wijk code=\"WK030712\">Kruiskamp</wijk>")
	A("a2", "Wandelgroep", "GM0307",
	  "<thema>bewegen</thema><doelgroep>ouderen</doelgroep>")
	A("a3", "Koffie en wandelen", "GM0327",
	  "<thema>ontmoeting</thema><thema>bewegen</thema>"
	  "<werkgebied>GM0307</werkgebied>")
	A("a4", "Gesloten koffiehoek", "GM0307",
	  "<status>beeindigd</status><thema>ontmoeting</thema>")
	A("a5", "Buurtkamer Soesterkwartier", "GM0307",
	  "<thema>ontmoeting</thema><wijk code=\"WK030703\">Soesterkwartier</wijk>")
	"</sociale-kaart>\n";

struct fixture {
	char dir[64];
	char index[128];
	struct store store;
};

static struct fixture fx;

static void
setup(void)
{
	char err[256];

	testindex_build(EXPORT, strlen(EXPORT), fx.dir, fx.index);
	cr_assert_eq(store_open(&fx.store, fx.index, err, sizeof(err)), 0, "%s",
	    err);
}

static void
teardown(void)
{
	store_close(&fx.store);
	testindex_remove(fx.dir);
}

/* Runs target and returns the parsed JSON answer (or NULL + *status). */
static json_t *
run_search(const char *target, unsigned *status)
{
	struct gen *g = store_acquire(&fx.store);
	struct conn *c = gen_conn_get(g);
	struct param_list pl;
	struct search_req req;
	struct search_res res;
	struct problem p;
	const char *bad;
	json_t *j = NULL;
	char *body;

	cr_assert_not_null(c);
	cr_assert_eq(params_parse(target, &pl, &bad), PARAMS_OK);
	*status = 200;
	if (search_req_build(&g->model, &pl, &req, &p) != 0) {
		*status = p.status;
	} else {
		cr_assert_eq(search_run(&g->model, c, &req, &res, &p), 0);
		body = json_search(&g->model, c, &req, &res);
		j = json_loads(body, 0, NULL);
		free(body);
		search_res_free(&res);
		search_req_free(&req);
	}
	params_free(&pl);
	gen_conn_put(g, c);
	store_release(&fx.store, g);
	return j;
}

static int
facet(json_t *j, const char *name, const char *code)
{
	json_t *v = json_object_get(json_object_get(json_object_get(j,
	    "facetten"), name), code);

	return v ? (int)json_integer_value(v) : 0;
}

static const char *
id_at(json_t *j, size_t i)
{
	return json_string_value(json_object_get(json_array_get(
	    json_object_get(j, "resultaten"), i), "id"));
}

TestSuite(search, .init = setup, .fini = teardown);

Test(search, no_parameters_gives_every_active_listing)
{
	unsigned st;
	json_t *j = run_search("/v1/aanbod", &st);

	cr_assert_eq(json_integer_value(json_object_get(j, "totaal")), 4);
	cr_assert_eq(facet(j, "thema", "ontmoeting"), 3);   /* a4 is ended */
	cr_assert_eq(facet(j, "soort", "informeel"), 4);
	json_decref(j);
}

Test(search, gemeente_matches_werkgebied_and_facet_counts_it)
{
	unsigned st;
	json_t *j = run_search("/v1/aanbod?gemeente=amersfoort", &st);

	cr_assert_eq(json_integer_value(json_object_get(j, "totaal")), 4);
	cr_assert_eq(facet(j, "gemeente", "GM0307"), 4);
	cr_assert_eq(facet(j, "gemeente", "GM0327"), 1);
	json_decref(j);
}

Test(search, facet_of_a_chosen_name_ignores_its_own_filter)
{
	unsigned st;
	json_t *j = run_search("/v1/aanbod?thema=bewegen", &st);

	cr_assert_eq(json_integer_value(json_object_get(j, "totaal")), 2);
	cr_assert_eq(facet(j, "thema", "ontmoeting"), 3);
	cr_assert_eq(facet(j, "thema", "bewegen"), 2);
	cr_assert_eq(facet(j, "doelgroep", "ouderen"), 1);
	json_decref(j);
}

Test(search, wijk_matches_named_and_city_wide_listings_named_first)
{
	unsigned st;
	json_t *j = run_search("/v1/aanbod?wijk=WK030712", &st);

	/* a1 names it; a2 is city-wide in GM0307; a5 names another wijk;
	 * a3 takes place in GM0327 */
	cr_assert_eq(json_integer_value(json_object_get(j, "totaal")), 2);
	cr_assert_str_eq(id_at(j, 0), "a1");
	cr_assert_str_eq(id_at(j, 1), "a2");
	cr_assert_eq(facet(j, "wijk", "WK030712"), 2);
	cr_assert_eq(facet(j, "wijk", "WK030703"), 2);
	json_decref(j);
}

Test(search, or_within_a_name_and_across_names)
{
	unsigned st;
	json_t *j = run_search("/v1/aanbod?thema=bewegen&thema=ontmoeting"
	    "&doelgroep=ouderen", &st);

	cr_assert_eq(json_integer_value(json_object_get(j, "totaal")), 2);
	json_decref(j);
}

Test(search, text_ranks_name_matches_and_reports_gezocht)
{
	unsigned st;
	json_t *j = run_search("/v1/aanbod?q=koffie", &st);

	cr_assert_eq(json_integer_value(json_object_get(j, "totaal")), 2);
	cr_assert_str_eq(json_string_value(json_object_get(j, "gezocht")),
	    "koffie");
	cr_assert_float_eq(json_real_value(json_object_get(json_array_get(
	    json_object_get(j, "resultaten"), 0), "score")), 1.0, 1e-9);
	json_decref(j);
}

Test(search, paging_past_the_end_is_empty)
{
	unsigned st;
	json_t *j = run_search("/v1/aanbod?perPagina=3&pagina=2", &st);

	cr_assert_eq(json_array_size(json_object_get(j, "resultaten")), 1);
	json_decref(j);
	j = run_search("/v1/aanbod?perPagina=3&pagina=9", &st);
	cr_assert_eq(json_array_size(json_object_get(j, "resultaten")), 0);
	cr_assert_eq(json_integer_value(json_object_get(j, "totaal")), 4);
	json_decref(j);
}

Test(search, bad_parameters_are_400)
{
	static const char *const bad[] = {
		"/v1/aanbod?thema=onbekend", "/v1/aanbod?gemeente=GM9999",
		"/v1/aanbod?wijk=WK99", "/v1/aanbod?perPagina=0",
		"/v1/aanbod?perPagina=101", "/v1/aanbod?pagina=x",
		"/v1/aanbod?welzijnOpRecept=nee", "/v1/aanbod?zoek=koffie",
		"/v1/aanbod?q=a&q=b", "/v1/aanbod?taal=nederlands",
	};
	unsigned st;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		cr_assert_null(run_search(bad[i], &st), "%s", bad[i]);
		cr_assert_eq(st, 400, "%s", bad[i]);
	}
}

/* The packed facet record (model.h) agrees with the model's own arrays:
 * the wijk facet sits where count_all_facets() looks for it, and the
 * record's tail holds the listing's home gemeente and name rank. */
Test(search, facet_record_matches_the_model)
{
	struct gen *g = store_acquire(&fx.store);
	const struct model *m = &g->model;

	cr_assert_eq(MODEL_FACETS[MODEL_FACET_WIJK], D_WIJK);
	for (uint32_t i = 0; i < m->n; i++) {
		const uint16_t *rec = model_facet_rec(m, i);
		const uint16_t *v = rec + MODEL_NFACETS;
		uint32_t total = 0;

		for (int f = 0; f < MODEL_NFACETS; f++) {
			uint32_t n;
			const uint16_t *got = model_values(m, MODEL_FACETS[f], i, &n);

			cr_expect_eq(n, rec[f]);
			for (uint32_t k = 0; k < n; k++) {
				cr_expect_eq(got[k], v[total + k]);
				cr_expect_lt(got[k], m->vs[MODEL_FACETS[f]].n);
			}
			total += n;
		}
		v += total;
		cr_expect_eq(v[0], m->home_gm[i], "listing %u", i);
		cr_expect_eq((uint32_t)v[1] | (uint32_t)v[2] << 16,
		    m->name_rank[i], "listing %u", i);
		cr_expect_eq(m->facets.start[i + 1] - m->facets.start[i],
		    MODEL_NFACETS + total + FACET_REC_EXTRA);
	}
	store_release(&fx.store, g);
}
