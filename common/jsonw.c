/*
 * jsonw.c - JSON writer; see jsonw.h.
 */
#include "jsonw.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "textutil.h"

/* Writes the comma a value or key needs after an earlier one. */
static void
before_value(struct jsonw *w)
{
	if (w->need_comma)
		sbuf_putn(w->b, ",", 1);
	w->need_comma = 1;
}

/* Opens an object or array with c ('{' or '['). */
static void
open_value(struct jsonw *w, const char *c)
{
	before_value(w);
	sbuf_putn(w->b, c, 1);
	w->need_comma = 0;
}

/* Closes it with c ('}' or ']'). */
static void
close_value(struct jsonw *w, const char *c)
{
	sbuf_putn(w->b, c, 1);
	w->need_comma = 1;
}

void jw_begin_object(struct jsonw *w) { open_value(w, "{"); }
void jw_end_object(struct jsonw *w)   { close_value(w, "}"); }
void jw_begin_array(struct jsonw *w)  { open_value(w, "["); }
void jw_end_array(struct jsonw *w)    { close_value(w, "]"); }

/* Writes s as a JSON string literal (s is valid UTF-8). */
static void
put_string(struct sbuf *b, const char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	size_t run = 0;

	sbuf_putn(b, "\"", 1);
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		char esc[7] = { '\\', 0 };
		size_t k = 2;

		if (c >= 0x20 && c != '"' && c != '\\')
			continue;
		sbuf_putn(b, s + run, i - run);
		run = i + 1;
		switch (c) {
		case '"':  esc[1] = '"'; break;
		case '\\': esc[1] = '\\'; break;
		case '\n': esc[1] = 'n'; break;
		case '\r': esc[1] = 'r'; break;
		case '\t': esc[1] = 't'; break;
		case '\b': esc[1] = 'b'; break;
		case '\f': esc[1] = 'f'; break;
		default:
			memcpy(esc + 1, "u00", 3);
			esc[4] = hex[c >> 4];
			esc[5] = hex[c & 15];
			k = 6;
		}
		sbuf_putn(b, esc, k);
	}
	sbuf_putn(b, s + run, n - run);
	sbuf_putn(b, "\"", 1);
}

void
jw_key(struct jsonw *w, const char *key)
{
	before_value(w);
	put_string(w->b, key, strlen(key));
	sbuf_putn(w->b, ":", 1);
	w->need_comma = 0;
}

void
jw_str(struct jsonw *w, const char *s)
{
	size_t n;

	if (s == NULL || !utf8_valid(s, n = strlen(s))) {
		jw_null(w);
		return;
	}
	before_value(w);
	put_string(w->b, s, n);
}

void
jw_int(struct jsonw *w, int64_t v)
{
	char buf[24], *p = buf + sizeof(buf);
	uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;

	/* by hand: facets write a hundred numbers per answer, and printf
	 * formats each one twice (length, then text) */
	do {
		*--p = (char)('0' + u % 10);
		u /= 10;
	} while (u != 0);
	if (v < 0)
		*--p = '-';
	before_value(w);
	sbuf_putn(w->b, p, (size_t)(buf + sizeof(buf) - p));
}

void
jw_real(struct jsonw *w, double v)
{
	char buf[40];

	if (!isfinite(v)) {
		jw_null(w);
		return;
	}
	before_value(w);
	snprintf(buf, sizeof(buf), "%.17g", v);
	/* as jansson: a real always shows it is one */
	if (strpbrk(buf, ".eE") == NULL)
		strcat(buf, ".0");
	sbuf_put(w->b, buf);
}

void
jw_bool(struct jsonw *w, int v)
{
	before_value(w);
	sbuf_put(w->b, v ? "true" : "false");
}

void
jw_null(struct jsonw *w)
{
	before_value(w);
	sbuf_putn(w->b, "null", 4);
}
