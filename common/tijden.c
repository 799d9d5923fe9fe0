/*
 * tijden.c - parser for the `tijden` schedule grammar; see tijden.h.
 * The row array it returns belongs to the caller; nothing else is
 * allocated or kept.
 */
#include "tijden.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "textutil.h"

static const char *const DAGEN[7] = { "ma", "di", "wo", "do", "vr", "za", "zo" };

/* A cursor over the text; every parse step returns 0 or -1. */
struct cur {
	const char *p;
};

struct rows {
	struct slot *v;
	size_t n, cap;
};

static int
is_space(int c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' ||
	    c == '\v';
}

static int
is_digit(int c)
{
	return c >= '0' && c <= '9';
}

static int
is_alnum(int c)
{
	return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* Skips whitespace; returns how many bytes were skipped. */
static size_t
skip_space(struct cur *c)
{
	const char *start = c->p;

	while (is_space((unsigned char)*c->p))
		c->p++;
	return (size_t)(c->p - start);
}

/* Matches word (ASCII case-insensitive) as a whole word at the cursor. */
static int
match_word(struct cur *c, const char *word)
{
	size_t n = strlen(word);

	if (ascii_ncasecmp(c->p, word, n) != 0 ||
	    is_alnum((unsigned char)c->p[n]))
		return -1;
	c->p += n;
	return 0;
}

static int
parse_dag(struct cur *c, int *dag)
{
	for (int i = 0; i < 7; i++) {
		if (match_word(c, DAGEN[i]) == 0) {
			*dag = i + 1;
			return 0;
		}
	}
	return -1;
}

/* H[H] (":" | ".") MM, 0:00-23:59, as minutes after midnight. */
static int
parse_tijd(struct cur *c, int *min)
{
	const char *p = c->p;
	int h, m;

	if (!is_digit((unsigned char)p[0]))
		return -1;
	h = p[0] - '0';
	p++;
	if (is_digit((unsigned char)p[0])) {
		h = h * 10 + (p[0] - '0');
		p++;
	}
	if ((*p != ':' && *p != '.') || !is_digit((unsigned char)p[1]) ||
	    !is_digit((unsigned char)p[2]) || is_digit((unsigned char)p[3]))
		return -1;
	m = (p[1] - '0') * 10 + (p[2] - '0');
	if (h > 23 || m > 59)
		return -1;
	*min = h * 60 + m;
	c->p = p + 3;
	return 0;
}

/* dagen: a list "ma,wo", a range "ma-vr" / "ma t/m vr" (wrapping past
 * zondag), or one day; then the whitespace before the times. Stores the
 * days in order, each once, in days[0..*ndays). */
static int
parse_dagen(struct cur *c, int days[7], int *ndays)
{
	int d, last, mask = 0;
	size_t sp;

	*ndays = 0;
	if (parse_dag(c, &d) < 0)
		return -1;
	days[(*ndays)++] = d;
	mask |= 1 << d;
	sp = skip_space(c);
	if (*c->p == ',') {
		while (*c->p == ',') {
			c->p++;
			skip_space(c);
			if (parse_dag(c, &d) < 0)
				return -1;
			if (!(mask & (1 << d)))
				days[(*ndays)++] = d;
			mask |= 1 << d;
			sp = skip_space(c);
		}
	} else if (*c->p == '-' ||
	    (sp > 0 && ascii_ncasecmp(c->p, "t/m", 3) == 0 &&
	    is_space((unsigned char)c->p[3]))) {
		c->p += *c->p == '-' ? 1 : 3;
		skip_space(c);
		if (parse_dag(c, &last) < 0)
			return -1;
		while (d != last) {
			d = d % 7 + 1;
			days[(*ndays)++] = d;
		}
		sp = skip_space(c);
	}
	return sp > 0 ? 0 : -1;
}

static int
rows_add(struct rows *r, int dag, int start, int eind, int freq)
{
	if (r->n == r->cap) {
		size_t ncap = r->cap ? r->cap * 2 : 8;
		struct slot *nv;

		if (ncap > SIZE_MAX / sizeof(*nv))
			return -2;
		nv = realloc(r->v, ncap * sizeof(*nv));
		if (nv == NULL)
			return -2;
		r->v = nv;
		r->cap = ncap;
	}
	r->v[r->n].dag = dag;
	r->v[r->n].start_min = start;
	r->v[r->n].eind_min = eind;
	r->v[r->n].freq = freq;
	r->n++;
	return 0;
}

/* slot = dagen SP tijd "-" tijd [ SP "uur" ] [ SP frequentie ] */
static int
parse_slot(struct cur *c, struct rows *r)
{
	int days[7], ndays, start, eind, freq = FREQ_WEKELIJKS;
	struct cur save;

	if (parse_dagen(c, days, &ndays) < 0 || parse_tijd(c, &start) < 0)
		return -1;
	skip_space(c);
	if (*c->p != '-')
		return -1;
	c->p++;
	skip_space(c);
	if (parse_tijd(c, &eind) < 0 || eind <= start)
		return -1;
	save = *c;
	if (skip_space(c) > 0 && match_word(c, "uur") == 0)
		save = *c;
	*c = save;
	if (skip_space(c) > 0) {
		if (match_word(c, "wekelijks") == 0)
			freq = FREQ_WEKELIJKS;
		else if (match_word(c, "2-wekelijks") == 0)
			freq = FREQ_2WEKELIJKS;
		else if (match_word(c, "maandelijks") == 0)
			freq = FREQ_MAANDELIJKS;
		else
			*c = save;
	}
	for (int i = 0; i < ndays; i++) {
		int rc = rows_add(r, days[i], start, eind, freq);

		if (rc < 0)
			return rc;
	}
	return 0;
}

int
tijden_parse(const char *text, struct slot **out, size_t *n)
{
	struct cur c = { text };
	struct rows r = { NULL, 0, 0 };
	int rc;

	*out = NULL;
	*n = 0;
	skip_space(&c);
	if (*c.p == '\0')
		return 0;
	for (;;) {
		rc = parse_slot(&c, &r);
		if (rc < 0)
			goto fail;
		skip_space(&c);
		if (*c.p == '\0')
			break;
		rc = -1;
		if (*c.p != ';')
			goto fail;
		c.p++;
		skip_space(&c);
	}
	*out = r.v;
	*n = r.n;
	return 0;
fail:
	free(r.v);
	return rc;
}

const char *
tijden_dag_naam(int dag)
{
	return dag >= 1 && dag <= 7 ? DAGEN[dag - 1] : NULL;
}

const char *
tijden_freq_naam(int freq)
{
	switch (freq) {
	case FREQ_WEKELIJKS:
		return "wekelijks";
	case FREQ_2WEKELIJKS:
		return "2-wekelijks";
	case FREQ_MAANDELIJKS:
		return "maandelijks";
	default:
		return NULL;
	}
}
