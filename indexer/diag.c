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

static void put_reason(FILE *f, const char *fmt, va_list ap)
    __attribute__((format(printf, 2, 0)));

static void
put_reason(FILE *f, const char *fmt, va_list ap)
{
	vfprintf(f, fmt, ap);
	fputc('\n', f);
}

void
diag_skip(struct diag *d, const char *file, long line, const char *id,
          const char *fmt, ...)
{
	FILE *f = diag_stream(d);
	va_list ap;

	d->skipped++;
	fprintf(f, "%s:%ld: id=%s: ", file, line, id && *id ? id : "?");
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
	if (id != NULL)
		fprintf(f, "%s:%ld: id=%s: warning: ", file, line, *id ? id : "?");
	else
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
