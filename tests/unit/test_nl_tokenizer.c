/*
 * test_nl_tokenizer.c - unit tests for common/nl_tokenizer.c (suite
 * "nl_tokenizer"): folding, stems that must meet or stay apart, splitting
 * on hyphens and apostrophes, stop words, and FTS5 end to end.
 */
#include <criterion/criterion.h>

#include <sqlite3.h>
#include <stdio.h>
#include <string.h>

#include "nl_tokenizer.h"

/* ---- helpers ------------------------------------------------------------- */

#define MAXTOK 64

struct toks {
	int n;
	char tok[MAXTOK][NL_MAX_TOKEN];
	int flags[MAXTOK], start[MAXTOK], end[MAXTOK];
};

static int
collect(void *ctx, int flags, const char *tok, int ntok, int start, int end)
{
	struct toks *t = ctx;

	cr_assert(t->n < MAXTOK);
	cr_assert(ntok > 0 && ntok < NL_MAX_TOKEN);
	memcpy(t->tok[t->n], tok, (size_t)ntok);
	t->tok[t->n][ntok] = '\0';
	t->flags[t->n] = flags;
	t->start[t->n] = start;
	t->end[t->n] = end;
	t->n++;
	return 0;
}

/* Tokenizes s into *t (zeroed first). */
static void
tokenize(const char *s, struct toks *t)
{
	memset(t, 0, sizeof(*t));
	cr_assert_eq(nl_tokenize_ex(s, -1, collect, t), 0, "tokenize %s", s);
}

/* "tok tok/C tok/S": the tokens of s, /C for colocated, /S for stop word. */
static void
render(const char *s, char *out, size_t outsz)
{
	struct toks t;
	size_t used = 0;

	tokenize(s, &t);
	out[0] = '\0';
	for (int i = 0; i < t.n; i++) {
		int k = snprintf(out + used, outsz - used, "%s%s%s%s",
		    i ? " " : "", t.tok[i],
		    (t.flags[i] & NL_TOK_COLOCATED) ? "/C" : "",
		    (t.flags[i] & NL_TOK_STOPWORD) ? "/S" : "");
		cr_assert(k > 0 && (size_t)k < outsz - used);
		used += (size_t)k;
	}
}

#define ASSERT_TOKENS(in, want) do {                                   \
	char got_[1024];                                               \
	render(in, got_, sizeof(got_));                                \
	cr_assert_str_eq(got_, want, "tokens of \"%s\"", in);          \
} while (0)

static void
fold(const char *w, char *out)
{
	int n = nl_fold_word(w, -1, out, NL_MAX_TOKEN);

	cr_assert(n >= 0, "fold %s", w);
}

#define ASSERT_FOLD(in, want) do {                                     \
	char got_[NL_MAX_TOKEN];                                       \
	fold(in, got_);                                                \
	cr_assert_str_eq(got_, want, "fold(%s)", in);                  \
} while (0)

static void
norm(const char *w, char *out)
{
	int n = nl_normalize_word(w, -1, out, NL_MAX_TOKEN);

	cr_assert(n > 0, "normalize %s gave %d", w, n);
	cr_assert_eq((size_t)n, strlen(out));
}

#define ASSERT_NORM(in, want) do {                                     \
	char got_[NL_MAX_TOKEN];                                       \
	norm(in, got_);                                                \
	cr_assert_str_eq(got_, want, "normalize(%s)", in);             \
} while (0)

static void
assert_meet(const char *a, const char *b)
{
	char x[NL_MAX_TOKEN], y[NL_MAX_TOKEN];

	norm(a, x);
	norm(b, y);
	cr_assert_str_eq(x, y, "%s -> %s and %s -> %s should meet", a, x,
	    b, y);
}

static void
assert_apart(const char *a, const char *b)
{
	char x[NL_MAX_TOKEN], y[NL_MAX_TOKEN];

	norm(a, x);
	norm(b, y);
	cr_assert_str_neq(x, y, "%s and %s should stay apart (both %s)", a,
	    b, x);
}

/* ---- folding ------------------------------------------------------------- */

Test(nl_tokenizer, fold_diacritics_and_case)
{
	ASSERT_FOLD("café", "cafe");
	ASSERT_FOLD("Cliënt", "client");
	ASSERT_FOLD("ideeën", "ideeen");
	ASSERT_FOLD("coördinator", "coordinator");
	ASSERT_FOLD("geïnteresseerd", "geinteresseerd");
	ASSERT_FOLD("CAPS", "caps");
	ASSERT_FOLD("ÇA", "ca");
	ASSERT_FOLD("straße", "strasse");
	/* decomposed input (e + combining acute) folds the same */
	ASSERT_FOLD("cafe\xcc\x81", "cafe");
}

Test(nl_tokenizer, fold_ij_ligature)
{
	ASSERT_FOLD("\xc4\xb3sselstein", "ijsselstein");   /* U+0133 */
	ASSERT_FOLD("\xc4\xb2SSELSTEIN", "ijsselstein");   /* U+0132 */
	assert_meet("\xc4\xb3s", "ijs");
}

Test(nl_tokenizer, fold_turkish_polish_and_others)
{
	ASSERT_FOLD("Türkçe", "turkce");
	ASSERT_FOLD("Kadınlar", "kadinlar");
	ASSERT_FOLD("buluşması", "bulusmasi");
	ASSERT_FOLD("Doğan", "dogan");
	ASSERT_FOLD("İstanbul", "istanbul");
	ASSERT_FOLD("Polaków", "polakow");
	ASSERT_FOLD("Łódź", "lodz");
	ASSERT_FOLD("się", "sie");
	ASSERT_FOLD("Ørsted", "orsted");
	ASSERT_FOLD("\xef\xbc\xa1\xef\xbc\xa2", "ab");     /* fullwidth AB */
	ASSERT_FOLD("Привет", "привет");
}

Test(nl_tokenizer, fold_drops_final_apostrophe_s)
{
	ASSERT_FOLD("auto's", "auto");
	ASSERT_FOLD("e-mail", "email");
	ASSERT_FOLD("z'n", "zn");
}

/* ---- stems --------------------------------------------------------------- */

Test(nl_tokenizer, stems_meet_plurals)
{
	assert_meet("maatje", "maatjes");
	assert_meet("maat", "maatje");
	assert_meet("huisarts", "huisartsen");
	assert_meet("buurthuis", "buurthuizen");
	assert_meet("wandeling", "wandelingen");
	assert_meet("koor", "koren");
	assert_meet("kind", "kinderen");
	assert_meet("brief", "brieven");
	assert_meet("cursus", "cursussen");
	assert_meet("gezin", "gezinnen");
	assert_meet("mens", "mensen");
	assert_meet("plaats", "plaatsen");
	assert_meet("huishouden", "huishoudens");
	assert_meet("volwassene", "volwassenen");
	assert_meet("buurtcentrum", "buurtcentra");
	assert_meet("lid", "leden");
	assert_meet("advies", "adviezen");
}

Test(nl_tokenizer, stems_meet_vowel_plurals)
{
	assert_meet("idee", "ideeën");
	assert_meet("familie", "families");
	assert_meet("ziekte", "ziektes");
	assert_meet("gemeente", "gemeentes");
	assert_meet("bureau", "bureaus");
	assert_meet("auto", "auto's");
	assert_meet("taalcafé", "taalcafe");
	assert_meet("taalcafé", "taalcafés");
}

Test(nl_tokenizer, stems_meet_diminutives)
{
	assert_meet("volkstuin", "volkstuintje");
	assert_meet("volkstuinen", "volkstuintjes");
	assert_meet("boom", "boompje");
	assert_meet("film", "filmpje");
	assert_meet("lamp", "lampje");
	assert_meet("bal", "balletje");
	assert_meet("ring", "ringetje");
	assert_meet("bloem", "bloemetje");
	assert_meet("koffie", "koffietje");
	assert_meet("praat", "praatje");
	assert_meet("kant", "kantje");
	assert_meet("kamer", "kamertje");
	assert_meet("vrouw", "vrouwtje");
	assert_meet("huis", "huisje");
	assert_meet("pakket", "pakketje");
	assert_meet("kaart", "kaartjes");
	assert_meet("buurt", "buurtje");
}

Test(nl_tokenizer, stems_stay_apart)
{
	assert_apart("betalen", "betaalbaar");
	assert_meet("betaalbaar", "betaalbare");
	assert_apart("beschikking", "beschikbaar");
	assert_apart("open", "openbaar");
	assert_apart("rekenen", "rekeningen");
	assert_meet("rekening", "rekeningen");
	assert_meet("energierekening", "energierekeningen");
	assert_apart("ouders", "ouderen");
	assert_meet("oudere", "ouderen");
	assert_apart("over", "overheid");
	assert_apart("alle", "alleen");
	assert_meet("les", "lessen");
}

Test(nl_tokenizer, content_words_never_become_stop_words)
{
	char a[NL_MAX_TOKEN], b[NL_MAX_TOKEN];

	assert_apart("mensen", "men");
	assert_apart("dansen", "dan");
	assert_meet("dans", "dansen");
	assert_apart("zaal", "zal");
	assert_meet("zaal", "zalen");
	norm("de", a);
	cr_assert_str_eq(a, "de");
	norm("mens", b);
	cr_assert_str_eq(b, "men_");
}

Test(nl_tokenizer, normalize_edge_cases)
{
	char out[8];

	ASSERT_NORM("Wandelingen", "wandel");
	ASSERT_NORM("e-mail", "email");
	ASSERT_NORM("2026", "2026");
	ASSERT_NORM("a4", "a4");
	cr_assert_eq(nl_normalize_word("!!", -1, out, sizeof(out)), 0);
	cr_assert_str_eq(out, "");
	cr_assert_eq(nl_normalize_word("ontmoetingsplekken", -1, out,
	    sizeof(out)), -1);
	cr_assert_eq(nl_normalize_word(NULL, 0, out, sizeof(out)), -1);
}

Test(nl_tokenizer, long_words_are_folded_not_stemmed)
{
	char w[NL_MAX_STEM + 8], big[600], out[NL_MAX_TOKEN];
	int n;

	for (int i = 0; i < NL_MAX_STEM; i += 2)
		memcpy(w + i, "ab", 2);
	memcpy(w + NL_MAX_STEM, "BEN", 4);            /* 67 letters */
	n = nl_normalize_word(w, -1, out, sizeof(out));
	cr_assert_eq(n, NL_MAX_STEM + 3);             /* as is, folded */
	cr_assert_eq(memcmp(out + NL_MAX_STEM, "ben", 3), 0);

	memcpy(w + NL_MAX_STEM - 2, "en", 3);         /* 64 letters: stemmed */
	n = nl_normalize_word(w, -1, out, sizeof(out));
	cr_assert_eq(n, NL_MAX_STEM - 2);

	for (int i = 0; i < 300; i++)                /* 600 bytes of e-acute */
		memcpy(big + 2 * i, "\xc3\xa9", 2);
	n = nl_normalize_word(big, 600, out, sizeof(out));
	cr_assert_eq(n, NL_MAX_TOKEN - 1);           /* cut, 1 byte each */
}

/* ---- splitting ----------------------------------------------------------- */

Test(nl_tokenizer, split_hyphens)
{
	ASSERT_TOKENS("ma-vr", "ma vr mavr/C");
	ASSERT_TOKENS("e-mail", "e mail email/C");
	ASSERT_TOKENS("Vleuten-De Meern", "vleut de/S vleutend/C meern");
	ASSERT_TOKENS("'s-Hertogenbosch", "s/S hertogenbosch shertogenbosch/C");
	ASSERT_TOKENS("taal-maatjes", "tal mat taalmat/C");
	/* all digits: not joined; other dashes only separate */
	ASSERT_TOKENS("2026-11-01", "2026 11 01");
	ASSERT_TOKENS("ma\xe2\x80\x93vr", "ma vr");          /* en dash */
	ASSERT_TOKENS("ma\xe2\x80\x90vr", "ma vr mavr/C");   /* U+2010 */
	ASSERT_TOKENS("zorg- en welzijn", "zorg en/S welzijn");
	ASSERT_TOKENS("a--b", "a b");
}

Test(nl_tokenizer, split_apostrophes)
{
	ASSERT_TOKENS("auto's", "auto");
	ASSERT_TOKENS("auto\xe2\x80\x99s", "auto");          /* U+2019 */
	ASSERT_TOKENS("Anna's koffie", "anna koffie");
	ASSERT_TOKENS("z'n m'n d'r", "zn/S mn/S dr/S");
	ASSERT_TOKENS("zo'n", "zon");
	ASSERT_TOKENS("'s avonds", "s/S avond");
	ASSERT_TOKENS("'t huis", "t/S huis");
	ASSERT_TOKENS("'hallo'", "hallo");
}

Test(nl_tokenizer, split_other)
{
	ASSERT_TOKENS("Koffie, thee & een praatje!", "koffie thee een/S prat");
	ASSERT_TOKENS("3817 AB", "3817 ab");
	ASSERT_TOKENS("buurt\xc2\xadhuis", "buurthuis");     /* soft hyphen */
	ASSERT_TOKENS("\xff\xfe" "abc\xc3", "abc");          /* bad UTF-8 */
	ASSERT_TOKENS("", "");
	ASSERT_TOKENS("  ...  ", "");
	ASSERT_TOKENS("koffie\xf0\x9f\x98\x80thee", "koffie thee"); /* emoji */
}

Test(nl_tokenizer, spans_cover_the_original_bytes)
{
	struct toks t;
	const char *s = "Het taalcafé’s e-mail";

	tokenize(s, &t);
	cr_assert_eq(t.n, 5);
	cr_assert_str_eq(t.tok[1], "taalcaf");
	cr_assert_eq(t.start[1], 4);
	cr_assert_eq(t.end[1], 4 + (int)strlen("taalcafé’s"));
	cr_assert_str_eq(t.tok[4], "email");
	cr_assert_eq(t.flags[4], NL_TOK_COLOCATED);
	cr_assert_eq(t.end[4] - t.start[4], 6);
	cr_assert_eq(t.start[4], t.start[2]);
	cr_assert_eq(t.end[4], t.end[3]);
}

struct plain {
	int n;
	int stop_at;
};

static int
count_plain(void *ctx, const char *tok, int ntok, int start, int end)
{
	struct plain *p = ctx;

	(void)tok;
	cr_assert(ntok > 0 && start < end);
	return ++p->n == p->stop_at ? 42 : 0;
}

Test(nl_tokenizer, plain_callback_and_stop)
{
	struct plain p = { 0, 0 };

	cr_assert_eq(nl_tokenize("e-mail naar de buurt", -1, count_plain, &p),
	    0);
	cr_assert_eq(p.n, 6);   /* e mail email naar de buurt */
	p.n = 0;
	p.stop_at = 2;
	cr_assert_eq(nl_tokenize("een twee drie", -1, count_plain, &p), 42);
	cr_assert_eq(p.n, 2);
}

Test(nl_tokenizer, reusable_tokenizer)
{
	struct nl_tokenizer *t = nl_tokenizer_new();
	struct toks k;
	char out[NL_MAX_TOKEN];

	cr_assert_not_null(t);
	for (int i = 0; i < 3; i++) {
		memset(&k, 0, sizeof(k));
		cr_assert_eq(nl_tokenizer_run(t, "Buurthuizen", -1, collect,
		    &k), 0);
		cr_assert_eq(k.n, 1);
		cr_assert_str_eq(k.tok[0], "buurthuis");
	}
	cr_assert_eq(nl_tokenizer_normalize(t, "maatjes", -1, out,
	    sizeof(out)), 3);
	cr_assert_str_eq(out, "mat");
	nl_tokenizer_free(t);
	nl_tokenizer_free(NULL);
}

Test(nl_tokenizer, fingerprint_is_stable)
{
	char a[17], b[17];

	cr_assert_eq(nl_tokenizer_fingerprint(a), 0);
	cr_assert_eq(nl_tokenizer_fingerprint(b), 0);
	cr_assert_eq(strlen(a), 16);
	cr_assert_str_eq(a, b);
	cr_assert_eq(strspn(a, "0123456789abcdef"), 16);
}

/* ---- stop words ---------------------------------------------------------- */

Test(nl_tokenizer, stopwords)
{
	static const char *const stop[] = {
		"aan", "de", "het", "een", "en", "van", "ik", "mijn", "in",
		"op", "te", "zn", "mn", "s", "t", "zullen", "welke", "mee",
	};
	static const char *const keep[] = {
		"alleen", "samen", "hulp", "zelf", "zonder", "maatje", "",
		"zon", "dansen", "aa", "zz",
	};

	for (size_t i = 0; i < sizeof(stop) / sizeof(stop[0]); i++)
		cr_assert(nl_is_stopword(stop[i], (int)strlen(stop[i])),
		    "%s should be a stop word", stop[i]);
	for (size_t i = 0; i < sizeof(keep) / sizeof(keep[0]); i++)
		cr_assert(!nl_is_stopword(keep[i], (int)strlen(keep[i])),
		    "%s should not be a stop word", keep[i]);
	cr_assert(nl_is_stopword("dezelfde", 4));   /* length counts */
	cr_assert(!nl_is_stopword(NULL, 0));
}

/* ---- FTS5 end to end ----------------------------------------------------- */

static sqlite3 *
open_db(void)
{
	sqlite3 *db = NULL;

	cr_assert_eq(sqlite3_open(":memory:", &db), SQLITE_OK);
	cr_assert_eq(nl_tokenizer_register(db), SQLITE_OK);
	return db;
}

static void
exec(sqlite3 *db, const char *sql)
{
	char *err = NULL;

	cr_assert_eq(sqlite3_exec(db, sql, NULL, NULL, &err), SQLITE_OK,
	    "%s: %s", sql, err ? err : "?");
}

/* The rowids that match q, as "1 3" (ascending). */
static void
match(sqlite3 *db, const char *q, char *out, size_t outsz)
{
	sqlite3_stmt *st = NULL;
	size_t used = 0;

	cr_assert_eq(sqlite3_prepare_v2(db,
	    "SELECT rowid FROM t WHERE t MATCH ?1 ORDER BY rowid", -1, &st,
	    NULL), SQLITE_OK);
	sqlite3_bind_text(st, 1, q, -1, SQLITE_STATIC);
	out[0] = '\0';
	while (sqlite3_step(st) == SQLITE_ROW) {
		int k = snprintf(out + used, outsz - used, "%s%d",
		    used ? " " : "", sqlite3_column_int(st, 0));
		cr_assert(k > 0 && (size_t)k < outsz - used);
		used += (size_t)k;
	}
	cr_assert_eq(sqlite3_finalize(st), SQLITE_OK, "query %s", q);
}

#define ASSERT_MATCH(db, q, want) do {                                 \
	char got_[256];                                                \
	match(db, q, got_, sizeof(got_));                              \
	cr_assert_str_eq(got_, want, "MATCH %s", q);                   \
} while (0)

Test(nl_tokenizer, fts5_end_to_end)
{
	sqlite3 *db = open_db();

	exec(db, "CREATE VIRTUAL TABLE t USING fts5(x, tokenize='dutch')");
	exec(db, "INSERT INTO t(rowid, x) VALUES"
	    "(1, 'Taalcafé in de bibliotheek'),"
	    "(2, 'Een maatje voor een wandeling'),"
	    "(3, 'Het buurthuis is open'),"
	    "(4, 'Zingen in een koor'),"
	    "(5, 'Volkstuinen aan de rand van de stad'),"
	    "(6, 'Hulp bij het betalen van rekeningen'),"
	    "(7, 'Betaalbare maaltijden voor ouders'),"
	    "(8, 'Mail ons: e-mail of telefoon'),"
	    "(9, 'Gym voor ouderen in Vleuten-De Meern'),"
	    "(10, '\xc4\xb2sselstein en Türkçe les')");
	ASSERT_MATCH(db, "taalcafe", "1");
	ASSERT_MATCH(db, "TAALCAFÉS", "1");
	ASSERT_MATCH(db, "maatjes", "2");
	ASSERT_MATCH(db, "wandelingen", "2");
	ASSERT_MATCH(db, "buurthuizen", "3");
	ASSERT_MATCH(db, "koren", "4");
	ASSERT_MATCH(db, "volkstuintje", "5");
	ASSERT_MATCH(db, "betalen", "6");
	ASSERT_MATCH(db, "rekening", "6");
	ASSERT_MATCH(db, "betaalbaar", "7");
	ASSERT_MATCH(db, "ouderen", "9");
	ASSERT_MATCH(db, "ouder", "7");
	ASSERT_MATCH(db, "email", "8");
	ASSERT_MATCH(db, "mail", "8");
	ASSERT_MATCH(db, "\"vleuten de meern\"", "9");
	ASSERT_MATCH(db, "vleutende", "9");
	ASSERT_MATCH(db, "ijsselstein AND turkce", "10");
	ASSERT_MATCH(db, "buurth*", "3");
	ASSERT_MATCH(db, "zwemles", "");
	sqlite3_close(db);
}

Test(nl_tokenizer, fts5_highlight_uses_spans)
{
	sqlite3 *db = open_db();
	sqlite3_stmt *st = NULL;

	exec(db, "CREATE VIRTUAL TABLE t USING fts5(x, tokenize='dutch')");
	exec(db, "INSERT INTO t VALUES"
	    "('Koffie in het Taalcafé, elke dinsdag')");
	cr_assert_eq(sqlite3_prepare_v2(db,
	    "SELECT highlight(t, 0, '[', ']') FROM t WHERE t MATCH 'taalcafes'",
	    -1, &st, NULL), SQLITE_OK);
	cr_assert_eq(sqlite3_step(st), SQLITE_ROW);
	cr_assert_str_eq((const char *)sqlite3_column_text(st, 0),
	    "Koffie in het [Taalcafé], elke dinsdag");
	sqlite3_finalize(st);
	sqlite3_close(db);
}

Test(nl_tokenizer, fts5_vocab_shows_tokens)
{
	sqlite3 *db = open_db();
	sqlite3_stmt *st = NULL;
	char terms[256] = "";
	size_t used = 0;

	exec(db, "CREATE VIRTUAL TABLE t USING fts5(x, tokenize='dutch')");
	exec(db, "CREATE VIRTUAL TABLE v USING fts5vocab(t, 'row')");
	exec(db, "INSERT INTO t VALUES('Buurthuizen e-mail mensen')");
	cr_assert_eq(sqlite3_prepare_v2(db, "SELECT term FROM v ORDER BY term",
	    -1, &st, NULL), SQLITE_OK);
	while (sqlite3_step(st) == SQLITE_ROW) {
		int k = snprintf(terms + used, sizeof(terms) - used, "%s%s",
		    used ? " " : "", (const char *)sqlite3_column_text(st, 0));
		cr_assert(k > 0 && (size_t)k < sizeof(terms) - used);
		used += (size_t)k;
	}
	sqlite3_finalize(st);
	cr_assert_str_eq(terms, "buurthuis e email mail men_");
	sqlite3_close(db);
}

Test(nl_tokenizer, fts5_rejects_arguments)
{
	sqlite3 *db = open_db();

	cr_assert_neq(sqlite3_exec(db,
	    "CREATE VIRTUAL TABLE t USING fts5(x, tokenize='dutch extra')",
	    NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
}
