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

#include "sbuf.h"
#include "snippet.h"
#include "tijden.h"

/* Words in a markering snippet (as FTS5's snippet() was asked for). */
#define SNIPPET_WORDS 24

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

/* The index tokens a query's plan matches, for marking snippets: every
 * token of every term (stop words left out, as they match nothing), and
 * for a prefix term its folded form and its stem as prefixes. */
struct query_marks {
	char **tok;
	size_t ntok, tokcap;
	char **pre;
	size_t npre, precap;
	int nomem;
};

static void
marks_add(struct query_marks *qm, int prefix, const char *t, int n)
{
	char ***v = prefix ? &qm->pre : &qm->tok;
	size_t *cnt = prefix ? &qm->npre : &qm->ntok;
	size_t *cap = prefix ? &qm->precap : &qm->tokcap;

	if (n <= 0 || qm->nomem)
		return;
	for (size_t i = 0; i < *cnt; i++)
		if (strncmp((*v)[i], t, (size_t)n) == 0 && (*v)[i][n] == '\0')
			return;
	if (*cnt == *cap) {
		size_t ncap = *cap ? *cap * 2 : 16;
		char **nv = realloc(*v, ncap * sizeof(*nv));
		if (nv == NULL) {
			qm->nomem = 1;
			return;
		}
		*v = nv;
		*cap = ncap;
	}
	if (((*v)[*cnt] = strndup(t, (size_t)n)) == NULL)
		qm->nomem = 1;
	else
		(*cnt)++;
}

static int
mark_token(void *ctx, int flags, const char *tok, int ntok, int start,
           int end)
{
	(void)start;
	(void)end;
	if (!(flags & NL_TOK_STOPWORD))
		marks_add(ctx, 0, tok, ntok);
	return 0;
}

static void
marks_free(struct query_marks *qm)
{
	for (size_t i = 0; i < qm->ntok; i++)
		free(qm->tok[i]);
	for (size_t i = 0; i < qm->npre; i++)
		free(qm->pre[i]);
	free(qm->tok);
	free(qm->pre);
	memset(qm, 0, sizeof(*qm));
}

static int
marks_make(struct nl_tokenizer *tok, const struct query_plan *p,
           struct query_marks *qm)
{
	memset(qm, 0, sizeof(*qm));
	for (size_t g = 0; g < p->n; g++) {
		const struct plan_group *gr = &p->groups[g];
		for (size_t t = 0; t < gr->nterms; t++) {
			const char *term = gr->terms[t];
			if (gr->prefix && t + 1 == gr->nterms) {
				char buf[NL_MAX_TOKEN];
				int n = nl_fold_word(term, (int)strlen(term), buf,
				    sizeof(buf));
				marks_add(qm, 1, buf, n);
				n = nl_tokenizer_normalize(tok, term,
				    (int)strlen(term), buf, sizeof(buf));
				marks_add(qm, 1, buf, n);
				continue;
			}
			nl_tokenizer_run(tok, term, -1, mark_token, qm);
		}
	}
	if (qm->nomem) {
		marks_free(qm);
		return -1;
	}
	return 0;
}

/* A snippet of the first of the texts with a match, with \x01..\x02
 * around matched words, as HTML: text escaped, matches in <mark>. NULL
 * when no text matches. */
static json_t *
marked_snippet(struct conn *c, const struct query_marks *qm,
               const char *const *texts, int ntexts)
{
	static const struct { char c; const char *s; } ESC[] = {
		{ '&', "&amp;" }, { '<', "&lt;" }, { '>', "&gt;" },
		{ '"', "&quot;" }, { '\'', "&#39;" }, { '\x01', "<mark>" },
		{ '\x02', "</mark>" },
	};
	struct snippet_terms st = {
		(const char *const *)qm->tok, qm->ntok,
		(const char *const *)qm->pre, qm->npre,
	};
	struct sbuf raw = { 0 }, html = { 0 };
	json_t *j = NULL;
	int found = 0;

	for (int k = 0; k < ntexts && found <= 0; k++)
		if (texts[k] != NULL)
			found = snippet_make(c->tok, texts[k], &st, SNIPPET_WORDS,
			    &raw);
	if (found <= 0 || raw.failed)
		goto done;
	for (size_t i = 0; i < raw.len; i++) {
		size_t k = 0;
		while (k < sizeof(ESC) / sizeof(ESC[0]) && ESC[k].c != raw.s[i])
			k++;
		if (k < sizeof(ESC) / sizeof(ESC[0]))
			sbuf_put(&html, ESC[k].s);
		else
			sbuf_putn(&html, raw.s + i, 1);
	}
	if (!html.failed && html.s != NULL)
		j = json_string(html.s);
done:
	sbuf_free(&raw);
	sbuf_free(&html);
	return j;
}

static json_t *
result_item(const struct model *m, struct conn *c, const struct hit *h,
            double best, const struct query_marks *qm)
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
	if (qm != NULL) {
		/* in this order of preference: samenvatting, omschrijving,
		 * trefwoorden, naam */
		const char *texts[4] = {
			(const char *)sqlite3_column_text(st, 2),
			(const char *)sqlite3_column_text(st, 12),
			(const char *)sqlite3_column_text(st, 13),
			(const char *)sqlite3_column_text(st, 1),
		};
		json_t *mk = marked_snippet(c, qm, texts, 4);
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
	struct query_marks marks, *qm = NULL;

	if (r->q != NULL && marks_make(c->tok, &r->plan, &marks) == 0)
		qm = &marks;

	json_object_set_new(o, "totaal", json_integer(res->total));
	json_object_set_new(o, "pagina", json_integer(r->pagina));
	json_object_set_new(o, "perPagina", json_integer(r->per_pagina));
	for (uint64_t k = from; k < res->total && k < from + r->per_pagina; k++) {
		json_t *item = result_item(m, c, &res->hits[k], best, qm);
		if (item == NULL) {
			if (qm != NULL)
				marks_free(qm);
			json_decref(o);
			json_decref(list);
			json_decref(facets);
			return NULL;
		}
		json_array_append_new(list, item);
	}
	if (qm != NULL)
		marks_free(qm);
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
