/*
 * problem.c - filling struct problem; see problem.h.
 */
#include "problem.h"

#include <stdio.h>
#include <string.h>

#include <utf8proc.h>

/* Replaces bytes that are not part of valid UTF-8 with '?', so a value
 * cut short by a %.60s stays printable JSON. */
static void
sanitize_utf8(char *s)
{
	size_t len = strlen(s), i = 0;

	while (i < len) {
		utf8proc_int32_t cp;
		utf8proc_ssize_t n = utf8proc_iterate((utf8proc_uint8_t *)s + i,
		    (utf8proc_ssize_t)(len - i), &cp);
		if (n < 1) {
			s[i++] = '?';
			continue;
		}
		if (cp < 0x20)
			s[i] = '?';
		i += (size_t)n;
	}
}

static const char *
title_for(unsigned status)
{
	switch (status) {
	case 400: return "Ongeldige vraag";
	case 404: return "Niet gevonden";
	case 405: return "Methode niet toegestaan";
	case 414: return "Adres te lang";
	case 431: return "Kopregels te groot";
	case 503: return "Even niet beschikbaar";
	default:  return "Interne fout";
	}
}

int
problem_set(struct problem *p, unsigned status, const char *param,
            const char *fmt, ...)
{
	va_list ap;

	memset(p, 0, sizeof(*p));
	p->status = status;
	p->title = title_for(status);
	va_start(ap, fmt);
	vsnprintf(p->detail, sizeof(p->detail), fmt, ap);
	va_end(ap);
	sanitize_utf8(p->detail);
	if (param != NULL) {
		p->has_param = 1;
		snprintf(p->param, sizeof(p->param), "%s", param);
		sanitize_utf8(p->param);
		snprintf(p->reason, sizeof(p->reason), "%s", p->detail);
	}
	return -1;
}
