/*
 * diag.c - message formatting and counters; see diag.h.
 */
#include "diag.h"

#include <stdarg.h>

static FILE *
diag_stream(const struct diag *d)
{
	return d->out ? d->out : stderr;
}

/* Writes s with its control characters made harmless, so that a message
 * stays on one line and sends no terminal escapes: tab and line breaks
 * become a space, other C0 controls and DEL a '?'. */
static void
put_clean(FILE *f, const char *s)
{
	for (; *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '\t' || c == '\n' || c == '\r')
			c = ' ';
		else if (c < 0x20 || c == 0x7F)
			c = '?';
		fputc(c, f);
	}
}

static void put_reason(FILE *f, const char *fmt, va_list ap)
    __attribute__((format(printf, 2, 0)));

/* The reason, cleaned (put_clean), and the line's end. Reasons show
 * values cut short, so DIAG_REASON_MAX bytes hold any of them. */
#define DIAG_REASON_MAX 4096

static void
put_reason(FILE *f, const char *fmt, va_list ap)
{
	char buf[DIAG_REASON_MAX];

	vsnprintf(buf, sizeof(buf), fmt, ap);
	put_clean(f, buf);
	fputc('\n', f);
}

/* "FILE:LINE: id=ID: " with the id cleaned. */
static void
put_id_head(FILE *f, const char *file, long line, const char *id)
{
	fprintf(f, "%s:%ld: id=", file, line);
	put_clean(f, id && *id ? id : "?");
	fputs(": ", f);
}

void
diag_skip(struct diag *d, const char *file, long line, const char *id,
          const char *fmt, ...)
{
	FILE *f = diag_stream(d);
	va_list ap;

	d->skipped++;
	put_id_head(f, file, line, id);
	va_start(ap, fmt);
	put_reason(f, fmt, ap);
	va_end(ap);
}

void
diag_warn(struct diag *d, const char *file, long line, const char *id,
          const char *fmt, ...)
{
	FILE *f = diag_stream(d);
	va_list ap;

	d->warnings++;
	if (id != NULL) {
		put_id_head(f, file, line, id);
		fputs("warning: ", f);
	} else
		fprintf(f, "%s:%ld: warning: ", file, line);
	va_start(ap, fmt);
	put_reason(f, fmt, ap);
	va_end(ap);
}

void
diag_reject(struct diag *d, const char *file, long line, const char *fmt, ...)
{
	FILE *f = diag_stream(d);
	va_list ap;

	d->rejected++;
	if (line > 0)
		fprintf(f, "%s:%ld: error: ", file, line);
	else
		fprintf(f, "%s: error: ", file);
	va_start(ap, fmt);
	put_reason(f, fmt, ap);
	va_end(ap);
}
