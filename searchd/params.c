/*
 * params.c - request target decoding; see params.h.
 */
#include "params.h"

#include "textutil.h"

#include <stdlib.h>
#include <string.h>

static int
hexval(int c)
{
	if (c >= '0' && c <= '9') return c - '0';
	if (c >= 'a' && c <= 'f') return c - 'a' + 10;
	if (c >= 'A' && c <= 'F') return c - 'A' + 10;
	return -1;
}

int
params_utf8_valid(const unsigned char *s, size_t n)
{
	return utf8_valid((const char *)s, n);
}

enum params_error
params_decode(const char *src, size_t n, int plus_is_space, char **out)
{
	char *d = malloc(n + 1);
	size_t j = 0;

	*out = NULL;
	if (d == NULL)
		return PARAMS_NOMEM;
	for (size_t i = 0; i < n; i++) {
		if (src[i] == '%') {
			int hi = i + 1 < n ? hexval((unsigned char)src[i + 1]) : -1;
			int lo = i + 2 < n ? hexval((unsigned char)src[i + 2]) : -1;

			if (hi < 0 || lo < 0) {
				free(d);
				return PARAMS_BAD_ESCAPE;
			}
			d[j++] = (char)(hi * 16 + lo);
			i += 2;
		} else if (src[i] == '+' && plus_is_space) {
			d[j++] = ' ';
		} else {
			d[j++] = src[i];
		}
	}
	d[j] = '\0';
	if (memchr(d, '\0', j) != NULL) {
		free(d);
		return PARAMS_NUL;
	}
	if (!params_utf8_valid((const unsigned char *)d, j)) {
		free(d);
		return PARAMS_BAD_UTF8;
	}
	*out = d;
	return PARAMS_OK;
}

static enum params_error
add_pair(struct param_list *l, const char *s, size_t n, const char **bad)
{
	const char *eq = memchr(s, '=', n);
	size_t nlen = eq ? (size_t)(eq - s) : n;
	struct param *p;
	enum params_error e;

	if (l->n == PARAMS_MAX)
		return PARAMS_TOO_MANY;
	if (l->n == l->cap) {
		size_t ncap = l->cap ? l->cap * 2 : 8;
		struct param *nv = realloc(l->v, ncap * sizeof(*nv));
		if (nv == NULL)
			return PARAMS_NOMEM;
		l->v = nv;
		l->cap = ncap;
	}
	p = &l->v[l->n];
	if ((e = params_decode(s, nlen, 1, &p->name)) != PARAMS_OK) {
		/* name the parameter as it was sent (still %-encoded, so
		 * printable ASCII), for the problem's invalidParams */
		if (e != PARAMS_NOMEM && (p->name = strndup(s, nlen)) != NULL) {
			for (char *c = p->name; *c != '\0'; c++)
				if (*c < 0x21 || *c > 0x7E)
					*c = '?';
			p->value = NULL;
			l->n++;
			*bad = p->name;
		}
		return e;
	}
	if (eq == NULL)
		e = params_decode("", 0, 1, &p->value);
	else
		e = params_decode(eq + 1, n - nlen - 1, 1, &p->value);
	if (e != PARAMS_OK) {
		*bad = p->name;
		/* keep the name owned by the list so *bad stays valid */
		p->value = NULL;
		l->n++;
		return e;
	}
	l->n++;
	return PARAMS_OK;
}

enum params_error
params_parse(const char *target, struct param_list *out, const char **bad)
{
	const char *q = strchr(target, '?');
	size_t plen = q ? (size_t)(q - target) : strlen(target);
	enum params_error e;

	memset(out, 0, sizeof(*out));
	*bad = NULL;
	if ((e = params_decode(target, plen, 0, &out->path)) != PARAMS_OK)
		return e;
	if (q == NULL)
		return PARAMS_OK;
	for (const char *s = q + 1; *s != '\0';) {
		const char *amp = strchr(s, '&');
		size_t n = amp ? (size_t)(amp - s) : strlen(s);
		if (n > 0 && (e = add_pair(out, s, n, bad)) != PARAMS_OK)
			return e;
		s += n + (amp ? 1 : 0);
	}
	return PARAMS_OK;
}

void
params_free(struct param_list *l)
{
	for (size_t i = 0; i < l->n; i++) {
		free(l->v[i].name);
		free(l->v[i].value);
	}
	free(l->v);
	free(l->path);
	memset(l, 0, sizeof(*l));
}
