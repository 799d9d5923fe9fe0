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

#include "index_format.h"
#include "jsonw.h"
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

static char *
dump(json_t *j)
{
	char *s = j ? json_dumps(j, JSON_COMPACT) : NULL;

	json_decref(j);
	return s;
}

/* The index tokens a query's plan matches, for marking snippets: every
 * token of every term (stop words left out, as they match nothing), and
 * for a prefix term the forms score_prefix_forms() gives, as prefixes. */
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
			struct score_prefix pf;

			if (gr->prefix && t + 1 == gr->nterms &&
			    score_prefix_forms(tok, term, &pf) > 0) {
				for (int k = 0; k < pf.n; k++)
					marks_add(qm, 1, pf.form[k], pf.len[k]);
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

/* Writes "markering": the snippet of the first of the texts with a
 * match, with matched words in <mark> and the rest HTML-escaped; nothing
 * when no text matches. raw and html are scratch buffers. */
static void
put_marked_snippet(struct jsonw *w, struct conn *c,
                   const struct query_marks *qm, const char *const *texts,
                   int ntexts, struct sbuf *raw, struct sbuf *html)
{
	struct snippet_terms st = {
		(const char *const *)qm->tok, qm->ntok,
		(const char *const *)qm->pre, qm->npre,
	};
	int found = 0;

	raw->len = html->len = 0;
	for (int k = 0; k < ntexts && found <= 0; k++)
		if (texts[k] != NULL)
			found = snippet_make(c->tok, texts[k], &st, SNIPPET_WORDS,
			    raw);
	if (found <= 0 || raw->failed)
		return;
	/* text between markers HTML-escaped, the markers as <mark> */
	for (size_t i = 0, run = 0; i <= raw->len; i++) {
		if (i < raw->len && raw->s[i] != '\x01' && raw->s[i] != '\x02')
			continue;
		sbuf_html_n(html, raw->s + run, i - run);
		if (i < raw->len)
			sbuf_put(html, raw->s[i] == '\x01' ? "<mark>" : "</mark>");
		run = i + 1;
	}
	if (html->failed || html->s == NULL)
		return;
	jw_key(w, "markering");
	jw_str(w, html->s);
}

/* The codes of listing i in dimension d, as a JSON array. */
static void
put_dim_codes(struct jsonw *w, const struct model *m, enum dim_id d,
              uint32_t i)
{
	uint32_t n;
	const uint16_t *v = model_values(m, d, i, &n);

	jw_begin_array(w);
	for (uint32_t k = 0; k < n; k++)
		jw_str(w, m->vs[d].codes[v[k]]);
	jw_end_array(w);
}

static void
put_col(struct jsonw *w, const char *key, sqlite3_stmt *st, int col)
{
	jw_key(w, key);
	jw_str(w, (const char *)sqlite3_column_text(st, col));
}

/* One result; -1 when the listing cannot be read. */
static int
put_result(struct jsonw *w, const struct model *m, struct conn *c,
           const struct hit *h, double best, const struct query_marks *qm,
           struct sbuf *raw, struct sbuf *html)
{
	sqlite3_stmt *st = c->row;
	int rc = -1;

	sqlite3_bind_int64(st, 1, (sqlite3_int64)h->idx + 1);
	if (sqlite3_step(st) != SQLITE_ROW)
		goto out;
	jw_begin_object(w);
	put_col(w, "id", st, 0);
	put_col(w, "naam", st, 1);
	put_col(w, "samenvatting", st, 2);
	put_col(w, "soort", st, 3);
	put_col(w, "organisatie", st, 4);
	jw_key(w, "themas");
	put_dim_codes(w, m, D_THEMA, h->idx);
	jw_key(w, "doelgroepen");
	put_dim_codes(w, m, D_DOELGROEP, h->idx);
	put_col(w, "gemeente", st, 5);
	jw_key(w, "wijken");
	put_dim_codes(w, m, D_WIJK, h->idx);
	put_col(w, "plaats", st, 6);
	put_col(w, "tijden", st, 7);
	put_col(w, "kosten", st, 8);
	put_col(w, "toegang", st, 9);
	jw_key(w, "welzijnOpRecept");
	jw_bool(w, sqlite3_column_int(st, 10));
	put_col(w, "gecontroleerd", st, 11);
	if (best > 0) {
		jw_key(w, "score");
		jw_real(w, h->match);
	}
	if (qm != NULL) {
		/* in this order of preference: samenvatting, omschrijving,
		 * trefwoorden, naam */
		const char *texts[4] = {
			(const char *)sqlite3_column_text(st, 2),
			(const char *)sqlite3_column_text(st, 12),
			(const char *)sqlite3_column_text(st, 13),
			(const char *)sqlite3_column_text(st, 1),
		};
		put_marked_snippet(w, c, qm, texts, 4, raw, html);
	}
	jw_end_object(w);
	rc = 0;
out:
	sqlite3_reset(st);
	return rc;
}

/* Facet object: code -> count for counts > 0, largest first. */
static void
put_facet(struct jsonw *w, const struct model *m, enum dim_id d,
          const uint32_t *cnt)
{
	const struct valset *vs = &m->vs[d];
	uint32_t *order = malloc((vs->n + 1) * sizeof(*order)), n = 0;

	jw_begin_object(w);
	if (order == NULL) {
		w->b->failed = 1;
		jw_end_object(w);
		return;
	}
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
	for (uint32_t k = 0; k < n; k++) {
		jw_key(w, vs->codes[order[k]]);
		jw_int(w, cnt[order[k]]);
	}
	jw_end_object(w);
	free(order);
}

/* 1 when word i of the plan equals an earlier word ("ko ko" names "ko"
 * once in nietGevonden). */
static int
word_listed_before(const struct query_plan *p, int i)
{
	for (int j = 0; j < i; j++)
		if (strcmp(p->words[j], p->words[i]) == 0)
			return 1;
	return 0;
}

char *
json_search(const struct model *m, struct conn *c, const struct search_req *r,
            const struct search_res *res)
{
	struct sbuf out = { 0 }, raw = { 0 }, html = { 0 };
	struct jsonw w = { &out, 0 };
	uint64_t from = (uint64_t)(r->pagina - 1) * r->per_pagina;
	double best = res->total > 0 && r->q ? res->hits[0].score : 0;
	struct query_marks marks, *qm = NULL;
	int rc = 0;

	if (r->q != NULL && marks_make(c->tok, &r->plan, &marks) == 0)
		qm = &marks;
	jw_begin_object(&w);
	jw_key(&w, "totaal");
	jw_int(&w, res->total);
	jw_key(&w, "pagina");
	jw_int(&w, r->pagina);
	jw_key(&w, "perPagina");
	jw_int(&w, r->per_pagina);
	jw_key(&w, "resultaten");
	jw_begin_array(&w);
	for (uint64_t k = from; rc == 0 && k < res->total &&
	    k < from + r->per_pagina; k++)
		rc = put_result(&w, m, c, &res->hits[k], best, qm, &raw, &html);
	jw_end_array(&w);
	if (qm != NULL)
		marks_free(qm);
	sbuf_free(&raw);
	sbuf_free(&html);
	if (r->q != NULL) {
		unsigned words = plan_words(&r->plan);

		jw_key(&w, "nietGevonden");
		jw_begin_array(&w);
		for (int i = 0; i < r->plan.nwords && i < 16; i++)
			if ((words & (1u << i)) && !(res->found_words & (1u << i)) &&
			    !word_listed_before(&r->plan, i))
				jw_str(&w, r->plan.words[i]);
		jw_end_array(&w);
		jw_key(&w, "gezocht");
		jw_str(&w, r->plan.gezocht);
		if (r->plan.bedoelt != NULL) {
			jw_key(&w, "bedoeltU");
			jw_str(&w, r->plan.bedoelt);
		}
	}
	jw_key(&w, "facetten");
	jw_begin_object(&w);
	for (int f = 0; f < MODEL_NFACETS; f++) {
		enum dim_id d = MODEL_FACETS[f];
		jw_key(&w, model_dim_param(d));
		put_facet(&w, m, d, res->facet[d]);
	}
	jw_end_object(&w);
	jw_end_object(&w);
	if (rc != 0) {
		sbuf_free(&out);
		return NULL;
	}
	return sbuf_take(&out);
}

/* The codes of a column (joined by spaces) as a JSON array of strings. */
static json_t *
split_codes(const char *s)
{
	json_t *a = json_array();
	const char *code;
	size_t n;

	while (sk_code_next(&s, &code, &n))
		json_array_append_new(a, json_stringn(code, n));
	return a;
}

/* The keywords (a JSON array of strings), or [] when there are none. A
 * column that does not hold that is a damaged index: NULL. */
static json_t *
keyword_list(sqlite3_stmt *st, int col)
{
	const char *s = (const char *)sqlite3_column_text(st, col);
	json_t *a;
	size_t i;
	json_t *v;

	if (s == NULL)
		return json_array();
	if ((a = json_loads(s, 0, NULL)) == NULL || !json_is_array(a))
		goto fail;
	json_array_foreach(a, i, v)
		if (!json_is_string(v))
			goto fail;
	return a;
fail:
	json_decref(a);
	return NULL;
}

/* The names of the listing's wijken (null when unknown), in their order. */
static json_t *
wijk_names(const struct model *m, const json_t *codes)
{
	json_t *names = json_array(), *code;
	size_t i;

	json_array_foreach(codes, i, code) {
		int w = model_value(m, D_WIJK, json_string_value(code));
		json_array_append_new(names, w >= 0 && m->vs[D_WIJK].names[w]
		    ? json_string(m->vs[D_WIJK].names[w]) : json_null());
	}
	return names;
}

/* Multi values and wijk names of a listing (columns of SQL_VALUES). */
static int
detail_values(const struct model *m, struct conn *c, sqlite3_int64 rowid,
              json_t *o)
{
	/* in the order of SQL_VALUES (store.c); the keywords are free text,
	 * kept as a JSON array, the rest codes joined by spaces */
	static const struct { const char *key; int json; } COLS[] = {
		{ "themas", 0 }, { "doelgroepen", 0 }, { "trefwoorden", 1 },
		{ "wijken", 0 }, { "werkgebied", 0 }, { "toegankelijkheid", 0 },
		{ "talen", 0 },
	};
	sqlite3_stmt *st = c->values;
	int rc = -1;

	sqlite3_bind_int64(st, 1, rowid);
	if (sqlite3_step(st) != SQLITE_ROW)
		goto fail;
	for (int k = 0; k < (int)(sizeof(COLS) / sizeof(COLS[0])); k++) {
		json_t *v = COLS[k].json ? keyword_list(st, k) :
		    split_codes((const char *)sqlite3_column_text(st, k));
		if (v == NULL)
			goto fail;
		json_object_set_new(o, COLS[k].key, v);
	}
	json_object_set_new(o, "wijkNamen",
	    wijk_names(m, json_object_get(o, "wijken")));
	rc = 0;
fail:
	sqlite3_reset(st);
	return rc;
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
	if (p->has_param) {
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
