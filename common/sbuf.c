/*
 * sbuf.c - string buffer; see sbuf.h.
 */
#include "sbuf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "textutil.h"

static int
reserve(struct sbuf *b, size_t extra)
{
	size_t need;
	char *ns;

	if (b->failed)
		return -1;
	need = b->len + extra + 1;
	if (need <= b->cap)
		return 0;
	if (need < 2 * b->cap)
		need = 2 * b->cap;
	if ((ns = realloc(b->s, need)) == NULL) {
		b->failed = 1;
		return -1;
	}
	b->s = ns;
	b->cap = need;
	return 0;
}

void
sbuf_putn(struct sbuf *b, const char *s, size_t n)
{
	if (reserve(b, n) != 0)
		return;
	memcpy(b->s + b->len, s, n);
	b->len += n;
	b->s[b->len] = '\0';
}

void
sbuf_put(struct sbuf *b, const char *s)
{
	sbuf_putn(b, s, strlen(s));
}

void
sbuf_printf(struct sbuf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || reserve(b, (size_t)n) != 0)
		return;
	va_start(ap, fmt);
	vsnprintf(b->s + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

void
sbuf_html_n(struct sbuf *b, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		uint32_t cp;
		size_t k;

		switch (c) {
		case '&':  sbuf_put(b, "&amp;"); continue;
		case '<':  sbuf_put(b, "&lt;"); continue;
		case '>':  sbuf_put(b, "&gt;"); continue;
		case '"':  sbuf_put(b, "&quot;"); continue;
		case '\'': sbuf_put(b, "&#39;"); continue;
		default:   break;
		}
		if (c >= 0x20 && c < 0x7F) {
			sbuf_putn(b, s + i, 1);
		} else if (c == '\t' || c == '\n' || c == '\r') {
			sbuf_putn(b, s + i, 1);
		} else if (c >= 0x80 && (k = utf8_decode(s + i, n - i, &cp)) > 0) {
			if (cp <= 0x9F)           /* C1 control */
				sbuf_put(b, "\xEF\xBF\xBD");
			else
				sbuf_putn(b, s + i, k);
			i += k - 1;
		} else {
			/* invalid UTF-8 or a control character (a damaged
			 * index): the replacement character, never raw bytes */
			sbuf_put(b, "\xEF\xBF\xBD");
		}
	}
}

void
sbuf_html(struct sbuf *b, const char *s)
{
	if (s != NULL)
		sbuf_html_n(b, s, strlen(s));
}

void
sbuf_url(struct sbuf *b, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";

	for (; *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;
		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.' ||
		    c == '~') {
			sbuf_putn(b, s, 1);
		} else if (c == ' ') {
			sbuf_put(b, "+");
		} else {
			char e[3] = { '%', hex[c >> 4], hex[c & 15] };
			sbuf_putn(b, e, 3);
		}
	}
}

char *
sbuf_take(struct sbuf *b)
{
	char *s = b->failed ? NULL : b->s;

	if (b->failed)
		free(b->s);
	if (s == NULL && !b->failed)
		s = strdup("");
	memset(b, 0, sizeof(*b));
	return s;
}

void
sbuf_free(struct sbuf *b)
{
	free(b->s);
	memset(b, 0, sizeof(*b));
}
