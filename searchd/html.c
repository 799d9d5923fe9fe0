/*
 * html.c - HTML pages; see html.h. Pages are built in an sbuf.
 */
#include "html.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sbuf.h"
#include "tijden.h"

/* B1 wording for the coded values shown to people. */
static const struct { const char *code, *tekst; } LABELS[] = {
	{ "gratis", "Gratis" },
	{ "vrijwillige-bijdrage", "Vrijwillige bijdrage" },
	{ "eigen-bijdrage", "Eigen bijdrage" },
	{ "betaald", "U betaalt zelf" },
	{ "vrije-inloop", "U kunt zo binnenlopen" },
	{ "aanmelden", "U meldt zich eerst aan" },
	{ "verwijzing", "U heeft een verwijzing nodig (bijvoorbeeld van de "
	  "huisarts of het buurtteam)" },
	{ "beschikking", "U heeft een besluit (beschikking) van de gemeente "
	  "nodig" },
	{ "formeel", "Zorg of hulp van een organisatie" },
	{ "informeel", "Activiteit of hulp van vrijwilligers" },
	{ "inwonersinitiatief", "Gemaakt door inwoners" },
};

static const char *
value_label(const char *code)
{
	if (code == NULL)
		return NULL;
	for (size_t i = 0; i < sizeof(LABELS) / sizeof(LABELS[0]); i++)
		if (strcmp(LABELS[i].code, code) == 0)
			return LABELS[i].tekst;
	return code;
}

static const char *const DAGEN_VOLUIT[] = { "", "maandag", "dinsdag",
	"woensdag", "donderdag", "vrijdag", "zaterdag", "zondag" };

static void
page_start(struct sbuf *b, const char *title)
{
	sbuf_put(b, "<!DOCTYPE html>\n<html lang=\"nl\">\n<head>\n"
	    "<meta charset=\"utf-8\">\n"
	    "<meta name=\"viewport\" content=\"width=device-width, "
	    "initial-scale=1\">\n<title>");
	sbuf_html(b, title);
	sbuf_put(b, " – Sociale Kaart</title>\n"
	    "<link rel=\"stylesheet\" href=\"/style.css\">\n</head>\n<body>\n"
	    "<a class=\"skip\" href=\"#inhoud\">Naar de inhoud</a>\n"
	    "<header><p class=\"logo\"><a href=\"/\">Sociale Kaart</a></p>"
	    "<p>Activiteiten, hulp en ontmoeting in uw buurt</p></header>\n"
	    "<main id=\"inhoud\">\n");
}

static char *
page_end(struct sbuf *b)
{
	sbuf_put(b, "</main>\n<footer><p>Klopt er iets niet? Laat het de "
	    "organisatie weten. Deze site bewaart niet wat u zoekt.</p>"
	    "</footer>\n</body>\n</html>\n");
	return sbuf_take(b);
}

static const char *
dim_name(const struct model *m, enum dim_id d, uint32_t v)
{
	const char *n = m->vs[d].names[v];

	return n ? n : m->vs[d].codes[v];
}

/* A <select> for one filter, with facet counts where known. */
static void
select_field(struct sbuf *b, const struct model *m, const struct search_req *r,
             const struct search_res *res, enum dim_id d, const char *label)
{
	const char *param = model_dim_param(d);

	sbuf_printf(b, "<div class=\"veld\"><label for=\"f-%s\">%s</label>\n"
	    "<select id=\"f-%s\" name=\"%s\">\n<option value=\"\">Alle</option>\n",
	    param, label, param, param);
	uint32_t *order = malloc((m->vs[d].n + 1) * sizeof(*order));

	if (order == NULL)
		return;
	for (uint32_t v = 0; v < m->vs[d].n; v++)
		order[v] = v;
	/* insertion sort by shown name: vocabularies are small */
	for (uint32_t a = 1; a < m->vs[d].n; a++) {
		uint32_t x = order[a], k = a;
		while (k > 0 && strcasecmp(dim_name(m, d, order[k - 1]),
		    dim_name(m, d, x)) > 0) {
			order[k] = order[k - 1];
			k--;
		}
		order[k] = x;
	}
	for (uint32_t i = 0; i < m->vs[d].n; i++) {
		uint32_t v = order[i];
		int chosen = r->sel[d] && r->sel[d][v];
		sbuf_put(b, "<option value=\"");
		sbuf_html(b, m->vs[d].codes[v]);
		sbuf_put(b, chosen ? "\" selected>" : "\">");
		sbuf_html(b, d == D_KOSTEN ? value_label(dim_name(m, d, v)) :
		    dim_name(m, d, v));
		if (res->facet[d] != NULL)
			sbuf_printf(b, " (%u)", res->facet[d][v]);
		sbuf_put(b, "</option>\n");
	}
	free(order);
	sbuf_put(b, "</select></div>\n");
}

static void
search_form(struct sbuf *b, const struct model *m, const struct search_req *r,
            const struct search_res *res)
{
	sbuf_put(b, "<h1>Zoek in de sociale kaart</h1>\n"
	    "<form method=\"get\" action=\"/\" role=\"search\">\n"
	    "<div class=\"veld\"><label for=\"q\">Waar zoekt u naar?</label>\n"
	    "<input id=\"q\" name=\"q\" type=\"search\" maxlength=\"500\" "
	    "placeholder=\"bijvoorbeeld: koffie, wandelen, hulp bij geldzaken\" "
	    "value=\"");
	sbuf_html(b, r->q);
	sbuf_put(b, "\"></div>\n");
	select_field(b, m, r, res, D_GEMEENTE, "Gemeente");
	select_field(b, m, r, res, D_THEMA, "Onderwerp");
	select_field(b, m, r, res, D_DOELGROEP, "Voor wie");
	select_field(b, m, r, res, D_KOSTEN, "Kosten");
	sbuf_put(b, "<button type=\"submit\">Zoeken</button>\n</form>\n");
}

/* The query string of r for page p (for paging links). */
static void
query_string(struct sbuf *b, const struct model *m, const struct search_req *r,
             uint32_t page)
{
	sbuf_printf(b, "/?pagina=%u", page);
	if (r->q != NULL) {
		sbuf_put(b, "&amp;q=");
		sbuf_url(b, r->q);
	}
	for (int d = 0; d < D_COUNT; d++) {
		if (r->sel[d] == NULL)
			continue;
		for (uint32_t v = 0; v < m->vs[d].n; v++) {
			if (!r->sel[d][v])
				continue;
			sbuf_printf(b, "&amp;%s=", model_dim_param((enum dim_id)d));
			sbuf_url(b, m->vs[d].codes[v]);
		}
	}
}

static void
result_item(struct sbuf *b, const struct model *m, struct conn *c,
            const struct hit *h)
{
	sqlite3_stmt *st = c->row;
	const char *id, *gm;
	int g;

	sqlite3_bind_int64(st, 1, (sqlite3_int64)h->idx + 1);
	if (sqlite3_step(st) != SQLITE_ROW) {
		sqlite3_reset(st);
		return;
	}
	id = (const char *)sqlite3_column_text(st, 0);
	gm = (const char *)sqlite3_column_text(st, 5);
	g = gm ? model_gemeente(m, gm) : -1;
	sbuf_put(b, "<li><h3><a href=\"/aanbod/");
	sbuf_url(b, id);
	sbuf_put(b, "\">");
	sbuf_html(b, (const char *)sqlite3_column_text(st, 1));
	sbuf_put(b, "</a></h3>\n<p>");
	sbuf_html(b, (const char *)sqlite3_column_text(st, 2));
	sbuf_put(b, "</p>\n<p class=\"meta\">");
	sbuf_html(b, g >= 0 ? dim_name(m, D_GEMEENTE, (uint32_t)g) : gm);
	if (sqlite3_column_text(st, 7)) {
		sbuf_put(b, " · ");
		sbuf_html(b, (const char *)sqlite3_column_text(st, 7));
	}
	if (sqlite3_column_text(st, 8)) {
		sbuf_put(b, " · ");
		sbuf_html(b, value_label((const char *)sqlite3_column_text(st, 8)));
	}
	sbuf_put(b, "</p></li>\n");
	sqlite3_reset(st);
}

char *
html_search(const struct model *m, struct conn *c, const struct search_req *r,
            const struct search_res *res)
{
	struct sbuf b = { 0 };
	uint64_t from = (uint64_t)(r->pagina - 1) * r->per_pagina;
	uint32_t pages = (res->total + r->per_pagina - 1) / r->per_pagina;

	page_start(&b, r->q ? r->q : "Zoeken");
	search_form(&b, m, r, res);
	sbuf_printf(&b, "<h2 aria-live=\"polite\">%u %s gevonden</h2>\n",
	    res->total, res->total == 1 ? "resultaat" : "resultaten");
	if (res->total == 0)
		sbuf_put(&b, "<p>Probeer een ander woord, of kies minder "
		    "filters.</p>\n");
	sbuf_put(&b, "<ol class=\"resultaten\">\n");
	for (uint64_t k = from; k < res->total && k < from + r->per_pagina; k++)
		result_item(&b, m, c, &res->hits[k]);
	sbuf_put(&b, "</ol>\n<nav aria-label=\"Pagina's\">");
	if (r->pagina > 1) {
		sbuf_put(&b, "<a rel=\"prev\" href=\"");
		query_string(&b, m, r, r->pagina - 1);
		sbuf_put(&b, "\">Vorige pagina</a> ");
	}
	if (r->pagina < pages) {
		sbuf_put(&b, "<a rel=\"next\" href=\"");
		query_string(&b, m, r, r->pagina + 1);
		sbuf_put(&b, "\">Volgende pagina</a>");
	}
	sbuf_put(&b, "</nav>\n");
	return page_end(&b);
}

/* A link only for schemes that cannot run script. */
static void
safe_link(struct sbuf *b, const char *prefix, const char *href,
          const char *text)
{
	if (strncasecmp(href, "https://", 8) == 0 ||
	    strncasecmp(href, "http://", 7) == 0 || prefix[0] != '\0') {
		sbuf_put(b, "<a href=\"");
		sbuf_put(b, prefix);
		sbuf_html(b, href);
		sbuf_put(b, "\">");
		sbuf_html(b, text);
		sbuf_put(b, "</a>");
	} else {
		sbuf_html(b, text);
	}
}

/* A tel: link built only from the number's digits (and a leading '+',
 * dropping the "(0)" of "+31 (0)30 …"); fewer than 3 digits: the text. */
static void
tel_link(struct sbuf *b, const char *text)
{
	char href[40];
	size_t n = 0, digits = 0;

	for (const char *p = text; *p != '\0' && n + 1 < sizeof(href); p++) {
		if (strncmp(p, "(0)", 3) == 0 && n > 0 && href[0] == '+') {
			p += 2;
		} else if (*p >= '0' && *p <= '9') {
			href[n++] = *p;
			digits++;
		} else if (*p == '+' && n == 0) {
			href[n++] = '+';
		}
	}
	href[n] = '\0';
	if (digits < 3) {
		sbuf_html(b, text);
		return;
	}
	safe_link(b, "tel:", href, text);
}

/* 1 for a plain e-mail address: local@domain.tld of letters, digits and
 * ._%+- (no spaces, quotes or markup). */
static int
plain_email(const char *s)
{
	const char *at = strchr(s, '@'), *dot;

	if (at == NULL || at == s || strchr(at + 1, '@') != NULL)
		return 0;
	for (const char *p = s; *p != '\0'; p++)
		if (p != at && !isalnum((unsigned char)*p) &&
		    strchr("._%+-", *p) == NULL)
			return 0;
	dot = strrchr(at + 1, '.');
	return dot != NULL && dot > at + 1 && dot[1] != '\0';
}

static void
row(struct sbuf *b, const char *label, const char *value)
{
	if (value == NULL || value[0] == '\0')
		return;
	sbuf_printf(b, "<dt>%s</dt><dd>", label);
	sbuf_html(b, value);
	sbuf_put(b, "</dd>\n");
}

static void
paragraphs(struct sbuf *b, const char *text)
{
	const char *p = text;

	if (text == NULL)
		return;
	while (*p != '\0') {
		const char *end = strstr(p, "\n\n");
		size_t n = end ? (size_t)(end - p) : strlen(p);
		char *part = strndup(p, n);
		if (part != NULL) {
			sbuf_put(b, "<p>");
			sbuf_html(b, part);
			sbuf_put(b, "</p>\n");
			free(part);
		}
		p += n;
		while (*p == '\n')
			p++;
	}
}

/* The time slots as a list; -1 when they cannot be read (a damaged
 * index), as the JSON answer gives no half page either. */
static int
detail_slots(struct sbuf *b, struct conn *c, sqlite3_int64 rowid)
{
	sqlite3_stmt *st = c->slots;
	int any = 0, step;

	sqlite3_bind_int64(st, 1, rowid);
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		int dag = sqlite3_column_int(st, 0), s = sqlite3_column_int(st, 1);
		int e = sqlite3_column_int(st, 2), f = sqlite3_column_int(st, 3);
		if (!any++)
			sbuf_put(b, "<dt>Wanneer</dt><dd><ul>\n");
		sbuf_printf(b, "<li>%s van %d:%02d tot %d:%02d uur%s</li>\n",
		    dag >= 1 && dag <= 7 ? DAGEN_VOLUIT[dag] : "?", s / 60, s % 60,
		    e / 60, e % 60, f == 2 ? ", om de week" :
		    f == 4 ? ", één keer per maand" : "");
	}
	if (any)
		sbuf_put(b, "</ul></dd>\n");
	sqlite3_reset(st);
	return step == SQLITE_DONE ? 0 : -1;
}

char *
html_detail(const struct model *m, struct conn *c, const char *id, int *found)
{
	sqlite3_stmt *st = c->by_id;
	struct sbuf b = { 0 };
	const char *v;
	sqlite3_int64 rowid;
	int g;

	(void)m;
	*found = 0;
	sqlite3_bind_text(st, 1, id, -1, SQLITE_TRANSIENT);
	if (sqlite3_step(st) != SQLITE_ROW) {
		sqlite3_reset(st);
		return NULL;
	}
	*found = 1;
	rowid = sqlite3_column_int64(st, 0);
#define COL(i) ((const char *)sqlite3_column_text(st, (i)))
	page_start(&b, COL(2));
	sbuf_put(&b, "<article>\n<h1>");
	sbuf_html(&b, COL(2));
	sbuf_put(&b, "</h1>\n");
	if (strcmp(COL(6), "actief") != 0)
		sbuf_put(&b, "<p class=\"let-op\"><strong>Let op:</strong> dit "
		    "aanbod is gestopt of staat even stil.</p>\n");
	if ((v = COL(3)) != NULL) {
		sbuf_put(&b, "<p class=\"samenvatting\">");
		sbuf_html(&b, v);
		sbuf_put(&b, "</p>\n");
	}
	paragraphs(&b, COL(4));
	sbuf_put(&b, "<dl>\n");
	row(&b, "Organisatie", COL(7));
	g = COL(8) ? model_gemeente(m, COL(8)) : -1;
	row(&b, "Gemeente", g >= 0 ? dim_name(m, D_GEMEENTE, (uint32_t)g) : COL(8));
	row(&b, "Adres", COL(9));
	row(&b, "Postcode", COL(10));
	row(&b, "Plaats", COL(11));
	if (detail_slots(&b, c, rowid) != 0) {
		sqlite3_reset(st);
		sbuf_free(&b);
		return NULL;            /* found, but unreadable: a 503 */
	}
	row(&b, "Tijden", COL(14));
	row(&b, "Let op", COL(15));
	row(&b, "Soort", value_label(COL(5)));
	row(&b, "Kosten", value_label(COL(16)));
	row(&b, "Over de kosten", COL(17));
	row(&b, "Hoe komt u erbij", value_label(COL(18)));
	if ((v = COL(23)) != NULL) {
		sbuf_put(&b, "<dt>Telefoon</dt><dd>");
		tel_link(&b, v);
		sbuf_put(&b, "</dd>\n");
	}
	if ((v = COL(24)) != NULL) {
		sbuf_put(&b, "<dt>E-mail</dt><dd>");
		if (plain_email(v))
			safe_link(&b, "mailto:", v, v);
		else
			sbuf_html(&b, v);
		sbuf_put(&b, "</dd>\n");
	}
	if ((v = COL(25)) != NULL) {
		sbuf_put(&b, "<dt>Website</dt><dd>");
		safe_link(&b, "", v, v);
		sbuf_put(&b, "</dd>\n");
	}
	row(&b, "Contactpersoon", COL(26));
	row(&b, "Laatst gecontroleerd", COL(28));
	sbuf_put(&b, "</dl>\n</article>\n<p><a href=\"/\">Terug naar "
	    "zoeken</a></p>\n");
#undef COL
	sqlite3_reset(st);
	return page_end(&b);
}

char *
html_error(const struct problem *p)
{
	struct sbuf b = { 0 };

	page_start(&b, p->title);
	sbuf_put(&b, "<h1>");
	sbuf_html(&b, p->title);
	sbuf_put(&b, "</h1>\n<p>");
	sbuf_html(&b, p->detail);
	sbuf_put(&b, "</p>\n<p><a href=\"/\">Naar de zoekpagina</a></p>\n");
	return page_end(&b);
}
