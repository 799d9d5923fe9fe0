/*
 * fuzz_snippet.c - libFuzzer harness for snippet_make() (searchd/snippet.c).
 *
 * Input layout:
 *   byte 0     max_words = 1 + byte % 64
 *   byte 1     options: bits 0-2 how many tokens to take from the text's
 *              own tokens, bits 3-4 how many prefix entries to cut from
 *              them, bit 5 put "<p>" in the sbuf first (snippet_make only
 *              appends), bit 6 repeat all entries 5 times (more than
 *              SNIPPET_STACK_TERMS entries), bit 7 run term lines through
 *              nl_tokenizer_normalize() (else they are used as given)
 *   byte 2     seed for picking the text's tokens
 *   rest       "terms\0text" - or only the text when there is no NUL.
 *              terms: lines (split on '\n', at most 32); "*x" is the
 *              prefix entry x, any other line a token entry (empty lines
 *              give empty entries, which never match). text: arbitrary
 *              bytes (invalid UTF-8, \x01/\x02, further NULs); the part
 *              up to its first NUL is copied to a buffer of exactly that
 *              size and passed.
 * Tokens taken from the text's own tokenization (nl_tokenizer_run, with
 * the colocated joined forms) make sure matches actually happen.
 *
 * Checks (snippet.h):
 *   - the return value is -1, 0 or 1..(number of non-empty entries); -1
 *     only if the tokenizer itself fails on the text (no ENOMEM under the
 *     fuzzer: a failed malloc aborts); no entries gives 0; an entry that
 *     is one of the text's tokens gives >= 1;
 *   - what was in the sbuf before stays; on 0 (and -1) nothing is added
 *     (a fresh sbuf keeps s == NULL);
 *   - on > 0: markers alternate \x01 \x02, start with \x01, end closed,
 *     no empty marked span; with the markers removed and one leading and
 *     one trailing "..." (U+2026) removed, the output is a substring of
 *     the text with its \x01/\x02 bytes dropped; without a leading
 *     ellipsis it starts at the text's start, without a trailing one it
 *     ends at the text's end (both: it is the whole text); when the text
 *     is valid UTF-8 (utf8_valid) so is the output (also by the harness's
 *     own decoder, fz_utf8_ok, when that one accepts the text);
 *   - deterministic: a second call, with a fresh sbuf and another
 *     tokenizer instance (other stem cache), gives the same value and
 *     the same bytes.
 */
#include "fuzz_common.h"
#include "nl_tokenizer.h"
#include "sbuf.h"
#include "snippet.h"
#include "textutil.h"

#define MAX_LINES     32
#define MAX_TEXT_TOKS 64
#define REPEAT        5
#define ELLIPSIS      "\xe2\x80\xa6"
#define PREFILL       "<p>"

static struct nl_tokenizer *tok_a, *tok_b;

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	tok_a = nl_tokenizer_new();
	tok_b = nl_tokenizer_new();
	if (tok_a == NULL || tok_b == NULL) {
		fprintf(stderr, "fuzz_snippet: nl_tokenizer_new failed\n");
		abort();
	}
	return 0;
}

/* The text's own tokens (distinct, in order, at most MAX_TEXT_TOKS). */
struct text_toks {
	char tok[MAX_TEXT_TOKS][NL_MAX_TOKEN];
	size_t n;
};

static int
collect(void *ctx, int flags, const char *t, int n, int start, int end)
{
	struct text_toks *tt = ctx;

	(void)flags;
	FUZZ_CHECK(n > 0 && n < NL_MAX_TOKEN && start >= 0 && start <= end,
	    "tokenizer gave token of %d bytes at %d-%d", n, start, end);
	if (tt->n == MAX_TEXT_TOKS)
		return 0;
	for (size_t i = 0; i < tt->n; i++)
		if (strncmp(tt->tok[i], t, (size_t)n) == 0 &&
		    tt->tok[i][n] == '\0')
			return 0;
	memcpy(tt->tok[tt->n], t, (size_t)n);
	tt->tok[tt->n][n] = '\0';
	tt->n++;
	return 0;
}

static uint32_t
next_rand(uint32_t *r)
{
	*r = *r * 1103515245u + 12345u;
	return *r >> 16;
}

/* The output without markers, checked against the text (see above). */
static void
check_piece(const char *o, size_t on, const char *text)
{
	size_t tn = strlen(text), pn = 0, cn = 0, a = 0, b = 0;
	char *plain = malloc(on + 1), *clean = malloc(tn + 1);
	int open = 0;
	const char *core;
	size_t corelen;

	FUZZ_CHECK(plain != NULL && clean != NULL, "out of memory");
	for (size_t i = 0; i < on; i++) {
		FUZZ_CHECK(o[i] != '\0', "NUL byte at %zu of the output", i);
		if (o[i] == '\x01') {
			FUZZ_CHECK(!open, "\\x01 inside a marked span at byte "
			    "%zu: \"%.*s\"", i, (int)on, o);
			FUZZ_CHECK(i + 1 < on && o[i + 1] != '\x02', "empty "
			    "marked span at byte %zu: \"%.*s\"", i, (int)on, o);
			open = 1;
		} else if (o[i] == '\x02') {
			FUZZ_CHECK(open, "\\x02 without \\x01 at byte %zu: "
			    "\"%.*s\"", i, (int)on, o);
			open = 0;
		} else {
			plain[pn++] = o[i];
		}
	}
	FUZZ_CHECK(!open, "marked span not closed: \"%.*s\"", (int)on, o);
	plain[pn] = '\0';
	for (size_t i = 0; i < tn; i++)
		if (text[i] != '\x01' && text[i] != '\x02')
			clean[cn++] = text[i];
	clean[cn] = '\0';

	if (pn >= 3 && memcmp(plain, ELLIPSIS, 3) == 0)
		a = 3;
	if (pn >= a + 3 && memcmp(plain + pn - 3, ELLIPSIS, 3) == 0)
		b = 3;
	core = plain + a;
	corelen = pn - a - b;
	FUZZ_CHECK(memmem(clean, cn, core, corelen) != NULL || corelen == 0,
	    "output without markers and ellipses is not part of the text: "
	    "\"%.*s\"", (int)corelen, core);
	if (a == 0)
		FUZZ_CHECK(corelen <= cn && memcmp(clean, core, corelen) == 0,
		    "no leading ellipsis but the output does not start at "
		    "the text's start: \"%.*s\"", (int)corelen, core);
	if (b == 0)
		FUZZ_CHECK(corelen <= cn &&
		    memcmp(clean + cn - corelen, core, corelen) == 0,
		    "no trailing ellipsis but the output does not end at "
		    "the text's end: \"%.*s\"", (int)corelen, core);
	if (a == 0 && b == 0)
		FUZZ_CHECK(corelen == cn, "no ellipsis but only %zu of the "
		    "text's %zu bytes", corelen, cn);
	free(plain);
	free(clean);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct text_toks tt;
	static char norm[MAX_LINES][NL_MAX_TOKEN];
	const char *toks[(MAX_LINES + 8) * REPEAT];
	const char *pres[(MAX_LINES + 4) * REPEAT];
	char auto_pre[4][NL_MAX_TOKEN];
	size_t ntoks = 0, npres = 0, nonempty = 0, tlen, rest;
	const char *p, *nul, *tp;
	char *terms = NULL, *text;
	struct snippet_terms t;
	struct sbuf out = { 0 }, out2 = { 0 };
	int max_words, opts, rc, rc2, tok_rc, own_token = 0;
	size_t old_len;
	uint32_t r;

	if (size < 3)
		return 0;
	max_words = 1 + data[0] % 64;
	opts = data[1];
	r = data[2] * 2654435761u + (uint32_t)size;
	p = (const char *)data + 3;
	rest = size - 3;

	/* split "terms\0text" */
	nul = memchr(p, '\0', rest);
	if (nul != NULL) {
		size_t n = (size_t)(nul - p);

		if ((terms = malloc(n + 1)) == NULL)
			return 0;
		memcpy(terms, p, n);
		terms[n] = '\0';
		rest -= n + 1;
		p = nul + 1;
	}
	tp = memchr(p, '\0', rest);
	tlen = tp != NULL ? (size_t)(tp - p) : rest;
	if ((text = malloc(tlen + 1)) == NULL) {
		free(terms);
		return 0;
	}
	memcpy(text, p, tlen);
	text[tlen] = '\0';

	/* entries from the term lines */
	if (terms != NULL) {
		char *line = terms, *nl;
		size_t nlines = 0;

		for (; line != NULL && nlines < MAX_LINES; line = nl, nlines++) {
			if ((nl = strchr(line, '\n')) != NULL)
				*nl++ = '\0';
			if (line[0] == '*') {
				pres[npres++] = line + 1;
				nonempty += line[1] != '\0';
				continue;
			}
			if ((opts & 0x80) && nl_tokenizer_normalize(tok_b, line,
			    -1, norm[nlines], NL_MAX_TOKEN) > 0)
				toks[ntoks++] = norm[nlines];
			else
				toks[ntoks++] = line;
			nonempty += toks[ntoks - 1][0] != '\0';
		}
	}

	/* entries from the text's own tokens */
	tt.n = 0;
	tok_rc = nl_tokenizer_run(tok_b, text, (int)tlen, collect, &tt);
	if (tok_rc == 0 && tt.n > 0) {
		int nt = opts & 7, np = (opts >> 3) & 3;

		for (int i = 0; i < nt; i++) {
			toks[ntoks++] = tt.tok[next_rand(&r) % tt.n];
			nonempty++;
			own_token = 1;
		}
		for (int i = 0; i < np; i++) {
			const char *s = tt.tok[next_rand(&r) % tt.n];
			size_t k = 1 + next_rand(&r) % strlen(s);

			memcpy(auto_pre[i], s, k);
			auto_pre[i][k] = '\0';
			pres[npres++] = auto_pre[i];
			nonempty++;
		}
	}
	if (opts & 0x40) {
		size_t n0 = ntoks, p0 = npres;

		for (int k = 1; k < REPEAT; k++) {
			for (size_t i = 0; i < n0; i++)
				toks[ntoks++] = toks[i];
			for (size_t i = 0; i < p0; i++)
				pres[npres++] = pres[i];
		}
		nonempty *= REPEAT;
	}
	t.tokens = toks;
	t.ntokens = ntoks;
	t.prefixes = pres;
	t.nprefixes = npres;

	if (opts & 0x20)
		sbuf_put(&out, PREFILL);
	old_len = out.len;

	rc = snippet_make(tok_a, text, &t, max_words, &out);
	FUZZ_CHECK(rc >= -1 && (rc <= 0 || (size_t)rc <= nonempty),
	    "snippet_make returned %d with %zu tokens, %zu prefixes (%zu "
	    "non-empty)", rc, ntoks, npres, nonempty);
	FUZZ_CHECK(rc != -1 || tok_rc != 0, "snippet_make returned -1 but "
	    "the tokenizer runs fine on the text");
	FUZZ_CHECK(!out.failed, "sbuf failed");
	if (ntoks + npres == 0)
		FUZZ_CHECK(rc == 0, "no entries but rc %d", rc);
	if (own_token)
		FUZZ_CHECK(rc >= 1, "an entry is one of the text's own tokens "
		    "but rc %d", rc);
	if (old_len > 0)
		FUZZ_CHECK(out.len >= old_len && memcmp(out.s, PREFILL,
		    old_len) == 0, "what was in the sbuf before was changed");
	if (rc <= 0) {
		FUZZ_CHECK(out.len == old_len, "rc %d but the sbuf grew from "
		    "%zu to %zu bytes", rc, old_len, out.len);
		FUZZ_CHECK(old_len > 0 || out.s == NULL, "rc %d but the fresh "
		    "sbuf got memory", rc);
		if (out.s != NULL)
			FUZZ_CHECK(out.s[out.len] == '\0', "sbuf not NUL-ended");
	} else {
		const char *o = out.s + old_len;
		size_t on = out.len - old_len;

		FUZZ_CHECK(out.len > old_len && out.s[out.len] == '\0',
		    "rc %d but %zu bytes added", rc, on);
		FUZZ_CHECK(memchr(o, '\x01', on) != NULL, "rc %d but nothing "
		    "marked: \"%.*s\"", rc, (int)on, o);
		check_piece(o, on, text);
		if (utf8_valid(text, tlen))
			FUZZ_CHECK(utf8_valid(o, on), "text is valid UTF-8 but "
			    "the output is not (utf8_valid): \"%.*s\"",
			    (int)on, o);
		if (fz_utf8_ok(text, tlen))
			FUZZ_CHECK(fz_utf8_ok(o, on), "text is valid UTF-8 but "
			    "the output is not (fz_utf8_ok): \"%.*s\"",
			    (int)on, o);
	}

	/* deterministic: fresh sbuf, the other tokenizer */
	rc2 = snippet_make(tok_b, text, &t, max_words, &out2);
	FUZZ_CHECK(rc2 == rc, "second call returned %d, first %d", rc2, rc);
	FUZZ_CHECK(out2.len == out.len - old_len && (out2.len == 0 ||
	    memcmp(out2.s, out.s + old_len, out2.len) == 0),
	    "second call gave other bytes: \"%.*s\" vs \"%.*s\"",
	    (int)out2.len, out2.s ? out2.s : "", (int)(out.len - old_len),
	    out.s ? out.s + old_len : "");

	sbuf_free(&out);
	sbuf_free(&out2);
	free(text);
	free(terms);
	return 0;
}
