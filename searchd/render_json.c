/*
 * render_json.c - JSON bodies; see render_json.h.
 *
 * Objects are built with jansson and dumped once. Text from the index is
 * valid UTF-8 (the indexer guarantees it); json_string() would return
 * NULL otherwise, which becomes JSON null rather than a crash.
 */
#include "render_json.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "tijden.h"

static json_t *
col_str(sqlite3_stmt *st, int col)
{
	const char *s = (const char *)sqlite3_column_text(st, col);
	json_t *j;

	if (s == NULL)
		return json_null();
	j = json_string(s);
	return j ? j : json_null();
}

static json_t *
col_int(sqlite3_stmt *st, int col)
{
	if (sqlite3_column_type(st, col) == SQLITE_NULL)
		return json_null();
	return json_integer(sqlite3_column_int64(st, col));
}

static json_t *
col_real(sqlite3_stmt *st, int col)
{
	if (sqlite3_column_type(st, col) == SQLITE_NULL)
		return json_null();
	return json_real(sqlite3_column_double(st, col));
}

/* The codes of listing i in dimension d, as a JSON array. */
static json_t *
dim_codes(const struct model *m, enum dim_id d, uint32_t i)
{
	const struct csr *c = &m->dim[d];
	json_t *a = json_array();

	for (uint32_t k = c->start[i]; k < c->start[i + 1]; k++)
		json_array_append_new(a, json_string(m->vs[d].codes[c->vals[k]]));
	return a;
}

static char *
dump(json_t *j)
{
	char *s = j ? json_dumps(j, JSON_COMPACT) : NULL;

	json_decref(j);
	return s;
}

/* The snippet of a row with \x01..\x02 around matched words, as HTML:
 * text escaped, matches in <mark>. NULL when there is none. */
static json_t *
marked_snippet(struct conn *c, const char *expr, sqlite3_int64 rowid)
{
	static const struct { char c; const char *s; } ESC[] = {
		{ '&', "&amp;" }, { '<', "&lt;" }, { '>', "&gt;" },
		{ '"', "&quot;" }, { '\'', "&#39;" }, { '\x01', "<mark>" },
		{ '\x02', "</mark>" },
	};
	sqlite3_stmt *st = c->snippet;
	const char *s = NULL;
	json_t *j = NULL;
	char *out, *o;

	sqlite3_bind_text(st, 1, expr, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, rowid);
	if (sqlite3_step(st) != SQLITE_ROW)
		goto done;
	for (int col = 0; col < 4 && s == NULL; col++) {
		s = (const char *)sqlite3_column_text(st, col);
		if (s != NULL && strchr(s, '\x01') == NULL)
			s = NULL;
	}
	if (s == NULL || (out = malloc(strlen(s) * 7 + 1)) == NULL)
		goto done;
	for (o = out; *s != '\0'; s++) {
		size_t k = 0;
		while (k < sizeof(ESC) / sizeof(ESC[0]) && ESC[k].c != *s)
			k++;
		if (k < sizeof(ESC) / sizeof(ESC[0]))
			o = stpcpy(o, ESC[k].s);
		else
			*o++ = *s;
	}
	*o = '\0';
	j = json_string(out);
	free(out);
done:
	sqlite3_reset(st);
	return j;
}

static json_t *
result_item(const struct model *m, struct conn *c, const struct hit *h,
            double best, const char *expr)
{
	sqlite3_stmt *st = c->row;
	json_t *o = NULL;

	sqlite3_bind_int64(st, 1, (sqlite3_int64)h->idx + 1);
	if (sqlite3_step(st) != SQLITE_ROW)
		goto out;
	o = json_object();
	json_object_set_new(o, "id", col_str(st, 0));
	json_object_set_new(o, "naam", col_str(st, 1));
	json_object_set_new(o, "samenvatting", col_str(st, 2));
	json_object_set_new(o, "soort", col_str(st, 3));
	json_object_set_new(o, "organisatie", col_str(st, 4));
	json_object_set_new(o, "themas", dim_codes(m, D_THEMA, h->idx));
	json_object_set_new(o, "doelgroepen", dim_codes(m, D_DOELGROEP, h->idx));
	json_object_set_new(o, "gemeente", col_str(st, 5));
	json_object_set_new(o, "wijken", dim_codes(m, D_WIJK, h->idx));
	json_object_set_new(o, "plaats", col_str(st, 6));
	json_object_set_new(o, "tijden", col_str(st, 7));
	json_object_set_new(o, "kosten", col_str(st, 8));
	json_object_set_new(o, "toegang", col_str(st, 9));
	json_object_set_new(o, "welzijnOpRecept",
	    json_boolean(sqlite3_column_int(st, 10)));
	json_object_set_new(o, "gecontroleerd", col_str(st, 11));
	if (best > 0)
		json_object_set_new(o, "score", json_real(h->match));
	if (expr != NULL) {
		json_t *mk = marked_snippet(c, expr, (sqlite3_int64)h->idx + 1);
		if (mk != NULL)
			json_object_set_new(o, "markering", mk);
	}
out:
	sqlite3_reset(st);
	return o;
}

/* Facet object: code -> count for counts > 0, largest first. */
static json_t *
facet_object(const struct model *m, enum dim_id d, const uint32_t *cnt)
{
	const struct valset *vs = &m->vs[d];
	uint32_t *order = malloc((vs->n + 1) * sizeof(*order)), n = 0;
	json_t *o = json_object();

	if (order == NULL)
		return o;
	for (uint32_t v = 0; v < vs->n; v++)
		if (cnt[v] > 0)
			order[n++] = v;
	/* insertion sort: facets are small */
	for (uint32_t a = 1; a < n; a++) {
		uint32_t x = order[a], b = a;
		while (b > 0 && cnt[order[b - 1]] < cnt[x]) {
			order[b] = order[b - 1];
			b--;
		}
		order[b] = x;
	}
	for (uint32_t k = 0; k < n; k++)
		json_object_set_new(o, vs->codes[order[k]],
		    json_integer(cnt[order[k]]));
	free(order);
	return o;
}

char *
json_search(const struct model *m, struct conn *c, const struct search_req *r,
            const struct search_res *res)
{
	json_t *o = json_object(), *list = json_array(), *facets = json_object();
	uint64_t from = (uint64_t)(r->pagina - 1) * r->per_pagina;
	double best = res->total > 0 && r->q ? res->hits[0].score : 0;
	char *expr = r->q ? plan_union(&r->plan) : NULL;

	json_object_set_new(o, "totaal", json_integer(res->total));
	json_object_set_new(o, "pagina", json_integer(r->pagina));
	json_object_set_new(o, "perPagina", json_integer(r->per_pagina));
	for (uint64_t k = from; k < res->total && k < from + r->per_pagina; k++) {
		json_t *item = result_item(m, c, &res->hits[k], best, expr);
		if (item == NULL) {
			free(expr);
			json_decref(o);
			json_decref(list);
			json_decref(facets);
			return NULL;
		}
		json_array_append_new(list, item);
	}
	free(expr);
	json_object_set_new(o, "resultaten", list);
	if (r->q != NULL) {
		json_t *missing = json_array();
		unsigned words = plan_words(&r->plan);

		for (int w = 0; w < r->plan.nwords && w < 16; w++)
			if ((words & (1u << w)) && !(res->found_words & (1u << w)))
				json_array_append_new(missing,
				    json_string(r->plan.words[w]));
		json_object_set_new(o, "nietGevonden", missing);
		json_object_set_new(o, "gezocht", json_string(r->plan.gezocht));
		if (r->plan.bedoelt != NULL)
			json_object_set_new(o, "bedoeltU",
			    json_string(r->plan.bedoelt));
	}
	for (int f = 0; f < 5; f++) {
		enum dim_id d = SEARCH_FACETS[f];
		json_object_set_new(facets, model_dim_param(d),
		    facet_object(m, d, res->facet[d]));
	}
	json_object_set_new(o, "facetten", facets);
	return dump(o);
}

/* Multi values and wijk names of a listing, from aanbod_waarde. */
static int
detail_values(const struct model *m, struct conn *c, sqlite3_int64 rowid,
              json_t *o)
{
	static const struct { const char *veld, *key; } MAP[] = {
		{ "thema", "themas" }, { "doelgroep", "doelgroepen" },
		{ "trefwoord", "trefwoorden" }, { "wijk", "wijken" },
		{ "werkgebied", "werkgebied" },
		{ "toegankelijkheid", "toegankelijkheid" }, { "taal", "talen" },
	};
	sqlite3_stmt *st = c->values;
	json_t *names = json_array();
	int step;

	for (size_t i = 0; i < sizeof(MAP) / sizeof(MAP[0]); i++)
		json_object_set_new(o, MAP[i].key, json_array());
	sqlite3_bind_int64(st, 1, rowid);
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		const char *veld = (const char *)sqlite3_column_text(st, 0);
		for (size_t i = 0; i < sizeof(MAP) / sizeof(MAP[0]); i++) {
			if (strcmp(veld, MAP[i].veld) != 0)
				continue;
			json_array_append_new(json_object_get(o, MAP[i].key),
			    col_str(st, 1));
			if (strcmp(veld, "wijk") == 0) {
				int w = model_value(m, D_WIJK,
				    (const char *)sqlite3_column_text(st, 1));
				json_array_append_new(names, w >= 0 && m->vs[D_WIJK].names[w]
				    ? json_string(m->vs[D_WIJK].names[w]) : json_null());
			}
		}
	}
	sqlite3_reset(st);
	json_object_set_new(o, "wijkNamen", names);
	return step == SQLITE_DONE ? 0 : -1;
}

static json_t *
detail_slots(struct conn *c, sqlite3_int64 rowid)
{
	sqlite3_stmt *st = c->slots;
	json_t *a = json_array();
	char buf[32];
	int step;

	sqlite3_bind_int64(st, 1, rowid);
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		json_t *s = json_object();
		int start = sqlite3_column_int(st, 1), end = sqlite3_column_int(st, 2);
		json_object_set_new(s, "dag",
		    json_string(tijden_dag_naam(sqlite3_column_int(st, 0))));
		snprintf(buf, sizeof(buf), "%02d:%02d", start / 60, start % 60);
		json_object_set_new(s, "start", json_string(buf));
		snprintf(buf, sizeof(buf), "%02d:%02d", end / 60, end % 60);
		json_object_set_new(s, "eind", json_string(buf));
		json_object_set_new(s, "frequentie",
		    json_string(tijden_freq_naam(sqlite3_column_int(st, 3))));
		json_array_append_new(a, s);
	}
	sqlite3_reset(st);
	if (step != SQLITE_DONE) {
		json_decref(a);
		return NULL;
	}
	return a;
}

char *
json_detail(const struct model *m, struct conn *c, const char *id, int *found)
{
	static const char *const KEYS[] = {
		"id", "naam", "samenvatting", "omschrijving", "soort", "status",
		"organisatie", "gemeente", "adres", "postcode", "plaats", "lat",
		"lon", "tijden", "tijdenToelichting", "kosten", "kostenToelichting",
		"toegang", "leeftijdMin", "leeftijdMax", "welzijnOpRecept",
		"wachttijdDagen", "telefoon", "email", "website", "contactpersoon",
		"bijgewerkt", "gecontroleerd",
	};
	sqlite3_stmt *st = c->by_id;
	sqlite3_int64 rowid;
	json_t *o, *slots;

	*found = 0;
	sqlite3_bind_text(st, 1, id, -1, SQLITE_TRANSIENT);
	if (sqlite3_step(st) != SQLITE_ROW) {
		sqlite3_reset(st);
		return NULL;
	}
	*found = 1;
	rowid = sqlite3_column_int64(st, 0);
	o = json_object();
	for (int k = 0; k < (int)(sizeof(KEYS) / sizeof(KEYS[0])); k++) {
		int col = k + 1;
		json_t *v;
		if (strcmp(KEYS[k], "lat") == 0 || strcmp(KEYS[k], "lon") == 0)
			v = col_real(st, col);
		else if (strncmp(KEYS[k], "leeftijd", 8) == 0 ||
		    strcmp(KEYS[k], "wachttijdDagen") == 0)
			v = col_int(st, col);
		else if (strcmp(KEYS[k], "welzijnOpRecept") == 0)
			v = json_boolean(sqlite3_column_int(st, col));
		else
			v = col_str(st, col);
		json_object_set_new(o, KEYS[k], v);
	}
	sqlite3_reset(st);
	slots = detail_slots(c, rowid);
	if (detail_values(m, c, rowid, o) != 0 || slots == NULL) {
		json_decref(slots);
		json_decref(o);
		return NULL;            /* a read error: never half an answer */
	}
	json_object_set_new(o, "tijdsloten", slots);
	return dump(o);
}

char *
json_problem(const struct problem *p, const char *instance)
{
	json_t *o = json_object();

	json_object_set_new(o, "type", json_string("about:blank"));
	json_object_set_new(o, "title", json_string(p->title));
	json_object_set_new(o, "status", json_integer(p->status));
	json_object_set_new(o, "detail", json_string(p->detail));
	if (instance != NULL)
		json_object_set_new(o, "instance", json_string(instance));
	if (p->param[0] != '\0') {
		json_t *ip = json_object(), *list = json_array();
		json_object_set_new(ip, "name", json_string(p->param));
		json_object_set_new(ip, "reason", json_string(p->reason));
		json_array_append_new(list, ip);
		json_object_set_new(o, "invalidParams", list);
	}
	return dump(o);
}

char *
json_landing(void)
{
	json_t *o = json_object(), *links = json_object();

	json_object_set_new(o, "naam", json_string("Sociale Kaart zoek-API"));
	json_object_set_new(o, "versie", json_string(SK_API_VERSION));
	json_object_set_new(links, "self", json_pack("{s:s}", "href", "/v1"));
	json_object_set_new(links, "aanbod",
	    json_pack("{s:s}", "href", "/v1/aanbod"));
	json_object_set_new(links, "openapi",
	    json_pack("{s:s}", "href", "/v1/openapi.json"));
	json_object_set_new(o, "_links", links);
	return dump(o);
}
