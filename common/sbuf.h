/*
 * sbuf.h - a growing string buffer with HTML and URL escaping.
 * The buffer owns its memory until sbuf_take() hands it to the caller.
 * After a failed allocation the buffer is marked failed and further
 * appends do nothing (sticky error, as in FTS5's buffer code); sbuf_take()
 * then returns NULL.
 */
#ifndef SK_SBUF_H
#define SK_SBUF_H

#include <stddef.h>

struct sbuf {
	char *s;
	size_t len, cap;
	int failed;
};

void sbuf_put(struct sbuf *b, const char *s);
void sbuf_putn(struct sbuf *b, const char *s, size_t n);
void sbuf_printf(struct sbuf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Appends s with & < > " ' escaped; invalid UTF-8 and control characters
 * (but tab and line breaks) become U+FFFD, so a page is always valid UTF-8.
 * NULL appends nothing. */
void sbuf_html(struct sbuf *b, const char *s);
/* The same for the n bytes at s. */
void sbuf_html_n(struct sbuf *b, const char *s, size_t n);
/* Appends s percent-encoded for a query string value. */
void sbuf_url(struct sbuf *b, const char *s);
/* Returns the string (caller frees) or NULL after a failure. */
char *sbuf_take(struct sbuf *b);
void sbuf_free(struct sbuf *b);

#endif
