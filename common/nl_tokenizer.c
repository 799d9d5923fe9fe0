/*
 * nl_tokenizer.c - the "dutch" FTS5 tokenizer and its plain-C entry points;
 * see nl_tokenizer.h for the pipeline and the API.
 *
 * Owns: the stop-word list, the stemming exception table, the splitting,
 * folding and stemming code, the word cache, and the FTS5 glue. All
 * tables are static const; the only state is struct nl_tokenizer (one
 * Snowball stemmer and one word cache, see "word cache" below), allocated
 * by nl_tokenizer_new() / FTS5 xCreate and freed by nl_tokenizer_free() /
 * FTS5 xDelete; the cache's index and arena are allocated on first use and
 * freed with it. Every other scratch buffer is on the stack.
 *
 * Stemming, for a folded word of a-z letters up to NL_MAX_STEM bytes:
 *
 *  1. Exception table (nl_exceptions below): a suffix of the word is
 *     replaced. "Frozen" entries give the final token and stop there
 *     (ouderen stays apart from ouders, rekening from rekenen); the others
 *     go on to Snowball but skip the rules of steps 2-4 (kinderen -> kind,
 *     buurtcentra -> buurtcentrum; advies is kept away from the -ies rule).
 *  2. -baar adjectives are final tokens: betaalbare, betaalbaarheid ->
 *     betaalbaar. Snowball would strip -baar and merge them with the verb
 *     (betaalbaar/betalen, beschikbaar/beschikking, openbaar/open).
 *  3. Diminutives are reduced to their base: -je, -tje, -pje, -etje and
 *     their -s plurals (maatjes -> maat, volkstuintje -> volkstuin, boompje
 *     -> boom, balletje -> bal, ringetje -> ring). Which part of "tje"
 *     belongs to the base follows the spelling rules: after a vowel, or l,
 *     n, r after a short vowel, the t is the base's (praatje, kantje); after
 *     ie, ij, au and the like, w, and l/n/r after a long vowel or unstressed
 *     e, it is the suffix's (koffietje, rijtje, vrouwtje, tuintje,
 *     kamertje). Misses such as kaartje go in the table.
 *  4. Plurals Snowball leaves alone: ideeen/knieen -> idee/knie, -ies ->
 *     -ie (families), -eaus -> -eau (bureaus), and -es after t d n g p v f z
 *     -> -e (ziektes, gemeentes, cafes, machines); not after l r m c s,
 *     where -es is mostly part of the word (les, adres, mes, proces).
 *  5. Snowball "dutch" (libstemmer; 2.2 on Debian bookworm).
 *  6. Fixes after Snowball: a final z or v becomes s or f (buurthuizen ->
 *     buurthuiz -> buurthuis, brieven -> brief); a final double consonant
 *     is undoubled (Snowball undoubles only kk dd tt: lessen, mannen).
 *  7. Snowball once more when it took off a plural ending and left one it
 *     would have taken from the singular: -en leaving consonant+s
 *     (huisartsen -> huisarts -> huisart, as huisarts -> huisart; mensen,
 *     plaatsen, grenzen) and -s leaving -en (huishoudens -> huishouden ->
 *     huishoud).
 *  8. A word that is not a stop word but whose stem is the stem of one
 *     gets "_" appended, so that content words never share a token with
 *     function words: mens(en) -> men_ (not men), dans(en) -> dan_ (not
 *     dan), zaal/zalen -> zal_ (not zal), uitje(s) -> uit_ (not uit).
 *     "_" is a bareword character in FTS5 queries.
 *
 * Where compound splitting will go: emit_word() emits one word; colocated
 * tokens for it (such as compound parts) belong right after its main token,
 * with NL_TOK_COLOCATED, as the hyphen join in scan_group() does.
 */
#include "nl_tokenizer.h"

#include <libstemmer.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "nl_tokenizer_internal.h"

#define NL_STEM_BUF   (NL_MAX_STEM + 16)  /* room for table replacements */
#define NL_DECOMP_MAX 32                  /* code points from one fold */

/* ---- stop words ---------------------------------------------------------- */

/* Folded function words, sorted (strcmp). Not in it on purpose: alleen,
 * samen, hulp, zelf, zonder, which carry meaning in this domain. The single
 * letters are what 's, 't, 'n and 'k leave; dr, mn, zn come from d'r, m'n,
 * z'n. */
static const char *const nl_stopwords[] = {
	"aan", "al", "alle", "alles", "als", "altijd", "andere", "ben",
	"bent", "bij", "daar", "dan", "dat", "de", "der", "deze", "die",
	"dit", "doch", "doen", "door", "dr", "dus", "een", "eens", "en", "er",
	"ge", "geen", "geweest", "haar", "had", "heb", "hebben", "hebt",
	"heeft", "hem", "hen", "het", "hier", "hij", "hoe", "hun", "iemand",
	"iets", "ik", "in", "is", "ja", "je", "jij", "jou", "jouw", "jullie",
	"k", "kan", "kon", "kun", "kunnen", "kunt", "maar", "me", "mee",
	"meer", "men", "met", "mij", "mijn", "mn", "moet", "moeten", "n",
	"na", "naar", "niet", "niets", "nog", "nu", "of", "om", "omdat",
	"onder", "ons", "onze", "ook", "op", "over", "reeds", "s", "t", "te",
	"tegen", "toch", "toen", "tot", "u", "uit", "uw", "van", "veel",
	"voor", "waar", "wanneer", "want", "waren", "was", "wat", "we", "wel",
	"welke", "werd", "wezen", "wie", "wij", "wil", "wilt", "word",
	"worden", "wordt", "zal", "ze", "zei", "zich", "zij", "zijn", "zn",
	"zo", "zou", "zullen",
};

#define NL_NSTOP (sizeof(nl_stopwords) / sizeof(nl_stopwords[0]))
#define NL_STOP_MAXLEN  7    /* the longest stop word (checked in
                              * make_stop_stems) */
#define NL_STOPSTEM_MAX (NL_STOP_MAXLEN + 1)

/* One slot of the word cache's index. */
struct nl_slot {
	uint32_t hash;
	uint32_t ref;              /* arena offset of the record + 1; 0: free */
};

/* The word cache ("word cache" below). slots is NULL until the first
 * word is stored in it. */
struct nl_cache {
	struct nl_slot *slots;
	uint32_t nslots;           /* a power of two (0 without slots) */
	uint32_t max_slots;        /* NL_CACHE_MAX_SLOTS, less in tests */
	uint32_t used;             /* records stored */
	unsigned char *arena;      /* the records, one after the other */
	size_t arena_len, arena_cap;
	size_t emitting;           /* record (offset + 1) of the word whose
	                            * token a callback gets now; 0 = none */
	unsigned long hits, misses, clears;
};

struct nl_tokenizer {
	struct sb_stemmer *sb;
	/* The stems of nl_stopwords, sorted (strcmp), for rule 8. Made by
	 * nl_tokenizer_new() with this very pipeline, so they cannot drift. */
	char stop_stems[NL_NSTOP][NL_STOPSTEM_MAX];
	struct nl_cache cache;
	const struct nl_replay *replay;  /* FTS5 instances only; may be NULL */
};

/* Compares w (n bytes) with the NUL-ended s as strcmp would. The words
 * are short: a byte loop beats strlen + memcmp. */
static int
cmp_n(const char *w, int n, const char *s)
{
	int i;

	for (i = 0; i < n && s[i] != '\0'; i++)
		if (w[i] != s[i])
			return (unsigned char)w[i] - (unsigned char)s[i];
	if (i < n)
		return 1;              /* s is a prefix of w */
	return s[i] != '\0' ? -1 : 0;
}

int
nl_is_stopword(const char *folded, int len)
{
	size_t lo = 0, hi = NL_NSTOP;

	if (folded == NULL || len <= 0 || len > NL_STOP_MAXLEN)
		return 0;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = cmp_n(folded, len, nl_stopwords[mid]);

		if (c == 0)
			return 1;
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return 0;
}

/* 1 when w[0..n) is the stem of a stop word. */
static int
is_stop_stem(const struct nl_tokenizer *t, const char *w, int n)
{
	size_t lo = 0, hi = NL_NSTOP;

	if (n > NL_STOP_MAXLEN)
		return 0;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = cmp_n(w, n, t->stop_stems[mid]);

		if (c == 0)
			return 1;
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return 0;
}

/* ---- exception table ----------------------------------------------------- */

#define EX_FROZEN 1  /* the result is the final token */

struct nl_exception {
	const char *key;   /* suffix of the folded word (may be all of it) */
	const char *repl;  /* what replaces that suffix */
	int klen, rlen;
	int flags;
};

#define EX(key, repl, flags) \
	{ key, repl, (int)sizeof(key) - 1, (int)sizeof(repl) - 1, flags }

/*
 * Sorted by the LAST letter of key (lookup finds that run by binary search,
 * then takes the longest key that matches). repl == key means "leave the
 * word to Snowball, skipping rules 2-4", or, for geleden/besteden, "this is
 * not the plural". Kinds of entry:
 *  - the closed class of -eren plurals (kinderen, eieren, liederen, ...);
 *  - irregular plurals: leden, steden, schepen, Latin -a and -ici;
 *  - words Snowball merges with an unrelated one: ouderen (elderly) vs
 *    ouders (parents), rekening (bill) vs rekenen (arithmetic), overheid
 *    vs over;
 *  - words the general rules get wrong: -ies singulars (advies) and
 *    diminutives of -rt words (kaartje).
 */
static const struct nl_exception nl_exceptions[] = {
	EX("centra", "centrum", 0),
	EX("criteria", "criterium", 0),
	EX("musea", "museum", 0),
	EX("overheid", "overheid", EX_FROZEN),
	EX("buurtje", "buurt", 0),
	EX("kaartje", "kaart", 0),
	EX("betrokkene", "betrokken", 0),
	EX("oudere", "ouderen", EX_FROZEN),
	EX("poortje", "poort", 0),
	EX("volwassene", "volwassen", 0),
	EX("staartje", "staart", 0),
	EX("taartje", "taart", 0),
	EX("rekening", "rekening", EX_FROZEN),
	EX("musici", "musicus", 0),
	EX("politici", "politicus", 0),
	EX("technici", "technicus", 0),
	EX("beenderen", "been", 0),
	EX("besteden", "besteden", 0),
	EX("bladeren", "blad", 0),
	EX("eieren", "ei", 0),
	EX("geleden", "geleden", 0),
	EX("gleden", "gleden", 0),
	EX("goederen", "goed", 0),
	EX("kalveren", "kalf", 0),
	EX("kinderen", "kind", 0),
	EX("kleden", "kleden", 0),
	EX("kleren", "kleed", 0),
	EX("lammeren", "lam", 0),
	EX("leden", "lid", 0),
	EX("liederen", "lied", 0),
	EX("ontleden", "ontleden", 0),
	EX("ouderen", "ouderen", EX_FROZEN),
	EX("betrokkenen", "betrokken", 0),
	EX("overheden", "overheid", EX_FROZEN),
	EX("rekeningen", "rekening", EX_FROZEN),
	EX("runderen", "rund", 0),
	EX("schepen", "schip", 0),
	EX("steden", "stad", 0),
	EX("verleden", "verleden", 0),
	EX("volkeren", "volk", 0),
	EX("volwassenen", "volwassen", 0),
	EX("advies", "advies", 0),
	EX("bries", "bries", 0),
	EX("kies", "kies", 0),
	EX("overheids", "overheid", EX_FROZEN),
	EX("verlies", "verlies", 0),
	EX("vlies", "vlies", 0),
	EX("vries", "vries", 0),
};

#define NL_NEXCEPTIONS (sizeof(nl_exceptions) / sizeof(nl_exceptions[0]))

static char
last_char(const struct nl_exception *e)
{
	return e->key[e->klen - 1];
}

/* Returns the longest entry whose key ends w[0..n), or NULL. */
static const struct nl_exception *
find_exception(const char *w, int n)
{
	const struct nl_exception *best = NULL;
	size_t lo = 0, hi = NL_NEXCEPTIONS, bestlen = 0;
	char c;

	if (n <= 0)
		return NULL;
	c = w[n - 1];
	while (lo < hi) {  /* first entry whose key ends in c or later */
		size_t mid = lo + (hi - lo) / 2;

		if (last_char(&nl_exceptions[mid]) < c)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (; lo < NL_NEXCEPTIONS && last_char(&nl_exceptions[lo]) == c;
	     lo++) {
		const struct nl_exception *e = &nl_exceptions[lo];
		size_t k = (size_t)e->klen;

		if (k <= (size_t)n && k > bestlen &&
		    w[n - 2] == e->key[k - 2] &&
		    memcmp(w + n - k, e->key, k) == 0) {
			best = e;
			bestlen = k;
		}
	}
	return best;
}

enum { EXM_NONE, EXM_MATCH, EXM_FROZEN };

/* Applies the exception table to buf[0..*len) (capacity cap). Tries the
 * word, then a diminutive plural without its s (kaartjes). Returns
 * EXM_NONE, EXM_MATCH, or EXM_FROZEN for a match whose result is final. */
static int
apply_exception(char *buf, int *len, int cap)
{
	const struct nl_exception *e = find_exception(buf, *len);
	int n = *len;
	int k, r;

	if (e == NULL && n > 3 && memcmp(buf + n - 3, "jes", 3) == 0) {
		n--;
		e = find_exception(buf, n);
	}
	if (e == NULL)
		return EXM_NONE;
	k = e->klen;
	r = e->rlen;
	if (n - k + r >= cap)
		return EXM_NONE;
	memcpy(buf + n - k, e->repl, (size_t)r);
	*len = n - k + r;
	return (e->flags & EX_FROZEN) ? EXM_FROZEN : EXM_MATCH;
}

/* ---- stemming rules ------------------------------------------------------ */

static int
is_vowel(char c)
{
	return c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u' ||
	       c == 'y';
}

/* 1 when w[0..n) ends in s[0..k). Suffixes are short: a plain loop beats
 * memcmp here. */
static int
ends_n(const char *w, int n, const char *s, int k)
{
	if (n < k)
		return 0;
	for (int i = 1; i <= k; i++)
		if (w[n - i] != s[k - i])
			return 0;
	return 1;
}

/* 1 when w[0..n) ends in the string literal lit. */
#define ends(w, n, lit) ends_n(w, n, lit, (int)sizeof(lit) - 1)

/* 1 when w[0..n) ends in a vowel spelled with two letters (aa, ui, ij, ...). */
static int
ends_long_vowel(const char *w, int n)
{
	if (n < 2)
		return 0;
	if (w[n - 2] == 'i' && w[n - 1] == 'j')
		return 1;
	return is_vowel(w[n - 2]) && is_vowel(w[n - 1]);
}

/* 1 when w[0..n) holds a vowel. */
static int
has_vowel(const char *w, int n)
{
	for (int i = 0; i < n; i++)
		if (is_vowel(w[i]))
			return 1;
	return 0;
}

/* Rule 2: -baar adjectives. Returns 1 when w is one (w is then final). */
static int
rule_baar(char *w, int *len)
{
	int n = *len;

	if (n >= 11 && ends(w, n, "baarheden")) {
		*len = n - 5;
		return 1;
	}
	if (n >= 10 && ends(w, n, "baarheid")) {
		*len = n - 4;
		return 1;
	}
	if (n >= 7 && ends(w, n, "bare")) {
		memcpy(w + n - 3, "aar", 3);  /* betaalbare */
		return 1;
	}
	if (n >= 8 && ends(w, n, "baren")) {
		memcpy(w + n - 4, "aar", 3);  /* dierbaren */
		*len = n - 1;
		return 1;
	}
	if (n >= 8 && ends(w, n, "baars")) {
		*len = n - 1;
		return 1;
	}
	return n >= 7 && ends(w, n, "baar");
}

/* Rule 3 helper, for w[0..p) + "etje": the base, or -1 when "etje" is not
 * the suffix (pakketje is pakket + je). */
static int
etje_base(const char *w, int p)
{
	char c;

	if (p < 2)
		return -1;
	c = w[p - 1];
	if (p >= 3 && c == w[p - 2] && strchr("lmnrbgp", c) != NULL)
		return p - 1;          /* balletje, mannetje, poppetje */
	if (ends(w, p, "ng"))
		return p;              /* ringetje, wandelingetje */
	if (c == 'm' && ends_long_vowel(w, p - 1))
		return p;              /* bloemetje */
	return -1;
}

/* Rule 3 helper, for w[0..r) + "tje" where w[r-1] is l, n, r or w: 1 when
 * the t belongs to the suffix (tuintje), 0 when to the base (kantje). */
static int
tje_after_sonorant(const char *w, int r)
{
	char before;

	if (w[r - 1] == 'w' || r < 2)
		return 1;              /* vrouwtje */
	if (ends_long_vowel(w, r - 1))
		return 1;              /* tuintje, stoeltje, deurtje */
	before = w[r - 2];
	if (!is_vowel(before))
		return 1;              /* kerntje */
	if (before == 'e' && has_vowel(w, r - 2))
		return 1;              /* kamertje, winkeltje (unstressed e) */
	return 0;                      /* kantje, hartje */
}

/* Rule 3: diminutives. Returns 1 when w was one (*len is then the base). */
static int
rule_diminutive(const char *w, int *len)
{
	int n = *len;
	int b, r, e;

	if (n >= 6 && ends(w, n, "jes"))
		n--;                   /* maatjes -> maatje */
	if (n < 5 || !ends(w, n, "je"))
		return 0;
	b = n - 2;                     /* w[0..b) is w minus "je" */
	if (w[b - 1] == 't') {
		r = b - 1;             /* w[0..r) is w minus "tje" */
		if (w[r - 1] == 'e' && (e = etje_base(w, r - 1)) >= 0)
			b = e;
		else if (ends(w, r, "ie") || ends(w, r, "ij") ||
		         ends(w, r, "au") || ends(w, r, "aai") ||
		         ends(w, r, "ooi") || ends(w, r, "oei"))
			b = r;         /* koffietje, rijtje, cadeautje */
		else if (strchr("lnrw", w[r - 1]) != NULL &&
		         tje_after_sonorant(w, r))
			b = r;
		/* else the t is the base's: maatje, feestje, kantje */
	} else if (w[b - 1] == 'p' && b >= 4 && w[b - 2] == 'm' &&
	           (ends_long_vowel(w, b - 2) || !is_vowel(w[b - 3]))) {
		b--;                   /* boompje, filmpje; not lampje */
	}
	if (b < 2)
		return 0;
	*len = b;
	return 1;
}

/* Rule 4: plurals Snowball does not take off. */
static void
rule_plural(const char *w, int *len)
{
	int n = *len;

	if (n >= 6 && (ends(w, n, "eeen") || ends(w, n, "ieen")))
		*len = n - 2;          /* ideeen, knieen, categorieen */
	else if (n >= 6 && ends(w, n, "ies"))
		*len = n - 1;          /* families */
	else if (n >= 6 && ends(w, n, "eaus"))
		*len = n - 1;          /* bureaus, niveaus */
	else if (n >= 5 && ends(w, n, "es") &&
	         strchr("tdngpvfz", w[n - 3]) != NULL)
		*len = n - 1;          /* ziektes, cafes, machines */
}

/* Rule 5: Snowball, in place on w[0..n) (capacity cap). Returns the new
 * length, or -1 on ENOMEM. */
static int
snowball(struct sb_stemmer *sb, char *w, int n, int cap)
{
	const sb_symbol *o = sb_stemmer_stem(sb, (const sb_symbol *)w, n);
	int k;

	if (o == NULL)
		return -1;
	k = sb_stemmer_length(sb);
	if (k >= cap)
		k = cap - 1;
	memmove(w, o, (size_t)k);
	return k;
}

/* Rule 6: final z/v -> s/f, then undouble a final double consonant. */
static int
post_fix(char *w, int n)
{
	if (n >= 3 && w[n - 2] != w[n - 1]) {
		if (w[n - 1] == 'z')
			w[n - 1] = 's';
		else if (w[n - 1] == 'v')
			w[n - 1] = 'f';
	}
	if (n >= 3 && w[n - 1] == w[n - 2] && !is_vowel(w[n - 1]))
		n--;
	return n;
}

/* Rule 7: 1 when the stem s[0..ns) must go through Snowball once more;
 * plural_en/plural_ens say whether the word given to Snowball ended in
 * -en / -ens. */
static int
needs_restem(int plural_en, int plural_ens, const char *s, int ns)
{
	char c;

	if (plural_en && ns >= 3 && s[ns - 1] == 's') {
		c = s[ns - 2];
		return !is_vowel(c) && c != 's' && c != 'j';
	}
	return plural_ens && ns >= 4 && ends(s, ns, "en");
}

/* Stems a folded word of a-z letters, n <= NL_MAX_STEM. Writes the NUL-ended
 * token to out. Returns its length, or -1 on ENOMEM or when out is small. */
static int
stem_ascii(struct nl_tokenizer *t, const char *w, int n, char *out, int outsz)
{
	char buf[NL_STEM_BUF];
	int len = n, ex, en, ens;

	memcpy(buf, w, (size_t)n);
	ex = apply_exception(buf, &len, (int)sizeof(buf));
	if (ex == EXM_FROZEN)
		goto done;
	if (ex == EXM_NONE) {
		if (rule_baar(buf, &len))
			goto done;
		if (!rule_diminutive(buf, &len))
			rule_plural(buf, &len);
	}
	en = ends(buf, len, "en");
	ens = ends(buf, len, "ens");
	len = snowball(t->sb, buf, len, (int)sizeof(buf));
	if (len < 0)
		return -1;
	len = post_fix(buf, len);
	if (needs_restem(en, ens, buf, len)) {
		len = snowball(t->sb, buf, len, (int)sizeof(buf));
		if (len < 0)
			return -1;
		len = post_fix(buf, len);
	}
done:
	if (is_stop_stem(t, buf, len) && !nl_is_stopword(w, n))
		buf[len++] = '_';      /* rule 8 */
	if (len >= outsz)
		return -1;
	memcpy(out, buf, (size_t)len);
	out[len] = '\0';
	return len;
}

/* 1 when w[0..n) is all a-z. */
static int
is_az(const char *w, int n)
{
	for (int i = 0; i < n; i++)
		if (w[i] < 'a' || w[i] > 'z')
			return 0;
	return 1;
}

/* Stems the folded word w[0..n) into out (NUL-ended): words that are not
 * all a-z, or longer than NL_MAX_STEM, are copied. Returns the length, or
 * -1 on ENOMEM or when out is too small. */
static int
stem_word(struct nl_tokenizer *t, const char *w, int n, char *out, int outsz)
{
	if (n > 0 && n <= NL_MAX_STEM && is_az(w, n))
		return stem_ascii(t, w, n, out, outsz);
	if (n >= outsz)
		return -1;
	memcpy(out, w, (size_t)n);
	out[n] = '\0';
	return n;
}

/* ---- word cache ---------------------------------------------------------- */

/*
 * Words repeat (Zipf), and stemming one costs the exception table, rules
 * 2-4 and one or two Snowball passes. Each struct nl_tokenizer therefore
 * remembers, for the folded a-z words up to NL_MAX_STEM bytes (the only
 * ones stem_word() stems; it copies the others, which is cheap to redo),
 * their stem and whether they are a stop word.
 *
 * The key is the folded word, not the raw bytes: scan_segment() folds
 * plain ASCII in a byte loop that a raw-byte key would not save (and
 * utf8proc is a negligible part of the time on Dutch text), while a folded
 * key also serves case variants (Koffie, koffie), the joined forms of
 * hyphen groups and nl_tokenizer_normalize(). The output cannot change: a
 * record holds what stem_ascii() and nl_is_stopword() gave for its key on
 * this tokenizer, and both depend on the key alone (the stop-stem table
 * is fixed by nl_tokenizer_new()).
 *
 * Layout: an index of slots (open addressing, linear probing, power-of-two
 * size, never more than half full) pointing into one arena of records
 * [key length][stem length][stop flag][tag, 4 bytes][key][stem]. The tag
 * is the caller's (nl_tokenizer_set_tag()), 0 until it sets one. The
 * index starts at NL_CACHE_MIN_SLOTS and doubles (rehash) up to
 * max_slots; the arena holds NL_CACHE_ARENA_PER_SLOT bytes per slot and
 * grows with it. When the index is at max_slots and half full, or the
 * arena is full, the whole cache is emptied and fills again (the frequent
 * words come back at once).
 * Bound: 65536 slots x 8 B + a 1.25 MiB arena = 1.75 MiB per tokenizer.
 * Memory is allocated for the first stemmed word and when growing, never
 * per token after that. When an allocation fails the cache empties itself
 * instead of growing, or, when it has no index at all, is bypassed.
 */
#define NL_CACHE_MIN_SLOTS      1024u
#define NL_CACHE_MAX_SLOTS      65536u
#define NL_CACHE_ARENA_PER_SLOT 20u
#define NL_CACHE_REC_TAG        3u   /* offset of the tag in a record */
#define NL_CACHE_REC_HEAD       7u
#define NL_CACHE_REC_MAX        (NL_CACHE_REC_HEAD + NL_MAX_STEM + NL_MAX_TOKEN)

/* 1 when w[0..n) is all a-z; *h is then its hash (FNV-1a, then mixed so
 * that the low bits, which pick the slot, depend on every byte). */
static int
hash_az(const char *w, int n, uint32_t *h)
{
	uint32_t x = 2166136261u;

	for (int i = 0; i < n; i++) {
		unsigned char c = (unsigned char)w[i];

		if (c < 'a' || c > 'z')
			return 0;
		x = (x ^ c) * 16777619u;
	}
	x ^= x >> 16;
	x *= 0x85ebca6bu;
	x ^= x >> 13;
	*h = x;
	return 1;
}

/* Returns the record of w[0..n) (hash h), or NULL. */
static const unsigned char *
cache_find(const struct nl_cache *c, uint32_t h, const char *w, int n)
{
	uint32_t mask = c->nslots - 1;

	if (c->slots == NULL)
		return NULL;
	for (uint32_t i = h & mask; c->slots[i].ref != 0; i = (i + 1) & mask) {
		const unsigned char *rec;

		if (c->slots[i].hash != h)
			continue;
		rec = c->arena + c->slots[i].ref - 1;
		if (rec[0] == n &&
		    memcmp(rec + NL_CACHE_REC_HEAD, w, (size_t)n) == 0)
			return rec;
	}
	return NULL;
}

/* Arena bytes for an index of nslots slots: room for one record at least. */
static size_t
arena_size(uint32_t nslots)
{
	size_t n = (size_t)nslots * NL_CACHE_ARENA_PER_SLOT;

	return n < NL_CACHE_REC_MAX ? NL_CACHE_REC_MAX : n;
}

/* Puts (h, ref) in the first free slot from h on; slots has a free one. */
static void
slot_put(struct nl_slot *slots, uint32_t nslots, uint32_t h, uint32_t ref)
{
	uint32_t mask = nslots - 1, i = h & mask;

	while (slots[i].ref != 0)
		i = (i + 1) & mask;
	slots[i].hash = h;
	slots[i].ref = ref;
}

/* Gives c an index of nslots slots, holding what the old one held, and an
 * arena to match. Returns 0, or -1 on ENOMEM (c is then unchanged). */
static int
cache_resize(struct nl_cache *c, uint32_t nslots)
{
	struct nl_slot *s = calloc(nslots, sizeof(*s));
	size_t cap = arena_size(nslots);

	if (s == NULL)
		return -1;
	if (cap > c->arena_cap) {
		unsigned char *a = realloc(c->arena, cap);

		if (a == NULL) {
			free(s);
			return -1;
		}
		c->arena = a;
		c->arena_cap = cap;
	}
	for (uint32_t i = 0; i < c->nslots; i++)
		if (c->slots[i].ref != 0)
			slot_put(s, nslots, c->slots[i].hash, c->slots[i].ref);
	free(c->slots);
	c->slots = s;
	c->nslots = nslots;
	return 0;
}

/* Empties c, keeping its memory. */
static void
cache_clear(struct nl_cache *c)
{
	memset(c->slots, 0, (size_t)c->nslots * sizeof(*c->slots));
	c->used = 0;
	c->arena_len = 0;
	c->emitting = 0;
	c->clears++;
}

/* Frees c's memory and empties it; max_slots and the counters stay. */
static void
cache_free(struct nl_cache *c)
{
	free(c->slots);
	free(c->arena);
	c->slots = NULL;
	c->arena = NULL;
	c->nslots = c->used = 0;
	c->arena_len = c->arena_cap = 0;
	c->emitting = 0;
}

/* Makes room in c for one more record of need bytes (at most
 * NL_CACHE_REC_MAX): grows c, or empties it when it is at its bound.
 * Returns 0, or -1 when c has no index and cannot get one (ENOMEM, or
 * max_slots is 0: the cache is off). */
static int
cache_room(struct nl_cache *c, size_t need)
{
	if (c->slots == NULL && (c->max_slots == 0 ||
	    cache_resize(c, c->max_slots < NL_CACHE_MIN_SLOTS ?
	    c->max_slots : NL_CACHE_MIN_SLOTS) != 0))
		return -1;
	while ((c->used + 1) * 2 > c->nslots ||
	       c->arena_len + need > c->arena_cap) {
		if (c->nslots < c->max_slots &&
		    cache_resize(c, c->nslots * 2) == 0)
			continue;
		cache_clear(c);        /* now used is 0: there is room */
		break;
	}
	return 0;
}

/* Stores the key w[0..n) (hash h, not in c yet) with its stem and stop
 * flag, tag 0. Returns the record's offset + 1, or 0 when c has no memory
 * (nothing stored). */
static size_t
cache_put(struct nl_cache *c, uint32_t h, const char *w, int n,
          const char *stem, int ns, int stop)
{
	size_t need = NL_CACHE_REC_HEAD + (size_t)n + (size_t)ns, ref;
	unsigned char *rec;

	if (cache_room(c, need) != 0)
		return 0;
	rec = c->arena + c->arena_len;
	rec[0] = (unsigned char)n;
	rec[1] = (unsigned char)ns;
	rec[2] = (unsigned char)stop;
	memset(rec + NL_CACHE_REC_TAG, 0, 4);
	memcpy(rec + NL_CACHE_REC_HEAD, w, (size_t)n);
	memcpy(rec + NL_CACHE_REC_HEAD + n, stem, (size_t)ns);
	ref = c->arena_len + 1;
	slot_put(c->slots, c->nslots, h, (uint32_t)ref);
	c->arena_len += need;
	c->used++;
	return ref;
}

/* stem_word() and nl_is_stopword() of the folded word w[0..n), through t's
 * cache: writes the stem to out (NUL-ended) and the stop-word flag to
 * *stop. Returns what stem_word() returns. *ref (when not NULL) gets the
 * word's record (offset + 1), or 0 when it is not in the cache. */
static int
stem_cached(struct nl_tokenizer *t, const char *w, int n, char *out,
            int outsz, int *stop, size_t *ref)
{
	const unsigned char *rec;
	char tmp[NL_MAX_TOKEN];
	const char *s = tmp;
	uint32_t h;
	int ns;
	size_t at = 0;

	if (n <= 0 || n > NL_MAX_STEM || !hash_az(w, n, &h)) {
		if (ref != NULL)
			*ref = 0;
		*stop = nl_is_stopword(w, n);
		return stem_word(t, w, n, out, outsz);
	}
	rec = cache_find(&t->cache, h, w, n);
	if (rec != NULL) {
		t->cache.hits++;
		*stop = rec[2];
		ns = rec[1];
		s = (const char *)rec + NL_CACHE_REC_HEAD + n;
		at = (size_t)(rec - t->cache.arena) + 1;
	} else {
		t->cache.misses++;
		ns = stem_ascii(t, w, n, tmp, (int)sizeof(tmp));
		if (ns < 0)
			return -1;
		*stop = nl_is_stopword(w, n);
		at = cache_put(&t->cache, h, w, n, tmp, ns, *stop);
	}
	if (ref != NULL)
		*ref = at;
	if (ns >= outsz)
		return -1;
	memcpy(out, s, (size_t)ns);
	out[ns] = '\0';
	return ns;
}

int
nl_tokenizer_cache_limit(struct nl_tokenizer *t, unsigned max_slots)
{
	if (t == NULL || max_slots > NL_CACHE_MAX_SLOTS ||
	    (max_slots != 0 && max_slots < 4) ||
	    (max_slots & (max_slots - 1)) != 0)
		return -1;
	cache_free(&t->cache);
	t->cache.max_slots = max_slots;
	return 0;
}

uint32_t
nl_tokenizer_tag(const struct nl_tokenizer *t)
{
	uint32_t tag;

	if (t->cache.emitting == 0)
		return 0;
	memcpy(&tag, t->cache.arena + t->cache.emitting - 1 + NL_CACHE_REC_TAG,
	    sizeof(tag));
	return tag;
}

void
nl_tokenizer_set_tag(struct nl_tokenizer *t, uint32_t tag)
{
	if (t->cache.emitting != 0)
		memcpy(t->cache.arena + t->cache.emitting - 1 +
		    NL_CACHE_REC_TAG, &tag, sizeof(tag));
}

void
nl_tokenizer_cache_stats(const struct nl_tokenizer *t,
                         struct nl_cache_stats *st)
{
	st->hits = t->cache.hits;
	st->misses = t->cache.misses;
	st->clears = t->cache.clears;
	st->entries = t->cache.used;
	st->slots = t->cache.nslots;
}

/* ---- characters and folding ---------------------------------------------- */

enum { CL_SEP, CL_WORD, CL_APOS, CL_HYPHEN, CL_SKIP };

/* Decodes the character at s[pos] (pos < len) into *cp; returns its size.
 * An invalid byte gives *cp = -1 and size 1. */
static int
next_char(const char *s, int len, int pos, utf8proc_int32_t *cp)
{
	unsigned char c = (unsigned char)s[pos];
	utf8proc_ssize_t n;

	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	n = utf8proc_iterate((const utf8proc_uint8_t *)s + pos, len - pos, cp);
	if (n <= 0) {
		*cp = -1;
		return 1;
	}
	return (int)n;
}

/* Per byte: 1 for an ASCII letter or digit (one load instead of three
 * range tests: this runs for most bytes of every text). */
static const unsigned char ASCII_ALNUM[256] = {
	['0'] = 1, ['1'] = 1, ['2'] = 1, ['3'] = 1, ['4'] = 1, ['5'] = 1,
	['6'] = 1, ['7'] = 1, ['8'] = 1, ['9'] = 1,
	['A'] = 1, ['B'] = 1, ['C'] = 1, ['D'] = 1, ['E'] = 1, ['F'] = 1,
	['G'] = 1, ['H'] = 1, ['I'] = 1, ['J'] = 1, ['K'] = 1, ['L'] = 1,
	['M'] = 1, ['N'] = 1, ['O'] = 1, ['P'] = 1, ['Q'] = 1, ['R'] = 1,
	['S'] = 1, ['T'] = 1, ['U'] = 1, ['V'] = 1, ['W'] = 1, ['X'] = 1,
	['Y'] = 1, ['Z'] = 1,
	['a'] = 1, ['b'] = 1, ['c'] = 1, ['d'] = 1, ['e'] = 1, ['f'] = 1,
	['g'] = 1, ['h'] = 1, ['i'] = 1, ['j'] = 1, ['k'] = 1, ['l'] = 1,
	['m'] = 1, ['n'] = 1, ['o'] = 1, ['p'] = 1, ['q'] = 1, ['r'] = 1,
	['s'] = 1, ['t'] = 1, ['u'] = 1, ['v'] = 1, ['w'] = 1, ['x'] = 1,
	['y'] = 1, ['z'] = 1,
};

static int
is_ascii_alnum(utf8proc_int32_t c)
{
	return c >= 0 && c < 0x80 && ASCII_ALNUM[c];
}

/* 1 for letters, marks and digits (categories L, M, N). */
static int
is_word_cat(utf8proc_int32_t cp)
{
	utf8proc_category_t cat = utf8proc_category(cp);

	return cat >= UTF8PROC_CATEGORY_LU && cat <= UTF8PROC_CATEGORY_NO;
}

static int
is_letter(utf8proc_int32_t cp)
{
	utf8proc_category_t cat;

	if (cp < 0x80)
		return (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z');
	cat = utf8proc_category(cp);
	return cat >= UTF8PROC_CATEGORY_LU && cat <= UTF8PROC_CATEGORY_LO;
}

static int
char_class(utf8proc_int32_t cp)
{
	if (cp < 0)
		return CL_SEP;
	if (cp < 0x80) {
		if (is_ascii_alnum(cp))
			return CL_WORD;
		if (cp == '\'' || cp == '`')
			return CL_APOS;
		return cp == '-' ? CL_HYPHEN : CL_SEP;
	}
	switch (cp) {
	case 0x2018: case 0x2019: case 0x02BC: case 0x00B4:
		return CL_APOS;        /* quotes, modifier apostrophe, acute */
	case 0x2010: case 0x2011:
		return CL_HYPHEN;      /* hyphen, non-breaking hyphen */
	case 0x00AD: case 0x200C: case 0x200D: case 0x2060: case 0xFEFF:
		return CL_SKIP;        /* soft hyphen, ZWNJ, ZWJ, WJ, BOM */
	default:
		return is_word_cat(cp) ? CL_WORD : CL_SEP;
	}
}

/* Letters without a decomposition that still lose their stroke. */
static const char *
fold_special(utf8proc_int32_t cp)
{
	switch (cp) {
	case 0x0141: case 0x0142: return "l";   /* L with stroke (Polish) */
	case 0x0131:              return "i";   /* dotless i (Turkish) */
	case 0x00D8: case 0x00F8: return "o";   /* o with stroke */
	case 0x0110: case 0x0111: return "d";   /* d with stroke */
	case 0x00C6: case 0x00E6: return "ae";
	case 0x0152: case 0x0153: return "oe";
	case 0x0126: case 0x0127: return "h";
	case 0x0166: case 0x0167: return "t";
	default:                  return NULL;
	}
}

/* Folds one letter/digit/mark into dst (room bytes). Returns the bytes
 * written (0 when the character folds to nothing, as marks do), or -1
 * when it does not fit. */
static int
fold_char(utf8proc_int32_t cp, char *dst, int room)
{
	utf8proc_int32_t dec[NL_DECOMP_MAX];
	utf8proc_ssize_t nd;
	const char *sp;
	int used = 0, bound = 0;

	if (cp < 0x80) {
		if (room < 1)
			return -1;
		dst[0] = (char)(cp >= 'A' && cp <= 'Z' ? cp + 32 : cp);
		return 1;
	}
	if ((sp = fold_special(cp)) != NULL) {
		int k = (int)strlen(sp);

		if (k > room)
			return -1;
		memcpy(dst, sp, (size_t)k);
		return k;
	}
	nd = utf8proc_decompose_char(cp, dec, NL_DECOMP_MAX,
	    UTF8PROC_DECOMPOSE | UTF8PROC_COMPAT | UTF8PROC_CASEFOLD |
	    UTF8PROC_STRIPMARK | UTF8PROC_IGNORE, &bound);
	if (nd < 0 || nd > NL_DECOMP_MAX)
		return 0;
	for (utf8proc_ssize_t i = 0; i < nd; i++) {
		utf8proc_uint8_t tmp[4];
		int k;

		if (!is_word_cat(dec[i]))
			continue;      /* e.g. the fraction slash of 1/2 */
		k = (int)utf8proc_encode_char(dec[i], tmp);
		if (used + k > room)
			return -1;
		memcpy(dst + used, tmp, (size_t)k);
		used += k;
	}
	return used;
}

/* One run of letters/digits, folded. */
struct seg {
	char fold[NL_MAX_TOKEN];   /* NUL-ended */
	int nfold;
	int start, end;            /* byte span in the text */
	int alpha;                 /* holds a letter */
	int full;                  /* fold is cut at NL_MAX_TOKEN */
};

static void
seg_append(struct seg *sg, utf8proc_int32_t cp)
{
	int k;

	if (is_letter(cp))
		sg->alpha = 1;
	if (sg->full)
		return;
	k = fold_char(cp, sg->fold + sg->nfold, NL_MAX_TOKEN - 1 - sg->nfold);
	if (k < 0)
		sg->full = 1;
	else
		sg->nfold += k;
}

/* seg_append() for the run of ASCII letters and digits at s[pos], without
 * the lookups (c | 0x20 lower-cases a letter and leaves a digit as it is).
 * Returns the position after the run. */
static int
seg_ascii_run(const char *s, int len, int pos, struct seg *sg)
{
	int end = pos, take, room;

	while (end < len && ASCII_ALNUM[(unsigned char)s[end]])
		end++;                  /* also stops at every byte >= 0x80 */
	for (int i = pos; i < end && !sg->alpha; i++)
		sg->alpha = s[i] > '9';  /* a letter (mostly the first byte) */
	if (sg->full)
		return end;
	take = end - pos;
	room = NL_MAX_TOKEN - 1 - sg->nfold;
	if (take > room) {
		take = room;
		sg->full = 1;
	}
	for (int i = 0; i < take; i++)
		sg->fold[sg->nfold + i] = (char)(s[pos + i] | 0x20);
	sg->nfold += take;
	return end;
}

static int
word_at(const char *s, int len, int pos)
{
	utf8proc_int32_t cp;

	if (pos >= len)
		return 0;
	next_char(s, len, pos, &cp);
	return char_class(cp) == CL_WORD;
}

/*
 * Scans one segment starting at the word character at s[pos]: letters,
 * digits and marks, skipping CL_SKIP characters and apostrophes between
 * word characters, except that a final 's ends it and is dropped. Returns
 * the position after it.
 */
static int
scan_segment(const char *s, int len, int pos, struct seg *sg)
{
	utf8proc_int32_t cp, cp2;
	int n, n2, cl;

	sg->nfold = 0;
	sg->alpha = 0;
	sg->full = 0;
	sg->start = pos;
	while (pos < len) {
		unsigned char c = (unsigned char)s[pos];

		if (ASCII_ALNUM[c]) {                   /* the common case */
			pos = seg_ascii_run(s, len, pos, sg);
			continue;
		}
		n = next_char(s, len, pos, &cp);
		cl = char_class(cp);
		if (cl == CL_WORD) {
			seg_append(sg, cp);
		} else if (cl == CL_APOS) {
			if (!word_at(s, len, pos + n))
				break;
			n2 = next_char(s, len, pos + n, &cp2);
			if ((cp2 == 's' || cp2 == 'S') &&
			    !word_at(s, len, pos + n + n2)) {
				pos += n + n2;  /* auto's: drop the 's */
				break;
			}
		} else if (cl != CL_SKIP) {
			break;
		}
		pos += n;
	}
	sg->end = pos;
	sg->fold[sg->nfold] = '\0';
	return pos;
}

/* 1 when s[pos] is a hyphen followed by a word character; *next is then
 * the position after the hyphen. */
static int
hyphen_joins(const char *s, int len, int pos, int *next)
{
	utf8proc_int32_t cp;
	int n;

	if (pos >= len)
		return 0;
	n = next_char(s, len, pos, &cp);
	if (char_class(cp) != CL_HYPHEN || !word_at(s, len, pos + n))
		return 0;
	*next = pos + n;
	return 1;
}

/* ---- emitting tokens ----------------------------------------------------- */

/* The state of one tokenizer run. */
struct run {
	struct nl_tokenizer *t;
	const char *text;
	int len;
	int prefix;                /* FTS5 prefix query: folded form first */
	nl_token_ex_cb cb;
	void *ctx;
	char last[NL_MAX_TOKEN];   /* the token emitted last */
	int nlast;
};

/* Passes one token on, dropping a colocated token equal to the one before. */
static int
emit(struct run *r, int flags, const char *tok, int n, int start, int end)
{
	if ((flags & NL_TOK_COLOCATED) && n == r->nlast &&
	    memcmp(tok, r->last, (size_t)n) == 0)
		return 0;
	memcpy(r->last, tok, (size_t)n);
	r->nlast = n;
	return r->cb(r->ctx, flags, tok, n, start, end);
}

/* Emits the token(s) of one folded word. In prefix mode the folded form
 * comes first and the stem, if different, colocated: a stem may be longer
 * or differ from the typed prefix (bev* must not become bef*). The stem
 * is copied out of the cache before any callback runs. */
static int
emit_word(struct run *r, const char *fold, int nfold, int flags, int start,
          int end)
{
	char stem[NL_MAX_TOKEN];
	int ns, rc, stop;
	size_t ref;

	ns = stem_cached(r->t, fold, nfold, stem, (int)sizeof(stem), &stop, &ref);
	if (ns < 0)
		return SQLITE_NOMEM;
	if (stop)
		flags |= NL_TOK_STOPWORD;
	if (!r->prefix) {
		r->t->cache.emitting = ref;     /* for the tag calls */
		rc = emit(r, flags, stem, ns, start, end);
	} else {
		rc = emit(r, flags, fold, nfold, start, end);
		if (rc == 0)
			rc = emit(r, flags | NL_TOK_COLOCATED, stem, ns, start, end);
	}
	r->t->cache.emitting = 0;
	return rc;
}

/*
 * Scans one group of segments joined by single hyphens, starting at the
 * word character at *pos: emits each segment, then the joined form
 * colocated with the last one when there are two or more segments, one of
 * them holds a letter, and the joined form fits in NL_MAX_STEM.
 */
static int
scan_group(struct run *r, int *pos)
{
	struct seg sg;
	char joined[NL_MAX_STEM];
	int njoined = 0, nseg = 0, alpha = 0, fits = 1;
	int start = *pos, p = *pos, rc;

	for (;;) {
		p = scan_segment(r->text, r->len, p, &sg);
		if (sg.nfold > 0) {
			rc = emit_word(r, sg.fold, sg.nfold, 0, sg.start,
			    sg.end);
			if (rc != 0)
				return rc;
			nseg++;
			alpha |= sg.alpha;
			if (fits && !sg.full &&
			    njoined + sg.nfold <= NL_MAX_STEM) {
				memcpy(joined + njoined, sg.fold,
				    (size_t)sg.nfold);
				njoined += sg.nfold;
			} else {
				fits = 0;
			}
		}
		if (!hyphen_joins(r->text, r->len, p, &p))
			break;
	}
	*pos = p;
	if (nseg < 2 || !alpha || !fits)
		return 0;
	return emit_word(r, joined, njoined, NL_TOK_COLOCATED, start, sg.end);
}

static int
run_text(struct run *r)
{
	utf8proc_int32_t cp;
	int pos = 0, n, rc;

	while (pos < r->len) {
		unsigned char c = (unsigned char)r->text[pos];

		if (c < 0x80 && !ASCII_ALNUM[c]) {     /* ASCII, not a word */
			pos++;
			continue;
		}
		n = next_char(r->text, r->len, pos, &cp);
		if (char_class(cp) != CL_WORD) {
			pos += n;
			continue;
		}
		rc = scan_group(r, &pos);
		if (rc != 0)
			return rc;
	}
	return 0;
}

static int
run_init(struct run *r, struct nl_tokenizer *t, const char *text, int len,
         nl_token_ex_cb cb, void *ctx)
{
	if (t == NULL || cb == NULL || (text == NULL && len != 0))
		return SQLITE_MISUSE;
	if (len < 0)
		len = (int)strlen(text);
	r->t = t;
	r->text = text;
	r->len = len;
	r->prefix = 0;
	r->cb = cb;
	r->ctx = ctx;
	r->nlast = 0;
	return SQLITE_OK;
}

/* ---- public API ---------------------------------------------------------- */

static int
cmp_stop_stem(const void *a, const void *b)
{
	return strcmp(a, b);
}

/* Fills t->stop_stems (rule 8). Stop words never look at that table, so
 * it can be made with stem_ascii(). Returns 0, or -1 on ENOMEM or when a
 * stop word is longer than NL_STOP_MAXLEN (a bug in the list). */
static int
make_stop_stems(struct nl_tokenizer *t)
{
	for (size_t i = 0; i < NL_NSTOP; i++) {
		const char *w = nl_stopwords[i];
		size_t n = strlen(w);

		if (n > NL_STOP_MAXLEN || stem_ascii(t, w, (int)n,
		    t->stop_stems[i], NL_STOPSTEM_MAX) < 0)
			return -1;
	}
	qsort(t->stop_stems, NL_NSTOP, NL_STOPSTEM_MAX, cmp_stop_stem);
	return 0;
}

struct nl_tokenizer *
nl_tokenizer_new(void)
{
	struct nl_tokenizer *t = calloc(1, sizeof(*t));

	if (t == NULL)
		return NULL;
	t->cache.max_slots = NL_CACHE_MAX_SLOTS;
	t->sb = sb_stemmer_new("dutch", NULL);
	if (t->sb == NULL || make_stop_stems(t) != 0)
		goto fail;
	return t;
fail:
	nl_tokenizer_free(t);
	return NULL;
}

void
nl_tokenizer_free(struct nl_tokenizer *t)
{
	if (t == NULL)
		return;
	if (t->sb != NULL)
		sb_stemmer_delete(t->sb);
	cache_free(&t->cache);
	free(t);
}

int
nl_tokenizer_run(struct nl_tokenizer *t, const char *text, int len,
                 nl_token_ex_cb cb, void *ctx)
{
	struct run r;
	int rc = run_init(&r, t, text, len, cb, ctx);

	if (rc != SQLITE_OK)
		return rc;
	return run_text(&r);
}

int
nl_tokenize_ex(const char *text, int len, nl_token_ex_cb cb, void *ctx)
{
	struct nl_tokenizer *t = nl_tokenizer_new();
	int rc;

	if (t == NULL)
		return SQLITE_NOMEM;
	rc = nl_tokenizer_run(t, text, len, cb, ctx);
	nl_tokenizer_free(t);
	return rc;
}

/* Adapts an nl_token_cb to an nl_token_ex_cb. */
struct plain_cb {
	nl_token_cb cb;
	void *ctx;
};

static int
plain_token(void *ctx, int flags, const char *tok, int n, int start, int end)
{
	struct plain_cb *p = ctx;

	(void)flags;
	return p->cb(p->ctx, tok, n, start, end);
}

int
nl_tokenize(const char *text, int len, nl_token_cb cb, void *ctx)
{
	struct plain_cb p = { cb, ctx };

	if (cb == NULL)
		return SQLITE_MISUSE;
	return nl_tokenize_ex(text, len, plain_token, &p);
}

int
nl_fold_word(const char *word, int len, char *out, int outsz)
{
	struct seg sg;
	utf8proc_int32_t cp, cp2;
	int pos = 0, n, n2, cl;

	if (word == NULL || out == NULL || outsz <= 0)
		return -1;
	if (len < 0)
		len = (int)strlen(word);
	sg.nfold = sg.alpha = sg.full = 0;
	while (pos < len) {
		n = next_char(word, len, pos, &cp);
		cl = char_class(cp);
		if (cl == CL_APOS && pos + n < len) {
			n2 = next_char(word, len, pos + n, &cp2);
			if ((cp2 == 's' || cp2 == 'S') &&
			    !word_at(word, len, pos + n + n2))
				break;  /* a final 's */
		}
		if (cl == CL_WORD)
			seg_append(&sg, cp);
		pos += n;
	}
	if (sg.nfold >= outsz)
		return -1;
	memcpy(out, sg.fold, (size_t)sg.nfold);
	out[sg.nfold] = '\0';
	return sg.nfold;
}

int
nl_tokenizer_normalize(struct nl_tokenizer *t, const char *word, int len,
                       char *out, int outsz)
{
	char fold[NL_MAX_TOKEN];
	int n, stop;

	if (t == NULL)
		return -1;
	n = nl_fold_word(word, len, fold, (int)sizeof(fold));
	if (n < 0 || out == NULL || outsz <= 0)
		return -1;
	if (n == 0) {
		out[0] = '\0';
		return 0;
	}
	return stem_cached(t, fold, n, out, outsz, &stop, NULL);
}

int
nl_normalize_word(const char *word, int len, char *out, int outsz)
{
	struct nl_tokenizer *t = nl_tokenizer_new();
	int n;

	if (t == NULL)
		return -1;
	n = nl_tokenizer_normalize(t, word, len, out, outsz);
	nl_tokenizer_free(t);
	return n;
}

/* Text for nl_tokenizer_fingerprint(): one or more words per rule. */
static const char nl_probe[] =
    "Huisartsen maatjes buurthuizen wandelingen koren volkstuintjes "
    "taalcaf\xc3\xa9s kinderen buurtcentra idee\xc3\xabn families ziektes "
    "bureaus brieven cursussen mensen plaatsen huishoudens betaalbare "
    "ouderen rekeningen overheid boompje balletje ringetje koffietje "
    "praatje kantje tuintje kamertje zalen e-mail ma-vr auto's z'n "
    "\xc4\xb2ssel \xc5\x81\xc3\xb3" "d\xc5\xba Kad\xc4\xb1nlar "
    "ontmoeting eenzaamheid vrijwilligers 2026";

struct fnv {
	unsigned long long h;
};

static int
fnv_token(void *ctx, int flags, const char *tok, int n, int start, int end)
{
	struct fnv *f = ctx;

	(void)start;
	(void)end;
	for (int i = 0; i < n; i++) {
		f->h ^= (unsigned char)tok[i];
		f->h *= 0x100000001b3ULL;
	}
	f->h ^= (flags & NL_TOK_COLOCATED) ? 0x1fU : 0x1eU;  /* separator */
	f->h *= 0x100000001b3ULL;
	return 0;
}

int
nl_tokenizer_fingerprint(char out[17])
{
	struct fnv f = { 0xcbf29ce484222325ULL };
	int rc;

	fnv_token(&f, 0, NL_TOKENIZER_VERSION,
	    (int)sizeof(NL_TOKENIZER_VERSION) - 1, 0, 0);
	rc = nl_tokenize_ex(nl_probe, (int)sizeof(nl_probe) - 1, fnv_token, &f);
	if (rc != 0)
		return rc;
	snprintf(out, 17, "%016llx", f.h);
	return 0;
}

/* ---- FTS5 glue ----------------------------------------------------------- */

/* An Fts5Tokenizer is a struct nl_tokenizer. The tokenizer takes no
 * arguments: tokenize='dutch'. udata is the struct nl_replay of
 * nl_tokenizer_register_replay(), or NULL. */
static int
fts5_create(void *udata, const char **argv, int argc, Fts5Tokenizer **out)
{
	struct nl_tokenizer *t;

	(void)argv;
	*out = NULL;
	if (argc > 0)
		return SQLITE_ERROR;
	t = nl_tokenizer_new();
	if (t == NULL)
		return SQLITE_NOMEM;
	t->replay = udata;
	*out = (Fts5Tokenizer *)t;
	return SQLITE_OK;
}

static void
fts5_delete(Fts5Tokenizer *p)
{
	nl_tokenizer_free((struct nl_tokenizer *)p);
}

struct fts5_cb {
	void *ctx;
	int (*xToken)(void *, int, const char *, int, int, int);
};

static int
fts5_token(void *ctx, int flags, const char *tok, int n, int start, int end)
{
	struct fts5_cb *f = ctx;

	return f->xToken(f->ctx,
	    (flags & NL_TOK_COLOCATED) ? FTS5_TOKEN_COLOCATED : 0,
	    tok, n, start, end);
}

static int
fts5_tokenize(Fts5Tokenizer *p, void *ctx, int flags, const char *text,
              int len, int (*xToken)(void *, int, const char *, int, int, int))
{
	struct nl_tokenizer *t = (struct nl_tokenizer *)p;
	struct fts5_cb f = { ctx, xToken };
	struct run r;
	int rc;

	if (len <= 0)
		return SQLITE_OK;
	if (t->replay != NULL && (flags & FTS5_TOKENIZE_DOCUMENT)) {
		rc = t->replay->fn(t->replay->ctx, text, len, fts5_token, &f);
		if (rc != NL_REPLAY_MISS)
			return rc;
	}
	rc = run_init(&r, t, text, len, fts5_token, &f);
	if (rc != SQLITE_OK)
		return rc;
	r.prefix = (flags & FTS5_TOKENIZE_PREFIX) != 0;
	return run_text(&r);
}

/* Registers "dutch" with db's FTS5; every instance gets replay (may be
 * NULL). */
static int
register_dutch(sqlite3 *db, const struct nl_replay *replay)
{
	fts5_tokenizer tok = { fts5_create, fts5_delete, fts5_tokenize };
	fts5_api *api = NULL;
	sqlite3_stmt *st = NULL;
	int rc;

	rc = sqlite3_prepare_v2(db, "SELECT fts5(?1)", -1, &st, NULL);
	if (rc != SQLITE_OK)
		goto fail;
	rc = sqlite3_bind_pointer(st, 1, (void *)&api, "fts5_api_ptr", NULL);
	if (rc != SQLITE_OK)
		goto fail;
	sqlite3_step(st);
	rc = sqlite3_finalize(st);
	st = NULL;
	if (rc != SQLITE_OK)
		goto fail;
	if (api == NULL || api->iVersion < 2)
		return SQLITE_ERROR;
	return api->xCreateTokenizer(api, NL_TOKENIZER_NAME, (void *)replay,
	    &tok, NULL);
fail:
	sqlite3_finalize(st);
	return rc;
}

int
nl_tokenizer_register(sqlite3 *db)
{
	if (db == NULL)
		return SQLITE_MISUSE;
	return register_dutch(db, NULL);
}

int
nl_tokenizer_register_replay(sqlite3 *db, const struct nl_replay *replay)
{
	if (db == NULL || replay == NULL || replay->fn == NULL)
		return SQLITE_MISUSE;
	return register_dutch(db, replay);
}
