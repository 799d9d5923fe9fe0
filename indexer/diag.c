/*
 * diag.c - message formatting and counters; see diag.h.
 */
#include "diag.h"

#include <stdarg.h>
#include <string.h>

static FILE *
diag_stream(const struct diag *d)
{
	return d->out ? d->out : stderr;
}

/* Reasons show values cut short, so DIAG_REASON_MAX bytes hold any of
 * them; a message line is its head (file name, line, id) and its reason. */
#define DIAG_REASON_MAX 4096
#define DIAG_LINE_MAX (DIAG_REASON_MAX + 4096 + 256)

/* One message line, built whole and then written with one call: stderr is
 * unbuffered, so writing it piece by piece cost a system call per byte
 * (76 000 at 100 000 listings), and another writer could split a line. */
struct line {
	char buf[DIAG_LINE_MAX];
	size_t n;                  /* < sizeof(buf): what does not fit is cut */
};

static void
line_put(struct line *l, const char *s)
{
	size_t room = sizeof(l->buf) - 1 - l->n, k = strlen(s);

	if (k > room)
		k = room;
	memcpy(l->buf + l->n, s, k);
	l->n += k;
}

/* Appends s with its control characters made harmless, so that a message
 * stays on one line and sends no terminal escapes: tab and line breaks
 * become a space, other C0 controls and DEL a '?'. */
static void
line_put_clean(struct line *l, const char *s)
{
	for (; *s != '\0' && l->n < sizeof(l->buf) - 1; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '\t' || c == '\n' || c == '\r')
			c = ' ';
		else if (c < 0x20 || c == 0x7F)
			c = '?';
		l->buf[l->n++] = (char)c;
	}
}

static void line_printf(struct line *l, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Formats straight into the line, cut like line_put(). */
static void
line_printf(struct line *l, const char *fmt, ...)
{
	size_t room = sizeof(l->buf) - 1 - l->n;
	va_list ap;
	int k;

	va_start(ap, fmt);
	k = vsnprintf(l->buf + l->n, room + 1, fmt, ap);
	va_end(ap);
	if (k > 0)
		l->n += (size_t)k < room ? (size_t)k : room;
}

static void put_reason(struct line *l, const char *fmt, va_list ap)
    __attribute__((format(printf, 2, 0)));

/* The reason, cleaned (line_put_clean), and the line's end. */
static void
put_reason(struct line *l, const char *fmt, va_list ap)
{
	char buf[DIAG_REASON_MAX];

	vsnprintf(buf, sizeof(buf), fmt, ap);
	line_put_clean(l, buf);
	l->buf[l->n++] = '\n';        /* line_put* leave room for it */
}

/* "FILE:LINE: id=ID: " with the id cleaned. */
static void
put_id_head(struct line *l, const char *file, long line, const char *id)
{
	line_printf(l, "%s:%ld: id=", file, line);
	line_put_clean(l, id && *id ? id : "?");
	line_put(l, ": ");
}

static void
write_line(const struct diag *d, const struct line *l)
{
	fwrite(l->buf, 1, l->n, diag_stream(d));
}

void
diag_skip(struct diag *d, const char *file, long line, const char *id,
          const char *fmt, ...)
{
	struct line l = { .n = 0 };
	va_list ap;

	d->skipped++;
	put_id_head(&l, file, line, id);
	va_start(ap, fmt);
	put_reason(&l, fmt, ap);
	va_end(ap);
	write_line(d, &l);
}

void
diag_warn(struct diag *d, const char *file, long line, const char *id,
          const char *fmt, ...)
{
	struct line l = { .n = 0 };
	va_list ap;

	d->warnings++;
	if (id != NULL) {
		put_id_head(&l, file, line, id);
		line_put(&l, "warning: ");
	} else
		line_printf(&l, "%s:%ld: warning: ", file, line);
	va_start(ap, fmt);
	put_reason(&l, fmt, ap);
	va_end(ap);
	write_line(d, &l);
}

void
diag_reject(struct diag *d, const char *file, long line, const char *fmt, ...)
{
	struct line l = { .n = 0 };
	va_list ap;

	d->rejected++;
	if (line > 0)
		line_printf(&l, "%s:%ld: error: ", file, line);
	else
		line_printf(&l, "%s: error: ", file);
	va_start(ap, fmt);
	put_reason(&l, fmt, ap);
	va_end(ap);
	write_line(d, &l);
}
