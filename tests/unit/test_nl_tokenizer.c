/*
 * test_nl_tokenizer.c - unit tests for common/nl_tokenizer.c (suite
 * "nl_tokenizer"): folding, stems that must meet or stay apart, splitting
 * on hyphens and apostrophes, stop words, FTS5 end to end, and the word
 * cache (which must never change a token stream).
 */
#include <criterion/criterion.h>

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nl_tokenizer.h"
#include "nl_tokenizer_internal.h"
#include "strset.h"

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

/* ---- the word cache ------------------------------------------------------ */

/*
 * Each tokenizer caches the stem of every folded word it stems
 * (nl_tokenizer.c, "word cache"). The cache must never change the output:
 * the token streams (bytes, flags, offsets) of a large varied text are
 * compared between a tokenizer without cache, a fresh one, the same one
 * warm, and ones whose tiny cache is emptied again and again. A second
 * check recomputes every main token from its span with the plain
 * per-character path (nl_fold_word, nl_tokenizer_normalize).
 */

/* The texts: each fixture file whole, then the tricky strings. */
struct texts {
	char *s[64];
	int len[64];
	int n;
};

static void
add_text(struct texts *x, const char *s, int len)
{
	cr_assert(x->n < 64);
	x->s[x->n] = malloc((size_t)len + 1);
	cr_assert_not_null(x->s[x->n]);
	memcpy(x->s[x->n], s, (size_t)len);
	x->s[x->n][len] = '\0';
	x->len[x->n++] = len;
}

static void
add_file(struct texts *x, const char *path)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long sz;

	cr_assert_not_null(f, "open %s", path);
	cr_assert_eq(fseek(f, 0, SEEK_END), 0);
	sz = ftell(f);
	cr_assert(sz > 0 && sz < (1L << 24), "size of %s", path);
	rewind(f);
	buf = malloc((size_t)sz);
	cr_assert_not_null(buf);
	cr_assert_eq(fread(buf, 1, (size_t)sz, f), (size_t)sz);
	fclose(f);
	add_text(x, buf, (int)sz);
	free(buf);
}

/* Strings for every rule and edge of splitting and folding. */
static const char *const tricky[] = {
	"Café CAFÉ café cafe\xcc\x81 Cliënt cliënten ideeën coördinator "
	"geïnteresseerd ÇA straße STRASSE",
	"\xc4\xb3sselstein \xc4\xb2SSELSTEIN IJsselstein ijs \xc4\xb3s "
	"\xc4\xb3\xc4\xb3",
	"e-mail E-Mail EMAIL ma-vr ma\xe2\x80\x90vr ma\xe2\x80\x91vr "
	"ma\xe2\x80\x93vr 2026-11-01 's-Hertogenbosch Vleuten-De Meern a--b "
	"zorg- en welzijn taal-maatjes auto's-mail x-2026 06-12345678 -a- "
	"de-het-een in-en-uit-de-buurt e-\xc3\xa9-\xc4\xb3",
	"auto's Anna's z'n m'n d'r zo'n 's avonds 't huis 'hallo' "
	"auto\xe2\x80\x99s rock`n`roll o'neill a's's x''y it\xca\xbcs "
	"l\xc2\xb4" "ami 'k 'n ' s' auto's's AUTO'S",
	"3817 AB 030-1234567 1e 2de a4 A4 10:00-12:00 \xe2\x82\xac" "5,- "
	"1\xc2\xbd 2\xe2\x81\x84" "3 x\xc2\xb2 \xe2\x85\xa0\xe2\x85\xa1 "
	"\xd9\xa3\xd9\xa4 007 0",
	"buurt\xc2\xadhuis buurt\xe2\x80\x8bhuis buurt\xe2\x80\x8dhuis "
	"\xef\xbb\xbf" "bom \xc2\xad" "a \xe2\x81\xa0woord",
	"Türkçe Kadınlar buluşması Doğan İstanbul Polaków Łódź się Ørsted "
	"Æble Œuvre Ħal Ŧest Đorđe \xef\xac\x81" "ets \xef\xbc\xa1\xef\xbc\xa2 "
	"Привет ΐ ǅungla ŉ \xef\xb7\xba ﬃ ǈ",
	"De HET Een EN van VAN Mensen mensen MENSEN men dansen dan zaal zalen "
	"uitje uitjes Uit zal Zullen alleen alle samen hulp zelf zonder",
	"Huisartsen maatjes buurthuizen wandelingen koren volkstuintjes "
	"taalcafés kinderen buurtcentra ideeën families ziektes bureaus "
	"brieven cursussen mensen plaatsen huishoudens betaalbare ouderen "
	"rekeningen overheid overheids overheden boompje balletje ringetje "
	"koffietje praatje kantje tuintje kamertje kaartjes betaalbaarheid "
	"dierbaren musici politici criteria musea leden geleden steden "
	"schepen advies adviezen knieën categorieën niveaus machines",
	"\xff\xfe" "abc\xc3 caf\xe9 na\xefve \xc3\x28 \xe2\x82 \xf0\x9f\x98 "
	"abc\xc0\xaf" "def \xed\xa0\x80x koffie\xf0\x9f\x98\x80thee "
	"\x80\x80 a\xc3",
};

/* Words built at run time: long ones around NL_MAX_STEM and
 * NL_MAX_TOKEN, and words cut by a non-ASCII character whose fold does
 * not fit (ASCII after it must not be added either). */
static void
add_long_words(struct texts *x)
{
	char w[2048];
	int n = 0;

	for (int len = NL_MAX_STEM - 3; len <= NL_MAX_STEM + 2; len++) {
		for (int i = 0; i < len - 2; i++)
			w[n++] = (char)('a' + i % 7);
		memcpy(w + n, "en ", 3);        /* 61..66 letters */
		n += 3;
	}
	for (int i = 0; i < 300; i++)           /* cut at NL_MAX_TOKEN */
		w[n++] = (char)('A' + i % 26);
	w[n++] = ' ';
	for (int k = 0; k < 2; k++) {           /* 254 + ij (ligature) */
		for (int i = 0; i < NL_MAX_TOKEN - 2; i++)
			w[n++] = k ? 'A' : '7';
		memcpy(w + n, "\xc4\xb3" "bcd ", 6);
		n += 6;
	}
	for (int i = 0; i < 200; i++) {         /* 400 bytes of é */
		memcpy(w + n, "\xc3\xa9", 2);
		n += 2;
	}
	w[n++] = ' ';
	for (int k = 0; k < 2; k++) {           /* joined fits, then not */
		for (int i = 0; i < 30 + k * 10; i++)
			w[n++] = 'k';
		w[n++] = '-';
		for (int i = 0; i < 30 + k * 10; i++)
			w[n++] = 'm';
		w[n++] = ' ';
	}
	cr_assert((size_t)n < sizeof(w));
	add_text(x, w, n);
	add_text(x, "ab\0cd e\0f", 9);          /* NUL bytes separate */
}

/* 40 000 distinct a-z words: more than the largest cache holds. */
static void
add_many_words(struct texts *x)
{
	static const char *const suffix[] = {
		"", "en", "tje", "s", "baar", "heid", "jes", "ing",
	};
	size_t cap = 40000 * 12, n = 0;
	char *buf = malloc(cap);

	cr_assert_not_null(buf);
	for (int i = 0; i < 40000; i++) {
		int v = i / 8;

		buf[n++] = 'w';
		for (int d = 0; d < 4; d++, v /= 26)
			buf[n++] = (char)('a' + v % 26);
		n += (size_t)sprintf(buf + n, "%s ", suffix[i % 8]);
	}
	cr_assert(n < cap);
	add_text(x, buf, (int)n);
	free(buf);
}

static void
load_texts(struct texts *x)
{
	static const char *const files[] = {
		"fixtures/corpus/eemland.xml", "fixtures/corpus/utrecht.xml",
		"fixtures/corpus/woerden.csv", "fixtures/corpus/queries.jsonl",
		"fixtures/handmade/hm1-eemland.xml",
		"fixtures/handmade/hm2-utrecht.xml",
		"fixtures/handmade/hm3-lekstroom.csv",
		"fixtures/handmade/hm4-woerden.csv",
	};
	size_t all = 0;

	memset(x, 0, sizeof(*x));
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++)
		add_file(x, files[i]);
	for (size_t i = 0; i < sizeof(tricky) / sizeof(tricky[0]); i++) {
		add_text(x, tricky[i], (int)strlen(tricky[i]));
		all += strlen(tricky[i]) + 1;
	}
	add_long_words(x);
	add_many_words(x);
	{                                       /* all tricky ones at once */
		char *buf = malloc(all), *p = buf;

		cr_assert_not_null(buf);
		for (size_t i = 0; i < sizeof(tricky) / sizeof(tricky[0]);
		     i++) {
			size_t k = strlen(tricky[i]);

			memcpy(p, tricky[i], k);
			p[k] = '\n';
			p += k + 1;
		}
		add_text(x, buf, (int)all);
		free(buf);
	}
}

static void
free_texts(struct texts *x)
{
	for (int i = 0; i < x->n; i++)
		free(x->s[i]);
}

/* A token stream as text, one line per token: "flags start end token". */
struct stream {
	char *buf;
	size_t len, cap;
	size_t ntok;
};

static void
stream_put(struct stream *s, const char *line, size_t k)
{
	if (s->len + k + 1 > s->cap) {
		s->cap = s->cap ? s->cap * 2 : 1 << 16;
		while (s->len + k + 1 > s->cap)
			s->cap *= 2;
		s->buf = realloc(s->buf, s->cap);
		cr_assert_not_null(s->buf);
	}
	memcpy(s->buf + s->len, line, k);
	s->len += k;
	s->buf[s->len] = '\0';
}

static int
record(void *ctx, int flags, const char *tok, int ntok, int start, int end)
{
	struct stream *s = ctx;
	char line[NL_MAX_TOKEN + 64];
	int k;

	cr_assert(ntok > 0 && ntok < NL_MAX_TOKEN);
	k = snprintf(line, sizeof(line), "%d %d %d %.*s\n", flags, start,
	    end, ntok, tok);
	cr_assert(k > 0 && (size_t)k < sizeof(line));
	stream_put(s, line, (size_t)k);
	s->ntok++;
	return 0;
}

/* Tokenizes every text with t into *s (emptied first); a line "--"
 * separates the texts. */
static void
run_texts(struct nl_tokenizer *t, const struct texts *x, struct stream *s)
{
	s->len = 0;
	s->ntok = 0;
	for (int i = 0; i < x->n; i++) {
		cr_assert_eq(nl_tokenizer_run(t, x->s[i], x->len[i], record,
		    s), 0, "text %d", i);
		stream_put(s, "--\n", 3);
	}
}

/* Fails with the first line where b differs from a. */
static void
assert_same_stream(const struct stream *a, const struct stream *b,
                   const char *what)
{
	size_t i = 0, line = 0;

	while (i < a->len && i < b->len && a->buf[i] == b->buf[i])
		i++;
	if (i == a->len && i == b->len)
		return;
	while (i > 0 && a->buf[i - 1] != '\n')
		i--;
	for (size_t k = 0; k < i; k++)
		line += a->buf[k] == '\n';
	cr_assert_fail("%s: token line %zu differs:\n  want %.*s\n  got  %.*s",
	    what, line + 1, (int)strcspn(a->buf + i, "\n"), a->buf + i,
	    (int)strcspn(b->buf + i, "\n"), b->buf + i);
}

/* A tokenizer with its cache at most max_slots slots (0: off). */
static struct nl_tokenizer *
tokenizer_with_cache(unsigned max_slots)
{
	struct nl_tokenizer *t = nl_tokenizer_new();

	cr_assert_not_null(t);
	cr_assert_eq(nl_tokenizer_cache_limit(t, max_slots), 0);
	return t;
}

Test(nl_tokenizer, cache_keeps_token_streams_equal)
{
	static const unsigned tiny[] = { 4, 8, 64, 1024 };
	struct texts x;
	struct stream want = { 0 }, got = { 0 };
	struct nl_tokenizer *t;
	struct nl_cache_stats st;
	unsigned long misses;

	load_texts(&x);
	t = tokenizer_with_cache(0);            /* the reference */
	run_texts(t, &x, &want);
	nl_tokenizer_cache_stats(t, &st);
	cr_assert_eq(st.hits, 0);
	cr_assert_eq(st.slots, 0);
	nl_tokenizer_free(t);
	cr_assert_gt(want.ntok, 60000);

	t = nl_tokenizer_new();                 /* fresh, then warm */
	cr_assert_not_null(t);
	run_texts(t, &x, &got);
	assert_same_stream(&want, &got, "fresh tokenizer");
	run_texts(t, &x, &got);
	assert_same_stream(&want, &got, "warm tokenizer");
	nl_tokenizer_cache_stats(t, &st);
	cr_assert_geq(st.clears, 1, "40 000 words should fill the cache");
	cr_assert_eq(st.slots, 65536);
	nl_tokenizer_free(t);

	t = nl_tokenizer_new();                 /* warm: no word stemmed */
	cr_assert_not_null(t);
	cr_assert_eq(nl_tokenizer_run(t, x.s[0], x.len[0], record, &got), 0);
	nl_tokenizer_cache_stats(t, &st);
	misses = st.misses;
	cr_assert_gt(st.hits, misses);
	cr_assert_eq(nl_tokenizer_run(t, x.s[0], x.len[0], record, &got), 0);
	nl_tokenizer_cache_stats(t, &st);
	cr_assert_eq(st.misses, misses);
	cr_assert_eq(st.clears, 0);
	nl_tokenizer_free(t);

	for (size_t i = 0; i < sizeof(tiny) / sizeof(tiny[0]); i++) {
		t = tokenizer_with_cache(tiny[i]);
		run_texts(t, &x, &got);
		assert_same_stream(&want, &got, "small cache");
		run_texts(t, &x, &got);
		assert_same_stream(&want, &got, "small cache, second run");
		nl_tokenizer_cache_stats(t, &st);
		cr_assert_gt(st.clears, 100, "%u slots: %lu clears", tiny[i],
		    st.clears);
		cr_assert_leq(st.slots, tiny[i]);
		cr_assert_leq(st.entries * 2, st.slots);
		nl_tokenizer_free(t);
	}
	free(want.buf);
	free(got.buf);
	free_texts(&x);
}

/* For the oracle check: the text being tokenized, and a tokenizer
 * without cache to normalize each token's span. */
struct oracle {
	const char *text;
	struct nl_tokenizer *plain;
	int checked;
};

static int
check_token(void *ctx, int flags, const char *tok, int ntok, int start,
            int end)
{
	struct oracle *o = ctx;
	char fold[NL_MAX_TOKEN], out[NL_MAX_TOKEN];
	int nf, n;

	cr_assert(start >= 0 && start < end);
	if (flags & NL_TOK_COLOCATED)
		return 0;                       /* a joined form */
	nf = nl_fold_word(o->text + start, end - start, fold, sizeof(fold));
	cr_assert(nf > 0, "fold of span %d-%d", start, end);
	cr_assert_eq(!!(flags & NL_TOK_STOPWORD), nl_is_stopword(fold, nf),
	    "stop flag of %s", fold);
	n = nl_tokenizer_normalize(o->plain, o->text + start, end - start,
	    out, sizeof(out));
	cr_assert(n == ntok && memcmp(out, tok, (size_t)n) == 0,
	    "span %d-%d (%s): token %.*s, normalized %s", start, end, fold,
	    ntok, tok, out);
	o->checked++;
	return 0;
}

/* Every main token equals its span folded character by character
 * (nl_fold_word, not the ASCII fast path of the scanner) and stemmed
 * without cache; the stop flag equals nl_is_stopword of that fold. */
Test(nl_tokenizer, cache_tokens_match_their_spans)
{
	struct texts x;
	struct oracle o = { NULL, tokenizer_with_cache(0), 0 };
	struct nl_tokenizer *t = tokenizer_with_cache(64);

	load_texts(&x);
	for (int i = 0; i < x.n; i++) {
		o.text = x.s[i];
		cr_assert_eq(nl_tokenizer_run(t, x.s[i], x.len[i],
		    check_token, &o), 0);
	}
	cr_assert_gt(o.checked, 60000);
	nl_tokenizer_free(o.plain);
	nl_tokenizer_free(t);
	free_texts(&x);
}

Test(nl_tokenizer, cache_normalize_and_small_buffers)
{
	static const char *const words[] = {
		"kinderen", "Mensen", "mensen", "de", "buurtcentra", "oudere",
		"café", "2026", "e-mail", "auto's", "overheid", "x",
	};
	struct nl_tokenizer *plain = tokenizer_with_cache(0);
	struct nl_tokenizer *t = nl_tokenizer_new();
	char full[NL_MAX_TOKEN], cut[NL_MAX_TOKEN];

	cr_assert_not_null(t);
	for (int pass = 0; pass < 2; pass++)    /* out too small: -1 */
		for (size_t i = 0; i < sizeof(words) / sizeof(words[0]);
		     i++) {
			int n = nl_tokenizer_normalize(t, words[i], -1, full,
			    sizeof(full));

			cr_assert(n > 0);
			cr_assert_eq(nl_tokenizer_normalize(t, words[i], -1,
			    cut, n), -1, "%s in %d bytes", words[i], n);
			cr_assert_eq(nl_tokenizer_normalize(t, words[i], -1,
			    cut, n + 1), n);
			cr_assert_str_eq(cut, full);
		}
	for (int pass = 0; pass < 2; pass++)    /* cold, then warm */
		for (size_t i = 0; i < sizeof(words) / sizeof(words[0]);
		     i++)
			for (int sz = 1; sz <= 16; sz++) {
				char a[16], b[16];
				int na = nl_tokenizer_normalize(plain,
				    words[i], -1, a, sz);
				int nb = nl_tokenizer_normalize(t, words[i],
				    -1, b, sz);

				cr_assert_eq(na, nb, "%s in %d bytes",
				    words[i], sz);
				if (na >= 0)
					cr_assert_str_eq(a, b);
			}
	cr_assert_eq(nl_tokenizer_cache_limit(t, 3), -1);
	cr_assert_eq(nl_tokenizer_cache_limit(t, 6), -1);
	cr_assert_eq(nl_tokenizer_cache_limit(t, 1u << 20), -1);
	cr_assert_eq(nl_tokenizer_cache_limit(NULL, 4), -1);
	nl_tokenizer_free(plain);
	nl_tokenizer_free(t);
}

/* For the tag check: the caller's own numbering of tokens (as
 * postings_build.c numbers terms), and how often a tag answered. */
struct tagger {
	struct nl_tokenizer *t;
	struct strset *ids;     /* token -> its number, as decimal text */
	char **tokens;          /* number -> token */
	size_t n, cap;
	long tagged, untagged;
};

static int
tag_token(void *ctx, int flags, const char *tok, int ntok, int start,
          int end)
{
	struct tagger *g = ctx;
	uint32_t tag = nl_tokenizer_tag(g->t);
	char key[NL_MAX_TOKEN], num[16];
	const char *have;

	(void)flags; (void)start; (void)end;
	memcpy(key, tok, (size_t)ntok);
	key[ntok] = '\0';
	if (tag != 0) {
		cr_assert_leq(tag, g->n);
		cr_assert_str_eq(g->tokens[tag - 1], key, "tag %u", tag);
		g->tagged++;
		return 0;
	}
	g->untagged++;
	if ((have = strset_get(g->ids, key)) == NULL) {
		if (g->n == g->cap) {
			g->cap = g->cap ? 2 * g->cap : 1024;
			g->tokens = realloc(g->tokens, g->cap * sizeof(char *));
			cr_assert_not_null(g->tokens);
		}
		g->tokens[g->n] = strdup(key);
		snprintf(num, sizeof(num), "%zu", g->n++);
		cr_assert_eq(strset_put(g->ids, key, num), 0);
		have = strset_get(g->ids, key);
	}
	nl_tokenizer_set_tag(g->t, (uint32_t)strtoul(have, NULL, 10) + 1);
	return 0;
}

/* A tag read back always belongs to the token being emitted, with the
 * cache of any size (cleared again and again when small), and outside a
 * callback there is none. */
Test(nl_tokenizer, tags_follow_their_tokens)
{
	static const unsigned caches[] = { 0, 8, 64, 65536 };
	struct texts x;

	load_texts(&x);
	for (size_t c = 0; c < sizeof(caches) / sizeof(caches[0]); c++) {
		struct tagger g = { tokenizer_with_cache(caches[c]), strset_new(),
		    NULL, 0, 0, 0, 0 };

		for (int pass = 0; pass < 2; pass++)
			for (int i = 0; i < x.n; i++)
				cr_assert_eq(nl_tokenizer_run(g.t, x.s[i], x.len[i],
				    tag_token, &g), 0);
		cr_assert_eq(nl_tokenizer_tag(g.t), 0);
		nl_tokenizer_set_tag(g.t, 7);           /* outside: no effect */
		if (caches[c] == 0)
			cr_assert_eq(g.tagged, 0);
		if (caches[c] == 65536)         /* the texts overflow it, too */
			cr_assert_gt(3 * g.tagged, g.untagged, "%ld tagged, "
			    "%ld not", g.tagged, g.untagged);
		else if (caches[c] != 0)
			cr_assert_gt(g.tagged, 0);
		for (size_t k = 0; k < g.n; k++)
			free(g.tokens[k]);
		free(g.tokens);
		strset_free(g.ids);
		nl_tokenizer_free(g.t);
	}
	free_texts(&x);
}
