/*
 * test_textutil.c - unit tests for common/textutil.c (suite "textutil").
 */
#include <criterion/criterion.h>

#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sbuf.h"
#include "textutil.h"

static int
valid(const char *s)
{
	return utf8_valid(s, strlen(s));
}

/* html_to_text on a NUL-ended string; the result is freed by the caller. */
static char *
h2t(const char *s)
{
	char *t = html_to_text(s, strlen(s));

	cr_assert_not_null(t);
	return t;
}

#define ASSERT_HTML(in, want) do {                                     \
	char *got_ = h2t(in);                                          \
	cr_assert_str_eq(got_, want, "html_to_text(%s)", in);          \
	free(got_);                                                    \
} while (0)

/* ---- UTF-8 -------------------------------------------------------------- */

Test(textutil, utf8_valid_accepts_well_formed)
{
	cr_assert(valid(""));
	cr_assert(valid("gewoon ASCII"));
	cr_assert(valid("caf\xC3\xA9 ide\xC3\xAB\xC3\xABn"));	/* 2 bytes */
	cr_assert(valid("\xE2\x82\xAC 2,50"));			/* 3 bytes */
	cr_assert(valid("\xF0\x9F\x98\x80"));			/* 4 bytes */
	cr_assert(valid("\xF4\x8F\xBF\xBF"));			/* U+10FFFF */
	cr_assert(valid("\xED\x9F\xBF"));			/* U+D7FF */
	cr_assert(utf8_valid("a\0b", 3), "NUL bytes are valid UTF-8");
}

Test(textutil, utf8_valid_rejects_malformed)
{
	cr_assert_not(valid("caf\xE9"), "Latin-1 byte");
	cr_assert_not(valid("\x80"), "lone continuation byte");
	cr_assert_not(valid("\xC3"), "truncated 2-byte sequence");
	cr_assert_not(valid("\xE2\x82"), "truncated 3-byte sequence");
	cr_assert_not(valid("\xC3\x28"), "bad continuation");
	cr_assert_not(valid("\xC0\xAF"), "overlong 2 bytes");
	cr_assert_not(valid("\xC1\xBF"), "overlong 2 bytes");
	cr_assert_not(valid("\xE0\x80\xAF"), "overlong 3 bytes");
	cr_assert_not(valid("\xF0\x80\x80\xAF"), "overlong 4 bytes");
	cr_assert_not(valid("\xED\xA0\x80"), "surrogate U+D800");
	cr_assert_not(valid("\xED\xBF\xBF"), "surrogate U+DFFF");
	cr_assert_not(valid("\xF4\x90\x80\x80"), "above U+10FFFF");
	cr_assert_not(valid("\xF5\x80\x80\x80"), "byte F5");
	cr_assert_not(valid("\xFF"), "byte FF");
	cr_assert_not(utf8_valid("\xC3\xA9", 1), "length is respected");
}

Test(textutil, utf8_count_counts_code_points)
{
	cr_assert_eq(utf8_count("", 0), 0);
	cr_assert_eq(utf8_count("abc", 3), 3);
	cr_assert_eq(utf8_count("caf\xC3\xA9", 5), 4);
	cr_assert_eq(utf8_count("\xE2\x82\xAC\xF0\x9F\x98\x80", 7), 2);
}

Test(textutil, utf8_encode_and_decode_round_trip)
{
	static const uint32_t cps[] = { 0, 0x41, 0x7F, 0x80, 0xE9, 0x7FF,
	    0x800, 0x20AC, 0xD7FF, 0xE000, 0xFFFD, 0x10000, 0x1F600, 0x10FFFF };
	char buf[4];

	for (size_t i = 0; i < sizeof(cps) / sizeof(cps[0]); i++) {
		size_t n = utf8_encode(cps[i], buf);
		uint32_t back = 0xFFFFFFFF;

		cr_assert(n >= 1 && n <= 4);
		cr_assert(utf8_valid(buf, n));
		cr_assert_eq(utf8_decode(buf, n, &back), n);
		cr_assert_eq(back, cps[i], "U+%04X", (unsigned)cps[i]);
	}
	cr_assert_eq(utf8_encode(0xD800, buf), 0);
	cr_assert_eq(utf8_encode(0x110000, buf), 0);
	cr_assert_eq(utf8_decode("\xC3", 1, &(uint32_t){ 0 }), 0);
}

/* ---- windows-1252 ------------------------------------------------------- */

Test(textutil, cp1252_converts_dutch_text)
{
	size_t len = 0;
	char *s = cp1252_to_utf8("caf\xE9 \x80 \x93x\x94", 10, &len);

	cr_assert_not_null(s);
	cr_assert_str_eq(s, "caf\xC3\xA9 \xE2\x82\xAC \xE2\x80\x9Cx\xE2\x80\x9D");
	cr_assert_eq(len, strlen(s));
	free(s);
}

Test(textutil, cp1252_maps_every_high_byte_as_whatwg)
{
	static const uint32_t want[32] = {
		0x20AC, 0x0081, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
		0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0x008D, 0x017D, 0x008F,
		0x0090, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
		0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x009D, 0x017E, 0x0178,
	};

	for (int b = 0x80; b <= 0xFF; b++) {
		char in = (char)b;
		size_t len;
		char *s = cp1252_to_utf8(&in, 1, &len);
		uint32_t cp;

		cr_assert_not_null(s);
		cr_assert_eq(utf8_decode(s, len, &cp), len);
		cr_assert_eq(cp, b < 0xA0 ? want[b - 0x80] : (uint32_t)b,
		    "byte 0x%02X", b);
		free(s);
	}
}

Test(textutil, cp1252_keeps_ascii_and_nul)
{
	size_t len;
	char *s = cp1252_to_utf8("a\0b", 3, &len);

	cr_assert_eq(len, 3);
	cr_assert_eq(memcmp(s, "a\0b", 4), 0);
	free(s);
	s = cp1252_to_utf8("", 0, NULL);
	cr_assert_str_eq(s, "");
	free(s);
}

/* ---- trimming and case -------------------------------------------------- */

Test(textutil, trim)
{
	static const struct { const char *in, *want; } cases[] = {
		{ "", "" },
		{ "   ", "" },
		{ "abc", "abc" },
		{ "  abc  ", "abc" },
		{ "\t\r\n abc def \r\n", "abc def" },
		{ "\xC2\xA0" "abc\xC2\xA0 ", "abc" },
		{ "a\nb", "a\nb" },
		{ "\v\fx\v", "x" },
		{ "caf\xC3\xA9 ", "caf\xC3\xA9" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *t = text_trim_dup(cases[i].in);
		size_t len;
		const char *p = text_trim_span(cases[i].in, strlen(cases[i].in),
		    &len);

		cr_assert_str_eq(t, cases[i].want, "case %zu", i);
		cr_assert_eq(len, strlen(cases[i].want));
		cr_assert_eq(strncmp(p, cases[i].want, len), 0);
		free(t);
	}
}

Test(textutil, ascii_case)
{
	char s[] = "MiXeD \xC3\x89";

	cr_assert_eq(ascii_casecmp("Formeel", "fORMEEL"), 0);
	cr_assert_neq(ascii_casecmp("formeel", "informeel"), 0);
	cr_assert_lt(ascii_casecmp("a", "B"), 0);
	cr_assert_gt(ascii_casecmp("b", "A"), 0);
	cr_assert_neq(ascii_casecmp("\xC3\x89", "\xC3\xA9"), 0,
	    "only ASCII letters fold");
	cr_assert_eq(ascii_ncasecmp("GM0307x", "gm0307y", 6), 0);
	cr_assert_neq(ascii_ncasecmp("ab", "abc", 3), 0);
	ascii_lower(s);
	cr_assert_str_eq(s, "mixed \xC3\x89");
}

/* ---- postcode, date, numbers, id ---------------------------------------- */

Test(textutil, postcode_accepts_dutch_forms)
{
	static const char *const ok[] = { "1234 AB", "1234AB", "1234ab",
	    "1234 ab", "1234aB" };
	char out[8];

	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		memset(out, 'x', sizeof(out));
		cr_assert_eq(postcode_normalize(ok[i], out), 0, "%s", ok[i]);
		cr_assert_str_eq(out, "1234 AB");
	}
	cr_assert_eq(postcode_normalize("9999ZZ", out), 0);
	cr_assert_str_eq(out, "9999 ZZ");
}

Test(textutil, postcode_rejects_others)
{
	static const char *const bad[] = { "", "0123 AB", "123 AB", "12345 AB",
	    "1234 A", "1234 ABC", "1234  AB", "1234-AB", "1234 A1", "B-1000",
	    " 1234 AB", "1234 AB ", "1234 \xC3\x89X", "abcd ef" };
	char out[8] = "keep";

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		cr_assert_eq(postcode_normalize(bad[i], out), -1, "%s", bad[i]);
	cr_assert_str_eq(out, "keep", "out untouched on failure");
}

Test(textutil, date_valid_knows_the_calendar)
{
	static const char *const ok[] = { "2026-01-01", "2026-12-31",
	    "2024-02-29", "2000-02-29", "2026-04-30", "2026-02-28",
	    "0001-01-01", "9999-12-31", "1996-02-29" };
	static const char *const bad[] = { "2025-02-29", "1900-02-29",
	    "2100-02-29", "2026-02-30", "2026-04-31", "2026-06-31",
	    "2026-09-31", "2026-11-31", "2026-13-01", "2026-00-10",
	    "2026-01-00", "2026-01-32", "0000-01-01", "2026-1-01",
	    "2026-01-1", "26-01-01", "2026/01/01", "20260101", "2026-01-01x",
	    " 2026-01-01", "2026-01-01T10:00", "", "abcd-ef-gh", "2026-0a-01" };

	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++)
		cr_assert(date_valid(ok[i]), "%s", ok[i]);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		cr_assert_not(date_valid(bad[i]), "%s", bad[i]);
}

Test(textutil, parse_long_is_strict)
{
	long v = 0;

	cr_assert_eq(parse_long("0", &v), 0);
	cr_assert_eq(v, 0);
	cr_assert_eq(parse_long("42", &v), 0);
	cr_assert_eq(v, 42);
	cr_assert_eq(parse_long("007", &v), 0);
	cr_assert_eq(v, 7);
	cr_assert_eq(parse_long("-7", &v), 0);
	cr_assert_eq(v, -7);
	cr_assert_eq(parse_long("9223372036854775807", &v), 0);
	cr_assert_eq(v, LONG_MAX);
	cr_assert_eq(parse_long("-9223372036854775808", &v), 0);
	cr_assert_eq(v, LONG_MIN);
	v = 99;
	static const char *const bad[] = { "", "-", "+5", " 5", "5 ", "5x",
	    "1e3", "1.5", "1,5", "0x10", "--1", "9223372036854775808",
	    "-9223372036854775809", "99999999999999999999999" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		cr_assert_eq(parse_long(bad[i], &v), -1, "%s", bad[i]);
	cr_assert_eq(v, 99, "out untouched on failure");
}

Test(textutil, parse_decimal_is_strict)
{
	double v = 0;

	cr_assert_eq(parse_decimal("52.1652", &v), 0);
	cr_assert_float_eq(v, 52.1652, 1e-12);
	cr_assert_eq(parse_decimal("5.4083", &v), 0);
	cr_assert_float_eq(v, 5.4083, 1e-12);
	cr_assert_eq(parse_decimal("-0,5", &v), 0);
	cr_assert_float_eq(v, -0.5, 1e-12);
	cr_assert_eq(parse_decimal("7", &v), 0);
	cr_assert_float_eq(v, 7.0, 1e-12);
	cr_assert_eq(parse_decimal("-180", &v), 0);
	cr_assert_float_eq(v, -180.0, 1e-12);
	cr_assert_eq(parse_decimal("0.000001", &v), 0);
	cr_assert_float_eq(v, 0.000001, 1e-15);
	cr_assert_eq(parse_decimal("52.16520000000000000000001", &v), 0);
	cr_assert_float_eq(v, 52.1652, 1e-12);
	cr_assert_eq(parse_decimal("000000000000000000000052.5", &v), 0);
	cr_assert_float_eq(v, 52.5, 1e-12);
	static const char *const bad[] = { "", "-", ".5", "5.", "5,", "1e3",
	    "1.2.3", "1,2.3", " 5", "5 ", "+5", "abc", "NaN", "inf", "5.x",
	    "1234567890123456" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		cr_assert_eq(parse_decimal(bad[i], &v), -1, "%s", bad[i]);
}

Test(textutil, id_pattern)
{
	char id65[66];

	cr_assert(id_valid("amf-0001"));
	cr_assert(id_valid("a.b_c:d-e09"));
	cr_assert(id_valid("X"));
	memset(id65, 'a', 65);
	id65[65] = '\0';
	cr_assert_not(id_valid(id65));
	id65[64] = '\0';
	cr_assert(id_valid(id65));
	cr_assert_not(id_valid(""));
	cr_assert_not(id_valid("amf 1"));
	cr_assert_not(id_valid("amf/1"));
	cr_assert_not(id_valid("caf\xC3\xA9"));
	cr_assert_not(id_valid("a+b"));
}

/* ---- HTML --------------------------------------------------------------- */

Test(textutil, html_has_tag)
{
	cr_assert(html_has_tag("<p>x</p>", 8));
	cr_assert(html_has_tag("x</P>", 5));
	cr_assert(html_has_tag("a<!-- b -->", 11));
	cr_assert_not(html_has_tag("1 < 2 en 3 > 2", 14));
	cr_assert_not(html_has_tag("a <3 b >", 8));
	cr_assert_not(html_has_tag("<p geen einde", 13));
	cr_assert_not(html_has_tag("", 0));
	cr_assert_not(html_has_tag("<", 1));
}

Test(textutil, html_plain_text_is_only_trimmed)
{
	ASSERT_HTML("  Regel een.\nRegel twee.\n\n\nRegel drie.  \n",
	    "Regel een.\nRegel twee.\n\n\nRegel drie.");
	ASSERT_HTML("Jan &amp; Piet: 1 < 2 > 0", "Jan &amp; Piet: 1 < 2 > 0");
	ASSERT_HTML("   ", "");
	ASSERT_HTML("", "");
}

Test(textutil, html_paragraphs_and_breaks)
{
	ASSERT_HTML("<p>Een</p><p>Twee</p>", "Een\n\nTwee");
	ASSERT_HTML("<p>Een</p>\n\n\n<p>Twee</p>", "Een\n\nTwee");
	ASSERT_HTML("<div>Een</div><div>Twee</div>", "Een\n\nTwee");
	ASSERT_HTML("a<br>b<br/>c<br />d<BR>e", "a\nb\nc\nd\ne");
	ASSERT_HTML("<p>a<br><br>b</p>", "a\n\nb");
	ASSERT_HTML("<p>a</p><br><br><br><p>b</p>", "a\n\nb");
	ASSERT_HTML("<p>a<br><br><br><br>b</p>", "a\n\nb");
	ASSERT_HTML("<br><p></p>  <p> x </p><br><br>", "x");
	ASSERT_HTML("<P>Hoofdletters</P><Br>ook", "Hoofdletters\n\nook");
}

Test(textutil, html_lists)
{
	ASSERT_HTML("<p>Vaste activiteiten:</p>\n<ul><li>koffie-inloop</li>"
	    "<li>naaiatelier op dinsdag</li></ul><p>Welkom!</p>",
	    "Vaste activiteiten:\n\n- koffie-inloop\n- naaiatelier op dinsdag"
	    "\n\nWelkom!");
	ASSERT_HTML("<ol>\n  <li> een </li>\n  <li>twee</li>\n</ol>",
	    "- een\n- twee");
	ASSERT_HTML("<ul><li>a<ul><li>b</li></ul></li><li>c</li></ul>",
	    "- a\n- b\n- c");
	ASSERT_HTML("<ul><li><p>a</p></li><li><p>b</p></li></ul>", "- a\n- b");
	ASSERT_HTML("<ul><li></li><li>alleen</li></ul>", "- alleen");
	ASSERT_HTML("Tekst<ul><li>punt</li></ul>meer", "Tekst\n\n- punt\n\nmeer");
}

Test(textutil, html_inline_tags_are_dropped)
{
	ASSERT_HTML("<p>Dit is <strong>heel</strong> <em>belangrijk</em>, "
	    "<b>echt</b><i>waar</i>.</p>",
	    "Dit is heel belangrijk, echtwaar.");
	ASSERT_HTML("<p>Zie <a href=\"https://x.nl/?a=1&amp;b=2\" "
	    "title='a > b'>de site</a>.</p>", "Zie de site.");
	ASSERT_HTML("<span class=\"x\">a</span><font color=red>b</font>", "ab");
	ASSERT_HTML("<h2>Kop</h2>tekst", "Kop\n\ntekst");
	ASSERT_HTML("<table><tr><td>a</td><td>b</td></tr><tr><td>c</td></tr>"
	    "</table>", "a b\n\nc");
	ASSERT_HTML("<p\nclass=\"a\"\n>regels in de tag</p\n>", "regels in de tag");
}

Test(textutil, html_whitespace_collapses)
{
	ASSERT_HTML("<p>  veel   \n  ruimte\t hier </p>", "veel ruimte hier");
	ASSERT_HTML("<p>a <b> b</b> c</p>", "a b c");
	ASSERT_HTML("<p>a</p>   \n   <p>   b</p>", "a\n\nb");
	ASSERT_HTML("<p>T\xC3\xBCrk\xC3\xA7" "e ide\xC3\xAB\xC3\xABn</p>",
	    "T\xC3\xBCrk\xC3\xA7" "e ide\xC3\xAB\xC3\xABn");
}

Test(textutil, html_character_references)
{
	ASSERT_HTML("<p>&amp; &lt; &gt; &quot; &apos;</p>", "& < > \" '");
	ASSERT_HTML("<p>caf&eacute; &euml;&iuml;&ouml;&uuml;&egrave;&agrave;"
	    "&ccedil;</p>", "caf\xC3\xA9 \xC3\xAB\xC3\xAF\xC3\xB6\xC3\xBC"
	    "\xC3\xA8\xC3\xA0\xC3\xA7");
	ASSERT_HTML("<p>&Eacute;&Euml;&szlig;&copy;&euro;&hellip;</p>",
	    "\xC3\x89\xC3\x8B\xC3\x9F\xC2\xA9\xE2\x82\xAC\xE2\x80\xA6");
	ASSERT_HTML("<p>&#233;&#xE9;&#XE9;&#x20AC;&#128512;</p>",
	    "\xC3\xA9\xC3\xA9\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80");
	ASSERT_HTML("<p>a&nbsp;b</p>", "a\xC2\xA0" "b");
	ASSERT_HTML("<p>&#128;&#150;</p>", "\xE2\x82\xAC\xE2\x80\x93");
	ASSERT_HTML("<p>&#0;&#xD800;&#x110000;&#99999999999;&#x81;</p>",
	    "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");
	ASSERT_HTML("<p>a&#1;b&#x7f;c</p>", "abc");
	ASSERT_HTML("<p>mantel&shy;zorg</p>", "mantelzorg");
	ASSERT_HTML("<p>a&#10;&#32;&#9;b</p>", "a b");
	ASSERT_HTML("<p>&foo; &amp &#; &#x; & x &AMP;</p>",
	    "&foo; &amp &#; &#x; & x &AMP;");
	ASSERT_HTML("<p>&#233 no semicolon</p>", "\xC3\xA9 no semicolon");
	ASSERT_HTML("<p>&lt;p&gt;geen tag&lt;/p&gt;</p>", "<p>geen tag</p>");
}

Test(textutil, html_script_and_style_are_dropped)
{
	ASSERT_HTML("<p>a</p><script>alert('<p>x</p>')</script><style>p{color:red}"
	    "</style><p>b</p>", "a\n\nb");
	ASSERT_HTML("<p>voor<SCRIPT type=x>var a = '</scr' + 'ipt>';</SCRIPT >na</p>",
	    "voorna");
	ASSERT_HTML("<p>a</p><script>alert(1)", "a");
	ASSERT_HTML("<p>a</p><style>", "a");
	ASSERT_HTML("<p>a<script/>verborgen</script>b</p>", "ab");
	ASSERT_HTML("<p>a</p><scripts>blijft</scripts>", "a\n\nblijft");
}

Test(textutil, html_hostile_markup)
{
	ASSERT_HTML("<p>tekst <b", "tekst");
	ASSERT_HTML("<p>a</p><a href=\"x>y\">link</a>", "a\n\nlink");
	ASSERT_HTML("<p>a</p><a href=\"x>rest van de tekst", "a");
	ASSERT_HTML("<p>1 < 2</p>", "1 < 2");
	ASSERT_HTML("<p>a <3 b</p>", "a <3 b");
	ASSERT_HTML("<p>a < b >c</p>", "a < b >c");
	ASSERT_HTML("<p>x</p><", "x\n\n<");
	ASSERT_HTML("<p>x</p>< ", "x\n\n<");
	ASSERT_HTML("a<!-- <p>verborgen</p> -->b<p></p>", "ab");
	ASSERT_HTML("<p>a<!-->b<!--->c</p>", "abc");
	ASSERT_HTML("<p>a</p><!-- nooit gesloten <p>x</p>", "a");
	ASSERT_HTML("<!DOCTYPE html><?xml version=\"1.0\"?><p>a</></p>", "a");
	ASSERT_HTML("<p>a</ 3>b</p>", "ab");
	ASSERT_HTML("<p>a<verylongtagnamethatisnotknown>b</p>", "ab");
	ASSERT_HTML("<p>\xC3\xA9\xE2\x82\xAC</p>", "\xC3\xA9\xE2\x82\xAC");
}

Test(textutil, html_never_three_newlines)
{
	static const char *const in[] = {
		"<p>a</p><br><br><br><div><p><br>b</p></div><br><ul><li>c</li></ul>",
		"<br><br><br>a<br><br><br><br>b<p></p><p></p><br>c",
		"<ul><li>a</li></ul><br><br><ol><li>b</li></ol>",
	};

	for (size_t i = 0; i < sizeof(in) / sizeof(in[0]); i++) {
		char *t = h2t(in[i]);

		cr_assert_null(strstr(t, "\n\n\n"), "%s -> %s", in[i], t);
		cr_assert_neq(t[0], '\n');
		cr_assert_neq(t[strlen(t) - 1], '\n');
		free(t);
	}
}

/* Builds a string of reps copies of unit followed by tail. */
static char *
repeat(const char *unit, size_t reps, const char *tail)
{
	size_t ul = strlen(unit), tl = strlen(tail);
	char *s = malloc(ul * reps + tl + 1);

	cr_assert_not_null(s);
	for (size_t i = 0; i < reps; i++)
		memcpy(s + i * ul, unit, ul);
	memcpy(s + ul * reps, tail, tl + 1);
	return s;
}

Test(textutil, html_huge_hostile_input_is_linear, .timeout = 20)
{
	static const struct { const char *unit, *tail, *want; } cases[] = {
		{ "<b>", "x", "x" },
		{ "&amp;", "<p></p>", NULL },
		{ "<", ">", NULL },
		{ "<a", ">", "" },
		{ "<!--", ">", "" },
		{ "<script>", "</p>", "" },
		{ "<a href=\"", ">", "" },
		{ "</script", "<p>", "" },
		{ "<li>", "x", "- x" },
		{ "<br>", "x<br>", "x" },
		{ "& ", "<p>", NULL },
	};
	clock_t t0 = clock();

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *in = repeat(cases[i].unit, 1000000, cases[i].tail);
		char *t = h2t(in);

		if (cases[i].want != NULL)
			cr_assert_str_eq(t, cases[i].want, "case %zu", i);
		cr_assert(utf8_valid(t, strlen(t)));
		free(t);
		free(in);
	}
	cr_assert_lt((double)(clock() - t0) / CLOCKS_PER_SEC, 15.0);
}

Test(textutil, html_many_references_decode_all)
{
	char *in = repeat("&amp;", 100000, "<br>");
	char *t = h2t(in);

	cr_assert_eq(strlen(t), 100000);
	cr_assert_eq(strspn(t, "&"), 100000);
	free(t);
	free(in);
}

/* HTML text is escaped and always valid UTF-8: a damaged index cannot put
 * raw bytes or control characters on a page. */
Test(textutil, sbuf_html_escapes_and_keeps_pages_valid_utf8)
{
	struct sbuf b = { 0 };

	sbuf_html(&b, "<a href=\"x\">caf\xC3\xA9 & 'y'</a>\tz\n");
	cr_assert_str_eq(b.s, "&lt;a href=&quot;x&quot;&gt;caf\xC3\xA9 &amp; "
	    "&#39;y&#39;&lt;/a&gt;\tz\n");
	b.len = 0;
	sbuf_html(&b, "a\xFF" "b\x01" "c\xC2\x85" "d\xE2\x82");
	cr_assert_str_eq(b.s, "a\xEF\xBF\xBD" "b\xEF\xBF\xBD" "c\xEF\xBF\xBD"
	    "d\xEF\xBF\xBD\xEF\xBF\xBD");
	cr_assert(utf8_valid(b.s, b.len));
	sbuf_free(&b);
}
