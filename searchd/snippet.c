/*
 * snippet.c - marked snippets without FTS5; see snippet.h.
 *
 * One call: tokenize the text once, keeping every word's byte span and
 * the sentence it belongs to, and every match (position, term entry, byte
 * span to mark) in position order (struct scan); score the candidate
 * windows (pick_window); write the window with its matches marked
 * (write_window). struct scan owns its arrays: they start in its inline
 * storage and move to the heap when a text outgrows it; scan_free()
 * releases them. Nothing outlives the call.
 */
#include "snippet.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#define SNIPPET_STACK_TERMS 64
#define ELLIPSIS            "\xe2\x80\xa6"   /* U+2026 */
#define MARK_OPEN           "\x01"
#define MARK_CLOSE          "\x02"

/* Score of a window (as fts5SnippetScore): per term entry 1000 the first
 * time, 1 for each further match; sentence starts add these. */
#define SCORE_NEW_TERM   1000
#define SCORE_REPEAT     1
#define SCORE_SENTENCE   100
#define SCORE_FIRST_WORD 120

struct word {
	int start, end;  /* byte span in the text */
	int sent;        /* position of the sentence start at or before it */
};

struct hit {
	int pos;         /* word position */
	int term;        /* entry index: tokens first, then prefixes */
	int start, end;  /* byte span to mark */
};

struct scan {
	const char *text;
	int len;         /* bytes of text */
	const struct snippet_terms *t;
	struct word *w;
	struct hit *h;
	size_t nw, capw, nh, caph;
	unsigned *seen;  /* per term entry: stamp of the last window seen in */
	unsigned stamp;
	struct word w_inline[SNIPPET_STACK_WORDS];
	struct hit h_inline[SNIPPET_STACK_HITS];
	unsigned seen_inline[SNIPPET_STACK_TERMS];
};

/* What one window holds. */
struct win {
	int score, distinct;
	int first, last;  /* positions of its first and last match, or -1 */
};

/* ---- scanning ------------------------------------------------------------ */

/* Makes room for one more element in *arr (capacity *cap, elements of sz
 * bytes), moving it from inline storage to the heap on the first growth.
 * Returns 0 or -1 (ENOMEM). */
static int
grow(void **arr, size_t *cap, size_t n, size_t sz, const void *inl)
{
	size_t ncap;
	void *p;

	if (n < *cap)
		return 0;
	ncap = *cap * 2;
	if (*arr == inl) {
		if ((p = malloc(ncap * sz)) == NULL)
			return -1;
		memcpy(p, *arr, n * sz);
	} else if ((p = realloc(*arr, ncap * sz)) == NULL) {
		return -1;
	}
	*arr = p;
	*cap = ncap;
	return 0;
}

static int
scan_init(struct scan *s, const char *text, int len,
          const struct snippet_terms *t)
{
	size_t nterms = t->ntokens + t->nprefixes;

	s->text = text;
	s->len = len;
	s->t = t;
	s->w = s->w_inline;
	s->capw = SNIPPET_STACK_WORDS;
	s->h = s->h_inline;
	s->caph = SNIPPET_STACK_HITS;
	s->nw = s->nh = 0;
	s->stamp = 0;
	s->seen = s->seen_inline;
	if (nterms > SNIPPET_STACK_TERMS &&
	    (s->seen = malloc(nterms * sizeof(*s->seen))) == NULL)
		return -1;
	memset(s->seen, 0, nterms * sizeof(*s->seen));
	return 0;
}

static void
scan_free(struct scan *s)
{
	if (s->w != s->w_inline)
		free(s->w);
	if (s->h != s->h_inline)
		free(s->h);
	if (s->seen != s->seen_inline)
		free(s->seen);
}

/* 1 when the word at byte start begins a sentence: white space before it,
 * and before that '.', ':', '!' or '?'. */
static int
starts_sentence(const char *text, int start)
{
	int i = start - 1;

	while (i >= 0 && (text[i] == ' ' || text[i] == '\t' ||
	    text[i] == '\n' || text[i] == '\r'))
		i--;
	return i >= 0 && i != start - 1 && strchr(".:!?", text[i]) != NULL;
}

/* 1 when tok (n bytes) equals the NUL-ended term. */
static int
term_equals(const char *tok, int n, const char *term)
{
	for (int i = 0; i < n; i++)
		if (term[i] == '\0' || term[i] != tok[i])
			return 0;
	return term[n] == '\0';
}

/* 1 when tok (n bytes) starts with the non-empty NUL-ended prefix. */
static int
term_prefixes(const char *tok, int n, const char *prefix)
{
	int i;

	for (i = 0; prefix[i] != '\0'; i++)
		if (i >= n || prefix[i] != tok[i])
			return 0;
	return i > 0;
}

static int
add_word(struct scan *s, int start, int end)
{
	struct word *w;

	if (grow((void **)&s->w, &s->capw, s->nw, sizeof(*s->w),
	    s->w_inline) != 0)
		return -1;
	w = &s->w[s->nw];
	w->start = start;
	w->end = end;
	w->sent = (s->nw == 0 || starts_sentence(s->text, start)) ?
	    (int)s->nw : s->w[s->nw - 1].sent;
	s->nw++;
	return 0;
}

static int
add_hit(struct scan *s, int term, int start, int end)
{
	struct hit *h;

	if (grow((void **)&s->h, &s->caph, s->nh, sizeof(*s->h),
	    s->h_inline) != 0)
		return -1;
	h = &s->h[s->nh++];
	h->pos = (int)s->nw - 1;
	h->term = term;
	h->start = start;
	h->end = end;
	return 0;
}

/* The term entries tok matches, as hits at the current word. */
static int
match_token(struct scan *s, const char *tok, int ntok, int start, int end)
{
	const struct snippet_terms *t = s->t;

	for (size_t k = 0; k < t->ntokens; k++)
		if (term_equals(tok, ntok, t->tokens[k]) &&
		    add_hit(s, (int)k, start, end) != 0)
			return -1;
	for (size_t k = 0; k < t->nprefixes; k++)
		if (term_prefixes(tok, ntok, t->prefixes[k]) &&
		    add_hit(s, (int)(t->ntokens + k), start, end) != 0)
			return -1;
	return 0;
}

/* nl_token_ex_cb: a non-colocated token is a new word; a colocated one
 * belongs to the word before and marks its own span joined with it. */
static int
on_token(void *ctx, int flags, const char *tok, int ntok, int start, int end)
{
	struct scan *s = ctx;

	if (!(flags & NL_TOK_COLOCATED) || s->nw == 0) {
		if (add_word(s, start, end) != 0)
			return SQLITE_NOMEM;
	} else {
		const struct word *w = &s->w[s->nw - 1];

		if (w->start < start)
			start = w->start;
		if (w->end > end)
			end = w->end;
	}
	return match_token(s, tok, ntok, start, end) != 0 ? SQLITE_NOMEM : 0;
}

/* ---- choosing the window ------------------------------------------------- */

/* Index of the first hit at position >= pos (hits are in position order). */
static size_t
first_hit_at(const struct scan *s, int pos)
{
	size_t lo = 0, hi = s->nh;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (s->h[mid].pos < pos)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* Scores the n words from position from. */
static struct win
score_window(struct scan *s, int from, int n)
{
	struct win r = { 0, 0, -1, -1 };
	long end = (long)from + n;

	s->stamp++;
	for (size_t i = first_hit_at(s, from); i < s->nh && s->h[i].pos < end;
	    i++) {
		const struct hit *h = &s->h[i];

		if (s->seen[h->term] != s->stamp) {
			s->seen[h->term] = s->stamp;
			r.score += SCORE_NEW_TERM;
			r.distinct++;
		} else {
			r.score += SCORE_REPEAT;
		}
		if (r.first < 0)
			r.first = h->pos;
		r.last = h->pos;
	}
	return r;
}

/* The start of n words centred on the matches of wn, kept in the text. */
static int
centre_window(const struct scan *s, const struct win *wn, int n)
{
	long adj = wn->first - (n - (wn->last + 1 - wn->first)) / 2;

	if (adj + n > (long)s->nw)
		adj = (long)s->nw - n;
	return adj < 0 ? 0 : (int)adj;
}

/* Sets *start to the first word of the best window of n words (see
 * snippet.h). Returns its score, 0 when nothing matched. */
static int
pick_window(struct scan *s, int n, int *start)
{
	int best = 0, prev = -1;

	*start = 0;
	for (size_t i = 0; i < s->nh; i++) {
		int pos = s->h[i].pos, sent = s->w[pos].sent;
		struct win wn;

		if (pos == prev)
			continue;   /* same candidates as the hit before */
		prev = pos;
		wn = score_window(s, pos, n);
		if (wn.score > best) {
			best = wn.score;
			*start = centre_window(s, &wn, n);
		}
		if (s->nw <= (size_t)n || sent >= pos)
			continue;
		wn = score_window(s, sent, n);
		wn.score += sent == 0 ? SCORE_FIRST_WORD : SCORE_SENTENCE;
		if (wn.score > best) {
			best = wn.score;
			*start = sent;
		}
	}
	return best;
}

/* ---- writing ------------------------------------------------------------- */

/* Appends text[a, b) without the marker bytes \x01 and \x02. */
static void
put_text(struct sbuf *out, const char *text, int a, int b)
{
	int i = a;

	for (; i < b; i++) {
		if (text[i] != '\x01' && text[i] != '\x02')
			continue;
		sbuf_putn(out, text + a, (size_t)(i - a));
		a = i + 1;
	}
	sbuf_putn(out, text + a, (size_t)(b - a));
}

/* Turns hits [lo, hi) into disjoint marked spans within bytes [from, to):
 * clipped, sorted by start (insertion sort: they come nearly sorted) and
 * merged where they overlap or touch. Overwrites those hits; returns how
 * many spans are left at h[lo...]. */
static size_t
merge_spans(struct hit *h, size_t lo, size_t hi, int from, int to)
{
	size_t n = 0, m = 0;

	for (size_t i = lo; i < hi; i++) {
		struct hit x = h[i];
		size_t j;

		if (x.start < from)
			x.start = from;
		if (x.end > to)
			x.end = to;
		if (x.start >= x.end)
			continue;
		for (j = lo + n; j > lo && h[j - 1].start > x.start; j--)
			h[j] = h[j - 1];
		h[j] = x;
		n++;
	}
	if (n == 0)
		return 0;
	for (size_t i = 1; i < n; i++) {
		struct hit *cur = &h[lo + m];

		if (h[lo + i].start <= cur->end) {
			if (h[lo + i].end > cur->end)
				cur->end = h[lo + i].end;
		} else {
			h[lo + ++m] = h[lo + i];
		}
	}
	return m + 1;
}

/* Appends words [first, first + n) (cut at the text's end) with their
 * matches marked, and the ellipses. Returns the distinct terms marked. */
static int
write_window(struct scan *s, int first, int n, struct sbuf *out)
{
	int last = (long)first + n > (long)s->nw ? (int)s->nw - 1 :
	    first + n - 1;
	int from = first == 0 ? 0 : s->w[first].start;
	int to = last == (int)s->nw - 1 ? s->len : s->w[last].end;
	int distinct = score_window(s, first, last + 1 - first).distinct;
	size_t lo = first_hit_at(s, first), hi = first_hit_at(s, last + 1);
	size_t nspan = merge_spans(s->h, lo, hi, from, to);
	int at = from;

	if (first > 0)
		sbuf_put(out, ELLIPSIS);
	for (size_t i = lo; i < lo + nspan; i++) {
		put_text(out, s->text, at, s->h[i].start);
		sbuf_put(out, MARK_OPEN);
		put_text(out, s->text, s->h[i].start, s->h[i].end);
		sbuf_put(out, MARK_CLOSE);
		at = s->h[i].end;
	}
	put_text(out, s->text, at, to);
	if (last < (int)s->nw - 1)
		sbuf_put(out, ELLIPSIS);
	return distinct;
}

/* ---- public API ---------------------------------------------------------- */

int
snippet_make(struct nl_tokenizer *tok, const char *text,
             const struct snippet_terms *t, int max_words, struct sbuf *out)
{
	struct scan s;
	size_t len, old_len;
	int first, rc;

	if (tok == NULL || text == NULL || t == NULL || out == NULL ||
	    max_words < 1 || (t->ntokens > 0 && t->tokens == NULL) ||
	    (t->nprefixes > 0 && t->prefixes == NULL) ||
	    t->ntokens + t->nprefixes > INT_MAX)
		return -1;
	len = strlen(text);
	old_len = out->len;
	if (len > INT_MAX)
		return -1;
	if (scan_init(&s, text, (int)len, t) != 0)
		goto fail;
	if (nl_tokenizer_run(tok, text, (int)len, on_token, &s) != 0)
		goto fail;
	rc = 0;
	if (pick_window(&s, max_words, &first) > 0)
		rc = write_window(&s, first, max_words, out);
	if (out->failed)
		goto fail;
	scan_free(&s);
	return rc;
fail:
	if (out->s != NULL && !out->failed) {
		out->len = old_len;
		out->s[old_len] = '\0';
	}
	scan_free(&s);
	return -1;
}
