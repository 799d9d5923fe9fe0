/*
 * listing_build.c - raw record -> validated listing; see listing_build.h.
 *
 * Every check below follows the field table of aanbod-formaat.md, in its
 * order, so the first reason to skip a record is the same for the XML and
 * the CSV form of it. Warnings are collected while checking and reported
 * only when the listing is accepted.
 *
 * Ownership: the build_ctx owns its maps (accepted ids, wijk names), the
 * per-record warning texts and scratch arrays; the listing it fills owns
 * every string put into it (all fresh copies). Values of the raw record
 * are only read.
 *
 * Internal steps return 0 (fine), SKIP (the record is to be skipped;
 * c->reason holds why) or -1 (out of memory).
 */
#include "listing_build.h"

#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fields.h"
#include "strset.h"
#include "textutil.h"
#include "tijden.h"

#define SKIP 1
#define NONE SIZE_MAX
#define TRY(expr) do { int rc_ = (expr); if (rc_ != 0) return rc_; } while (0)

/* Values are shown in messages shortened to this many characters. */
/* Characters of a value shown in a message: the longest valid id (64), so
 * that an id is never cut, while a 20 000-character text is. */
#define SHOW_CHARS 64

/* Lists of the listing that must not hold duplicates; each gets a hash
 * set once it grows long, so hostile records stay linear. */
enum uniq {
	U_THEMA, U_DOELGROEP, U_TREFWOORD, U_WIJK, U_WERKGEBIED,
	U_TOEGANKELIJK, U_TAAL, U_VALUES, U_COUNT
};

struct build_ctx {
	const struct vocab *v;
	struct diag *d;
	struct strset *ids;     /* accepted id -> "FILE:LINE" */
	struct strset *wijken;  /* wijk code -> first name read ("" = none yet) */

	const struct field_def *defs;  /* field_all() */
	size_t ndefs;
	size_t *first;          /* [ndefs]: first raw field of each def, or NONE */
	size_t *next;           /* [ncap]: next raw field of the same def */
	size_t ncap;

	/* per record */
	const struct raw_record *rec;
	struct listing *out;
	struct strset *seen[U_COUNT];
	char **warnings;
	size_t nwarnings, capwarnings;
	char reason[1024];
	char show[3][SHOW_CHARS * 4 + 8];
};

/* ---- messages ----------------------------------------------------------- */

/* s made fit for a message in buffer slot: invalid bytes and controls
 * become '?' (tab and line breaks a space), at most SHOW_CHARS characters
 * with "…" at the end when cut. */
static const char *
show(struct build_ctx *c, int slot, const char *s)
{
	char *o = c->show[slot];
	size_t n = strlen(s), i = 0, w = 0, chars = 0, cut = 0;

	while (i < n) {
		uint32_t cp;
		size_t len = utf8_decode(s + i, n - i, &cp);

		if (chars == SHOW_CHARS - 1)
			cut = w;
		if (chars == SHOW_CHARS) {
			w = cut;
			memcpy(o + w, "\xE2\x80\xA6", 3);
			w += 3;
			break;
		}
		if (len == 0) {
			o[w++] = '?';
			len = 1;
		} else if (cp == '\t' || cp == '\n' || cp == '\r') {
			o[w++] = ' ';
		} else if (cp < 0x20 || (cp >= 0x7F && cp <= 0x9F)) {
			o[w++] = '?';
		} else {
			memcpy(o + w, s + i, len);
			w += len;
		}
		i += len;
		chars++;
	}
	o[w] = '\0';
	return o;
}

static int skip(struct build_ctx *c, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static int warn(struct build_ctx *c, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Records why the record is skipped; returns SKIP. */
static int
skip(struct build_ctx *c, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(c->reason, sizeof(c->reason), fmt, ap);
	va_end(ap);
	return SKIP;
}

/* Keeps a warning to report if the listing is accepted. Returns 0/-1. */
static int
warn(struct build_ctx *c, const char *fmt, ...)
{
	va_list ap;
	char *msg;
	int n;

	if (c->nwarnings == c->capwarnings) {
		size_t ncap = c->capwarnings ? c->capwarnings * 2 : 8;
		char **nw = realloc(c->warnings, ncap * sizeof(*nw));

		if (nw == NULL)
			return -1;
		c->warnings = nw;
		c->capwarnings = ncap;
	}
	va_start(ap, fmt);
	n = vasprintf(&msg, fmt, ap);
	va_end(ap);
	if (n < 0)
		return -1;
	c->warnings[c->nwarnings++] = msg;
	return 0;
}

/* ---- context ------------------------------------------------------------ */

struct build_ctx *
build_ctx_new(const struct vocab *v, struct diag *d)
{
	struct build_ctx *c = calloc(1, sizeof(*c));

	if (c == NULL)
		return NULL;
	c->v = v;
	c->d = d;
	c->defs = field_all(&c->ndefs);
	c->ids = strset_new();
	c->wijken = strset_new();
	c->first = calloc(c->ndefs, sizeof(*c->first));
	if (c->ids == NULL || c->wijken == NULL || c->first == NULL) {
		build_ctx_free(c);
		return NULL;
	}
	return c;
}

static void
reset_record(struct build_ctx *c)
{
	for (int i = 0; i < U_COUNT; i++) {
		strset_free(c->seen[i]);
		c->seen[i] = NULL;
	}
	for (size_t i = 0; i < c->nwarnings; i++)
		free(c->warnings[i]);
	c->nwarnings = 0;
	c->reason[0] = '\0';
}

void
build_ctx_free(struct build_ctx *c)
{
	if (c == NULL)
		return;
	reset_record(c);
	free(c->warnings);
	strset_free(c->ids);
	strset_free(c->wijken);
	free(c->first);
	free(c->next);
	free(c);
}

/* Links every raw field to the def it belongs to, in record order. */
static int
index_fields(struct build_ctx *c)
{
	const struct raw_record *r = c->rec;
	size_t last[64];

	if (c->ndefs > sizeof(last) / sizeof(last[0]))
		return -1;
	if (r->nfields > c->ncap) {
		size_t *nn = realloc(c->next, r->nfields * sizeof(*nn));

		if (nn == NULL)
			return -1;
		c->next = nn;
		c->ncap = r->nfields;
	}
	for (size_t i = 0; i < c->ndefs; i++)
		c->first[i] = last[i] = NONE;
	for (size_t i = 0; i < r->nfields; i++) {
		const struct field_def *f = field_lookup(r->fields[i].name);
		size_t fi;

		if (f == NULL)
			continue;	/* the readers warn about these */
		fi = (size_t)(f - c->defs);
		c->next[i] = NONE;
		if (last[fi] == NONE)
			c->first[fi] = i;
		else
			c->next[last[fi]] = i;
		last[fi] = i;
	}
	return 0;
}

static size_t
def_index(const struct build_ctx *c, const char *name)
{
	return (size_t)(field_lookup(name) - c->defs);
}

/* ---- values ------------------------------------------------------------- */

/* 1 when the 8 bytes at p are all printable ASCII (0x20-0x7E): none has
 * its high bit set, none is below 0x20, none is 0x7F (the usual tests
 * for a byte below a value or equal to one, on all 8 at once; exact when
 * no high bit is set). */
static int
plain_ascii8(const unsigned char *p)
{
	const uint64_t ones = 0x0101010101010101ull, highs = ones * 0x80;
	uint64_t w, below20, is7f;

	memcpy(&w, p, 8);
	below20 = (w - ones * 0x20) & ~w & highs;
	is7f = ((w ^ (ones * 0x7F)) - ones) & ~(w ^ (ones * 0x7F)) & highs;
	return ((w & highs) | below20 | is7f) == 0;
}

/* Looks at s[0..n) once: -1 when it is no valid UTF-8, 1 when it holds
 * something dup_text() changes (a CR, another control character, DEL, a
 * C1 character), else 0 (the common case: a plain copy will do). */
static int
text_scan(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	int change = 0;

	for (size_t i = 0; i < n;) {
		unsigned char ch = p[i];
		uint32_t cp;
		size_t len;

		if (ch >= 0x20 && ch < 0x7F) {
			i++;            /* printable ASCII: most of any text, */
			while (i + 8 <= n && plain_ascii8(p + i))
				i += 8;     /* 8 bytes at a time */
			continue;
		}
		if (ch < 0x80) {
			change |= ch != '\n' && ch != '\t';
			i++;
			continue;
		}
		if ((len = utf8_decode(s + i, n - i, &cp)) == 0)
			return -1;
		change |= cp <= 0x9F;
		i += len;
	}
	return change;
}

/* Skips the record when s[0..n) is no valid UTF-8 (the readers decode
 * every file, so this guards against a reader bug). Otherwise returns 0
 * and sets *change as text_scan() says. */
static int
check_text(struct build_ctx *c, const char *field, const char *s, size_t n,
           int *change)
{
	char *tmp;
	int rc = text_scan(s, n);

	if (rc >= 0) {
		*change = rc;
		return 0;
	}
	tmp = strndup(s, n);
	if (tmp == NULL)
		return -1;
	rc = skip(c, "veld %s is geen geldige UTF-8-tekst: \"%s\"", field,
	    show(c, 1, tmp));
	free(tmp);
	return rc;
}

/*
 * A copy of the valid UTF-8 text s[0..n), or NULL on ENOMEM. Line breaks
 * become LF (CRLF, a lone CR, and the vertical tab and form feed that some
 * programs write for a line break inside a cell); any other control
 * character (C0 but tab, DEL, C1) becomes a space, so that no control
 * character reaches the index, the JSON or the HTML. The spec does not
 * skip a listing for them, and nothing readable is lost. change is what
 * text_scan() said: 0 makes it a plain copy.
 */
static char *
dup_text(const char *s, size_t n, int change)
{
	char *out = change ? malloc(n + 1) : strndup(s, n);
	const char *t;
	size_t w = 0, len;

	if (out == NULL || !change)
		return out;
	for (size_t i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)s[i];

		if (ch == '\r') {
			out[w++] = '\n';
			if (i + 1 < n && s[i + 1] == '\n')
				i++;
		} else if (ch == '\v' || ch == '\f') {
			out[w++] = '\n';
		} else if ((ch < 0x20 && ch != '\t' && ch != '\n') || ch == 0x7F) {
			out[w++] = ' ';
		} else if (ch == 0xC2 && i + 1 < n &&
		    (unsigned char)s[i + 1] >= 0x80 &&
		    (unsigned char)s[i + 1] <= 0x9F) {
			out[w++] = ' ';        /* U+0080..U+009F */
			i++;
		} else {
			out[w++] = (char)ch;
		}
	}
	t = text_trim_span(out, w, &len);      /* a control at either end */
	memmove(out, t, len);
	out[len] = '\0';
	return out;
}

/* The value of a single-valued field: trimmed, checked, line breaks
 * normalised; *out NULL when absent or empty. A second non-empty value
 * is ignored with a warning. */
static int
single(struct build_ctx *c, const char *name, char **out)
{
	size_t fi = def_index(c, name), count = 0;
	int rc, change;

	*out = NULL;
	for (size_t i = c->first[fi]; i != NONE; i = c->next[i]) {
		const char *raw = c->rec->fields[i].value, *t;
		size_t len;
		char *v;

		t = text_trim_span(raw, strlen(raw), &len);
		if (len == 0)
			continue;
		if ((rc = check_text(c, name, t, len, &change)) != 0)
			return rc;
		if ((v = dup_text(t, len, change)) == NULL)
			return -1;
		if (v[0] == '\0' || ++count > 1) {   /* only control characters */
			free(v);
			continue;
		}
		*out = v;
	}
	if (count > 1)
		return warn(c, "veld %s staat er meer dan één keer in; de eerste "
		    "waarde telt", name);
	return 0;
}

/* Adds s to l unless it is there already. Returns 1 added, 0 duplicate,
 * -1 out of memory. */
static int
add_unique(struct build_ctx *c, enum uniq u, struct strlist *l, const char *s)
{
	if (c->seen[u] == NULL && l->n >= 8) {
		c->seen[u] = strset_new();
		if (c->seen[u] == NULL)
			return -1;
		for (size_t i = 0; i < l->n; i++)
			if (strset_add(c->seen[u], l->v[i], NULL) < 0)
				return -1;
	}
	if (c->seen[u] != NULL) {
		int rc = strset_add(c->seen[u], s, NULL);

		if (rc <= 0)
			return rc;
	} else if (strlist_contains(l, s)) {
		return 0;
	}
	return strlist_add(l, s) < 0 ? -1 : 1;
}

/* The values of a multi field, each trimmed and checked, empty ones and
 * duplicates dropped; CSV values are split on '|'. Caller frees *vals. */
static int
multi(struct build_ctx *c, const char *name, struct strlist *vals)
{
	size_t fi = def_index(c, name);

	memset(vals, 0, sizeof(*vals));
	strset_free(c->seen[U_VALUES]);
	c->seen[U_VALUES] = NULL;
	for (size_t i = c->first[fi]; i != NONE; i = c->next[i]) {
		const char *p = c->rec->fields[i].value;

		while (*p != '\0') {
			size_t partlen, len;
			const char *t, *bar = NULL;
			char *v;
			int rc, change;

			if (c->rec->multi_joined)
				bar = strchr(p, '|');
			partlen = bar ? (size_t)(bar - p) : strlen(p);
			t = text_trim_span(p, partlen, &len);
			p += partlen + (bar ? 1 : 0);
			if (len == 0)
				continue;
			rc = check_text(c, name, t, len, &change);
			if (rc != 0)
				return rc;
			v = dup_text(t, len, change);
			if (v == NULL)
				return -1;
			rc = v[0] == '\0' ? 0 : add_unique(c, U_VALUES, vals, v);
			free(v);
			if (rc < 0)
				return -1;
		}
	}
	return 0;
}

/* Skips when the text is longer than the field table allows. */
static int
check_length(struct build_ctx *c, const char *name, const char *s)
{
	const struct field_def *f = field_lookup(name);
	size_t n;

	if (s == NULL || f->max_chars == 0)
		return 0;
	n = strlen(s);
	if (n <= f->max_chars)
		return 0;               /* no more characters than bytes */
	n = utf8_count(s, n);
	if (n > f->max_chars)
		return skip(c, "veld %s is te lang: %zu tekens, maximaal %zu",
		    name, n, f->max_chars);
	return 0;
}

/* An optional text field. */
static int
text_field(struct build_ctx *c, const char *name, char **dst)
{
	TRY(single(c, name, dst));
	return check_length(c, name, *dst);
}

/* A required text field. */
static int
required_text(struct build_ctx *c, const char *name, char **dst)
{
	TRY(single(c, name, dst));
	if (*dst == NULL)
		return skip(c, "verplicht veld %s ontbreekt", name);
	return check_length(c, name, *dst);
}

/* Lower-cases ASCII and turns ë/Ë into e, for comparing code values. */
static void
fold_value(char *s)
{
	char *w = s;

	for (char *p = s; *p; p++) {
		if ((unsigned char)p[0] == 0xC3 && ((unsigned char)p[1] == 0xAB ||
		    (unsigned char)p[1] == 0x8B)) {
			*w++ = 'e';
			p++;
		} else {
			*w++ = *p;
		}
	}
	*w = '\0';
	ascii_lower(s);
}

/* Index of s in the NULL-ended list, or -1. */
static int
find_code(const char *const *list, const char *s)
{
	for (int i = 0; list[i] != NULL; i++)
		if (strcmp(list[i], s) == 0)
			return i;
	return -1;
}

/* A field with a fixed set of values (case-insensitive), stored lower
 * case; def (may be NULL) when absent. */
static int
code_field(struct build_ctx *c, const char *name, const char *const *allowed,
           const char *def, int required, char **dst)
{
	char *v, *folded;
	int i, rc = 0;

	TRY(single(c, name, &v));
	if (v == NULL) {
		if (required)
			return skip(c, "verplicht veld %s ontbreekt", name);
		if (def != NULL && (*dst = strdup(def)) == NULL)
			return -1;
		return 0;
	}
	folded = strdup(v);
	if (folded == NULL) {
		free(v);
		return -1;
	}
	fold_value(folded);
	i = find_code(allowed, folded);
	free(folded);
	if (i < 0)
		rc = skip(c, "onbekende %s \"%s\"", name, show(c, 1, v));
	else if ((*dst = strdup(allowed[i])) == NULL)
		rc = -1;
	free(v);
	return rc;
}

/* s without one leading '+' when a digit follows ("+5" is a number). */
static const char *
unsigned_part(const char *s)
{
	return s[0] == '+' && s[1] >= '0' && s[1] <= '9' ? s + 1 : s;
}

/* 1 when s is one or more ASCII digits and nothing else. */
static int
all_digits(const char *s)
{
	if (*s == '\0')
		return 0;
	for (; *s != '\0'; s++)
		if (*s < '0' || *s > '9')
			return 0;
	return 1;
}

/* A whole number 0 or more; *dst stays -1 when absent. The spec skips a
 * listing only for a value that is not a number: a large one (a
 * leeftijd-max of 999 for "no upper limit") is kept, capped at INT_MAX. */
static int
int_field(struct build_ctx *c, const char *name, int *dst)
{
	char *v;
	const char *digits;
	long n;
	int rc = 0;

	TRY(single(c, name, &v));
	if (v == NULL)
		return 0;
	digits = unsigned_part(v);
	if (!all_digits(digits))
		rc = skip(c, "%s is geen geheel getal van 0 of meer: \"%s\"",
		    name, show(c, 1, v));
	else if (parse_long(digits, &n) < 0 || n > INT_MAX)
		*dst = INT_MAX;                 /* more digits than a long */
	else
		*dst = (int)n;
	free(v);
	return rc;
}

/* A decimal number; *given is set when present and within -lim..lim. A
 * number outside (a latitude of 95) is dropped with a warning, as the
 * spec skips a listing only for a value that is no number. */
static int
coord_field(struct build_ctx *c, const char *name, int lim, double *dst,
            int *given)
{
	char *v;
	double x;
	int rc = 0;

	*given = 0;
	TRY(single(c, name, &v));
	if (v == NULL)
		return 0;
	if (parse_decimal(unsigned_part(v), &x) < 0) {
		rc = skip(c, "%s is geen getal: \"%s\"", name, show(c, 1, v));
	} else if (x < -lim || x > lim) {
		rc = warn(c, "%s %s ligt niet tussen -%d en %d, coördinaten "
		    "weggelaten", name, show(c, 1, v), lim, lim);
		*given = -1;
	} else {
		*dst = x;
		*given = 1;
	}
	free(v);
	return rc;
}

static int
date_field(struct build_ctx *c, const char *name, char **dst)
{
	TRY(single(c, name, dst));
	if (*dst != NULL && !date_valid(*dst))
		return skip(c, "datum %s is geen echte datum: \"%s\"", name,
		    show(c, 1, *dst));
	return 0;
}

/* ---- the fields, in table order ----------------------------------------- */

static int
build_id(struct build_ctx *c)
{
	struct listing *l = c->out;
	const char *seen;
	size_t n;

	if (c->rec->id != NULL) {
		const char *t = text_trim_span(c->rec->id, strlen(c->rec->id), &n);

		if (n > 0) {
			int change;

			TRY(check_text(c, "id", t, n, &change));
			l->id = strndup(t, n);  /* as read: the pattern judges it */
			if (l->id == NULL)
				return -1;
		}
	} else {
		TRY(single(c, "id", &l->id));
	}
	if (l->id == NULL)
		return skip(c, "verplicht veld id ontbreekt");
	TRY(check_length(c, "id", l->id));
	if (!id_valid(l->id))
		return skip(c, "id \"%s\" mag alleen letters, cijfers en . _ : - "
		    "bevatten", show(c, 1, l->id));
	seen = strset_get(c->ids, l->id);
	if (seen != NULL)
		return skip(c, "id komt al eerder voor (%s)", seen);
	return 0;
}

static int
build_omschrijving(struct build_ctx *c)
{
	struct listing *l = c->out;

	TRY(single(c, "omschrijving", &l->omschrijving));
	if (l->omschrijving == NULL)
		return 0;
	if (c->rec->html_allowed) {
		char *t = html_to_text(l->omschrijving, strlen(l->omschrijving));

		if (t == NULL)
			return -1;
		free(l->omschrijving);
		l->omschrijving = t;
		if (*t == '\0') {	/* only markup */
			free(l->omschrijving);
			l->omschrijving = NULL;
			return 0;
		}
	}
	return check_length(c, "omschrijving", l->omschrijving);
}

/* thema or doelgroep: codes from the vocabulary; unknown values become
 * trefwoorden with a warning. */
static int
build_vocab_list(struct build_ctx *c, const char *name, enum uniq u,
                 struct strlist *dst)
{
	struct strlist vals;
	int rc;

	rc = multi(c, name, &vals);
	for (size_t i = 0; rc == 0 && i < vals.n; i++) {
		const struct vocab_entry *e = u == U_THEMA ?
		    vocab_thema(c->v, vals.v[i]) : vocab_doelgroep(c->v, vals.v[i]);

		if (e != NULL) {
			rc = add_unique(c, u, dst, e->code) < 0 ? -1 : 0;
			continue;
		}
		rc = warn(c, "%s \"%s\", bewaard als trefwoord",
		    u == U_THEMA ? "onbekend thema" : "onbekende doelgroep",
		    show(c, 1, vals.v[i]));
		if (rc == 0 && add_unique(c, U_TREFWOORD, &c->out->trefwoorden,
		    vals.v[i]) < 0)
			rc = -1;
	}
	strlist_free(&vals);
	return rc;
}

static int
build_trefwoorden(struct build_ctx *c)
{
	struct strlist vals;
	int rc = multi(c, "trefwoord", &vals);

	for (size_t i = 0; rc == 0 && i < vals.n; i++)
		if (add_unique(c, U_TREFWOORD, &c->out->trefwoorden,
		    vals.v[i]) < 0)
			rc = -1;
	strlist_free(&vals);
	return rc;
}

static int
build_gemeente(struct build_ctx *c)
{
	const struct gemeente_entry *g;
	char *v;
	int rc;

	TRY(single(c, "gemeente", &v));
	if (v == NULL)
		return skip(c, "verplicht veld gemeente ontbreekt");
	g = vocab_gemeente(c->v, v);
	if (g == NULL) {
		rc = skip(c, "onbekende gemeente \"%s\"", show(c, 1, v));
		free(v);
		return rc;
	}
	free(v);
	c->out->gemeente = strdup(g->code);
	return c->out->gemeente ? 0 : -1;
}

/* "WK" + 4 digits + 2 characters [A-Za-z0-9]. */
static int
wijk_code_valid(const char *s)
{
	if (strlen(s) != 8 || ascii_ncasecmp(s, "WK", 2) != 0)
		return 0;
	for (int i = 2; i < 6; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	for (int i = 6; i < 8; i++) {
		char ch = s[i];

		if (!((ch >= '0' && ch <= '9') || (ch >= 'A' && ch <= 'Z') ||
		    (ch >= 'a' && ch <= 'z')))
			return 0;
	}
	return 1;
}

/* The wijk of this listing with this code, or NULL. */
static struct wijk_ref *
own_wijk(struct listing *l, const char *code)
{
	for (size_t i = 0; i < l->nwijken; i++)
		if (strcmp(l->wijken[i].code, code) == 0)
			return &l->wijken[i];
	return NULL;
}

static int
append_wijk(struct listing *l, char *code, char *naam)
{
	struct wijk_ref *nw;

	nw = realloc(l->wijken, (l->nwijken + 1) * sizeof(*nw));
	if (nw == NULL)
		return -1;
	l->wijken = nw;
	l->wijken[l->nwijken].code = code;
	l->wijken[l->nwijken].naam = naam;
	l->nwijken++;
	return 0;
}

/* One "CODE=Naam" or "CODE" value. code and naam are trimmed parts of
 * value, written over it. */
static int
build_one_wijk(struct build_ctx *c, char *value)
{
	struct listing *l = c->out;
	char *eq = strchr(value, '='), *code, *naam = NULL, *cp = NULL, *np = NULL;
	const char *first;
	struct wijk_ref *w;
	size_t len;
	int rc;

	if (eq != NULL) {
		*eq = '\0';
		naam = (char *)text_trim_span(eq + 1, strlen(eq + 1), &len);
		naam[len] = '\0';
		if (len == 0)
			naam = NULL;
	}
	code = (char *)text_trim_span(value, strlen(value), &len);
	code[len] = '\0';
	if (!wijk_code_valid(code))
		return warn(c, "ongeldige wijkcode \"%s\", wijk weggelaten",
		    show(c, 1, code));
	code[0] = 'W';
	code[1] = 'K';
	if (memcmp(code + 2, l->gemeente + 2, 4) != 0)
		return warn(c, "wijk %s hoort niet bij gemeente %s, wijk "
		    "weggelaten", code, l->gemeente);
	w = own_wijk(l, code);
	first = w ? (w->naam ? w->naam : "") : strset_get(c->wijken, code);
	if (first != NULL && *first != '\0' && naam != NULL &&
	    ascii_casecmp(first, naam) != 0)
		TRY(warn(c, "wijk %s heeft al de naam \"%s\"; de naam \"%s\" "
		    "wordt niet gebruikt", code, show(c, 1, first),
		    show(c, 2, naam)));
	if (w != NULL) {
		if (w->naam == NULL && naam != NULL &&
		    (w->naam = strdup(naam)) == NULL)
			return -1;
		return 0;
	}
	if (first != NULL && *first != '\0')
		naam = (char *)first;
	cp = strdup(code);
	if (naam != NULL)
		np = strdup(naam);
	if (cp == NULL || (naam != NULL && np == NULL)) {
		rc = -1;
		goto fail;
	}
	rc = append_wijk(l, cp, np);
	if (rc == 0)
		return 0;
fail:
	free(cp);
	free(np);
	return rc;
}

static int
build_wijken(struct build_ctx *c)
{
	struct strlist vals;
	int rc = multi(c, "wijk", &vals);

	for (size_t i = 0; rc == 0 && i < vals.n; i++)
		rc = build_one_wijk(c, vals.v[i]);
	strlist_free(&vals);
	return rc;
}

static int
build_werkgebied(struct build_ctx *c)
{
	struct strlist *dst = &c->out->werkgebied;
	struct strlist vals;
	int rc = multi(c, "werkgebied", &vals);

	for (size_t i = 0; rc == 0 && i < vals.n; i++) {
		const struct gemeente_entry *g;

		if (ascii_casecmp(vals.v[i], "regio") == 0) {
			for (size_t j = 0; rc == 0 && j < c->v->ngemeenten; j++)
				if (add_unique(c, U_WERKGEBIED, dst,
				    c->v->gemeenten[j].code) < 0)
					rc = -1;
			continue;
		}
		g = vocab_gemeente(c->v, vals.v[i]);
		if (g == NULL)
			rc = warn(c, "onbekende gemeente in werkgebied \"%s\", "
			    "weggelaten", show(c, 1, vals.v[i]));
		else if (add_unique(c, U_WERKGEBIED, dst, g->code) < 0)
			rc = -1;
	}
	strlist_free(&vals);
	/* the spec's default: the listing's own gemeente only */
	if (rc == 0 && dst->n == 0 && c->out->gemeente != NULL &&
	    add_unique(c, U_WERKGEBIED, dst, c->out->gemeente) < 0)
		rc = -1;
	return rc;
}

static int
build_postcode(struct build_ctx *c)
{
	char pc[8], *n;

	TRY(single(c, "postcode", &c->out->postcode));
	if (c->out->postcode == NULL)
		return 0;
	if (postcode_normalize(c->out->postcode, pc) < 0)
		return warn(c, "postcode \"%s\" is geen Nederlandse postcode",
		    show(c, 1, c->out->postcode));
	n = strdup(pc);
	if (n == NULL)
		return -1;
	free(c->out->postcode);
	c->out->postcode = n;
	return 0;
}

static int
build_coords(struct build_ctx *c)
{
	struct listing *l = c->out;
	int has_lat, has_lon;

	TRY(coord_field(c, "lat", 90, &l->lat, &has_lat));
	TRY(coord_field(c, "lon", 180, &l->lon, &has_lon));
	l->has_coords = has_lat == 1 && has_lon == 1;
	if (has_lat < 0 || has_lon < 0) {       /* warned about already */
		l->lat = l->lon = 0;
		return 0;
	}
	if (has_lat != has_lon) {
		l->lat = l->lon = 0;
		return warn(c, "%s zonder %s, coördinaten weggelaten",
		    has_lat ? "lat" : "lon", has_lat ? "lon" : "lat");
	}
	return 0;
}

static int
build_tijden(struct build_ctx *c)
{
	struct listing *l = c->out;
	int rc;

	TRY(single(c, "tijden", &l->tijden));
	if (l->tijden == NULL)
		return 0;
	rc = tijden_parse(l->tijden, &l->slots, &l->nslots);
	if (rc == -2)
		return -1;
	if (rc < 0)
		return warn(c, "tijden volgen de vaste vorm niet, alleen de "
		    "tekst wordt bewaard: \"%s\"", show(c, 1, l->tijden));
	return 0;
}

static int
build_toegankelijkheid(struct build_ctx *c)
{
	static const char *const allowed[] = { "rolstoel", "invalidentoilet",
	    "ringleiding", "prikkelarm", "ov", "begeleiding", "aan-huis", NULL };
	struct strlist vals;
	int rc = multi(c, "toegankelijkheid", &vals);

	for (size_t i = 0; rc == 0 && i < vals.n; i++) {
		char *v = strdup(vals.v[i]);
		int k;

		if (v == NULL) {
			rc = -1;
			break;
		}
		fold_value(v);
		k = find_code(allowed, v);
		free(v);
		if (k < 0)
			rc = skip(c, "onbekende toegankelijkheid \"%s\"",
			    show(c, 1, vals.v[i]));
		else if (add_unique(c, U_TOEGANKELIJK,
		    &c->out->toegankelijkheid, allowed[k]) < 0)
			rc = -1;
	}
	strlist_free(&vals);
	return rc;
}

/* 2 or 3 ASCII letters. */
static int
taal_valid(const char *s)
{
	size_t n = strlen(s);

	if (n < 2 || n > 3)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z')))
			return 0;
	return 1;
}

static int
build_talen(struct build_ctx *c)
{
	struct strlist *dst = &c->out->talen;
	struct strlist vals;
	int rc = multi(c, "taal", &vals);

	for (size_t i = 0; rc == 0 && i < vals.n; i++) {
		if (!taal_valid(vals.v[i])) {
			rc = warn(c, "ongeldige taalcode \"%s\", weggelaten",
			    show(c, 1, vals.v[i]));
			continue;
		}
		ascii_lower(vals.v[i]);
		if (add_unique(c, U_TAAL, dst, vals.v[i]) < 0)
			rc = -1;
	}
	strlist_free(&vals);
	if (rc == 0 && dst->n == 0 && strlist_add(dst, "nl") < 0)
		rc = -1;
	return rc;
}

static int
build_leeftijd(struct build_ctx *c)
{
	struct listing *l = c->out;

	TRY(int_field(c, "leeftijd-min", &l->leeftijd_min));
	TRY(int_field(c, "leeftijd-max", &l->leeftijd_max));
	if (l->leeftijd_min >= 0 && l->leeftijd_max >= 0 &&
	    l->leeftijd_min > l->leeftijd_max)
		return warn(c, "leeftijd-min %d is groter dan leeftijd-max %d",
		    l->leeftijd_min, l->leeftijd_max);
	return 0;
}

static int
build_welzijn(struct build_ctx *c)
{
	static const char *const allowed[] = { "nee", "ja", NULL };
	char *v = NULL;

	TRY(code_field(c, "welzijn-op-recept", allowed, "nee", 0, &v));
	c->out->welzijn_op_recept = strcmp(v, "ja") == 0;
	free(v);
	return 0;
}

static int
build_fields(struct build_ctx *c)
{
	static const char *const soorten[] = { "formeel", "informeel",
	    "inwonersinitiatief", NULL };
	static const char *const statussen[] = { "actief", "gepauzeerd",
	    "beeindigd", NULL };
	static const char *const kosten[] = { "gratis", "vrijwillige-bijdrage",
	    "eigen-bijdrage", "betaald", NULL };
	static const char *const toegang[] = { "vrije-inloop", "aanmelden",
	    "verwijzing", "beschikking", NULL };
	struct listing *l = c->out;

	TRY(build_id(c));
	TRY(required_text(c, "naam", &l->naam));
	TRY(text_field(c, "samenvatting", &l->samenvatting));
	TRY(build_omschrijving(c));
	TRY(code_field(c, "soort", soorten, NULL, 1, &l->soort));
	TRY(code_field(c, "status", statussen, "actief", 0, &l->status));
	TRY(text_field(c, "organisatie", &l->organisatie));
	TRY(build_vocab_list(c, "thema", U_THEMA, &l->themas));
	TRY(build_vocab_list(c, "doelgroep", U_DOELGROEP, &l->doelgroepen));
	TRY(build_trefwoorden(c));
	TRY(build_gemeente(c));
	TRY(build_wijken(c));
	TRY(build_werkgebied(c));
	TRY(text_field(c, "adres", &l->adres));
	TRY(build_postcode(c));
	TRY(text_field(c, "plaats", &l->plaats));
	TRY(build_coords(c));
	TRY(build_tijden(c));
	TRY(text_field(c, "tijden-toelichting", &l->tijden_toelichting));
	TRY(code_field(c, "kosten", kosten, NULL, 0, &l->kosten));
	TRY(text_field(c, "kosten-toelichting", &l->kosten_toelichting));
	TRY(code_field(c, "toegang", toegang, NULL, 0, &l->toegang));
	TRY(build_toegankelijkheid(c));
	TRY(build_talen(c));
	TRY(build_leeftijd(c));
	TRY(build_welzijn(c));
	TRY(int_field(c, "wachttijd-dagen", &l->wachttijd_dagen));
	TRY(text_field(c, "telefoon", &l->telefoon));
	TRY(text_field(c, "email", &l->email));
	TRY(text_field(c, "website", &l->website));
	TRY(text_field(c, "contactpersoon", &l->contactpersoon));
	TRY(date_field(c, "bijgewerkt", &l->bijgewerkt));
	TRY(date_field(c, "gecontroleerd", &l->gecontroleerd));
	return 0;
}

/* Remembers an accepted listing's id and wijk names for later records. */
static int
remember(struct build_ctx *c)
{
	const struct listing *l = c->out;
	char loc[4096];

	snprintf(loc, sizeof(loc), "%s:%ld", l->file ? l->file : "?", l->line);
	if (strset_put(c->ids, l->id, loc) < 0)
		return -1;
	for (size_t i = 0; i < l->nwijken; i++) {
		const struct wijk_ref *w = &l->wijken[i];
		const char *known = strset_get(c->wijken, w->code);

		if (known == NULL || (*known == '\0' && w->naam != NULL)) {
			if (strset_put(c->wijken, w->code,
			    w->naam ? w->naam : "") < 0)
				return -1;
		}
	}
	return 0;
}

/* Keeps a warning for each unknown XML element of the record (fields
 * named "<name>", see record.h). Returns 0, or -1 on ENOMEM. */
static int
warn_unknown_elements(struct build_ctx *c)
{
	const struct raw_record *r = c->rec;

	for (size_t i = 0; i < r->nfields; i++)
		if (r->fields[i].name[0] == '<' &&
		    warn(c, "onbekend element %s genegeerd (regel %ld)",
		    r->fields[i].name, r->fields[i].line) != 0)
			return -1;
	return 0;
}

/* The id to print before a message: as read, made printable; NULL
 * when there is none. */
static const char *
shown_id(struct build_ctx *c, const struct raw_record *rec)
{
	char tmp[SHOW_CHARS * 4 + 8];
	const char *id = rec->id, *t;
	size_t fi = def_index(c, "id"), len;

	if (id == NULL && c->first[fi] != NONE)
		id = rec->fields[c->first[fi]].value;
	if (id == NULL)
		return NULL;
	t = text_trim_span(id, strlen(id), &len);
	if (len == 0)
		return NULL;
	if (len >= sizeof(tmp))
		len = sizeof(tmp) - 1;
	memcpy(tmp, t, len);
	tmp[len] = '\0';
	return show(c, 0, tmp);
}

int
listing_build(struct build_ctx *c, const struct raw_record *rec,
              struct listing *out)
{
	const char *file = rec->file ? rec->file : "?";
	const char *id;
	int rc;

	c->d->read++;
	reset_record(c);
	c->rec = rec;
	c->out = out;
	out->file = rec->file;
	out->line = rec->line;
	if (index_fields(c) < 0) {
		rc = -1;
		goto done;
	}
	id = shown_id(c, rec);
	if (rec->error != NULL)
		rc = skip(c, "%s", rec->error);
	else if ((rc = warn_unknown_elements(c)) == 0)
		rc = build_fields(c);
	if (rc == 0)
		rc = remember(c) < 0 ? -1 : 1;
	else if (rc == SKIP)
		rc = 0;
	if (rc == 1) {
		for (size_t i = 0; i < c->nwarnings; i++)
			diag_warn(c->d, file, rec->line, out->id, "%s",
			    c->warnings[i]);
	} else if (rc == 0) {
		diag_skip(c->d, file, rec->line, id, "%s", c->reason);
	}
done:
	if (rc != 1)
		listing_free(out);
	reset_record(c);
	c->rec = NULL;
	c->out = NULL;
	return rc;
}
