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

/* Compares two words of the names text (each ends at ' ' or NUL). */
static int
word_cmp(const char *a, const char *b)
{
	while (*a == *b && *a != ' ' && *a != '\0') {
		a++;
		b++;
	}
	if ((*a == ' ' || *a == '\0') && (*b == ' ' || *b == '\0'))
		return 0;
	if (*a == ' ' || *a == '\0')
		return -1;
	if (*b == ' ' || *b == '\0')
		return 1;
	return (unsigned char)*a - (unsigned char)*b;
}

static int
name_word_cmp(const void *x, const void *y, void *ctx)
{
	const struct name_word *a = x, *b = y;
	const char *names = ctx;
	int c = word_cmp(names + a->at, names + b->at);

	if (c != 0)
		return c;
	return a->idx < b->idx ? -1 : a->idx > b->idx;
}

/* Appends the NUL-ended text t to buf (len, cap); its offset goes to *at.
 * Returns 0 or -1 (ENOMEM, or past 4 GB). */
static int
buf_add_str(char **buf, size_t *len, size_t *cap, const char *t, uint32_t *at)
{
	size_t n = strlen(t) + 1;

	if (*len + n > UINT32_MAX)
		return -1;
	if (*len + n > *cap) {
		size_t ncap = *cap ? *cap * 2 : 1 << 16;
		char *nb;
		while (ncap < *len + n)
			ncap *= 2;
		if ((nb = realloc(*buf, ncap)) == NULL)
			return -1;
		*buf = nb;
		*cap = ncap;
	}
	memcpy(*buf + *len, t, n);
	*at = (uint32_t)*len;
	*len += n;
	return 0;
}

/* Appends the folded name of listing idx and its words. */
static int
add_name(struct suggest_index *s, uint32_t idx, const char *naam,
         size_t *len, size_t *cap, uint32_t *wcap)
{
	char *f = fold(naam);
	uint32_t at;

	if (f == NULL)
		return -1;
	if (buf_add_str(&s->names, len, cap, f, &at) != 0)
		goto fail;
	s->name_at[idx] = at;
	for (size_t k = 0; f[k] != '\0'; k++) {
		if (k > 0 && f[k - 1] != ' ')
			continue;
		if (f[k] == ' ')
			continue;
		if (s->nname_words == *wcap) {
			uint32_t ncap = *wcap ? *wcap * 2 : 4096;
			struct name_word *nw = realloc(s->name_words,
			    ncap * sizeof(*nw));
			if (nw == NULL)
				goto fail;
			s->name_words = nw;
			*wcap = ncap;
		}
		s->name_words[s->nname_words].at = at + (uint32_t)k;
		s->name_words[s->nname_words].idx = idx;
		s->nname_words++;
	}
	free(f);
	return 0;
fail:
	free(f);
	return -1;
}

/* The folded names of the active listings and their sorted words. */
static int
load_listing_names(struct suggest_index *s, const struct model *m,
                   sqlite3 *db)
{
	sqlite3_stmt *st = NULL;
	size_t len = 0, cap = 0;
	uint32_t wcap = 0;
	int rc = -1, step;

	if ((s->name_at = malloc(((size_t)m->n + 1) * sizeof(uint32_t))) == NULL)
		return -1;
	for (uint32_t i = 0; i <= m->n; i++)
		s->name_at[i] = UINT32_MAX;
	if (sqlite3_prepare_v2(db, "SELECT rowid, naam FROM aanbod", -1, &st,
	    NULL) != SQLITE_OK)
		goto out;
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		sqlite3_int64 rowid = sqlite3_column_int64(st, 0);
		const char *naam = (const char *)sqlite3_column_text(st, 1);
		if (rowid < 1 || (uint64_t)rowid > m->n || naam == NULL ||
		    !m->active[rowid - 1])
			continue;
		if (add_name(s, (uint32_t)(rowid - 1), naam, &len, &cap,
		    &wcap) != 0)
			goto out;
	}
	if (step != SQLITE_DONE)
		goto out;
	qsort_r(s->name_words, s->nname_words, sizeof(*s->name_words),
	    name_word_cmp, s->names);
	rc = 0;
out:
	sqlite3_finalize(st);
	return rc;
}


/* Makes room for entry s->n of the woord list. Returns 0 or -1. */
static int
grow_words(struct suggest_index *s, uint32_t *cap)
{
	uint32_t ncap = *cap ? *cap * 2 : 1024;
	uint32_t *nk, *ns, *nc;

	if (s->n < *cap)
		return 0;
	if ((nk = realloc(s->key, ncap * sizeof(*nk))) == NULL)
		return -1;
	s->key = nk;
	if ((ns = realloc(s->shown, ncap * sizeof(*ns))) == NULL)
		return -1;
	s->shown = ns;
	if ((nc = realloc(s->count, ncap * sizeof(*nc))) == NULL)
		return -1;
	s->count = nc;
	*cap = ncap;
	return 0;
}

/* The woord table, in key order, into one text buffer (a strdup per word
 * cost ~8 MB more at 250 000 listings). */
static int
load_words(struct suggest_index *s, sqlite3 *db, char *err, size_t errlen)
{
	sqlite3_stmt *st = NULL;
	size_t len = 0, cap = 0;
	uint32_t ncap = 0;
	int step, rc = -1;

	if (sqlite3_prepare_v2(db, "SELECT sleutel, woord, aantal FROM woord "
	    "ORDER BY sleutel", -1, &st, NULL) != SQLITE_OK) {
		snprintf(err, errlen, "tabel woord ontbreekt: %s", sqlite3_errmsg(db));
		return -1;
	}
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		const char *k = (const char *)sqlite3_column_text(st, 0);
		const char *w = (const char *)sqlite3_column_text(st, 1);

		if (k == NULL || w == NULL)
			continue;
		if (grow_words(s, &ncap) != 0 ||
		    buf_add_str(&s->words, &len, &cap, k, &s->key[s->n]) != 0 ||
		    buf_add_str(&s->words, &len, &cap, w, &s->shown[s->n]) != 0)
			goto nomem;
		s->count[s->n] = (uint32_t)sqlite3_column_int(st, 2);
		s->n++;
	}
	if (step != SQLITE_DONE) {
		snprintf(err, errlen, "tabel woord lezen: %s", sqlite3_errmsg(db));
		goto out;
	}
	rc = 0;
	goto out;
nomem:
	snprintf(err, errlen, "geen geheugen");
out:
	sqlite3_finalize(st);
	return rc;
}

int
suggest_load(struct suggest_index *s, const struct model *m, sqlite3 *db,
             char *err, size_t errlen)
{
	memset(s, 0, sizeof(*s));
	if (load_names(s, m, D_THEMA) != 0 || load_names(s, m, D_DOELGROEP) != 0 ||
	    load_listing_names(s, m, db) != 0) {
		snprintf(err, errlen, "geen geheugen");
		goto fail;
	}
	if (load_words(s, db, err, errlen) != 0)
		goto fail;
	return 0;
fail:
	suggest_free(s);
	return -1;
}

void
suggest_free(struct suggest_index *s)
{
	free(s->words);
	free(s->key);
	free(s->shown);
	free(s->count);
	free(s->names);
	free(s->name_at);
	free(s->name_words);
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

/* A listing name to suggest, with what orders it (smaller is better). */
struct name_pick {
	uint32_t idx;
	int later_word;           /* the match is not the name's first word */
	size_t len;               /* of the folded name */
	uint32_t rank;            /* name order */
};

static int
pick_better(const struct name_pick *a, const struct name_pick *b)
{
	if (a->later_word != b->later_word)
		return a->later_word < b->later_word;
	if (a->len != b->len)
		return a->len < b->len;
	return a->rank < b->rank;
}

static int has_word_prefix(const char *folded, const char *prefix, size_t n);

/* 1 when the folded name has, for every typed word before the last, a
 * word starting with it. */
static int
has_earlier_words(const char *name, const char *typed, size_t nlast_at)
{
	const char *p = typed;

	while (p < typed + nlast_at) {
		size_t n = strcspn(p, " ");
		if (n > 0 && (size_t)(p - typed) + n <= nlast_at &&
		    !has_word_prefix(name, p, n))
			return 0;
		p += n;
		while (*p == ' ')
			p++;
	}
	return 1;
}

/* Keeps pk among the best NAMES_MAX of best (sorted, *n used), unless a
 * listing with the same folded name is there already. */
#define NAMES_MAX 5
static void
keep_pick(const struct suggest_index *s, struct name_pick *best, int *n,
          const struct name_pick *pk)
{
	int k;

	for (k = 0; k < *n; k++)
		if (strcmp(s->names + s->name_at[best[k].idx],
		    s->names + s->name_at[pk->idx]) == 0) {
			if (!pick_better(pk, &best[k]))
				return;
			memmove(&best[k], &best[k + 1], (size_t)(*n - k - 1) *
			    sizeof(*best));
			(*n)--;
			break;
		}
	if (*n == NAMES_MAX && !pick_better(pk, &best[NAMES_MAX - 1]))
		return;
	if (*n < NAMES_MAX)
		(*n)++;
	for (k = *n - 1; k > 0 && pick_better(pk, &best[k - 1]); k--)
		best[k] = best[k - 1];
	best[k] = *pk;
}

/* Listing names with a word starting with the last typed word and a word
 * for every earlier one (typed: the folded query, words split by one
 * space; prefix: its last word). */
static void
add_names(json_t *list, const struct suggest_index *s, const struct model *m,
          struct conn *c, const char *typed, const char *prefix, size_t n)
{
	uint32_t lo = 0, hi = s->nname_words;
	struct name_pick best[NAMES_MAX];
	int nbest = 0;

	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		if (strncmp(s->names + s->name_words[mid].at, prefix, n) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (uint32_t k = lo; k < s->nname_words &&
	    strncmp(s->names + s->name_words[k].at, prefix, n) == 0; k++) {
		const struct name_word *w = &s->name_words[k];
		const char *name = s->names + s->name_at[w->idx];
		struct name_pick pk = {
			w->idx, w->at != s->name_at[w->idx], strlen(name),
			m->name_rank[w->idx],
		};
		if (has_earlier_words(name, typed, (size_t)(prefix - typed)))
			keep_pick(s, best, &nbest, &pk);
	}
	for (int k = 0; k < nbest; k++) {
		sqlite3_bind_int64(c->row, 1, (sqlite3_int64)best[k].idx + 1);
		if (sqlite3_step(c->row) == SQLITE_ROW)
			add(list, (const char *)sqlite3_column_text(c->row, 1),
			    "aanbod", "id",
			    (const char *)sqlite3_column_text(c->row, 0));
		sqlite3_reset(c->row);
	}
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
		if (strncmp(s->words + s->key[mid], prefix, n) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (uint32_t i = lo; i < s->n && i < lo + 20000 &&
	    strncmp(s->words + s->key[i], prefix, n) == 0; i++) {
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
		add(list, s->words + s->shown[best[k]], "woord", NULL, NULL);
}

char *
suggest_json(const struct suggest_index *s, const struct model *m,
             struct conn *c, const char *q, struct problem *pr)
{
	char prefix[NL_MAX_TOKEN], *typed, *last = NULL;
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
	typed = n >= 2 ? fold(q) : NULL;
	if (typed != NULL && (last = strrchr(typed, ' ')) == NULL)
		last = typed;
	else if (typed != NULL)
		last++;
	/* the folded last word is the end of the folded query, unless the
	 * query ends in characters fold() drops */
	if (typed != NULL && strcmp(last, prefix) == 0)
		add_names(list, s, m, c, typed, last, (size_t)n);
	free(typed);
	if (n >= 2) {
		add_vocab(list, s, m, D_THEMA, prefix, (size_t)n);
		add_vocab(list, s, m, D_DOELGROEP, prefix, (size_t)n);
		add_words(list, s, prefix, (size_t)n);
	}
	o = json_pack("{s:s, s:o}", "q", q, "suggesties", list);
	out = o ? json_dumps(o, JSON_COMPACT) : NULL;
	json_decref(o);
	return out;
}
