/*
 * suggest.c - completions while typing; see suggest.h.
 */
#include "suggest.h"

#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "nl_tokenizer.h"
#include "plan.h"
#include "store.h"

static char *
fold(const char *s)
{
	char buf[NL_MAX_TOKEN * 4];
	size_t used = 0;
	const char *p = s;

	/* fold word by word, keeping single spaces between words */
	while (*p != '\0') {
		size_t n = strcspn(p, " ,()/-");
		char w[NL_MAX_TOKEN];
		int k = n ? nl_fold_word(p, (int)n, w, sizeof(w)) : 0;
		if (k > 0 && used + (size_t)k + 2 < sizeof(buf)) {
			if (used > 0)
				buf[used++] = ' ';
			memcpy(buf + used, w, (size_t)k);
			used += (size_t)k;
		}
		p += n;
		while (*p != '\0' && strchr(" ,()/-", *p) != NULL)
			p++;
	}
	buf[used] = '\0';
	return strdup(buf);
}

static int
load_names(struct suggest_index *s, const struct model *m, enum dim_id d)
{
	const struct valset *vs = &m->vs[d];

	if ((s->folded_names[d] = calloc(vs->n + 1, sizeof(char *))) == NULL)
		return -1;
	for (uint32_t v = 0; v < vs->n; v++)
		if ((s->folded_names[d][v] = fold(vs->names[v] ? vs->names[v] :
		    vs->codes[v])) == NULL)
			return -1;
	return 0;
}

int
suggest_load(struct suggest_index *s, const struct model *m, sqlite3 *db,
             char *err, size_t errlen)
{
	sqlite3_stmt *st = NULL;
	uint32_t cap = 0;
	int step;

	memset(s, 0, sizeof(*s));
	if (load_names(s, m, D_THEMA) != 0 || load_names(s, m, D_DOELGROEP) != 0)
		goto nomem;
	if (sqlite3_prepare_v2(db, "SELECT sleutel, woord, aantal FROM woord "
	    "ORDER BY sleutel", -1, &st, NULL) != SQLITE_OK) {
		snprintf(err, errlen, "tabel woord ontbreekt: %s", sqlite3_errmsg(db));
		suggest_free(s);
		return -1;
	}
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		if (s->n == cap) {
			uint32_t ncap = cap ? cap * 2 : 1024;
			char **nk = realloc(s->keys, ncap * sizeof(*nk));
			char **ns = nk ? realloc(s->shown, ncap * sizeof(*ns)) : NULL;
			uint32_t *nc;
			if (nk) s->keys = nk;
			if (ns) s->shown = ns;
			nc = ns ? realloc(s->count, ncap * sizeof(*nc)) : NULL;
			if (nc == NULL)
				goto nomem;
			s->count = nc;
			cap = ncap;
		}
		s->keys[s->n] = strdup((const char *)sqlite3_column_text(st, 0));
		s->shown[s->n] = strdup((const char *)sqlite3_column_text(st, 1));
		s->count[s->n] = (uint32_t)sqlite3_column_int(st, 2);
		if (s->keys[s->n] == NULL || s->shown[s->n] == NULL) {
			free(s->keys[s->n]);
			free(s->shown[s->n]);
			goto nomem;
		}
		s->n++;
	}
	sqlite3_finalize(st);
	return 0;
nomem:
	sqlite3_finalize(st);
	suggest_free(s);
	snprintf(err, errlen, "geen geheugen");
	return -1;
}

void
suggest_free(struct suggest_index *s)
{
	for (uint32_t i = 0; i < s->n; i++) {
		free(s->keys[i]);
		free(s->shown[i]);
	}
	free(s->keys);
	free(s->shown);
	free(s->count);
	for (int d = 0; d < D_COUNT; d++) {
		char **names = s->folded_names[d];
		for (size_t i = 0; names != NULL && names[i] != NULL; i++)
			free(names[i]);
		free(names);
	}
	memset(s, 0, sizeof(*s));
}

/* Last white-space separated word of q (pointer into q) and its length. */
static const char *
last_word(const char *q, size_t *n)
{
	size_t len = strlen(q);

	while (len > 0 && (q[len - 1] == ' ' || q[len - 1] == '\t'))
		len--;
	*n = 0;
	while (len > 0 && q[len - 1] != ' ' && q[len - 1] != '\t') {
		len--;
		(*n)++;
	}
	return q + len;
}

static void
add(json_t *list, const char *tekst, const char *soort, const char *key,
    const char *val)
{
	json_t *o;

	if (json_array_size(list) >= SUGGEST_MAX)
		return;
	o = json_pack("{s:s, s:s}", "tekst", tekst, "soort", soort);
	if (o != NULL && key != NULL)
		json_object_set_new(o, key, json_string(val));
	json_array_append_new(list, o);
}

/* Listing names: FTS5 on naam, every typed word, the last as a prefix. */
static void
add_names(json_t *list, const struct model *m, struct conn *c, const char *q)
{
	struct query_plan p;
	char *expr = NULL;
	size_t len = 0, cap = 0;
	int found = 0;

	if (plan_build(q, &p) != 0)
		return;
	for (int i = 0; i < p.nwords; i++) {
		const char *sep = i ? " AND naam : " : "naam : ";
		size_t k = strlen(sep);
		char *ne = realloc(expr, len + k + 1);
		if (ne == NULL)
			goto out;
		expr = ne;
		memcpy(expr + len, sep, k + 1);
		len += k;
		cap = len + 1;
		if (plan_quote(p.words[i], strlen(p.words[i]), &expr, &len, &cap) != 0)
			goto out;
	}
	if (expr == NULL || (expr = realloc(expr, len + 3)) == NULL)
		goto out;
	strcpy(expr + len, " *");
	sqlite3_bind_text(c->names, 1, expr, -1, SQLITE_STATIC);
	while (found < 5 && sqlite3_step(c->names) == SQLITE_ROW) {
		sqlite3_int64 rowid = sqlite3_column_int64(c->names, 0);
		if (rowid < 1 || (uint64_t)rowid > m->n || !m->active[rowid - 1])
			continue;
		add(list, (const char *)sqlite3_column_text(c->names, 1), "aanbod",
		    "id", (const char *)sqlite3_column_text(c->names, 2));
		found++;
	}
	sqlite3_reset(c->names);
out:
	free(expr);
	plan_free(&p);
}

static int
has_word_prefix(const char *folded, const char *prefix, size_t n)
{
	for (const char *p = folded; p != NULL; p = strchr(p, ' ')) {
		if (*p == ' ')
			p++;
		if (strncmp(p, prefix, n) == 0)
			return 1;
	}
	return 0;
}

static void
add_vocab(json_t *list, const struct suggest_index *s, const struct model *m,
          enum dim_id d, const char *prefix, size_t n)
{
	const char *soort = d == D_THEMA ? "thema" : "doelgroep";

	for (uint32_t v = 0; v < m->vs[d].n; v++)
		if (has_word_prefix(s->folded_names[d][v], prefix, n))
			add(list, m->vs[d].names[v] ? m->vs[d].names[v] :
			    m->vs[d].codes[v], soort, "code", m->vs[d].codes[v]);
}

/* The most used words that start with prefix (at most 5). */
static void
add_words(json_t *list, const struct suggest_index *s, const char *prefix,
          size_t n)
{
	uint32_t lo = 0, hi = s->n, best[5];
	int nbest = 0;

	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		if (strncmp(s->keys[mid], prefix, n) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (uint32_t i = lo; i < s->n && i < lo + 20000 &&
	    strncmp(s->keys[i], prefix, n) == 0; i++) {
		int k;

		if (nbest < 5)
			best[nbest++] = i;
		else if (s->count[i] > s->count[best[4]])
			best[4] = i;
		else
			continue;
		k = nbest - 1;
		while (k > 0 && s->count[best[k - 1]] < s->count[best[k]]) {
			uint32_t t = best[k];
			best[k] = best[k - 1];
			best[k - 1] = t;
			k--;
		}
	}
	for (int k = 0; k < nbest; k++)
		add(list, s->shown[best[k]], "woord", NULL, NULL);
}

char *
suggest_json(const struct suggest_index *s, const struct model *m,
             struct conn *c, const char *q, struct problem *pr)
{
	char prefix[NL_MAX_TOKEN];
	json_t *o, *list;
	const char *w;
	size_t wn;
	int n;
	char *out;

	if (strlen(q) > SUGGEST_MAX_BYTES) {
		problem_set(pr, 400, "q", "q is te lang voor suggesties: hoogstens "
		    "%d tekens", SUGGEST_MAX_BYTES);
		return NULL;
	}
	list = json_array();
	w = last_word(q, &wn);
	n = wn ? nl_fold_word(w, (int)wn, prefix, sizeof(prefix)) : 0;
	if (n >= 2) {
		add_names(list, m, c, q);
		add_vocab(list, s, m, D_THEMA, prefix, (size_t)n);
		add_vocab(list, s, m, D_DOELGROEP, prefix, (size_t)n);
		add_words(list, s, prefix, (size_t)n);
	}
	o = json_pack("{s:s, s:o}", "q", q, "suggesties", list);
	out = o ? json_dumps(o, JSON_COMPACT) : NULL;
	json_decref(o);
	return out;
}
