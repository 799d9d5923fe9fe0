/*
 * fuzz_common.h - shared by the libFuzzer harnesses in tests/fuzz/.
 *
 * Holds the checks the harnesses run on what the code under test returns
 * (they abort() on a broken invariant, which libFuzzer reports as a crash),
 * and the reader harness shared by fuzz_xml.c and fuzz_csv.c. The checks
 * use their own tiny UTF-8 decoder rather than the project's, so a bug in
 * textutil.c cannot hide itself. Everything is static: each harness is one
 * translation unit.
 */
#ifndef SK_FUZZ_COMMON_H
#define SK_FUZZ_COMMON_H

#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fields.h"
#include "listing.h"
#include "listing_build.h"
#include "record.h"
#include "vocab.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

#define FUZZ_CHECK(cond, ...) do {                                     \
	if (!(cond)) {                                                 \
		fprintf(stderr, "fuzz invariant broken: %s (%s:%d): ", \
		    #cond, __FILE__, __LINE__);                        \
		fprintf(stderr, __VA_ARGS__);                          \
		fputc('\n', stderr);                                   \
		abort();                                               \
	}                                                              \
} while (0)

/* Length of the well-formed UTF-8 sequence at s[0..n) (no overlongs, no
 * surrogates, <= U+10FFFF) with its code point in *cp, or 0. */
static inline size_t
fz_utf8_next(const unsigned char *s, size_t n, uint32_t *cp)
{
	size_t len;
	uint32_t c;

	if (n == 0)
		return 0;
	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	if (s[0] >= 0xC2 && s[0] <= 0xDF) { len = 2; c = s[0] & 0x1F; }
	else if (s[0] >= 0xE0 && s[0] <= 0xEF) { len = 3; c = s[0] & 0x0F; }
	else if (s[0] >= 0xF0 && s[0] <= 0xF4) { len = 4; c = s[0] & 0x07; }
	else return 0;
	if (len > n)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return 0;
		c = (c << 6) | (s[i] & 0x3F);
	}
	if ((len == 3 && (c < 0x800 || (c >= 0xD800 && c <= 0xDFFF))) ||
	    (len == 4 && (c < 0x10000 || c > 0x10FFFF)))
		return 0;
	*cp = c;
	return len;
}

/* 1 when s[0..n) is well-formed UTF-8 without NUL bytes. */
static inline int
fz_utf8_ok(const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0;

	while (i < n) {
		uint32_t cp;
		size_t k = fz_utf8_next(u + i, n - i, &cp);

		if (k == 0 || cp == 0)
			return 0;
		i += k;
	}
	return 1;
}

/* Number of code points of valid UTF-8 s. */
static inline size_t
fz_chars(const char *s)
{
	size_t n = 0;

	for (; *s; s++)
		n += ((unsigned char)*s & 0xC0) != 0x80;
	return n;
}

/* A stored text value: valid UTF-8, no control characters other than tab,
 * LF and CR (C0, DEL, C1 are refused by the builder), not empty, no
 * surrounding ASCII white space (values are trimmed). */
static inline void
fz_check_text(const char *what, const char *s)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t n, i = 0;

	if (s == NULL)
		return;
	n = strlen(s);
	FUZZ_CHECK(n > 0, "%s is an empty string instead of NULL", what);
	while (i < n) {
		uint32_t cp;
		size_t k = fz_utf8_next(u + i, n - i, &cp);

		FUZZ_CHECK(k > 0, "%s is not valid UTF-8 at byte %zu", what, i);
		FUZZ_CHECK(!((cp < 0x20 && cp != '\t' && cp != '\n' &&
		    cp != '\r') || (cp >= 0x7F && cp <= 0x9F)),
		    "%s holds control character U+%04X", what, (unsigned)cp);
		i += k;
	}
	FUZZ_CHECK(s[0] != ' ' && s[0] != '\t' && s[0] != '\n' &&
	    s[0] != '\r' && s[n - 1] != ' ' && s[n - 1] != '\t' &&
	    s[n - 1] != '\n' && s[n - 1] != '\r', "%s is not trimmed: \"%s\"",
	    what, s);
}

static inline void
fz_check_len(const char *field, const char *s)
{
	const struct field_def *f = field_lookup(field);

	FUZZ_CHECK(f != NULL, "no field %s", field);
	fz_check_text(field, s);
	if (s != NULL && f->max_chars > 0)
		FUZZ_CHECK(fz_chars(s) <= f->max_chars, "%s has %zu chars, "
		    "limit %zu", field, fz_chars(s), f->max_chars);
}

static inline int
fz_in(const char *s, const char *const *set)
{
	for (size_t i = 0; set[i] != NULL; i++)
		if (strcmp(s, set[i]) == 0)
			return 1;
	return 0;
}

static inline void
fz_check_list(const char *what, const struct strlist *l,
              const char *const *set)
{
	FUZZ_CHECK(l->n <= l->cap || (l->n == 0 && l->cap == 0),
	    "%s: n %zu > cap %zu", what, l->n, l->cap);
	for (size_t i = 0; i < l->n; i++) {
		fz_check_text(what, l->v[i]);
		FUZZ_CHECK(l->v[i] != NULL, "%s[%zu] is NULL", what, i);
		if (set != NULL)
			FUZZ_CHECK(fz_in(l->v[i], set), "%s value \"%s\" not "
			    "allowed", what, l->v[i]);
		for (size_t j = 0; j < i; j++)
			FUZZ_CHECK(strcmp(l->v[i], l->v[j]) != 0, "%s holds "
			    "\"%s\" twice", what, l->v[i]);
	}
}

static inline int
fz_is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static inline int
fz_is_alnum(char c)
{
	return fz_is_digit(c) || (c >= 'a' && c <= 'z') ||
	    (c >= 'A' && c <= 'Z');
}

/* A real YYYY-MM-DD date, year 0001-9999. */
static inline int
fz_date_ok(const char *s)
{
	static const int mdays[12] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31,
	    30, 31 };
	int y, m, d;

	if (strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return 0;
	for (int i = 0; i < 10; i++)
		if (i != 4 && i != 7 && !fz_is_digit(s[i]))
			return 0;
	y = atoi(s);
	m = (s[5] - '0') * 10 + (s[6] - '0');
	d = (s[8] - '0') * 10 + (s[9] - '0');
	if (y < 1 || m < 1 || m > 12 || d < 1 || d > mdays[m - 1])
		return 0;
	if (m == 2 && d == 29 && !((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		return 0;
	return 1;
}

/* The schedule rows of tijden_parse(): dag 1..7, 0 <= start < eind <= 1440,
 * a known frequency. */
static inline void
fz_check_slots(const struct slot *s, size_t n)
{
	FUZZ_CHECK((s == NULL) == (n == 0), "slots %p but n %zu",
	    (const void *)s, n);
	for (size_t i = 0; i < n; i++) {
		FUZZ_CHECK(s[i].dag >= 1 && s[i].dag <= 7, "slot %zu dag %d",
		    i, s[i].dag);
		FUZZ_CHECK(s[i].start_min >= 0 && s[i].start_min < s[i].eind_min &&
		    s[i].eind_min <= 1440, "slot %zu %d-%d", i, s[i].start_min,
		    s[i].eind_min);
		FUZZ_CHECK(s[i].freq == FREQ_WEKELIJKS ||
		    s[i].freq == FREQ_2WEKELIJKS || s[i].freq == FREQ_MAANDELIJKS,
		    "slot %zu freq %d", i, s[i].freq);
	}
}

/* Everything listing_build() promises about an accepted listing. */
static inline void
fz_check_listing(const struct vocab *v, const struct listing *l)
{
	static const char *const soorten[] = { "formeel", "informeel",
	    "inwonersinitiatief", NULL };
	static const char *const statussen[] = { "actief", "gepauzeerd",
	    "beeindigd", NULL };
	static const char *const kosten[] = { "gratis", "vrijwillige-bijdrage",
	    "eigen-bijdrage", "betaald", NULL };
	static const char *const toegang[] = { "vrije-inloop", "aanmelden",
	    "verwijzing", "beschikking", NULL };
	static const char *const toegankelijk[] = { "rolstoel",
	    "invalidentoilet", "ringleiding", "prikkelarm", "ov", "begeleiding",
	    "aan-huis", NULL };
	size_t n;

	/* id: 1-64 of [A-Za-z0-9._:-] */
	FUZZ_CHECK(l->id != NULL, "accepted listing without id");
	n = strlen(l->id);
	FUZZ_CHECK(n >= 1 && n <= 64, "id length %zu", n);
	for (size_t i = 0; i < n; i++)
		FUZZ_CHECK(fz_is_alnum(l->id[i]) || strchr("._:-", l->id[i]),
		    "id \"%s\" has byte 0x%02x", l->id, (unsigned char)l->id[i]);

	FUZZ_CHECK(l->naam != NULL, "accepted listing without naam");
	fz_check_len("naam", l->naam);
	fz_check_len("samenvatting", l->samenvatting);
	fz_check_len("omschrijving", l->omschrijving);
	FUZZ_CHECK(l->soort != NULL && fz_in(l->soort, soorten), "soort %s",
	    l->soort ? l->soort : "(null)");
	FUZZ_CHECK(l->status != NULL && fz_in(l->status, statussen),
	    "status %s", l->status ? l->status : "(null)");
	fz_check_len("organisatie", l->organisatie);

	fz_check_list("themas", &l->themas, NULL);
	for (size_t i = 0; i < l->themas.n; i++)
		FUZZ_CHECK(vocab_thema(v, l->themas.v[i]) != NULL &&
		    strcmp(vocab_thema(v, l->themas.v[i])->code,
		    l->themas.v[i]) == 0, "thema \"%s\" is no code",
		    l->themas.v[i]);
	fz_check_list("doelgroepen", &l->doelgroepen, NULL);
	for (size_t i = 0; i < l->doelgroepen.n; i++)
		FUZZ_CHECK(vocab_doelgroep(v, l->doelgroepen.v[i]) != NULL &&
		    strcmp(vocab_doelgroep(v, l->doelgroepen.v[i])->code,
		    l->doelgroepen.v[i]) == 0, "doelgroep \"%s\" is no code",
		    l->doelgroepen.v[i]);
	fz_check_list("trefwoorden", &l->trefwoorden, NULL);

	FUZZ_CHECK(l->gemeente != NULL, "accepted listing without gemeente");
	{
		const struct gemeente_entry *g = vocab_gemeente(v, l->gemeente);

		FUZZ_CHECK(g != NULL && strcmp(g->code, l->gemeente) == 0,
		    "gemeente \"%s\" is no code of gebieden.csv", l->gemeente);
	}
	FUZZ_CHECK((l->wijken == NULL) == (l->nwijken == 0), "wijken %p n %zu",
	    (const void *)l->wijken, l->nwijken);
	for (size_t i = 0; i < l->nwijken; i++) {
		const char *c = l->wijken[i].code;

		FUZZ_CHECK(c != NULL && strlen(c) == 8 && c[0] == 'W' &&
		    c[1] == 'K' && memcmp(c + 2, l->gemeente + 2, 4) == 0 &&
		    fz_is_alnum(c[6]) && fz_is_alnum(c[7]),
		    "wijk code \"%s\" for gemeente %s", c ? c : "(null)",
		    l->gemeente);
		fz_check_text("wijk naam", l->wijken[i].naam);
		for (size_t j = 0; j < i; j++)
			FUZZ_CHECK(strcmp(c, l->wijken[j].code) != 0,
			    "wijk %s twice", c);
	}
	fz_check_list("werkgebied", &l->werkgebied, NULL);
	for (size_t i = 0; i < l->werkgebied.n; i++) {
		const struct gemeente_entry *g =
		    vocab_gemeente(v, l->werkgebied.v[i]);

		FUZZ_CHECK(g != NULL && strcmp(g->code, l->werkgebied.v[i]) == 0,
		    "werkgebied \"%s\" is no code", l->werkgebied.v[i]);
	}

	fz_check_len("adres", l->adres);
	fz_check_len("postcode", l->postcode);
	fz_check_len("plaats", l->plaats);
	FUZZ_CHECK(l->has_coords == 0 || l->has_coords == 1, "has_coords %d",
	    l->has_coords);
	if (l->has_coords)
		FUZZ_CHECK(isfinite(l->lat) && isfinite(l->lon) &&
		    l->lat >= -90 && l->lat <= 90 && l->lon >= -180 &&
		    l->lon <= 180, "coords %g %g", l->lat, l->lon);

	fz_check_len("tijden", l->tijden);
	FUZZ_CHECK(l->nslots == 0 || l->tijden != NULL, "slots without tijden");
	fz_check_slots(l->slots, l->nslots);
	fz_check_len("tijden-toelichting", l->tijden_toelichting);

	FUZZ_CHECK(l->kosten == NULL || fz_in(l->kosten, kosten), "kosten %s",
	    l->kosten);
	fz_check_len("kosten-toelichting", l->kosten_toelichting);
	FUZZ_CHECK(l->toegang == NULL || fz_in(l->toegang, toegang),
	    "toegang %s", l->toegang);
	fz_check_list("toegankelijkheid", &l->toegankelijkheid, toegankelijk);

	fz_check_list("talen", &l->talen, NULL);
	FUZZ_CHECK(l->talen.n >= 1, "no taal (default nl)");
	for (size_t i = 0; i < l->talen.n; i++) {
		const char *t = l->talen.v[i];
		size_t tn = strlen(t);

		FUZZ_CHECK(tn >= 2 && tn <= 3, "taal \"%s\"", t);
		for (size_t k = 0; k < tn; k++)
			FUZZ_CHECK(t[k] >= 'a' && t[k] <= 'z', "taal \"%s\"", t);
	}

	FUZZ_CHECK(l->leeftijd_min >= -1 && l->leeftijd_min <= 150 &&
	    l->leeftijd_max >= -1 && l->leeftijd_max <= 150, "leeftijd %d-%d",
	    l->leeftijd_min, l->leeftijd_max);
	FUZZ_CHECK(l->welzijn_op_recept == 0 || l->welzijn_op_recept == 1,
	    "welzijn_op_recept %d", l->welzijn_op_recept);
	FUZZ_CHECK(l->wachttijd_dagen >= -1, "wachttijd %d", l->wachttijd_dagen);

	fz_check_len("telefoon", l->telefoon);
	fz_check_len("email", l->email);
	fz_check_len("website", l->website);
	fz_check_len("contactpersoon", l->contactpersoon);
	FUZZ_CHECK(l->bijgewerkt == NULL || fz_date_ok(l->bijgewerkt),
	    "bijgewerkt \"%s\"", l->bijgewerkt);
	FUZZ_CHECK(l->gecontroleerd == NULL || fz_date_ok(l->gecontroleerd),
	    "gecontroleerd \"%s\"", l->gecontroleerd);
}

/* ---- FTS5 expressions made by searchd (fuzz_query.c, fuzz_expand.c) ------ */

/* The only FTS5 syntax searchd may produce from user text:
 *   expr   = term *( (" OR " | " AND ") term )
 *   term   = "(" expr ")" | string [ " *" ]
 *   string = '"' 1*( any byte but '"' | '""' ) '"'
 * (AND: the parts of a compound, expand.c; " *": the last word as a
 * prefix, plan_set_last_prefix.) No bareword, column filter, NEAR, ^ or
 * NOT can appear. fz_fts_expr() aborts on anything else and returns the
 * number of strings. */
static inline const char *fz_fts_expr_at(const char *e, int depth, int *n);

static inline const char *
fz_fts_term_at(const char *e, int depth, int *n)
{
	size_t inner = 0;

	if (*e == '(') {
		FUZZ_CHECK(depth < 8, "groups nested too deep");
		e = fz_fts_expr_at(e + 1, depth + 1, n);
		FUZZ_CHECK(*e == ')', "no ')' at \"%.40s\"", e);
		return e + 1;
	}
	FUZZ_CHECK(*e == '"', "no string at \"%.40s\"", e);
	for (e++;; e++, inner++) {
		FUZZ_CHECK(*e != '\0', "unterminated string");
		if (e[0] == '"' && e[1] == '"')
			e++;
		else if (*e == '"')
			break;
	}
	FUZZ_CHECK(inner > 0, "empty string");
	(*n)++;
	e++;
	if (strncmp(e, " *", 2) == 0)
		e += 2;
	return e;
}

static inline const char *
fz_fts_expr_at(const char *e, int depth, int *n)
{
	for (;;) {
		e = fz_fts_term_at(e, depth, n);
		if (strncmp(e, " OR ", 4) == 0)
			e += 4;
		else if (strncmp(e, " AND ", 5) == 0)
			e += 5;
		else
			return e;
	}
}

static inline int
fz_fts_expr(const char *e)
{
	int n = 0;

	FUZZ_CHECK(e != NULL && *e != '\0', "empty expression");
	FUZZ_CHECK(fz_utf8_ok(e, strlen(e)), "expression not UTF-8");
	e = fz_fts_expr_at(e, 0, &n);
	FUZZ_CHECK(*e == '\0', "junk after the expression: \"%.40s\"", e);
	return n;
}

/* ---- the reader harness (fuzz_xml.c, fuzz_csv.c) ------------------------- */

#ifdef FZ_READER_HARNESS

typedef int (*fz_reader_fn)(const char *name, const char *buf, size_t len,
                            struct diag *d, record_cb cb, void *ctx);

struct fz_reader_run {
	struct build_ctx *build;
	struct diag *d;
	const struct vocab *v;
	const char *name;
	long records, accepted;
	long last_line;
};

static struct vocab fz_vocab;
static FILE *fz_devnull;

static inline void
fz_reader_init(void)
{
	char err[256];

	if (vocab_load_builtin(&fz_vocab, err, sizeof(err)) != 0) {
		fprintf(stderr, "fuzz: vocab_load_builtin: %s\n", err);
		abort();
	}
	fz_devnull = fopen("/dev/null", "w");
	if (fz_devnull == NULL) {
		perror("fuzz: /dev/null");
		abort();
	}
}

static inline int
fz_on_record(const struct raw_record *rec, void *ctx)
{
	struct fz_reader_run *r = ctx;
	struct listing l;
	long read0 = r->d->read, skipped0 = r->d->skipped;
	int rc;

	/* what the readers promise about the record itself */
	FUZZ_CHECK(rec->line >= 1, "record line %ld", rec->line);
	FUZZ_CHECK(rec->file != NULL && strcmp(rec->file, r->name) == 0,
	    "rec->file is not the name passed");
	FUZZ_CHECK(rec->nfields <= rec->cap || rec->cap == 0,
	    "nfields %zu cap %zu", rec->nfields, rec->cap);
	if (rec->error == NULL) {
		if (rec->id != NULL)
			FUZZ_CHECK(fz_utf8_ok(rec->id, strlen(rec->id)),
			    "id not UTF-8");
		for (size_t i = 0; i < rec->nfields; i++) {
			const struct raw_field *f = &rec->fields[i];

			FUZZ_CHECK(f->name != NULL && f->value != NULL,
			    "field %zu without name or value", i);
			FUZZ_CHECK(f->line >= rec->line, "field %s on line %ld "
			    "before its record (line %ld)", f->name, f->line,
			    rec->line);
			/* Both readers hand over UTF-8 (CSV converts
			 * windows-1252, libxml2 converts the declared encoding).
			 * FZ_TOLERATE_READER_UTF8 turns this off, to go on
			 * fuzzing past a known reader bug; an accepted listing
			 * is still checked (fz_check_listing). */
			FUZZ_CHECK(fz_utf8_ok(f->name, strlen(f->name)),
			    "field name not UTF-8");
#ifndef FZ_TOLERATE_READER_UTF8
			FUZZ_CHECK(fz_utf8_ok(f->value, strlen(f->value)),
			    "field %s value not UTF-8", f->name);
#endif
		}
	}
	FUZZ_CHECK(rec->line >= r->last_line, "records out of order: line "
	    "%ld after %ld", rec->line, r->last_line);
	r->last_line = rec->line;
	r->records++;

	listing_init(&l);
	rc = listing_build(r->build, rec, &l);
	FUZZ_CHECK(rc >= -1 && rc <= 1, "listing_build returned %d", rc);
	FUZZ_CHECK(r->d->read == read0 + 1, "d->read not counted");
	if (rc < 0)
		return -1;	/* out of memory: stop, as the indexer does */
	if (rc == 0) {
		FUZZ_CHECK(r->d->skipped == skipped0 + 1, "skip not counted");
		FUZZ_CHECK(l.id == NULL && l.naam == NULL && l.nslots == 0,
		    "skipped listing not left empty");
	} else {
		FUZZ_CHECK(r->d->skipped == skipped0, "accepted but skipped");
		FUZZ_CHECK(rec->error == NULL, "record with reader error "
		    "accepted: %s", rec->error);
		fz_check_listing(r->v, &l);
		r->accepted++;
	}
	listing_free(&l);
	return 0;
}

static inline int
fz_run_reader(fz_reader_fn fn, const char *name, const uint8_t *data,
              size_t size)
{
	struct diag d;
	struct fz_reader_run r;
	int rc;

	memset(&d, 0, sizeof(d));
	d.out = fz_devnull;
	memset(&r, 0, sizeof(r));
	r.d = &d;
	r.v = &fz_vocab;
	r.name = name;
	r.build = build_ctx_new(&fz_vocab, &d);
	if (r.build == NULL)
		return 0;
	rc = fn(name, (const char *)data, size, &d, fz_on_record, &r);
	FUZZ_CHECK(rc == 0 || rc == -1 || rc == -2, "reader returned %d", rc);
	FUZZ_CHECK(d.read == r.records, "d.read %ld but %ld records", d.read,
	    r.records);
	FUZZ_CHECK(d.skipped == r.records - r.accepted, "skipped %ld, records "
	    "%ld, accepted %ld", d.skipped, r.records, r.accepted);
	if (rc == -1)
		FUZZ_CHECK(d.rejected >= 1, "file rejected without diag_reject");
	if (rc == 0)
		FUZZ_CHECK(d.rejected == 0, "diag_reject but the file was read");
	build_ctx_free(r.build);
	return 0;
}

#endif /* FZ_READER_HARNESS */

#endif
