/*
 * test_snippet.c - unit tests for searchd/snippet.c (suite "snippet"):
 * window choice, ellipses, stem/accent/hyphen/prefix matches, marker
 * balance, UTF-8 safety, large inputs, and the same output as FTS5's
 * snippet() on texts where the two are meant to agree.
 */
#include <criterion/criterion.h>

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nl_tokenizer.h"
#include "sbuf.h"
#include "snippet.h"

/* ---- helpers ------------------------------------------------------------- */

#define MAXT 8

/* The index token of one word, as the query side makes it. */
static void
token_of(struct nl_tokenizer *tk, const char *word, char out[NL_MAX_TOKEN])
{
	cr_assert(nl_tokenizer_normalize(tk, word, -1, out, NL_MAX_TOKEN) > 0,
	    "normalize %s", word);
}

/* Runs snippet_make with the tokens of the words in toks (NULL-ended)
 * and the prefixes pre (NULL-ended, used as given). Returns the raw
 * output (malloc'd, "" when nothing was written) and sets *rc. */
static char *
snip_raw(struct nl_tokenizer *tk, const char *text, const char *const *toks,
         const char *const *pre, int max_words, int *rc)
{
	char buf[MAXT][NL_MAX_TOKEN];
	const char *tp[MAXT];
	size_t nt = 0, np = 0;
	struct snippet_terms t;
	struct sbuf out = { 0 };
	char *s;

	for (; toks != NULL && toks[nt] != NULL; nt++) {
		cr_assert(nt < MAXT);
		token_of(tk, toks[nt], buf[nt]);
		tp[nt] = buf[nt];
	}
	while (pre != NULL && pre[np] != NULL)
		np++;
	t.tokens = tp;
	t.ntokens = nt;
	t.prefixes = pre;
	t.nprefixes = np;
	*rc = snippet_make(tk, text, &t, max_words, &out);
	if (out.s == NULL)
		sbuf_put(&out, "");
	s = sbuf_take(&out);
	cr_assert_not_null(s);
	return s;
}

/* As snip_raw, with \x01 and \x02 shown as [ and ]. */
static char *
snip(struct nl_tokenizer *tk, const char *text, const char *const *toks,
     const char *const *pre, int max_words, int *rc)
{
	char *s = snip_raw(tk, text, toks, pre, max_words, rc);

	for (char *p = s; *p != '\0'; p++) {
		if (*p == '\x01')
			*p = '[';
		else if (*p == '\x02')
			*p = ']';
	}
	return s;
}

#define ASSERT_SNIP(tk, text, toks, pre, n, want, want_rc) do {        \
	int rc_;                                                       \
	char *got_ = snip(tk, text, toks, pre, n, &rc_);               \
	cr_assert_str_eq(got_, want, "snippet of \"%s\"", text);       \
	cr_assert_eq(rc_, want_rc, "rc %d for \"%s\"", rc_, text);     \
	free(got_);                                                    \
} while (0)

#define W(...) ((const char *const[]){ __VA_ARGS__, NULL })

/* 1 when s is valid UTF-8 (no overlongs, surrogates or > U+10FFFF). */
static int
valid_utf8(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	while (*p != 0) {
		int n = *p < 0x80 ? 0 : *p >= 0xc2 && *p <= 0xdf ? 1 :
		    *p >= 0xe0 && *p <= 0xef ? 2 : *p >= 0xf0 && *p <= 0xf4 ?
		    3 : -1;
		unsigned cp;

		if (n < 0)
			return 0;
		cp = n == 0 ? *p : (unsigned)(*p & (0x3f >> n));
		for (int i = 1; i <= n; i++) {
			if ((p[i] & 0xc0) != 0x80)
				return 0;
			cp = (cp << 6) | (p[i] & 0x3f);
		}
		if ((n == 2 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff)))
		    || (n == 3 && (cp < 0x10000 || cp > 0x10ffff)))
			return 0;
		p += n + 1;
	}
	return 1;
}

/* 1 when the markers of s alternate open, close, starting with open and
 * ending closed: they never nest and always pair. */
static int
markers_balanced(const char *s)
{
	int open = 0;

	for (; *s != '\0'; s++) {
		if (*s == '\x01') {
			if (open)
				return 0;
			open = 1;
		} else if (*s == '\x02') {
			if (!open)
				return 0;
			open = 0;
		}
	}
	return !open;
}

/* s without markers and ellipses must be a piece of text. */
static void
assert_piece_of(const char *s, const char *text)
{
	size_t n = strlen(s);
	char *plain = malloc(n + 1), *o = plain;

	cr_assert_not_null(plain);
	for (const char *p = s; *p != '\0'; p++) {
		if (*p == '\x01' || *p == '\x02')
			continue;
		if (strncmp(p, "\xe2\x80\xa6", 3) == 0 &&
		    (p == s || p[3] == '\0')) {
			p += 2;
			continue;
		}
		*o++ = *p;
	}
	*o = '\0';
	cr_assert(strstr(text, plain) != NULL, "\"%s\" not in the text",
	    plain);
	free(plain);
}

/* "x00 x01 ... x<n-1>" with word i replaced by repl[i] when set. */
static char *
filler(int n, const char *const *repl, int nrepl)
{
	struct sbuf b = { 0 };

	for (int i = 0; i < n; i++) {
		if (i > 0)
			sbuf_put(&b, " ");
		if (i < nrepl && repl[i] != NULL)
			sbuf_put(&b, repl[i]);
		else
			sbuf_printf(&b, "x%02d", i);
	}
	return sbuf_take(&b);
}

static struct nl_tokenizer *tk;

static void
setup(void)
{
	tk = nl_tokenizer_new();
	cr_assert_not_null(tk);
}

static void
teardown(void)
{
	nl_tokenizer_free(tk);
	tk = NULL;
}

TestSuite(snippet, .init = setup, .fini = teardown);

/* ---- window and ellipses ------------------------------------------------- */

Test(snippet, match_in_the_middle_of_a_long_text)
{
	const char *repl[41] = { [40] = "koffie" };
	char *text = filler(81, repl, 41);

	/* centred as FTS5 does: 4 words before, 5 after */
	ASSERT_SNIP(tk, text, W("koffie"), NULL, 10,
	    "\xe2\x80\xa6x36 x37 x38 x39 [koffie] x41 x42 x43 x44 x45"
	    "\xe2\x80\xa6", 1);
	free(text);
}

Test(snippet, window_near_the_start_or_end_is_kept_inside)
{
	const char *repl[79] = { [1] = "koffie", [78] = "thee" };
	char *text = filler(80, repl, 79);

	ASSERT_SNIP(tk, text, W("koffie"), NULL, 5,
	    "x00 [koffie] x02 x03 x04\xe2\x80\xa6", 1);
	ASSERT_SNIP(tk, text, W("thee"), NULL, 5,
	    "\xe2\x80\xa6x75 x76 x77 [thee] x79", 1);
	free(text);
}

Test(snippet, text_shorter_than_the_window)
{
	/* the whole text, leading and trailing bytes included */
	ASSERT_SNIP(tk, "  Koffie en een praatje. \n", W("koffie"), NULL, 24,
	    "  [Koffie] en een praatje. \n", 1);
	/* a huge window is the whole text too */
	ASSERT_SNIP(tk, "een kop koffie", W("koffie"), NULL, 2147483647,
	    "een kop [koffie]", 1);
	/* exactly as many words as the window */
	ASSERT_SNIP(tk, "een kop koffie", W("koffie"), NULL, 3,
	    "een kop [koffie]", 1);
}

Test(snippet, most_distinct_terms_win)
{
	const char *repl[61] = { [5] = "koffie", [40] = "koffie",
	    [42] = "thee", [60] = "koffie" };
	char *text = filler(70, repl, 61);

	ASSERT_SNIP(tk, text, W("koffie", "thee"), NULL, 6,
	    "\xe2\x80\xa6x39 [koffie] x41 [thee] x43 x44\xe2\x80\xa6", 2);
	free(text);
}

Test(snippet, ties_go_to_the_earliest)
{
	const char *repl[51] = { [10] = "koffie", [50] = "koffie" };
	char *text = filler(70, repl, 51);

	ASSERT_SNIP(tk, text, W("koffie"), NULL, 3,
	    "\xe2\x80\xa6x09 [koffie] x11\xe2\x80\xa6", 1);
	free(text);
}

Test(snippet, window_prefers_a_sentence_start)
{
	const char *repl[34] = { [29] = "x29.", [30] = "Elke", [31] = "week",
	    [32] = "een", [33] = "koffie" };
	char *text = filler(60, repl, 34);

	/* centred it would start at "week"; the sentence start wins */
	ASSERT_SNIP(tk, text, W("koffie"), NULL, 6,
	    "\xe2\x80\xa6" "Elke week een [koffie] x34 x35\xe2\x80\xa6", 1);
	free(text);
}

/* ---- what matches -------------------------------------------------------- */

Test(snippet, plural_meets_its_stem)
{
	char t[NL_MAX_TOKEN];

	token_of(tk, "buurthuis", t);
	cr_assert_str_eq(t, "buurthuis");
	ASSERT_SNIP(tk, "Activiteiten in de buurthuizen van Amersfoort.",
	    W("buurthuis"), NULL, 24,
	    "Activiteiten in de [buurthuizen] van Amersfoort.", 1);
}

Test(snippet, accents_are_folded)
{
	ASSERT_SNIP(tk, "Gezellig café op zaterdag", W("cafe"), NULL, 24,
	    "Gezellig [café] op zaterdag", 1);
	ASSERT_SNIP(tk, "Het Taalcafé, elke dinsdag", W("taalcafes"), NULL,
	    24, "Het [Taalcafé], elke dinsdag", 1);
}

Test(snippet, hyphenated_word)
{
	/* the joined form marks the whole group */
	ASSERT_SNIP(tk, "Stuur een e-mail naar ons", W("email"), NULL, 24,
	    "Stuur een [e-mail] naar ons", 1);
	/* a part marks only itself */
	ASSERT_SNIP(tk, "Stuur een e-mail naar ons", W("mail"), NULL, 24,
	    "Stuur een e-[mail] naar ons", 1);
	/* both: one span, two terms */
	ASSERT_SNIP(tk, "Stuur een e-mail naar ons", W("mail", "email"), NULL,
	    24, "Stuur een [e-mail] naar ons", 2);
	ASSERT_SNIP(tk, "Gym in Vleuten-De Meern", W("vleutende"), NULL, 24,
	    "Gym in [Vleuten-De] Meern", 1);
}

Test(snippet, hyphen_group_cut_by_the_window_start)
{
	const char *repl[25] = { [21] = "aa-bb-cc-dd-ee" };
	char *text = filler(40, repl, 25);

	/* words x00..x20, aa, bb, cc, dd, ee, x22...: the joined form sits
	 * at "ee" (position 25); a window of 3 starts at "dd" */
	ASSERT_SNIP(tk, text, W("aabbccddee"), NULL, 3,
	    "\xe2\x80\xa6[dd-ee] x22\xe2\x80\xa6", 1);
	free(text);
}

Test(snippet, prefix_match)
{
	ASSERT_SNIP(tk, "De wandelgroep loopt elke week", NULL, W("wand"), 24,
	    "De [wandelgroep] loopt elke week", 1);
	/* a token and a prefix on the same word: one span, two terms */
	ASSERT_SNIP(tk, "De wandelgroep loopt", W("wandelgroep"), W("wand"),
	    24, "De [wandelgroep] loopt", 2);
	/* an empty prefix matches nothing */
	ASSERT_SNIP(tk, "De wandelgroep loopt", NULL, W(""), 24, "", 0);
}

Test(snippet, no_match_returns_zero_and_writes_nothing)
{
	struct sbuf out = { 0 };
	const char *tokens[] = { "zwemles" };
	struct snippet_terms t = { tokens, 1, NULL, 0 };

	sbuf_put(&out, "keep");
	cr_assert_eq(snippet_make(tk, "Koffie en een praatje", &t, 24, &out),
	    0);
	cr_assert_str_eq(out.s, "keep");
	t.ntokens = 0;
	cr_assert_eq(snippet_make(tk, "Koffie en een praatje", &t, 24, &out),
	    0);
	cr_assert_eq(snippet_make(tk, "", &t, 24, &out), 0);
	cr_assert_str_eq(out.s, "keep");
	sbuf_free(&out);
}

Test(snippet, appends_to_what_out_holds)
{
	struct sbuf out = { 0 };
	const char *tokens[] = { "koffie" };
	struct snippet_terms t = { tokens, 1, NULL, 0 };

	sbuf_put(&out, ">");
	cr_assert_eq(snippet_make(tk, "kop koffie", &t, 24, &out), 1);
	cr_assert_str_eq(out.s, ">kop \x01koffie\x02");
	sbuf_free(&out);
}

Test(snippet, bad_arguments)
{
	struct sbuf out = { 0 };
	const char *tokens[] = { "koffie" };
	struct snippet_terms t = { tokens, 1, NULL, 0 };
	struct snippet_terms bad = { NULL, 1, NULL, 0 };

	cr_assert_eq(snippet_make(NULL, "koffie", &t, 24, &out), -1);
	cr_assert_eq(snippet_make(tk, NULL, &t, 24, &out), -1);
	cr_assert_eq(snippet_make(tk, "koffie", NULL, 24, &out), -1);
	cr_assert_eq(snippet_make(tk, "koffie", &t, 0, &out), -1);
	cr_assert_eq(snippet_make(tk, "koffie", &t, 24, NULL), -1);
	cr_assert_eq(snippet_make(tk, "koffie", &bad, 24, &out), -1);
	cr_assert_eq(out.len, 0);
	sbuf_free(&out);
}

/* ---- safety -------------------------------------------------------------- */

Test(snippet, invalid_utf8_does_not_crash)
{
	static const char *const texts[] = {
		"caf\xc3 koffie \xff\xfe koffie \x80",
		"\xc3",
		"koffie\xe2\x80",
		"\xf0\x9f\x98 koffie \xed\xa0\x80 koffie-\xc0\xaf thee",
		"\xff\xff\xff\xff koffie",
	};

	for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
		for (int n = 1; n <= 4; n++) {
			int rc;
			char *s = snip_raw(tk, texts[i], W("koffie", "thee"),
			    W("ko"), n, &rc);

			cr_assert(rc >= 0, "rc %d for text %zu", rc, i);
			cr_assert(markers_balanced(s));
			free(s);
		}
	}
}

Test(snippet, marker_bytes_in_the_text_are_dropped)
{
	ASSERT_SNIP(tk, "kop\x01 koffie\x02 en \x01thee", W("koffie"), NULL,
	    24, "kop [koffie] en thee", 1);
}

Test(snippet, markers_never_nest)
{
	static const char *const texts[] = {
		"Stuur een e-mail of mail ons: mail-box e-mail-adres",
		"wandel-wandelgroep wandelgroepen wandelen-wandelen",
		"koffie-koffie koffie koffie-thee-koffie",
	};

	for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
		for (int n = 1; n <= 8; n++) {
			int rc;
			char *s = snip_raw(tk, texts[i],
			    W("mail", "email", "wandelgroep", "koffie",
			      "koffiekoffie", "mailbox"),
			    W("wand", "e", "koff"), n, &rc);

			cr_assert(rc > 0, "text %zu window %d", i, n);
			cr_assert(markers_balanced(s), "nested in \"%s\"", s);
			assert_piece_of(s, texts[i]);
			free(s);
		}
	}
}

Test(snippet, output_is_valid_utf8)
{
	static const char *const words[] = {
		"één", "café", "zoë’s", "naïef", "ĳsselstein", "koffie",
		"😀", "«thee»", "crème-brûlée", "Ærø", "x", "—",
	};
	struct sbuf b = { 0 };
	char *text;

	for (int i = 0; i < 200; i++) {
		sbuf_put(&b, words[(i * 7 + i / 5) % 12]);
		sbuf_put(&b, i % 13 == 12 ? ". " : " ");
	}
	text = sbuf_take(&b);
	cr_assert(valid_utf8(text));
	for (int n = 1; n <= 40; n += 3) {
		int rc;
		char *s = snip_raw(tk, text, W("koffie", "cafe", "cremebrulee"),
		    W("ijssel", "zo"), n, &rc);

		cr_assert(rc > 0);
		cr_assert(valid_utf8(s), "invalid UTF-8 for window %d", n);
		cr_assert(markers_balanced(s));
		assert_piece_of(s, text);
		free(s);
	}
	free(text);
}

Test(snippet, long_texts_and_many_terms)
{
	/* more words and matches than fit on the stack, more terms than
	 * the inline seen table */
	enum { NWORDS = 3000, NTERMS = 100 };
	const char *repl[2901] = { [2900] = "thee" };
	char *text, tbuf[NTERMS][16];
	const char *tp[NTERMS];
	struct snippet_terms t = { tp, NTERMS, NULL, 0 };
	struct sbuf out = { 0 };

	for (int i = 0; i < 2900; i++)
		if (i % 10 == 3)
			repl[i] = "koffie";
	text = filler(NWORDS, repl, 2901);
	for (int i = 0; i < NTERMS - 2; i++) {
		snprintf(tbuf[i], sizeof(tbuf[i]), "q%02d", i);
		tp[i] = tbuf[i];
	}
	tp[NTERMS - 2] = "koffie";
	tp[NTERMS - 1] = "thee";
	cr_assert_eq(snippet_make(tk, text, &t, 12, &out), 2);
	cr_assert(strstr(out.s, "\x01thee\x02") != NULL, "%s", out.s);
	cr_assert(strstr(out.s, "\x01koffie\x02") != NULL, "%s", out.s);
	cr_assert(markers_balanced(out.s));
	sbuf_free(&out);
	free(text);
}

/* ---- the same as FTS5 ---------------------------------------------------- */

/* Texts without hyphens, '!' or '?': there snippet_make() and FTS5's
 * snippet() must give the same bytes. */
static const char FTS_TEXT[] =
    " In de buurtkamer kunt u zonder afspraak binnenlopen voor een kop "
    "koffie en een praatje met buren. \n Er liggen kranten en spelletjes. "
    "Op vrijdag doen we vaak  samen een puzzel . Vrijwilligers uit de wijk "
    "zetten de koffie klaar. Samen Nederlands praten in de bibliotheek "
    "Overvecht. Voor iedereen die de taal wil oefenen. Gratis en zonder "
    "aanmelden. Een schuldhulpverlener maakt met u een overzicht van uw "
    "inkomsten, uitgaven en schulden. Samen zoeken we een oplossing, "
    "bijvoorbeeld een  schuldregeling  of budgetbeheer. \n U kunt zich "
    "aanmelden via het buurtteam of rechtstreeks via het telefoonnummer "
    "hieronder. Wij koppelen u aan een vast  wandelmaatje  uit de buurt: "
    "na een kennismakingsgesprek thuis gaat u één keer per week samen op "
    "pad. ";

static char *
fts5_snippet(sqlite3 *db, const char *const *words, int n)
{
	struct sbuf q = { 0 };
	sqlite3_stmt *st = NULL;
	char *sql, *res = NULL;

	for (int i = 0; words[i] != NULL; i++)
		sbuf_printf(&q, "%s\"%s\"", i ? " OR " : "", words[i]);
	sql = sqlite3_mprintf("SELECT snippet(t, 0, char(1), char(2), '…', "
	    "%d) FROM t WHERE t MATCH %Q", n, q.s);
	cr_assert_eq(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
	if (sqlite3_step(st) == SQLITE_ROW)
		res = strdup((const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	sqlite3_free(sql);
	sbuf_free(&q);
	return res;
}

Test(snippet, same_as_fts5_snippet)
{
	const char *const *const queries[] = {
		W("koffie"), W("samen"), W("puzzel", "koffie"),
		W("aanmelden", "buurtteam"), W("wandelmaatje"),
		W("schulden", "oplossing", "Overvecht"), W("buren", "pad"),
		W("kranten", "vrijwilligers", "bibliotheek"),
	};
	static const int sizes[] = { 1, 3, 5, 8, 12, 24, 64 };
	sqlite3 *db = NULL;
	char *sql;

	cr_assert_eq(sqlite3_open(":memory:", &db), SQLITE_OK);
	cr_assert_eq(nl_tokenizer_register(db), SQLITE_OK);
	cr_assert_eq(sqlite3_exec(db,
	    "CREATE VIRTUAL TABLE t USING fts5(x, tokenize='dutch')", NULL,
	    NULL, NULL), SQLITE_OK);
	sql = sqlite3_mprintf("INSERT INTO t VALUES(%Q)", FTS_TEXT);
	cr_assert_eq(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_free(sql);
	for (size_t q = 0; q < sizeof(queries) / sizeof(queries[0]); q++) {
		for (size_t k = 0; k < sizeof(sizes) / sizeof(sizes[0]); k++) {
			char *want = fts5_snippet(db, queries[q], sizes[k]);
			int rc;
			char *got = snip_raw(tk, FTS_TEXT, queries[q], NULL,
			    sizes[k], &rc);

			cr_assert_not_null(want);
			cr_assert_str_eq(got, want, "query %zu, %d words",
			    q, sizes[k]);
			cr_assert(rc > 0);
			free(got);
			free(want);
		}
	}
	sqlite3_close(db);
}
