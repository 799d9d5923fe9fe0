/*
 * plan.c - query plans; see plan.h.
 */
#include "plan.h"

#include <stdlib.h>
#include <string.h>

#include <utf8proc.h>

static int
is_space_cp(utf8proc_int32_t cp)
{
	return cp == ' ' || cp == '\t' || cp == '\n' || cp == '\r' ||
	    cp == '\f' || cp == '\v' || cp == 0xA0 ||
	    utf8proc_category(cp) == UTF8PROC_CATEGORY_ZS;
}

static int
is_word_cp(utf8proc_int32_t cp)
{
	utf8proc_category_t c = utf8proc_category(cp);

	return (c >= UTF8PROC_CATEGORY_LU && c <= UTF8PROC_CATEGORY_LO) ||
	    (c >= UTF8PROC_CATEGORY_ND && c <= UTF8PROC_CATEGORY_NO);
}

/* Calls fn for each white-space separated word of text. */
static int
each_word(const char *text, int (*fn)(const char *w, size_t n, void *ctx),
          void *ctx)
{
	const utf8proc_uint8_t *s = (const utf8proc_uint8_t *)text;
	size_t i = 0, len = strlen(text), start = 0;
	int in_word = 0;

	while (i <= len) {
		utf8proc_int32_t cp = ' ';
		utf8proc_ssize_t n = 1;

		if (i < len) {
			n = utf8proc_iterate(s + i, (utf8proc_ssize_t)(len - i), &cp);
			if (n < 1) {
				cp = ' ';
				n = 1;
			}
		}
		if (i == len || is_space_cp(cp)) {
			if (in_word && fn(text + start, i - start, ctx) != 0)
				return -1;
			in_word = 0;
		} else if (!in_word) {
			in_word = 1;
			start = i;
		}
		i += (size_t)n;
	}
	return 0;
}

static int
count_one(const char *w, size_t n, void *ctx)
{
	(void)w;
	(void)n;
	(*(int *)ctx)++;
	return 0;
}

int
plan_count_words(const char *text)
{
	int n = 0;

	each_word(text, count_one, &n);
	return n;
}

static int
has_word_char(const char *w, size_t n)
{
	size_t i = 0;

	while (i < n) {
		utf8proc_int32_t cp;
		utf8proc_ssize_t k = utf8proc_iterate((const utf8proc_uint8_t *)w + i,
		    (utf8proc_ssize_t)(n - i), &cp);
		if (k < 1)
			return 0;
		if (is_word_cp(cp))
			return 1;
		i += (size_t)k;
	}
	return 0;
}

static int
put(char **out, size_t *len, size_t *cap, const char *s, size_t n)
{
	if (*len + n + 1 > *cap) {
		size_t ncap = (*len + n + 1) * 2;
		char *ns = realloc(*out, ncap);
		if (ns == NULL)
			return -1;
		*out = ns;
		*cap = ncap;
	}
	memcpy(*out + *len, s, n);
	*len += n;
	(*out)[*len] = '\0';
	return 0;
}

int
plan_quote(const char *s, size_t n, char **out, size_t *len, size_t *cap)
{
	if (put(out, len, cap, "\"", 1) != 0)
		return -1;
	for (size_t i = 0; i < n; i++) {
		if (put(out, len, cap, s[i] == '"' ? "\"\"" : s + i,
		    s[i] == '"' ? 2 : 1) != 0)
			return -1;
	}
	return put(out, len, cap, "\"", 1);
}

void
plan_group_free(struct plan_group *g)
{
	for (size_t i = 0; i < g->nterms; i++)
		free(g->terms[i]);
	free(g->terms);
	free(g->expr);
	memset(g, 0, sizeof(*g));
}

/* Copies the n terms into g->terms. Returns 0 or -1 (ENOMEM). */
static int
copy_terms(struct plan_group *g, const char *const *terms, size_t n)
{
	if ((g->terms = calloc(n, sizeof(*g->terms))) == NULL)
		return -1;
	for (size_t i = 0; i < n; i++) {
		if ((g->terms[i] = strdup(terms[i])) == NULL)
			return -1;
		g->nterms++;
	}
	return 0;
}

/* Appends a group of the terms joined by OR, or by AND when all. */
static int
add_joined(struct query_plan *p, const char *const *terms, size_t n,
           int all, double weight, int word)
{
	const char *op = all ? " AND " : " OR ";
	struct plan_group g = { 0 };
	size_t len = 0, cap = 0;

	if (n == 0)
		return 0;
	for (size_t i = 0; i < n; i++) {
		if ((i > 0 && put(&g.expr, &len, &cap, op, strlen(op)) != 0) ||
		    plan_quote(terms[i], strlen(terms[i]), &g.expr, &len,
		    &cap) != 0)
			goto fail;
	}
	if (copy_terms(&g, terms, n) != 0)
		goto fail;
	if (p->n == p->cap) {
		size_t ncap = p->cap ? p->cap * 2 : 8;
		struct plan_group *ng = realloc(p->groups, ncap * sizeof(*ng));
		if (ng == NULL)
			goto fail;
		p->groups = ng;
		p->cap = ncap;
	}
	g.all = all;
	g.weight = weight;
	g.word = word;
	p->groups[p->n++] = g;
	return 0;
fail:
	plan_group_free(&g);
	return -1;
}

int
plan_add_terms(struct query_plan *p, const char *const *terms, size_t n,
               double weight, int word)
{
	return add_joined(p, terms, n, 0, weight, word);
}

int
plan_add_all_terms(struct query_plan *p, const char *const *terms, size_t n,
                   double weight, int word)
{
	return add_joined(p, terms, n, 1, weight, word);
}

static int
add_word(const char *w, size_t n, void *ctx)
{
	struct query_plan *p = ctx;
	char *copy, **nw;
	const char *terms[1];

	if (!has_word_char(w, n))
		return 0;
	if ((copy = strndup(w, n)) == NULL)
		return -1;
	if ((nw = realloc(p->words, (size_t)(p->nwords + 1) * sizeof(*nw))) ==
	    NULL) {
		free(copy);
		return -1;
	}
	p->words = nw;
	p->words[p->nwords] = copy;
	terms[0] = copy;
	if (plan_add_terms(p, terms, 1, 1.0, p->nwords) != 0)
		return -1;
	p->nwords++;
	return 0;
}

int
plan_build(const char *text, struct query_plan *p)
{
	memset(p, 0, sizeof(*p));
	if (each_word(text, add_word, p) != 0 ||
	    (p->gezocht = strdup(text)) == NULL) {
		plan_free(p);
		return -1;
	}
	return 0;
}

unsigned
plan_group_words(const struct plan_group *g)
{
	unsigned m = g->also;

	if (g->word >= 0 && g->word < 16)
		m |= 1u << g->word;
	return m & 0xFFFFu;
}

unsigned
plan_words(const struct query_plan *p)
{
	unsigned m = 0;

	for (size_t i = 0; i < p->n; i++)
		m |= plan_group_words(&p->groups[i]);
	return m;
}

char *
plan_union(const struct query_plan *p)
{
	char *out = NULL;
	size_t len = 0, cap = 0;

	for (size_t i = 0; i < p->n; i++) {
		if ((i > 0 && put(&out, &len, &cap, " OR ", 4) != 0) ||
		    put(&out, &len, &cap, "(", 1) != 0 ||
		    put(&out, &len, &cap, p->groups[i].expr,
		    strlen(p->groups[i].expr)) != 0 ||
		    put(&out, &len, &cap, ")", 1) != 0) {
			free(out);
			return NULL;
		}
	}
	return out;
}

int
plan_set_last_prefix(struct query_plan *p)
{
	for (size_t i = 0; i < p->n; i++) {
		struct plan_group *g = &p->groups[i];
		size_t len;
		char *ne;

		if (g->word != p->nwords - 1 || g->weight != 1.0)
			continue;
		/* "b*" would merge the doclists of every b-word: a prefix
		 * needs at least PLAN_MIN_PREFIX bytes. */
		if (strlen(p->words[g->word]) < PLAN_MIN_PREFIX)
			return 0;
		len = strlen(g->expr);
		if ((ne = realloc(g->expr, len + 3)) == NULL)
			return -1;
		memcpy(ne + len, " *", 3);
		g->expr = ne;
		g->prefix = 1;
		p->last_prefix = 1;
		return 0;
	}
	return 0;
}

void
plan_free(struct query_plan *p)
{
	for (size_t i = 0; i < p->n; i++)
		plan_group_free(&p->groups[i]);
	free(p->groups);
	for (int i = 0; i < p->nwords; i++)
		free(p->words[i]);
	free(p->words);
	free(p->gezocht);
	free(p->bedoelt);
	memset(p, 0, sizeof(*p));
}
