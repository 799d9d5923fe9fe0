/*
 * test_listing_build.c - unit tests for indexer/listing_build.c (suite
 * "listing_build"): every skip rule and every warning rule of
 * aanbod-formaat.md, with the exact message lines of diag.h.
 *
 * Each test gets a fresh vocab (the built-in one), a diag writing to an
 * in-memory stream and a fresh build_ctx.
 */
#include <criterion/criterion.h>
#include <limits.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "listing.h"
#include "listing_build.h"
#include "record.h"
#include "vocab.h"

static struct vocab V;
static struct diag D;
static char *dbuf;
static size_t dlen, mark;
static struct build_ctx *C;

static void
setup(void)
{
	char err[256] = "";

	cr_assert_eq(vocab_load_builtin(&V, err, sizeof(err)), 0, "%s", err);
	memset(&D, 0, sizeof(D));
	D.out = open_memstream(&dbuf, &dlen);
	cr_assert_not_null(D.out);
	mark = 0;
	C = build_ctx_new(&V, &D);
	cr_assert_not_null(C);
}

static void
teardown(void)
{
	build_ctx_free(C);
	fclose(D.out);
	free(dbuf);
	vocab_free(&V);
}

TestSuite(listing_build, .init = setup, .fini = teardown);

/* ---- helpers ------------------------------------------------------------ */

/* What diag wrote since the last call (valid until the next write). */
static const char *
output(void)
{
	const char *s;

	fflush(D.out);
	s = dbuf ? dbuf + mark : "";
	mark = dlen;
	return s;
}

/* An XML record (one value per field, HTML allowed) with id as the
 * attribute, at t.xml:10. */
static void
xml_rec(struct raw_record *r, const char *id)
{
	memset(r, 0, sizeof(*r));
	r->file = "t.xml";
	r->line = 10;
	r->html_allowed = 1;
	if (id != NULL)
		cr_assert_eq(raw_record_set_id(r, id), 0);
}

/* A CSV record ('|' between values, no HTML) at t.csv:4. The id is a
 * column like any other. */
static void
csv_rec(struct raw_record *r)
{
	memset(r, 0, sizeof(*r));
	r->file = "t.csv";
	r->line = 4;
	r->multi_joined = 1;
}

static void
put(struct raw_record *r, const char *name, const char *value)
{
	cr_assert_eq(raw_record_add(r, name, value, r->line + 1), 0);
}

/* The required fields, except the one named (may be NULL). */
static void
required_but(struct raw_record *r, const char *except)
{
	static const char *const req[][2] = {
		{ "naam", "Koffieochtend" }, { "soort", "informeel" },
		{ "gemeente", "GM0307" },
	};

	for (size_t i = 0; i < 3; i++)
		if (except == NULL || strcmp(except, req[i][0]) != 0)
			put(r, req[i][0], req[i][1]);
}

/* A valid XML record t-1 with one extra field. */
static void
xml_with(struct raw_record *r, const char *name, const char *value)
{
	xml_rec(r, "t-1");
	required_but(r, NULL);
	if (name != NULL)
		put(r, name, value);
}

/* A valid CSV record c-1 with one extra field. */
static void
csv_with(struct raw_record *r, const char *name, const char *value)
{
	csv_rec(r);
	put(r, "id", "c-1");
	required_but(r, NULL);
	if (name != NULL)
		put(r, name, value);
}

/* Builds r, expects it skipped with exactly the line want, and frees r. */
static void
expect_skip(struct raw_record *r, const char *want)
{
	struct listing l;
	long read = D.read, skipped = D.skipped, warnings = D.warnings;

	listing_init(&l);
	cr_assert_eq(listing_build(C, r, &l), 0, "want skip: %s", want);
	cr_assert_str_eq(output(), want);
	cr_assert_eq(D.read, read + 1);
	cr_assert_eq(D.skipped, skipped + 1);
	cr_assert_eq(D.warnings, warnings, "no warnings for a skipped listing");
	cr_assert_null(l.id, "listing left empty");
	cr_assert_null(l.naam);
	cr_assert_eq(l.themas.n, 0);
	cr_assert_eq(l.talen.n, 0);
	cr_assert_eq(l.leeftijd_min, -1);
	raw_record_free(r);
}

/* Builds r into *l (caller frees), expects it accepted with exactly the
 * output want ("" for none), and frees r. */
static void
expect_ok(struct raw_record *r, struct listing *l, const char *want)
{
	long skipped = D.skipped;

	listing_init(l);
	cr_assert_eq(listing_build(C, r, l), 1, "want import (%s)", want);
	cr_assert_str_eq(output(), want);
	cr_assert_eq(D.skipped, skipped);
	raw_record_free(r);
}

/* An XML record t-1 with one extra field must be skipped with reason. */
static void
skip_xml_with(const char *name, const char *value, const char *reason)
{
	struct raw_record r;
	char want[1024];

	xml_with(&r, name, value);
	snprintf(want, sizeof(want), "t.xml:10: id=t-1: %s\n", reason);
	expect_skip(&r, want);
}

/* Starts a new run: no ids or wijk names seen yet. */
static void
fresh_ctx(void)
{
	build_ctx_free(C);
	C = build_ctx_new(&V, &D);
	cr_assert_not_null(C);
}

/* An XML record t-1 with one extra field is accepted, in a new run, with
 * one warning (or none when reason is NULL); *l receives it. */
static void
warn_xml_with(const char *name, const char *value, const char *reason,
              struct listing *l)
{
	struct raw_record r;
	char want[1024] = "";

	fresh_ctx();
	xml_with(&r, name, value);
	if (reason != NULL)
		snprintf(want, sizeof(want), "t.xml:10: id=t-1: warning: %s\n",
		    reason);
	expect_ok(&r, l, want);
}

static char *
repeat(const char *unit, size_t n)
{
	size_t ul = strlen(unit);
	char *s = malloc(ul * n + 1);

	cr_assert_not_null(s);
	for (size_t i = 0; i < n; i++)
		memcpy(s + i * ul, unit, ul);
	s[ul * n] = '\0';
	return s;
}

/* ---- a good listing ----------------------------------------------------- */

Test(listing_build, full_xml_listing)
{
	struct raw_record r;
	struct listing l;

	xml_rec(&r, "  vb-001 ");
	put(&r, "naam", "  Buurtkamer De Kruiskamp ");
	put(&r, "samenvatting", "Koffie en een praatje.");
	put(&r, "omschrijving", "<p>In de buurtkamer is iedereen welkom.</p>"
	    "<ul><li>koffie</li><li>thee</li></ul>");
	put(&r, "soort", "Informeel");
	put(&r, "status", "gepauzeerd");
	put(&r, "organisatie", "Stichting Buurtwerk");
	put(&r, "thema", "ontmoeting");
	put(&r, "thema", "Bewegen en sport");
	put(&r, "doelgroep", "ouderen");
	put(&r, "doelgroep", "eenzamen");
	put(&r, "trefwoord", "koffieochtend");
	put(&r, "gemeente", "Amersfoort");
	put(&r, "wijk", "WK030712=Kruiskamp");
	put(&r, "werkgebied", "GM0327");
	put(&r, "werkgebied", "Woudenberg");
	put(&r, "adres", "Kruiskamp 10");
	put(&r, "postcode", "3817ab");
	put(&r, "plaats", "Amersfoort");
	put(&r, "lat", "52.1652");
	put(&r, "lon", "5.4083");
	put(&r, "tijden", "ma,wo 09:30-12:00");
	put(&r, "tijden-toelichting", "niet in de schoolvakanties");
	put(&r, "kosten", "vrijwillige-bijdrage");
	put(&r, "kosten-toelichting", "\xE2\x82\xAC 2,50 per keer");
	put(&r, "toegang", "Vrije-Inloop");
	put(&r, "toegankelijkheid", "rolstoel");
	put(&r, "toegankelijkheid", "invalidentoilet");
	put(&r, "taal", "nl");
	put(&r, "taal", "tr");
	put(&r, "leeftijd-min", "55");
	put(&r, "leeftijd-max", "150");
	put(&r, "welzijn-op-recept", "ja");
	put(&r, "wachttijd-dagen", "0");
	put(&r, "telefoon", "033 123 45 67");
	put(&r, "email", "info@example.nl");
	put(&r, "website", "https://www.example.nl/");
	put(&r, "contactpersoon", "Jan");
	put(&r, "bijgewerkt", "2026-10-12");
	put(&r, "gecontroleerd", "2024-02-29");
	expect_ok(&r, &l, "");

	cr_assert_str_eq(l.file, "t.xml");
	cr_assert_eq(l.line, 10);
	cr_assert_str_eq(l.id, "vb-001");
	cr_assert_str_eq(l.naam, "Buurtkamer De Kruiskamp");
	cr_assert_str_eq(l.samenvatting, "Koffie en een praatje.");
	cr_assert_str_eq(l.omschrijving,
	    "In de buurtkamer is iedereen welkom.\n\n- koffie\n- thee");
	cr_assert_str_eq(l.soort, "informeel");
	cr_assert_str_eq(l.status, "gepauzeerd");
	cr_assert_str_eq(l.organisatie, "Stichting Buurtwerk");
	cr_assert_eq(l.themas.n, 2);
	cr_assert_str_eq(l.themas.v[0], "ontmoeting");
	cr_assert_str_eq(l.themas.v[1], "bewegen");
	cr_assert_eq(l.doelgroepen.n, 2);
	cr_assert_str_eq(l.doelgroepen.v[1], "eenzamen");
	cr_assert_eq(l.trefwoorden.n, 1);
	cr_assert_str_eq(l.trefwoorden.v[0], "koffieochtend");
	cr_assert_str_eq(l.gemeente, "GM0307");
	cr_assert_eq(l.nwijken, 1);
	cr_assert_str_eq(l.wijken[0].code, "WK030712");
	cr_assert_str_eq(l.wijken[0].naam, "Kruiskamp");
	cr_assert_eq(l.werkgebied.n, 2);
	cr_assert_str_eq(l.werkgebied.v[0], "GM0327");
	cr_assert_str_eq(l.werkgebied.v[1], "GM0351");
	cr_assert_str_eq(l.adres, "Kruiskamp 10");
	cr_assert_str_eq(l.postcode, "3817 AB");
	cr_assert_str_eq(l.plaats, "Amersfoort");
	cr_assert_eq(l.has_coords, 1);
	cr_assert_float_eq(l.lat, 52.1652, 1e-9);
	cr_assert_float_eq(l.lon, 5.4083, 1e-9);
	cr_assert_str_eq(l.tijden, "ma,wo 09:30-12:00");
	cr_assert_eq(l.nslots, 2);
	cr_assert_eq(l.slots[1].dag, 3);
	cr_assert_eq(l.slots[1].start_min, 570);
	cr_assert_eq(l.slots[1].eind_min, 720);
	cr_assert_eq(l.slots[1].freq, FREQ_WEKELIJKS);
	cr_assert_str_eq(l.tijden_toelichting, "niet in de schoolvakanties");
	cr_assert_str_eq(l.kosten, "vrijwillige-bijdrage");
	cr_assert_str_eq(l.kosten_toelichting, "\xE2\x82\xAC 2,50 per keer");
	cr_assert_str_eq(l.toegang, "vrije-inloop");
	cr_assert_eq(l.toegankelijkheid.n, 2);
	cr_assert_str_eq(l.toegankelijkheid.v[1], "invalidentoilet");
	cr_assert_eq(l.talen.n, 2);
	cr_assert_str_eq(l.talen.v[1], "tr");
	cr_assert_eq(l.leeftijd_min, 55);
	cr_assert_eq(l.leeftijd_max, 150);
	cr_assert_eq(l.welzijn_op_recept, 1);
	cr_assert_eq(l.wachttijd_dagen, 0);
	cr_assert_str_eq(l.telefoon, "033 123 45 67");
	cr_assert_str_eq(l.email, "info@example.nl");
	cr_assert_str_eq(l.website, "https://www.example.nl/");
	cr_assert_str_eq(l.contactpersoon, "Jan");
	cr_assert_str_eq(l.bijgewerkt, "2026-10-12");
	cr_assert_str_eq(l.gecontroleerd, "2024-02-29");
	cr_assert_eq(D.read, 1);
	cr_assert_eq(D.skipped, 0);
	cr_assert_eq(D.warnings, 0);
	listing_free(&l);
	cr_assert_null(l.id);
	cr_assert_eq(l.leeftijd_min, -1);
}

Test(listing_build, minimal_listing_gets_defaults)
{
	struct raw_record r;
	struct listing l;

	xml_with(&r, "kleur", "rood");	/* not a field: ignored here */
	expect_ok(&r, &l, "");
	cr_assert_str_eq(l.status, "actief");
	cr_assert_eq(l.welzijn_op_recept, 0);
	cr_assert_eq(l.talen.n, 1);
	cr_assert_str_eq(l.talen.v[0], "nl");
	cr_assert_null(l.samenvatting);
	cr_assert_null(l.omschrijving);
	cr_assert_null(l.kosten);
	cr_assert_null(l.toegang);
	cr_assert_null(l.tijden);
	cr_assert_null(l.slots);
	cr_assert_eq(l.werkgebied.n, 1, "the default: its own gemeente");
	cr_assert_str_eq(l.werkgebied.v[0], "GM0307");
	cr_assert_eq(l.nwijken, 0);
	cr_assert_eq(l.has_coords, 0);
	cr_assert_eq(l.leeftijd_min, -1);
	cr_assert_eq(l.leeftijd_max, -1);
	cr_assert_eq(l.wachttijd_dagen, -1);
	listing_free(&l);
}

Test(listing_build, csv_listing_splits_multi_values)
{
	struct raw_record r;
	struct listing l;

	csv_rec(&r);
	put(&r, "id", " c-1 ");
	put(&r, "naam", "Koffie | thee");
	put(&r, "soort", "formeel");
	put(&r, "gemeente", "gm0632");
	put(&r, "thema", "ontmoeting| cultuur ||");
	put(&r, "trefwoord", "a| b ||c|a|b");
	put(&r, "toegankelijkheid", "Rolstoel|OV|rolstoel");
	put(&r, "wijk", "WK063204=Snel en Polanen|WK063205=Harmelen");
	put(&r, "omschrijving", "Regel 1\r\nRegel 2\rRegel 3\n\n<p>geen HTML</p>");
	put(&r, "tijden-toelichting", "");
	expect_ok(&r, &l, "");
	cr_assert_str_eq(l.id, "c-1");
	cr_assert_str_eq(l.naam, "Koffie | thee", "single fields are not split");
	cr_assert_str_eq(l.gemeente, "GM0632");
	cr_assert_eq(l.themas.n, 2);
	cr_assert_str_eq(l.themas.v[1], "cultuur");
	cr_assert_eq(l.trefwoorden.n, 3);
	cr_assert_str_eq(l.trefwoorden.v[0], "a");
	cr_assert_str_eq(l.trefwoorden.v[1], "b");
	cr_assert_str_eq(l.trefwoorden.v[2], "c");
	cr_assert_eq(l.toegankelijkheid.n, 2);
	cr_assert_str_eq(l.toegankelijkheid.v[0], "rolstoel");
	cr_assert_str_eq(l.toegankelijkheid.v[1], "ov");
	cr_assert_eq(l.nwijken, 2);
	cr_assert_str_eq(l.wijken[0].naam, "Snel en Polanen");
	cr_assert_str_eq(l.wijken[1].code, "WK063205");
	cr_assert_str_eq(l.omschrijving,
	    "Regel 1\nRegel 2\nRegel 3\n\n<p>geen HTML</p>");
	cr_assert_null(l.tijden_toelichting, "empty counts as absent");
	listing_free(&l);
}

Test(listing_build, omschrijving_html_is_reduced_in_xml_only)
{
	struct listing l;

	warn_xml_with("omschrijving", "<p>a &amp; b</p><p>c<br>d</p>", NULL, &l);
	cr_assert_str_eq(l.omschrijving, "a & b\n\nc\nd");
	listing_free(&l);
	warn_xml_with("omschrijving", "  Regel 1\nRegel 2  ", NULL, &l);
	cr_assert_str_eq(l.omschrijving, "Regel 1\nRegel 2");
	listing_free(&l);
	warn_xml_with("omschrijving", "<p> </p><br>", NULL, &l);
	cr_assert_null(l.omschrijving, "only markup: no description");
	listing_free(&l);
	warn_xml_with("omschrijving", "<p>a</p><script>alert(1)</script>", NULL, &l);
	cr_assert_str_eq(l.omschrijving, "a");
	listing_free(&l);
}

Test(listing_build, code_values_are_case_insensitive_and_lower_cased)
{
	static const struct { const char *field, *in, *want; } cases[] = {
		{ "status", "Be\xC3\xABindigd", "beeindigd" },
		{ "status", "BE\xC3\x8BINDIGD", "beeindigd" },
		{ "status", "beeindigd", "beeindigd" },
		{ "status", "GEPAUZEERD", "gepauzeerd" },
		{ "status", "Actief", "actief" },
		{ "soort", "INWONERSINITIATIEF", "inwonersinitiatief" },
		{ "kosten", "Eigen-Bijdrage", "eigen-bijdrage" },
		{ "kosten", "betaald", "betaald" },
		{ "kosten", "GRATIS", "gratis" },
		{ "toegang", "Beschikking", "beschikking" },
		{ "toegang", "verwijzing", "verwijzing" },
		{ "toegang", "AANMELDEN", "aanmelden" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct raw_record r;
		struct listing l;
		char *got;

		xml_rec(&r, "t-1");
		put(&r, cases[i].field, cases[i].in);
		required_but(&r, cases[i].field);
		expect_ok(&r, &l, "");
		got = strcmp(cases[i].field, "status") == 0 ? l.status :
		    strcmp(cases[i].field, "soort") == 0 ? l.soort :
		    strcmp(cases[i].field, "kosten") == 0 ? l.kosten : l.toegang;
		cr_assert_str_eq(got, cases[i].want, "%s", cases[i].in);
		listing_free(&l);
		fresh_ctx();
	}
}

Test(listing_build, welzijn_op_recept)
{
	struct listing l;

	warn_xml_with("welzijn-op-recept", "JA", NULL, &l);
	cr_assert_eq(l.welzijn_op_recept, 1);
	listing_free(&l);
	warn_xml_with("welzijn-op-recept", "Nee", NULL, &l);
	cr_assert_eq(l.welzijn_op_recept, 0);
	listing_free(&l);
}

Test(listing_build, gemeente_by_code_or_name)
{
	static const struct { const char *in, *want; } cases[] = {
		{ "GM0307", "GM0307" }, { "gm0307", "GM0307" },
		{ "Utrechtse Heuvelrug", "GM1581" }, { " de bilt ", "GM0310" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct raw_record r;
		struct listing l;

		xml_rec(&r, "t-1");
		required_but(&r, "gemeente");
		put(&r, "gemeente", cases[i].in);
		expect_ok(&r, &l, "");
		cr_assert_str_eq(l.gemeente, cases[i].want);
		listing_free(&l);
		fresh_ctx();
	}
}

Test(listing_build, accepted_limits)
{
	struct listing l;
	char *naam = repeat("\xC3\xA9", 200);	/* 200 characters, 400 bytes */
	char *html = repeat("<b></b>", 5000);
	char *body = repeat("x", 19990);
	char omschrijving[64000];
	struct raw_record r;

	xml_rec(&r, "t-1");
	put(&r, "naam", naam);
	required_but(&r, "naam");
	snprintf(omschrijving, sizeof(omschrijving), "<p>%s</p>%s", body, html);
	put(&r, "omschrijving", omschrijving);
	put(&r, "leeftijd-min", "0");
	put(&r, "leeftijd-max", "150");
	put(&r, "wachttijd-dagen", "36500");
	put(&r, "lat", "-90");
	put(&r, "lon", "180");
	expect_ok(&r, &l, "");
	cr_assert_str_eq(l.naam, naam);
	cr_assert_str_eq(l.omschrijving, body);
	cr_assert_eq(l.wachttijd_dagen, 36500);
	cr_assert_float_eq(l.lat, -90.0, 1e-12);
	listing_free(&l);
	free(naam);
	free(html);
	free(body);
}

/* ---- skip rules --------------------------------------------------------- */

Test(listing_build, reader_error_skips)
{
	struct raw_record r;

	csv_with(&r, NULL, NULL);
	r.error = "rij heeft 3 velden, de kop heeft er 35";
	expect_skip(&r, "t.csv:4: id=c-1: rij heeft 3 velden, de kop heeft "
	    "er 35\n");
}

Test(listing_build, required_fields_missing_or_empty)
{
	static const char *const req[] = { "naam", "soort", "gemeente" };
	struct raw_record r;
	char want[256];

	for (size_t i = 0; i < 3; i++) {
		xml_rec(&r, "t-1");
		required_but(&r, req[i]);
		snprintf(want, sizeof(want), "t.xml:10: id=t-1: verplicht veld "
		    "%s ontbreekt\n", req[i]);
		expect_skip(&r, want);

		xml_rec(&r, "t-1");
		required_but(&r, req[i]);
		put(&r, req[i], " \t ");
		expect_skip(&r, want);
	}
	xml_rec(&r, NULL);
	required_but(&r, NULL);
	expect_skip(&r, "t.xml:10: id=?: verplicht veld id ontbreekt\n");
	xml_rec(&r, "   ");
	required_but(&r, NULL);
	expect_skip(&r, "t.xml:10: id=?: verplicht veld id ontbreekt\n");
	csv_rec(&r);
	put(&r, "id", "");
	required_but(&r, NULL);
	expect_skip(&r, "t.csv:4: id=?: verplicht veld id ontbreekt\n");
}

Test(listing_build, id_pattern_and_length)
{
	struct raw_record r;
	char *longid = repeat("a", 65), *maxid = repeat("b", 64);
	char want[512];

	xml_rec(&r, "amf 1");
	required_but(&r, NULL);
	expect_skip(&r, "t.xml:10: id=amf 1: id \"amf 1\" mag alleen letters, "
	    "cijfers en . _ : - bevatten\n");
	xml_rec(&r, "caf\xC3\xA9/1");
	required_but(&r, NULL);
	expect_skip(&r, "t.xml:10: id=caf\xC3\xA9/1: id \"caf\xC3\xA9/1\" mag "
	    "alleen letters, cijfers en . _ : - bevatten\n");
	xml_rec(&r, longid);
	required_but(&r, NULL);
	/* an id too long is shortened to 63 characters + "…" */
	snprintf(want, sizeof(want), "t.xml:10: id=%.63s\xE2\x80\xA6: veld id is "
	    "te lang: 65 tekens, maximaal 64\n", longid);
	expect_skip(&r, want);
	/* a valid id of the longest length is shown in full */
	xml_rec(&r, maxid);
	required_but(&r, "soort");
	put(&r, "soort", "zorg");
	snprintf(want, sizeof(want), "t.xml:10: id=%s: onbekende soort "
	    "\"zorg\"\n", maxid);
	expect_skip(&r, want);
	xml_rec(&r, "a\nb");
	required_but(&r, NULL);
	expect_skip(&r, "t.xml:10: id=a b: id \"a b\" mag alleen letters, "
	    "cijfers en . _ : - bevatten\n");
	free(longid);
	free(maxid);
}

Test(listing_build, unknown_code_values)
{
	skip_xml_with("status", "open", "onbekende status \"open\"");
	skip_xml_with("status", "be\xC3\xA9indigd", "onbekende status "
	    "\"be\xC3\xA9indigd\"");
	skip_xml_with("kosten", "duur", "onbekende kosten \"duur\"");
	skip_xml_with("toegang", "deur", "onbekende toegang \"deur\"");
	skip_xml_with("toegankelijkheid", "lift",
	    "onbekende toegankelijkheid \"lift\"");
	skip_xml_with("welzijn-op-recept", "misschien",
	    "onbekende welzijn-op-recept \"misschien\"");

	struct raw_record r;

	xml_rec(&r, "t-1");
	required_but(&r, "soort");
	put(&r, "soort", "zorg");
	expect_skip(&r, "t.xml:10: id=t-1: onbekende soort \"zorg\"\n");

	csv_with(&r, "toegankelijkheid", "rolstoel|Lift");
	expect_skip(&r, "t.csv:4: id=c-1: onbekende toegankelijkheid \"Lift\"\n");
}

Test(listing_build, unknown_gemeente)
{
	static const char *const bad[] = { "Amsterdam", "GM9999", "GM0363",
	    "0307", "GM030" };
	struct raw_record r;
	char want[256];

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		xml_rec(&r, "t-1");
		required_but(&r, "gemeente");
		put(&r, "gemeente", bad[i]);
		snprintf(want, sizeof(want), "t.xml:10: id=t-1: onbekende "
		    "gemeente \"%s\"\n", bad[i]);
		expect_skip(&r, want);
	}
}

Test(listing_build, dates_must_be_real)
{
	skip_xml_with("gecontroleerd", "2026-02-30",
	    "datum gecontroleerd is geen echte datum: \"2026-02-30\"");
	skip_xml_with("bijgewerkt", "2025-02-29",
	    "datum bijgewerkt is geen echte datum: \"2025-02-29\"");
	skip_xml_with("bijgewerkt", "12-10-2026",
	    "datum bijgewerkt is geen echte datum: \"12-10-2026\"");
	skip_xml_with("gecontroleerd", "2026-10-12T10:00",
	    "datum gecontroleerd is geen echte datum: \"2026-10-12T10:00\"");

	struct listing l;

	warn_xml_with("bijgewerkt", "2024-02-29", NULL, &l);
	cr_assert_str_eq(l.bijgewerkt, "2024-02-29");
	listing_free(&l);
}

Test(listing_build, numbers)
{
	struct listing l;

	/* not a number: skipped */
	skip_xml_with("leeftijd-min", "abc",
	    "leeftijd-min is geen geheel getal van 0 of meer: \"abc\"");
	skip_xml_with("leeftijd-min", "-1",
	    "leeftijd-min is geen geheel getal van 0 of meer: \"-1\"");
	skip_xml_with("leeftijd-max", "12 jaar",
	    "leeftijd-max is geen geheel getal van 0 of meer: \"12 jaar\"");
	skip_xml_with("leeftijd-max", "+",
	    "leeftijd-max is geen geheel getal van 0 of meer: \"+\"");
	skip_xml_with("wachttijd-dagen", "2.5",
	    "wachttijd-dagen is geen geheel getal van 0 of meer: \"2.5\"");
	skip_xml_with("lat", "52.1N", "lat is geen getal: \"52.1N\"");
	skip_xml_with("lon", "abc", "lon is geen getal: \"abc\"");
	skip_xml_with("lon", "+-5", "lon is geen getal: \"+-5\"");

	/* a number, however large: kept (capped at INT_MAX) */
	warn_xml_with("leeftijd-max", "151", NULL, &l);
	cr_assert_eq(l.leeftijd_max, 151);
	listing_free(&l);
	warn_xml_with("leeftijd-min", "+5", NULL, &l);
	cr_assert_eq(l.leeftijd_min, 5);
	listing_free(&l);
	warn_xml_with("wachttijd-dagen", "99999999999999999999", NULL, &l);
	cr_assert_eq(l.wachttijd_dagen, INT_MAX);
	listing_free(&l);

	/* coordinates: a decimal comma and '+' are fine; out of range the
	 * pair is dropped with a warning and the listing imported */
	fresh_ctx();
	struct raw_record r;

	xml_with(&r, "lat", "+52,15");
	put(&r, "lon", "5.38");
	expect_ok(&r, &l, "");
	cr_assert(l.has_coords);
	cr_assert_float_eq(l.lat, 52.15, 1e-9);
	listing_free(&l);
	fresh_ctx();
	xml_with(&r, "lat", "91");
	put(&r, "lon", "5.38");
	expect_ok(&r, &l, "t.xml:10: id=t-1: warning: lat 91 ligt niet tussen "
	    "-90 en 90, co\xC3\xB6rdinaten weggelaten\n");
	cr_assert_not(l.has_coords);
	listing_free(&l);
	fresh_ctx();
	xml_with(&r, "lon", "-180.01");
	put(&r, "lat", "52");
	expect_ok(&r, &l, "t.xml:10: id=t-1: warning: lon -180.01 ligt niet "
	    "tussen -180 en 180, co\xC3\xB6rdinaten weggelaten\n");
	cr_assert_not(l.has_coords);
	listing_free(&l);
}

Test(listing_build, fields_longer_than_their_limit)
{
	struct raw_record r;
	char *s = repeat("x", 201);

	xml_rec(&r, "t-1");
	put(&r, "naam", s);
	required_but(&r, "naam");
	expect_skip(&r, "t.xml:10: id=t-1: veld naam is te lang: 201 tekens, "
	    "maximaal 200\n");
	free(s);
	s = repeat("\xC3\xA9", 301);
	skip_xml_with("samenvatting", s,
	    "veld samenvatting is te lang: 301 tekens, maximaal 300");
	free(s);

	char *body = repeat("y", 20001), *html;

	csv_with(&r, "omschrijving", body);
	expect_skip(&r, "t.csv:4: id=c-1: veld omschrijving is te lang: 20001 "
	    "tekens, maximaal 20000\n");
	html = malloc(20001 + 8);
	snprintf(html, 20001 + 8, "<p>%s</p>", body);
	skip_xml_with("omschrijving", html,
	    "veld omschrijving is te lang: 20001 tekens, maximaal 20000");
	free(html);
	free(body);
}

Test(listing_build, naam_too_long_is_checked_after_xml_duplicates)
{
	struct raw_record r;
	char *s = repeat("x", 201);

	xml_rec(&r, "t-1");
	required_but(&r, NULL);		/* first naam is fine */
	put(&r, "naam", s);		/* second one is ignored */
	struct listing l;

	expect_ok(&r, &l, "t.xml:10: id=t-1: warning: veld naam staat er meer "
	    "dan \xC3\xA9\xC3\xA9n keer in; de eerste waarde telt\n");
	cr_assert_str_eq(l.naam, "Koffieochtend");
	listing_free(&l);
	free(s);
}

Test(listing_build, duplicate_id_is_skipped)
{
	struct raw_record r;
	struct listing l;

	xml_with(&r, NULL, NULL);
	expect_ok(&r, &l, "");
	listing_free(&l);

	csv_rec(&r);
	r.file = "u.csv";
	r.line = 20;
	put(&r, "id", "t-1");
	required_but(&r, NULL);
	expect_skip(&r, "u.csv:20: id=t-1: id komt al eerder voor (t.xml:10)\n");

	/* a skipped listing's id does not count as seen */
	xml_rec(&r, "t-2");
	required_but(&r, "soort");
	expect_skip(&r, "t.xml:10: id=t-2: verplicht veld soort ontbreekt\n");
	xml_rec(&r, "t-2");
	required_but(&r, NULL);
	expect_ok(&r, &l, "");
	listing_free(&l);
	cr_assert_eq(D.read, 4);
	cr_assert_eq(D.skipped, 2);

	/* ids are case-sensitive */
	xml_rec(&r, "T-1");
	required_but(&r, NULL);
	expect_ok(&r, &l, "");
	listing_free(&l);
}

Test(listing_build, invalid_utf8_and_control_characters)
{
	struct raw_record r;

	xml_rec(&r, "t-1");
	put(&r, "naam", "Caf\xE9");
	required_but(&r, "naam");
	expect_skip(&r, "t.xml:10: id=t-1: veld naam is geen geldige UTF-8-tekst: "
	    "\"Caf?\"\n");
	csv_with(&r, "thema", "ontmoeting|\xFF");
	expect_skip(&r, "t.csv:4: id=c-1: veld thema is geen geldige "
	    "UTF-8-tekst: \"?\"\n");
	xml_rec(&r, "t\xFF");
	required_but(&r, NULL);
	expect_skip(&r, "t.xml:10: id=t?: veld id is geen geldige UTF-8-tekst: "
	    "\"t?\"\n");
}

/* Control characters are no reason to skip a listing (the spec lists
 * none); they are replaced so that none reaches the index. */
Test(listing_build, control_characters_are_replaced)
{
	struct listing l;

	warn_xml_with("organisatie", "a\x01" "b", NULL, &l);
	cr_assert_str_eq(l.organisatie, "a b");
	listing_free(&l);
	warn_xml_with("samenvatting", "x\xC2\x81y \xC2\xA0z\x7F", NULL, &l);
	cr_assert_str_eq(l.samenvatting, "x y \xC2\xA0z", "C1 and DEL go, "
	    "NBSP stays; the space left at the end is trimmed");
	listing_free(&l);
	warn_xml_with("tijden-toelichting", "regel 1\vregel 2\fregel 3", NULL,
	    &l);
	cr_assert_str_eq(l.tijden_toelichting, "regel 1\nregel 2\nregel 3");
	listing_free(&l);
	warn_xml_with("omschrijving", "<p>a\x1b[31mb</p>", NULL, &l);
	cr_assert_str_eq(l.omschrijving, "a [31mb");
	listing_free(&l);

	/* a value of only control characters is an empty value: absent */
	warn_xml_with("tijden-toelichting", "\x01\x02", NULL, &l);
	cr_assert_null(l.tijden_toelichting);
	listing_free(&l);

	struct raw_record r;

	csv_with(&r, "trefwoord", "\x01|del\x7F|\x02koffie");
	expect_ok(&r, &l, "");
	cr_assert_eq(l.trefwoorden.n, 2);
	cr_assert_str_eq(l.trefwoorden.v[0], "del");
	cr_assert_str_eq(l.trefwoorden.v[1], "koffie");
	listing_free(&l);
}

/* The scan looks at 8 bytes at a time: a control character, DEL, a CR or
 * a byte above 0x7F is seen wherever it stands in such a block. */
Test(listing_build, special_bytes_are_seen_at_every_position)
{
	static const struct {
		const char *put, *want;
	} cases[] = {
		{ "\x01", " " }, { "\x7F", " " }, { "\r", "\n" },
		{ "\xC2\x85", " " }, { "\xC3\xA9", "\xC3\xA9" }, { "~", "~" },
	};

	for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++)
		for (int pos = 1; pos < 24; pos++) {
			char in[64], want[64];
			struct listing l;

			snprintf(in, sizeof(in), "%.*s%s%.*s", pos,
			    "xxxxxxxxxxxxxxxxxxxxxxxx", cases[c].put, 24 - pos,
			    "yyyyyyyyyyyyyyyyyyyyyyyy");
			snprintf(want, sizeof(want), "%.*s%s%.*s", pos,
			    "xxxxxxxxxxxxxxxxxxxxxxxx", cases[c].want, 24 - pos,
			    "yyyyyyyyyyyyyyyyyyyyyyyy");
			warn_xml_with("tijden-toelichting", in, NULL, &l);
			cr_assert_str_eq(l.tijden_toelichting, want, "case %zu at %d",
			    c, pos);
			listing_free(&l);
		}
}

Test(listing_build, tab_and_line_breaks_are_allowed)
{
	struct listing l;

	warn_xml_with("tijden-toelichting", "a\tb\r\nc", NULL, &l);
	cr_assert_str_eq(l.tijden_toelichting, "a\tb\nc");
	listing_free(&l);
}

Test(listing_build, first_reason_in_table_order_and_only_once)
{
	struct raw_record r;

	/* soort is before gemeente and dates in the table */
	xml_rec(&r, "t-1");
	put(&r, "gecontroleerd", "2026-02-30");
	put(&r, "gemeente", "Atlantis");
	put(&r, "soort", "zorg");
	put(&r, "naam", "x");
	expect_skip(&r, "t.xml:10: id=t-1: onbekende soort \"zorg\"\n");

	/* naam is before soort */
	xml_rec(&r, "t-1");
	put(&r, "soort", "zorg");
	put(&r, "gemeente", "GM0307");
	expect_skip(&r, "t.xml:10: id=t-1: verplicht veld naam ontbreekt\n");

	/* warnings of a skipped listing are not reported */
	xml_rec(&r, "t-1");
	put(&r, "naam", "x");
	put(&r, "thema", "zwemmen");
	put(&r, "postcode", "B-1000");
	put(&r, "soort", "informeel");
	put(&r, "gemeente", "GM0307");
	put(&r, "leeftijd-min", "oud");
	expect_skip(&r, "t.xml:10: id=t-1: leeftijd-min is geen geheel getal van "
	    "0 of meer: \"oud\"\n");
	cr_assert_eq(D.warnings, 0);

	/* a reader error wins over everything */
	xml_rec(&r, "t-1");
	put(&r, "soort", "zorg");
	r.error = "kapot record";
	expect_skip(&r, "t.xml:10: id=t-1: kapot record\n");
}

Test(listing_build, bad_values_are_shortened_and_cleaned)
{
	char *s = repeat("x", 100), want[256];

	snprintf(want, sizeof(want), "onbekende soort \"%.63s\xE2\x80\xA6\"", s);
	struct raw_record r;

	xml_rec(&r, "t-1");
	put(&r, "soort", s);
	required_but(&r, "soort");
	char line[512];

	snprintf(line, sizeof(line), "t.xml:10: id=t-1: %s\n", want);
	expect_skip(&r, line);
	free(s);

	/* exactly 64 characters are not cut */
	s = repeat("\xC3\xA9", 64);
	xml_rec(&r, "t-1");
	put(&r, "soort", s);
	required_but(&r, "soort");
	snprintf(line, sizeof(line), "t.xml:10: id=t-1: onbekende soort \"%s\"\n",
	    s);
	expect_skip(&r, line);
	free(s);

	skip_xml_with("status", "a\tb\nc", "onbekende status \"a b c\"");
}

/* ---- warning rules ------------------------------------------------------ */

Test(listing_build, unknown_thema_and_doelgroep_become_trefwoorden)
{
	struct raw_record r;
	struct listing l;

	csv_with(&r, "thema", "ontmoeting|zwemmen|Bewegen en sport|ONTMOETING|"
	    "zwemmen");
	put(&r, "doelgroep", "ouderen|studenten");
	put(&r, "trefwoord", "zwemmen|bad");
	expect_ok(&r, &l,
	    "t.csv:4: id=c-1: warning: onbekend thema \"zwemmen\", bewaard als "
	    "trefwoord\n"
	    "t.csv:4: id=c-1: warning: onbekende doelgroep \"studenten\", "
	    "bewaard als trefwoord\n");
	cr_assert_eq(l.themas.n, 2);
	cr_assert_str_eq(l.themas.v[0], "ontmoeting");
	cr_assert_str_eq(l.themas.v[1], "bewegen");
	cr_assert_eq(l.doelgroepen.n, 1);
	cr_assert_eq(l.trefwoorden.n, 3);
	cr_assert_str_eq(l.trefwoorden.v[0], "zwemmen");
	cr_assert_str_eq(l.trefwoorden.v[1], "studenten");
	cr_assert_str_eq(l.trefwoorden.v[2], "bad");
	cr_assert_eq(D.warnings, 2);
	listing_free(&l);

	/* XML values are never split on '|' */
	warn_xml_with("thema", "ontmoeting|bewegen",
	    "onbekend thema \"ontmoeting|bewegen\", bewaard als trefwoord", &l);
	cr_assert_eq(l.themas.n, 0);
	cr_assert_str_eq(l.trefwoorden.v[0], "ontmoeting|bewegen");
	listing_free(&l);
}

Test(listing_build, tijden_outside_the_grammar)
{
	struct listing l;

	warn_xml_with("tijden", "elke eerste dinsdag van de maand",
	    "tijden volgen de vaste vorm niet, alleen de tekst wordt bewaard: "
	    "\"elke eerste dinsdag van de maand\"", &l);
	cr_assert_str_eq(l.tijden, "elke eerste dinsdag van de maand");
	cr_assert_eq(l.nslots, 0);
	cr_assert_null(l.slots);
	listing_free(&l);
	warn_xml_with("tijden", "di 14:00-16:00 2-wekelijks; za 10:00-12:00",
	    NULL, &l);
	cr_assert_eq(l.nslots, 2);
	cr_assert_eq(l.slots[0].freq, FREQ_2WEKELIJKS);
	cr_assert_eq(l.slots[1].dag, 6);
	listing_free(&l);
}

Test(listing_build, postcode)
{
	struct listing l;

	warn_xml_with("postcode", "3817ab", NULL, &l);
	cr_assert_str_eq(l.postcode, "3817 AB");
	listing_free(&l);
	warn_xml_with("postcode", " B-1000 ",
	    "postcode \"B-1000\" is geen Nederlandse postcode", &l);
	cr_assert_str_eq(l.postcode, "B-1000", "kept as given");
	listing_free(&l);
}

/* Builds XML listing id in GM0307 with one wijk value; checks the output
 * and the wijk stored (want_code NULL: none stored). */
static void
wijk_case(const char *id, const char *value, const char *want_out,
          const char *want_code, const char *want_naam)
{
	struct raw_record r;
	struct listing l;

	xml_rec(&r, id);
	required_but(&r, NULL);
	put(&r, "wijk", value);
	expect_ok(&r, &l, want_out);
	if (want_code == NULL) {
		cr_assert_eq(l.nwijken, 0, "%s", value);
	} else {
		cr_assert_eq(l.nwijken, 1, "%s", value);
		cr_assert_str_eq(l.wijken[0].code, want_code);
		if (want_naam == NULL)
			cr_assert_null(l.wijken[0].naam);
		else
			cr_assert_str_eq(l.wijken[0].naam, want_naam);
	}
	listing_free(&l);
}

Test(listing_build, wijk_names_first_one_wins)
{
	struct raw_record r;

	wijk_case("a", "WK030712=Kruiskamp", "", "WK030712", "Kruiskamp");
	wijk_case("b", "WK030712=Kruiskamp-Oost",
	    "t.xml:10: id=b: warning: wijk WK030712 heeft al de naam "
	    "\"Kruiskamp\"; de naam \"Kruiskamp-Oost\" wordt niet gebruikt\n",
	    "WK030712", "Kruiskamp");
	wijk_case("c", "WK030712", "", "WK030712", "Kruiskamp");
	wijk_case("d", "wk030712= kruiskamp ", "", "WK030712", "Kruiskamp");
	wijk_case("e", "WK030712=", "", "WK030712", "Kruiskamp");

	/* a code first seen without a name takes the first name read later */
	wijk_case("f", "WK030788", "", "WK030788", NULL);
	wijk_case("g", "WK030788=Nieuwland", "", "WK030788", "Nieuwland");
	wijk_case("h", "WK030788=Anders",
	    "t.xml:10: id=h: warning: wijk WK030788 heeft al de naam "
	    "\"Nieuwland\"; de naam \"Anders\" wordt niet gebruikt\n",
	    "WK030788", "Nieuwland");

	/* names from a skipped listing are not remembered */
	xml_rec(&r, "i");
	required_but(&r, "soort");
	put(&r, "wijk", "WK030799=Eerst");
	expect_skip(&r, "t.xml:10: id=i: verplicht veld soort ontbreekt\n");
	wijk_case("j", "WK030799=Later", "", "WK030799", "Later");
}

Test(listing_build, wijk_conflict_within_one_listing)
{
	struct raw_record r;
	struct listing l;

	csv_with(&r, "wijk", "WK030712=Kruiskamp|wk030712=Kruiskamp|"
	    "WK030712=Schothorst|WK030713");
	expect_ok(&r, &l, "t.csv:4: id=c-1: warning: wijk WK030712 heeft al de "
	    "naam \"Kruiskamp\"; de naam \"Schothorst\" wordt niet gebruikt\n");
	cr_assert_eq(l.nwijken, 2);
	cr_assert_str_eq(l.wijken[0].naam, "Kruiskamp");
	cr_assert_str_eq(l.wijken[1].code, "WK030713");
	cr_assert_null(l.wijken[1].naam);
	listing_free(&l);
}

Test(listing_build, invalid_wijk_values_are_dropped)
{
	wijk_case("a", "WK0307=Kruiskamp", "t.xml:10: id=a: warning: ongeldige "
	    "wijkcode \"WK0307\", wijk weggelaten\n", NULL, NULL);
	wijk_case("b", "WK03071!=X", "t.xml:10: id=b: warning: ongeldige "
	    "wijkcode \"WK03071!\", wijk weggelaten\n", NULL, NULL);
	wijk_case("c", "Kruiskamp", "t.xml:10: id=c: warning: ongeldige "
	    "wijkcode \"Kruiskamp\", wijk weggelaten\n", NULL, NULL);
	wijk_case("d", "=Kruiskamp", "t.xml:10: id=d: warning: ongeldige "
	    "wijkcode \"\", wijk weggelaten\n", NULL, NULL);
	wijk_case("e", "WK034401=West", "t.xml:10: id=e: warning: wijk WK034401 "
	    "hoort niet bij gemeente GM0307, wijk weggelaten\n", NULL, NULL);
	wijk_case("f", "WK0307AB=Letters", "", "WK0307AB", "Letters");
}

Test(listing_build, werkgebied)
{
	struct raw_record r;
	struct listing l;

	csv_with(&r, "werkgebied", "GM0327|Woudenberg|Atlantis|gm0327");
	expect_ok(&r, &l, "t.csv:4: id=c-1: warning: onbekende gemeente in "
	    "werkgebied \"Atlantis\", weggelaten\n");
	cr_assert_eq(l.werkgebied.n, 2);
	cr_assert_str_eq(l.werkgebied.v[0], "GM0327");
	cr_assert_str_eq(l.werkgebied.v[1], "GM0351");
	listing_free(&l);

	xml_rec(&r, "t-2");
	required_but(&r, NULL);
	put(&r, "werkgebied", "GM0307");
	put(&r, "werkgebied", "Regio");
	expect_ok(&r, &l, "");
	cr_assert_eq(l.werkgebied.n, 27);
	cr_assert_str_eq(l.werkgebied.v[0], "GM0307");
	for (size_t i = 0; i < V.ngemeenten; i++)
		cr_assert(strlist_contains(&l.werkgebied, V.gemeenten[i].code));
	listing_free(&l);
}

Test(listing_build, taal)
{
	struct raw_record r;
	struct listing l;

	csv_with(&r, "taal", "NL|en|Nederlands|pap|EN|e1");
	expect_ok(&r, &l,
	    "t.csv:4: id=c-1: warning: ongeldige taalcode \"Nederlands\", "
	    "weggelaten\n"
	    "t.csv:4: id=c-1: warning: ongeldige taalcode \"e1\", weggelaten\n");
	cr_assert_eq(l.talen.n, 3);
	cr_assert_str_eq(l.talen.v[0], "nl");
	cr_assert_str_eq(l.talen.v[1], "en");
	cr_assert_str_eq(l.talen.v[2], "pap");
	listing_free(&l);

	warn_xml_with("taal", "x", "ongeldige taalcode \"x\", weggelaten", &l);
	cr_assert_eq(l.talen.n, 1);
	cr_assert_str_eq(l.talen.v[0], "nl");
	listing_free(&l);
}

Test(listing_build, leeftijd_min_above_max)
{
	struct raw_record r;
	struct listing l;

	xml_with(&r, "leeftijd-min", "70");
	put(&r, "leeftijd-max", "12");
	expect_ok(&r, &l, "t.xml:10: id=t-1: warning: leeftijd-min 70 is groter "
	    "dan leeftijd-max 12\n");
	cr_assert_eq(l.leeftijd_min, 70);
	cr_assert_eq(l.leeftijd_max, 12);
	listing_free(&l);
}

Test(listing_build, single_field_given_twice)
{
	struct raw_record r;
	struct listing l;

	xml_rec(&r, "t-1");
	put(&r, "naam", "Eerste");
	put(&r, "naam", "Tweede");
	put(&r, "kosten", "gratis");
	put(&r, "kosten", "onzin");
	required_but(&r, "naam");
	expect_ok(&r, &l,
	    "t.xml:10: id=t-1: warning: veld naam staat er meer dan "
	    "\xC3\xA9\xC3\xA9n keer in; de eerste waarde telt\n"
	    "t.xml:10: id=t-1: warning: veld kosten staat er meer dan "
	    "\xC3\xA9\xC3\xA9n keer in; de eerste waarde telt\n");
	cr_assert_str_eq(l.naam, "Eerste");
	cr_assert_str_eq(l.kosten, "gratis");
	listing_free(&l);

	/* an empty first occurrence counts as absent */
	xml_rec(&r, "t-2");
	put(&r, "naam", "");
	put(&r, "naam", "Tweede");
	required_but(&r, "naam");
	expect_ok(&r, &l, "");
	cr_assert_str_eq(l.naam, "Tweede");
	listing_free(&l);
}

Test(listing_build, half_a_coordinate_pair)
{
	struct listing l;

	warn_xml_with("lat", "52.1", "lat zonder lon, co\xC3\xB6rdinaten "
	    "weggelaten", &l);
	cr_assert_eq(l.has_coords, 0);
	listing_free(&l);
}

Test(listing_build, warnings_counted_and_id_in_prefix)
{
	struct raw_record r;
	struct listing l;

	csv_with(&r, "postcode", "12345");
	put(&r, "tijden", "op afspraak");
	put(&r, "doelgroep", "iedereen|studenten");
	expect_ok(&r, &l,
	    "t.csv:4: id=c-1: warning: onbekende doelgroep \"studenten\", "
	    "bewaard als trefwoord\n"
	    "t.csv:4: id=c-1: warning: postcode \"12345\" is geen Nederlandse "
	    "postcode\n"
	    "t.csv:4: id=c-1: warning: tijden volgen de vaste vorm niet, alleen "
	    "de tekst wordt bewaard: \"op afspraak\"\n");
	cr_assert_eq(D.warnings, 3);
	cr_assert_eq(D.read, 1);
	listing_free(&l);
}

/* The XML reader puts an unknown element in the record as "<name>"; the
 * builder warns about it only for a listing it imports. */
Test(listing_build, unknown_elements_warn_only_when_imported)
{
	struct raw_record r;
	struct listing l;

	xml_with(&r, "<xyz>", "");
	expect_ok(&r, &l, "t.xml:10: id=t-1: warning: onbekend element <xyz> "
	    "genegeerd (regel 11)\n");
	cr_assert_eq(D.warnings, 1);
	cr_assert_str_eq(l.naam, "Koffieochtend");
	listing_free(&l);

	xml_rec(&r, "t-2");
	put(&r, "<xyz>", "");
	required_but(&r, "soort");
	put(&r, "soort", "zorg");
	expect_skip(&r, "t.xml:10: id=t-2: onbekende soort \"zorg\"\n");
	cr_assert_eq(D.warnings, 1);
}

/* Control characters never reach the terminal or split a message: diag
 * replaces them, whatever the caller passes (ids, names of CSV columns). */
Test(listing_build, control_characters_in_messages_are_replaced)
{
	diag_skip(&D, "t.xml", 3, "a\x1b[2Jb", "onbekende soort \"%s\"",
	    "x\x1b]0;y\x07\nz\x7f");
	cr_assert_str_eq(output(), "t.xml:3: id=a?[2Jb: onbekende soort "
	    "\"x?]0;y? z?\"\n");
	diag_warn(&D, "t.csv", 1, NULL, "onbekende kolom \"%s\"", "foo\r\nbar");
	cr_assert_str_eq(output(), "t.csv:1: warning: onbekende kolom "
	    "\"foo  bar\"\n");
	cr_assert_eq(D.skipped, 1);
	cr_assert_eq(D.warnings, 1);
}

/* fopencookie() write function: counts the writes that reach the stream
 * and keeps what they carried. */
struct write_count {
	int writes;
	char text[256];
	size_t len;
};

static ssize_t
count_write(void *cookie, const char *buf, size_t n)
{
	struct write_count *wc = cookie;
	size_t k = n < sizeof(wc->text) - 1 - wc->len ? n :
	    sizeof(wc->text) - 1 - wc->len;

	wc->writes++;
	memcpy(wc->text + wc->len, buf, k);
	wc->len += k;
	wc->text[wc->len] = '\0';
	return (ssize_t)n;
}

/* Each message reaches an unbuffered stream (stderr) in one write: a
 * message is never split by another writer's output, and a run with many
 * warnings makes one system call per message, not one per byte. */
Test(listing_build, each_message_is_one_write)
{
	struct write_count wc = { 0 };
	cookie_io_functions_t io = { .write = count_write };
	struct diag d = { 0 };

	d.out = fopencookie(&wc, "w", io);
	cr_assert_not_null(d.out);
	setvbuf(d.out, NULL, _IONBF, 0);
	diag_skip(&d, "t.xml", 3, "a\tb", "onbekende soort \"%s\"", "x");
	cr_expect_eq(wc.writes, 1, "skip: %d writes", wc.writes);
	diag_warn(&d, "t.xml", 4, "c", "leeftijd %d", 7);
	diag_warn(&d, "t.csv", 1, NULL, "onbekende kolom \"%s\"", "foo");
	diag_reject(&d, "t.xml", 0, "geen XML");
	cr_expect_eq(wc.writes, 4, "%d writes for four messages", wc.writes);
	cr_expect_str_eq(wc.text, "t.xml:3: id=a b: onbekende soort \"x\"\n"
	    "t.xml:4: id=c: warning: leeftijd 7\n"
	    "t.csv:1: warning: onbekende kolom \"foo\"\n"
	    "t.xml: error: geen XML\n");
	fclose(d.out);
}

/* A reason longer than the line holds is cut, and the line still ends. */
Test(listing_build, an_overlong_message_is_cut_and_ends_its_line)
{
	static char name[20000];

	memset(name, 'n', sizeof(name) - 1);
	diag_warn(&D, name, 1, NULL, "%s", name);
	const char *out = output();
	size_t n = strlen(out);

	cr_assert_gt(n, 4096);
	cr_assert_lt(n, sizeof(name));
	cr_assert_eq(out[n - 1], '\n');
	cr_assert_eq(strchr(out, '\n'), out + n - 1, "one line only");
}

Test(listing_build, many_values_stay_fast, .timeout = 20)
{
	struct raw_record r;
	struct listing l;
	char buf[32];

	xml_with(&r, NULL, NULL);
	for (int i = 0; i < 20000; i++) {
		snprintf(buf, sizeof(buf), "woord%d", i % 10000);
		put(&r, "trefwoord", buf);
	}
	for (int i = 0; i < 5000; i++)
		put(&r, "thema", i % 2 ? "ontmoeting" : "Bewegen en sport");
	expect_ok(&r, &l, "");
	cr_assert_eq(l.trefwoorden.n, 10000);
	cr_assert_eq(l.themas.n, 2);
	listing_free(&l);
}
