/*
 * test_tijden.c - unit tests for common/tijden.c (suite "tijden").
 */
#include <criterion/criterion.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tijden.h"

#define W FREQ_WEKELIJKS
#define W2 FREQ_2WEKELIJKS
#define M FREQ_MAANDELIJKS

/* Parses text and checks it gives exactly the rows want[0..nwant). */
static void
expect_rows(const char *text, const struct slot *want, size_t nwant)
{
	struct slot *got = (struct slot *)1;
	size_t n = 99;

	cr_assert_eq(tijden_parse(text, &got, &n), 0, "parse \"%s\"", text);
	cr_assert_eq(n, nwant, "\"%s\": %zu rows, want %zu", text, n, nwant);
	if (nwant == 0)
		cr_assert_null(got);
	for (size_t i = 0; i < nwant; i++) {
		cr_assert_eq(got[i].dag, want[i].dag, "\"%s\" row %zu dag", text, i);
		cr_assert_eq(got[i].start_min, want[i].start_min,
		    "\"%s\" row %zu start", text, i);
		cr_assert_eq(got[i].eind_min, want[i].eind_min,
		    "\"%s\" row %zu eind", text, i);
		cr_assert_eq(got[i].freq, want[i].freq, "\"%s\" row %zu freq",
		    text, i);
	}
	free(got);
}

#define EXPECT(text, ...) do {                                         \
	static const struct slot want_[] = { __VA_ARGS__ };            \
	expect_rows(text, want_, sizeof(want_) / sizeof(want_[0]));    \
} while (0)

static void
expect_bad(const char *text)
{
	struct slot *got = (struct slot *)1;
	size_t n = 99;

	cr_assert_eq(tijden_parse(text, &got, &n), -1, "\"%s\" must fail", text);
	cr_assert_null(got, "\"%s\": out is NULL", text);
	cr_assert_eq(n, 0, "\"%s\": n is 0", text);
}

Test(tijden, spec_examples)
{
	EXPECT("ma,wo 09:30-12:00",
	    { 1, 570, 720, W }, { 3, 570, 720, W });
	EXPECT("ma-vr 08:30-17:00",
	    { 1, 510, 1020, W }, { 2, 510, 1020, W }, { 3, 510, 1020, W },
	    { 4, 510, 1020, W }, { 5, 510, 1020, W });
	EXPECT("di 14:00-16:00 2-wekelijks; za 10:00-12:00",
	    { 2, 840, 960, W2 }, { 6, 600, 720, W });
	EXPECT("ma t/m vr 9.00-12.30 uur",
	    { 1, 540, 750, W }, { 2, 540, 750, W }, { 3, 540, 750, W },
	    { 4, 540, 750, W }, { 5, 540, 750, W });
}

Test(tijden, corpus_forms)
{
	EXPECT("za 10:00-13:00 maandelijks", { 6, 600, 780, M });
	EXPECT("ma-vr 09:00-17:00; za 10:00-14:00",
	    { 1, 540, 1020, W }, { 2, 540, 1020, W }, { 3, 540, 1020, W },
	    { 4, 540, 1020, W }, { 5, 540, 1020, W }, { 6, 600, 840, W });
	EXPECT("ma,di,do 15:30-17:30",
	    { 1, 930, 1050, W }, { 2, 930, 1050, W }, { 4, 930, 1050, W });
	EXPECT("wo 10:00-12:00 2-wekelijks", { 3, 600, 720, W2 });
	EXPECT("zo 14:00-17:00 wekelijks", { 7, 840, 1020, W });
}

Test(tijden, wrapping_range)
{
	EXPECT("za-ma 10:00-12:00",
	    { 6, 600, 720, W }, { 7, 600, 720, W }, { 1, 600, 720, W });
	EXPECT("vr t/m di 10:00-12:00",
	    { 5, 600, 720, W }, { 6, 600, 720, W }, { 7, 600, 720, W },
	    { 1, 600, 720, W }, { 2, 600, 720, W });
	EXPECT("wo-wo 10:00-12:00", { 3, 600, 720, W });
	EXPECT("ma-zo 0:00-23:59",
	    { 1, 0, 1439, W }, { 2, 0, 1439, W }, { 3, 0, 1439, W },
	    { 4, 0, 1439, W }, { 5, 0, 1439, W }, { 6, 0, 1439, W },
	    { 7, 0, 1439, W });
}

Test(tijden, case_and_whitespace)
{
	EXPECT("MA,Wo 9:30-12:00 MAANDELIJKS",
	    { 1, 570, 720, M }, { 3, 570, 720, M });
	EXPECT("  ma , wo\t 9:30 - 12:00 ;  vr 13:00-14:00  ",
	    { 1, 570, 720, W }, { 3, 570, 720, W }, { 5, 780, 840, W });
	EXPECT("Ma - Vr 9:00-10:00 UUR 2-Wekelijks",
	    { 1, 540, 600, W2 }, { 2, 540, 600, W2 }, { 3, 540, 600, W2 },
	    { 4, 540, 600, W2 }, { 5, 540, 600, W2 });
	EXPECT("ma T/M di 9:00-10:00", { 1, 540, 600, W }, { 2, 540, 600, W });
	EXPECT("di 9:00-10:00\n;\nwo 9:00-10:00",
	    { 2, 540, 600, W }, { 3, 540, 600, W });
}

Test(tijden, time_forms)
{
	EXPECT("ma 9:30-10:00", { 1, 570, 600, W });
	EXPECT("ma 09:30-10:00", { 1, 570, 600, W });
	EXPECT("ma 9.30-10.00", { 1, 570, 600, W });
	EXPECT("ma 0:00-0:01", { 1, 0, 1, W });
	EXPECT("ma 23:58-23:59", { 1, 1438, 1439, W });
	EXPECT("ma 9:00-12:00 uur", { 1, 540, 720, W });
}

Test(tijden, day_named_twice_gives_one_row)
{
	EXPECT("ma,ma,wo 9:00-10:00", { 1, 540, 600, W }, { 3, 540, 600, W });
	EXPECT("ma 9:00-10:00; ma 13:00-14:00",
	    { 1, 540, 600, W }, { 1, 780, 840, W });
}

Test(tijden, empty_text_has_no_rows)
{
	expect_rows("", NULL, 0);
	expect_rows("   ", NULL, 0);
	expect_rows(" \t\r\n ", NULL, 0);
}

Test(tijden, outside_the_grammar)
{
	static const char *const bad[] = {
		"elke eerste dinsdag van de maand",
		"op afspraak",
		"ma 12:00-09:00",		/* end before start */
		"ma 10:00-10:00",		/* end equal to start */
		"ma 24:00-24:30",
		"ma 23:00-24:00",
		"ma 9:60-10:00",
		"ma 9-12",
		"ma 9:0-10:00",
		"ma 9:005-10:00",
		"ma 123:00-124:00",
		"ma 9:00",
		"ma 9:00-",
		"ma 9:00 12:00",
		"ma 9:00-12:00 tweewekelijks",
		"ma 9:00-12:00 wekelijks uur",
		"ma 9:00-12:00 uur uur",
		"ma 9:00-12:00uur",
		"ma 9:00-12:00 wekelijks maandelijks",
		"maandag 9:00-12:00",
		"ma,wo-vr 9:00-10:00",
		"ma-wo,vr 9:00-10:00",
		"ma-wo-vr 9:00-10:00",
		"ma 9:00-10:00;",
		";ma 9:00-10:00",
		"ma 9:00-10:00;; di 9:00-10:00",
		"ma9:00-10:00",
		"ma,9:00-10:00",
		"ma, 9:00-10:00",
		"ma- 9:00-10:00",
		"mat/m vr 9:00-10:00",
		"ma t/mvr 9:00-10:00",
		"ma t/m 9:00-10:00",
		"xx 9:00-10:00",
		"9:00-10:00",
		"ma -1:00-2:00",
		"ma 9:00-10:00 ma",
		"ma 9:00-10:00, di 9:00-10:00",
		"ma 09:30\xE2\x80\x93" "12:00",		/* en dash */
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		expect_bad(bad[i]);
}

Test(tijden, many_slots)
{
	size_t nslots = 5000, len = nslots * 19 + 1, n = 0;
	char *text = malloc(len);
	struct slot *rows = NULL;
	char *p = text;

	cr_assert_not_null(text);
	for (size_t i = 0; i < nslots; i++)
		p += snprintf(p, len - (size_t)(p - text), "%sma-zo 10:00-11:00",
		    i ? ";" : "");
	cr_assert_eq(tijden_parse(text, &rows, &n), 0);
	cr_assert_eq(n, nslots * 7);
	cr_assert_eq(rows[n - 1].dag, 7);
	free(rows);
	free(text);
}

Test(tijden, names)
{
	static const char *const dagen[] = { "ma", "di", "wo", "do", "vr",
	    "za", "zo" };

	for (int d = 1; d <= 7; d++)
		cr_assert_str_eq(tijden_dag_naam(d), dagen[d - 1]);
	cr_assert_null(tijden_dag_naam(0));
	cr_assert_null(tijden_dag_naam(8));
	cr_assert_str_eq(tijden_freq_naam(FREQ_WEKELIJKS), "wekelijks");
	cr_assert_str_eq(tijden_freq_naam(FREQ_2WEKELIJKS), "2-wekelijks");
	cr_assert_str_eq(tijden_freq_naam(FREQ_MAANDELIJKS), "maandelijks");
	cr_assert_null(tijden_freq_naam(0));
	cr_assert_null(tijden_freq_naam(3));
}
