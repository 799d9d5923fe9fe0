/*
 * expand.c - query expansion: stop words, typo correction, compounds and
 * synonyms; see expand.h.
 *
 * Data of one generation (struct expand_index), all built at load:
 *  - voc: the FTS5 vocabulary (stems) with document frequencies, in a hash
 *    table, sorted by string (terms starting with a word) and sorted by
 *    reversed string (terms ending with a word);
 *  - qtext: per term a text FTS5 maps to that very term: the term itself
 *    when the tokenizer maps it to itself, else its most frequent written
 *    form in the indexed text, else none (the term is never put in a
 *    group);
 *  - surf: per term its most frequent written form (lower case), shown in
 *    "bedoelt u";
 *  - a byte trie of the terms and of their folded written forms, for
 *    typo search: a depth-first walk that carries one edit-distance row
 *    per trie level (only the band within the limit of the diagonal) and
 *    prunes a branch once no cell of the row is within the limit, so only
 *    the nodes near the typed word are visited, whatever the size of the
 *    vocabulary;
 *  - known: the words of the left sides of the rules, and words: the word
 *    list (folded words; struct expand_words, loaded once and shared by
 *    every generation, since it does not depend on the index), to tell a
 *    typo from a real word the index happens not to hold, and to accept
 *    the other part of a compound;
 *  - the synonym rules: one entry per left side, sorted by its first stem;
 *  - max_df: synonyms and longer compounds in more rows are left out, and
 *    so are those of a typed word in more rows; per query the synonym
 *    and affix terms may add up to EXPAND_ROW_BUDGET rows.
 *
 * Per query (expand_plan) everything lives in one struct qctx on the heap;
 * nothing is shared or written.
 */
#include "expand.h"

#include <ctype.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <utf8proc.h>

#define NONE UINT32_MAX

enum {
	MAXW = 32,           /* typed words that are expanded */
	MAXQT = 64,          /* query tokens for rule matching */
	MAXALT = 3,          /* stems per query token: typed + corrections */
	MAXSEEN = 512,       /* terms already in the plan */
	TYPO_MIN = 4,        /* shorter words are not corrected */
	TYPO_MAXCAND = 2,
	TYPO_MAXLEN = 40,
	SPLIT_MINPART = 3,
	SPLIT_MINFIRST = 4,
	SPLIT_MAXPARTS = 3,
	SPLIT_MAXLEN = 48,   /* longer words are not split */
	AFFIX_MIN = 3,       /* typed stem length: terms ending with it */
	AFFIX_MIN_START = 4, /* typed stem length: terms starting with it */
	AFFIX_MAX = 8,       /* terms added per typed word */
	AFFIX_SCAN = 20000,  /* vocabulary entries compared per direction */
	AFFIX_POOL = 64,     /* most frequent of them kept per word */
	AFFIX_CHECKS = 48,   /* of which at most this many are checked */
	RULE_MAXGAP = 2,     /* other words allowed between left-side words */
	SYN_MAXTERMS = 40,   /* synonym terms per query */
	TRIE_MAXLEN = 64,
	FORMS_SCAN_BYTES = 6 << 20,  /* text read for written forms */
};

/* ---- string table: arena + open-addressing hash ------------------------- */

struct strtab {
	char *buf;
	size_t len, cap;
	uint32_t *off;           /* id -> offset in buf */
	uint32_t *slen;          /* id -> length */
	uint32_t n, ncap;
	uint32_t *slots;         /* id + 1; 0 = empty */
	uint32_t nslots;         /* power of two */
};

struct expand_words {
	struct strtab list;      /* folded words */
	size_t n;
};

static uint32_t
hash_bytes(const char *s, size_t n)
{
	uint32_t h = 2166136261u;

	for (size_t i = 0; i < n; i++) {
		h ^= (unsigned char)s[i];
		h *= 16777619u;
	}
	return h;
}

static void
st_free(struct strtab *t)
{
	free(t->buf);
	free(t->off);
	free(t->slen);
	free(t->slots);
	memset(t, 0, sizeof(*t));
}

static const char *
st_str(const struct strtab *t, uint32_t id)
{
	return t->buf + t->off[id];
}

static long
st_find(const struct strtab *t, const char *s, size_t n)
{
	uint32_t mask, i;

	if (t->nslots == 0)
		return -1;
	mask = t->nslots - 1;
	for (i = hash_bytes(s, n) & mask;; i = (i + 1) & mask) {
		uint32_t v = t->slots[i];
		if (v == 0)
			return -1;
		v--;
		if (t->slen[v] == n && memcmp(t->buf + t->off[v], s, n) == 0)
			return (long)v;
	}
}

static int
st_grow_slots(struct strtab *t)
{
	uint32_t ns = t->nslots ? t->nslots * 2 : 1024, mask = ns - 1;
	uint32_t *sl = calloc(ns, sizeof(*sl));

	if (sl == NULL)
		return -1;
	for (uint32_t id = 0; id < t->n; id++) {
		uint32_t i = hash_bytes(t->buf + t->off[id], t->slen[id]) & mask;
		while (sl[i] != 0)
			i = (i + 1) & mask;
		sl[i] = id + 1;
	}
	free(t->slots);
	t->slots = sl;
	t->nslots = ns;
	return 0;
}

/* Makes room for about n strings of bytes bytes in all. */
static int
st_reserve(struct strtab *t, uint32_t n, size_t bytes)
{
	uint32_t ns = 1024;
	char *nb;
	uint32_t *a;

	while (ns < 2 * n)
		ns *= 2;
	if (t->n != 0 || ns <= t->nslots)
		return 0;
	if ((nb = realloc(t->buf, bytes)) == NULL)
		return -1;
	t->buf = nb;
	t->cap = bytes;
	if ((a = realloc(t->off, n * sizeof(*a))) == NULL)
		return -1;
	t->off = a;
	if ((a = realloc(t->slen, n * sizeof(*a))) == NULL)
		return -1;
	t->slen = a;
	t->ncap = n;
	free(t->slots);
	if ((t->slots = calloc(ns, sizeof(*t->slots))) == NULL) {
		t->nslots = 0;
		return -1;
	}
	t->nslots = ns;
	return 0;
}

/* Adds s (n bytes) if new. *id gets its id. Returns 1 when added, 0 when
 * it was there, -1 on ENOMEM. */
static int
st_add(struct strtab *t, const char *s, size_t n, uint32_t *id)
{
	long f = st_find(t, s, n);
	uint32_t mask, i;

	if (f >= 0) {
		*id = (uint32_t)f;
		return 0;
	}
	if ((size_t)(t->n + 1) * 2 > t->nslots && st_grow_slots(t) != 0)
		return -1;
	if (t->n == t->ncap) {
		uint32_t nc = t->ncap ? t->ncap * 2 : 1024;
		uint32_t *no = realloc(t->off, nc * sizeof(*no));
		if (no == NULL)
			return -1;
		t->off = no;
		no = realloc(t->slen, nc * sizeof(*no));
		if (no == NULL)
			return -1;
		t->slen = no;
		t->ncap = nc;
	}
	if (t->len + n + 1 > t->cap) {
		size_t nc = (t->len + n + 1) * 2;
		char *nb;
		if (nc < 4096)
			nc = 4096;
		if (nc > UINT32_MAX)
			return -1;
		if ((nb = realloc(t->buf, nc)) == NULL)
			return -1;
		t->buf = nb;
		t->cap = nc;
	}
	memcpy(t->buf + t->len, s, n);
	t->buf[t->len + n] = '\0';
	t->off[t->n] = (uint32_t)t->len;
	t->slen[t->n] = (uint32_t)n;
	t->len += n + 1;
	mask = t->nslots - 1;
	for (i = hash_bytes(s, n) & mask; t->slots[i] != 0; i = (i + 1) & mask)
		;
	t->slots[i] = t->n + 1;
	*id = t->n++;
	return 1;
}

/* ---- the index ----------------------------------------------------------- */

/* One typo-trie node in 8 bytes (1.7 M nodes at 250 000 listings): the
 * index of its first child (children are contiguous) and its byte; the
 * vocabulary id ending here (TRIE_NOTERM for none) and its number of
 * children (up to 256). Read and written through the tn_* functions. */
struct tnode {
	uint32_t first_c;        /* first child << 8 | byte */
	uint32_t term_n;         /* term << 9 | number of children */
};

#define TRIE_MAXNODES (1u << 24)
#define TRIE_NOTERM   ((1u << 23) - 1)   /* also the bound on term ids */

static uint32_t
tn_first(const struct tnode *t)
{
	return t->first_c >> 8;
}

static unsigned char
tn_c(const struct tnode *t)
{
	return (unsigned char)(t->first_c & 0xFF);
}

/* The vocabulary id ending at t, or NONE. */
static uint32_t
tn_term(const struct tnode *t)
{
	uint32_t id = t->term_n >> 9;

	return id == TRIE_NOTERM ? NONE : id;
}

static uint32_t
tn_nchild(const struct tnode *t)
{
	return t->term_n & 0x1FF;
}

/* Sets node t: no children yet, no term, byte c. */
static void
tn_init(struct tnode *t, unsigned char c)
{
	t->first_c = c;
	t->term_n = TRIE_NOTERM << 9;
}

static void
tn_set_term(struct tnode *t, uint32_t id)
{
	t->term_n = (id << 9) | (t->term_n & 0x1FF);
}

static void
tn_set_children(struct tnode *t, uint32_t first, uint32_t n)
{
	t->first_c = (first << 8) | (t->first_c & 0xFF);
	t->term_n = (t->term_n & ~0x1FFu) | n;
}

struct rterm {
	uint32_t text;           /* offset in rbuf: the form given to FTS5 */
	uint32_t stems, nstems;  /* into rstem */
	uint32_t key;            /* offset in rbuf: the stems joined by ' ' */
	int ok;                  /* every stem is in the vocabulary */
	uint32_t df;             /* the least document frequency of its stems
	                          * (more than the rows holding the phrase) */
};

struct rule {
	uint32_t left, nleft;    /* into rstem */
	uint32_t right, nright;  /* into rterms */
	uint32_t line;           /* line in the rules text (1-based) */
	uint32_t set;            /* rules of one line share it */
};

struct expand_index {
	struct strtab voc;
	uint32_t *df;            /* per term */
	uint32_t *qtext;         /* per term: offset in tbuf, or NONE */
	uint32_t *surf;          /* per term: offset in tbuf, or NONE */
	char *tbuf;
	size_t tlen, tcap;
	uint32_t *by_str;        /* term ids sorted by string */
	uint32_t *by_rev;        /* term ids sorted by reversed string */
	char *rev;               /* reversed terms, same offsets as voc.buf */
	struct tnode *trie;
	uint32_t ntrie;
	struct strtab known;     /* words of the rules' left sides */
	const struct expand_words *words;  /* the word list (borrowed) */
	struct expand_words *own_words;    /* ... when this index owns it */
	char *rbuf;              /* rule strings */
	size_t rlen, rcap;
	uint32_t *rstem;         /* offsets in rbuf */
	size_t nrstem, rstemcap;
	struct rterm *rterms;
	size_t nrterms, rtermcap;
	struct rule *rules;      /* sorted by first left stem */
	size_t nrules, rulecap;
	uint32_t nsets;
	unsigned measures;       /* EXPAND_* */
	uint32_t ndocs;          /* rows of aanbod_fts */
	uint32_t max_df;         /* expansion terms in more rows are left out */
};

static long
voc_find(const struct expand_index *x, const char *s, size_t n)
{
	return st_find(&x->voc, s, n);
}

static const char *
voc_str(const struct expand_index *x, uint32_t id)
{
	return st_str(&x->voc, id);
}

static uint32_t
voc_len(const struct expand_index *x, uint32_t id)
{
	return x->voc.slen[id];
}

/* 1 when s is a vocabulary term or a word (or stem) of the word list. */
static int
is_known(const struct expand_index *x, const char *s, size_t n)
{
	return voc_find(x, s, n) >= 0 || st_find(&x->known, s, n) >= 0 ||
	    (x->words != NULL && st_find(&x->words->list, s, n) >= 0);
}

static int
tbuf_put(struct expand_index *x, const char *s, size_t n, uint32_t *off)
{
	if (x->tlen + n + 1 > x->tcap) {
		size_t nc = (x->tlen + n + 1) * 2;
		char *nb;
		if (nc < 4096)
			nc = 4096;
		if (nc > UINT32_MAX || (nb = realloc(x->tbuf, nc)) == NULL)
			return -1;
		x->tbuf = nb;
		x->tcap = nc;
	}
	memcpy(x->tbuf + x->tlen, s, n);
	x->tbuf[x->tlen + n] = '\0';
	*off = (uint32_t)x->tlen;
	x->tlen += n + 1;
	return 0;
}

static int
rbuf_put(struct expand_index *x, const char *s, size_t n, uint32_t *off)
{
	if (x->rlen + n + 1 > x->rcap) {
		size_t nc = (x->rlen + n + 1) * 2;
		char *nb;
		if (nc < 1024)
			nc = 1024;
		if (nc > UINT32_MAX || (nb = realloc(x->rbuf, nc)) == NULL)
			return -1;
		x->rbuf = nb;
		x->rcap = nc;
	}
	memcpy(x->rbuf + x->rlen, s, n);
	x->rbuf[x->rlen + n] = '\0';
	*off = (uint32_t)x->rlen;
	x->rlen += n + 1;
	return 0;
}

void
expand_index_free(struct expand_index *x)
{
	if (x == NULL)
		return;
	st_free(&x->voc);
	free(x->df);
	free(x->qtext);
	free(x->surf);
	free(x->tbuf);
	free(x->by_str);
	free(x->by_rev);
	free(x->rev);
	free(x->trie);
	st_free(&x->known);
	expand_words_free(x->own_words);
	free(x->rbuf);
	free(x->rstem);
	free(x->rterms);
	free(x->rules);
	free(x);
}

void
expand_index_set_measures(struct expand_index *x, unsigned measures)
{
	if (x != NULL)
		x->measures = measures & EXPAND_ALL;
}

void
expand_index_stats(const struct expand_index *x, size_t *terms, size_t *rules,
                   size_t *words)
{
	if (terms)
		*terms = x ? x->voc.n : 0;
	if (rules)
		*rules = x ? x->nrules : 0;
	if (words)
		*words = x && x->words ? x->words->n : 0;
}

/* ---- loading: vocabulary ------------------------------------------------- */

static int
load_vocab(struct expand_index *x, sqlite3 *db, char *err, size_t errlen)
{
	sqlite3_stmt *st = NULL;
	char *msg = NULL;
	int rc;

	/* Queries go through the "dutch" tokenizer of this connection: it
	 * must be registered (nl_tokenizer_register), or nothing matches. */
	if (sqlite3_exec(db, "SELECT rowid FROM aanbod_fts WHERE aanbod_fts "
	    "MATCH 'a' LIMIT 1", NULL, NULL, &msg) != SQLITE_OK) {
		snprintf(err, errlen, "aanbod_fts doorzoeken mislukt (is de "
		    "tokenizer \"%s\" geregistreerd?): %s", NL_TOKENIZER_NAME,
		    msg ? msg : "?");
		sqlite3_free(msg);
		return -1;
	}
	sqlite3_exec(db, "DROP TABLE IF EXISTS temp.expand_vocab", NULL, NULL,
	    NULL);
	if (sqlite3_exec(db, "CREATE VIRTUAL TABLE temp.expand_vocab USING "
	    "fts5vocab(main, aanbod_fts, 'row')", NULL, NULL, &msg) !=
	    SQLITE_OK) {
		snprintf(err, errlen, "fts5vocab: %s", msg ? msg : "?");
		sqlite3_free(msg);
		return -1;
	}
	rc = sqlite3_prepare_v2(db, "SELECT term, doc FROM temp.expand_vocab",
	    -1, &st, NULL);
	while (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *t = (const char *)sqlite3_column_text(st, 0);
		int n = sqlite3_column_bytes(st, 0);
		uint32_t id;
		int added;

		if (t == NULL || n <= 0) {
			rc = SQLITE_OK;
			continue;
		}
		if ((added = st_add(&x->voc, t, (size_t)n, &id)) < 0) {
			rc = SQLITE_NOMEM;
			break;
		}
		if (added && id % 1024 == 0) {
			uint32_t *nd = realloc(x->df, (id + 1024) * sizeof(*nd));
			if (nd == NULL) {
				rc = SQLITE_NOMEM;
				break;
			}
			x->df = nd;
		}
		x->df[id] = (uint32_t)sqlite3_column_int(st, 1);
		rc = SQLITE_OK;
	}
	if (rc != SQLITE_DONE && rc != SQLITE_OK)
		snprintf(err, errlen, "fts5vocab lezen: %s", rc == SQLITE_NOMEM ?
		    "geen geheugen" : sqlite3_errmsg(db));
	sqlite3_finalize(st);
	st = NULL;
	sqlite3_exec(db, "DROP TABLE IF EXISTS temp.expand_vocab", NULL, NULL,
	    NULL);
	if (rc != SQLITE_DONE && rc != SQLITE_OK)
		return -1;
	/* the number of rows, for the cap on expansion terms */
	if (sqlite3_prepare_v2(db, "SELECT count(*) FROM aanbod_fts", -1, &st,
	    NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
		x->ndocs = (uint32_t)sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	for (uint32_t i = 0; i < x->voc.n; i++)
		if (x->df[i] > x->ndocs)
			x->ndocs = x->df[i];
	x->max_df = (uint32_t)(x->ndocs * EXPAND_MAX_DF_SHARE);
	if (x->max_df < EXPAND_MAX_DF_MIN)
		x->max_df = EXPAND_MAX_DF_MIN;
	return 0;
}

/* ---- loading: written forms ---------------------------------------------- */

/* Appends the lower-case form of s[0..n) to out (cap bytes, NUL-ended).
 * Returns its length, or -1 when it does not fit. */
static int
lower_utf8(const char *s, int n, char *out, int cap)
{
	int i = 0, o = 0;

	while (i < n) {
		unsigned char c = (unsigned char)s[i];
		if (c < 0x80) {
			if (o + 1 >= cap)
				return -1;
			out[o++] = (char)tolower(c);
			i++;
		} else {
			utf8proc_int32_t cp;
			utf8proc_uint8_t tmp[4];
			utf8proc_ssize_t k = utf8proc_iterate(
			    (const utf8proc_uint8_t *)s + i, n - i, &cp);
			utf8proc_ssize_t e;
			if (k < 1)
				return -1;
			e = utf8proc_encode_char(utf8proc_tolower(cp), tmp);
			if (o + e >= cap)
				return -1;
			memcpy(out + o, tmp, (size_t)e);
			o += (int)e;
			i += (int)k;
		}
	}
	out[o] = '\0';
	return o;
}

struct surf_scan {
	struct expand_index *x;
	const char *text;
	struct strtab forms;     /* written forms seen */
	uint32_t *term, *count;  /* per form */
	uint32_t cap;
	int nomem;
};

static int
surf_token(void *ctx, int flags, const char *tok, int ntok, int start, int end)
{
	struct surf_scan *s = ctx;
	char low[NL_MAX_TOKEN];
	long tid;
	uint32_t id;
	int n, added;

	if (flags & NL_TOK_COLOCATED)
		return 0;
	if ((tid = voc_find(s->x, tok, (size_t)ntok)) < 0)
		return 0;
	if (end - start >= NL_MAX_TOKEN ||
	    (n = lower_utf8(s->text + start, end - start, low, sizeof(low))) <= 0)
		return 0;
	if ((added = st_add(&s->forms, low, (size_t)n, &id)) < 0)
		goto nomem;
	if (added) {
		if (id >= s->cap) {
			uint32_t nc = s->cap ? s->cap * 2 : 4096;
			uint32_t *a = realloc(s->term, nc * sizeof(*a));
			if (a == NULL)
				goto nomem;
			s->term = a;
			if ((a = realloc(s->count, nc * sizeof(*a))) == NULL)
				goto nomem;
			s->count = a;
			s->cap = nc;
		}
		s->term[id] = (uint32_t)tid;
		s->count[id] = 0;
	}
	s->count[id]++;
	return 0;
nomem:
	s->nomem = 1;
	return SQLITE_NOMEM;
}

/* Picks, per term, its most frequent written form in the indexed text
 * (surf) and a text FTS5 maps to the term (qtext). */
static int
load_forms(struct expand_index *x, sqlite3 *db, struct nl_tokenizer *tok,
           char *err, size_t errlen)
{
	struct surf_scan s;
	sqlite3_stmt *st = NULL;
	uint32_t *best = NULL;
	uint32_t n = x->voc.n;
	int rc = -1;

	memset(&s, 0, sizeof(s));
	s.x = x;
	x->qtext = malloc((n + 1) * sizeof(*x->qtext));
	x->surf = malloc((n + 1) * sizeof(*x->surf));
	best = malloc((n + 1) * sizeof(*best));
	if (x->qtext == NULL || x->surf == NULL || best == NULL)
		goto nomem;
	for (uint32_t i = 0; i < n; i++)
		best[i] = NONE;
	/* The stored text of the short fields (the words people search for
	 * are in names and keywords), up to a budget: tokenizing runs at
	 * some 10 MB/s, and the forms of frequent words are known long
	 * before the end of a large index. A term never seen keeps its stem
	 * as its form. A contentless table or other columns: no forms. */
	if (sqlite3_prepare_v2(db, "SELECT naam, samenvatting, trefwoorden, "
	    "organisatie FROM aanbod_fts", -1, &st, NULL) == SQLITE_OK ||
	    sqlite3_prepare_v2(db, "SELECT * FROM aanbod_fts", -1, &st,
	    NULL) == SQLITE_OK) {
		size_t scanned = 0;

		while (scanned < FORMS_SCAN_BYTES &&
		    sqlite3_step(st) == SQLITE_ROW) {
			int nc = sqlite3_column_count(st);
			for (int c = 0; c < nc; c++) {
				const char *t =
				    (const char *)sqlite3_column_text(st, c);
				int len = sqlite3_column_bytes(st, c);
				if (t == NULL || len <= 0)
					continue;
				s.text = t;
				scanned += (size_t)len;
				nl_tokenizer_run(tok, t, len, surf_token, &s);
				if (s.nomem)
					goto nomem;
			}
		}
	}
	for (uint32_t f = 0; f < s.forms.n; f++) {
		uint32_t t = s.term[f];
		if (best[t] == NONE || s.count[f] > s.count[best[t]] ||
		    (s.count[f] == s.count[best[t]] &&
		    strcmp(st_str(&s.forms, f), st_str(&s.forms, best[t])) < 0))
			best[t] = f;
	}
	for (uint32_t i = 0; i < n; i++) {
		const char *term = voc_str(x, i);
		char norm[NL_MAX_TOKEN];
		int k;

		x->surf[i] = x->qtext[i] = NONE;
		if (best[i] != NONE && tbuf_put(x, st_str(&s.forms, best[i]),
		    s.forms.slen[best[i]], &x->surf[i]) != 0)
			goto nomem;
		k = nl_tokenizer_normalize(tok, term, (int)voc_len(x, i), norm,
		    sizeof(norm));
		if (k == (int)voc_len(x, i) && memcmp(norm, term, (size_t)k) == 0)
			x->qtext[i] = NONE - 1;     /* the term itself */
		else if (x->surf[i] != NONE)
			x->qtext[i] = x->surf[i];   /* maps to term by origin */
	}
	rc = 0;
	goto out;
nomem:
	snprintf(err, errlen, "geen geheugen");
out:
	sqlite3_finalize(st);
	st_free(&s.forms);
	free(s.term);
	free(s.count);
	free(best);
	return rc;
}

/* The text to put in a group for term id, or NULL when there is none. */
static const char *
term_qtext(const struct expand_index *x, uint32_t id)
{
	if (x->qtext[id] == NONE - 1)
		return voc_str(x, id);
	if (x->qtext[id] == NONE)
		return NULL;
	return x->tbuf + x->qtext[id];
}

/* ---- loading: sorted arrays and the trie --------------------------------- */

static int
cmp_str_id(const void *a, const void *b, void *arg)
{
	const struct expand_index *x = arg;

	return strcmp(voc_str(x, *(const uint32_t *)a),
	    voc_str(x, *(const uint32_t *)b));
}

static int
cmp_rev_id(const void *a, const void *b, void *arg)
{
	const struct expand_index *x = arg;

	return strcmp(x->rev + x->voc.off[*(const uint32_t *)a],
	    x->rev + x->voc.off[*(const uint32_t *)b]);
}

/* One string of the typo trie: a term, or the folded written form of one
 * (so a typo in an ending, which stemming does not undo, still meets the
 * word: "wandleen" is one step from "wandelen", the form of "wandel"). */
struct tentry {
	const char *s;
	uint32_t len;
	uint32_t term;
};

static int
cmp_tentry(const void *a, const void *b)
{
	const struct tentry *p = a, *q = b;
	int c = strcmp(p->s, q->s);

	if (c != 0)
		return c;
	return p->term < q->term ? -1 : p->term > q->term;
}

/* Builds the children of node ni from e[lo..hi) (sorted, sharing their
 * first d bytes). */
static void
trie_build(struct expand_index *x, const struct tentry *e, uint32_t ni,
           uint32_t lo, uint32_t hi, uint32_t d)
{
	uint32_t k = 0, first, a;

	/* Entries ending here: one string may be the form of several terms
	 * and a term itself: keep the most frequent. */
	while (lo < hi && e[lo].len == d) {
		uint32_t t = tn_term(&x->trie[ni]);
		if (t == NONE || x->df[e[lo].term] > x->df[t] ||
		    (x->df[e[lo].term] == x->df[t] && e[lo].term < t))
			tn_set_term(&x->trie[ni], e[lo].term);
		lo++;
	}
	for (a = lo; a < hi; k++) {
		unsigned char c = (unsigned char)e[a].s[d];
		while (a < hi && (unsigned char)e[a].s[d] == c)
			a++;
	}
	first = x->ntrie;
	tn_set_children(&x->trie[ni], first, k);
	x->ntrie += k;
	for (a = lo, k = 0; a < hi; k++) {
		unsigned char c = (unsigned char)e[a].s[d];
		uint32_t b = a, ci = first + k;
		while (b < hi && (unsigned char)e[b].s[d] == c)
			b++;
		tn_init(&x->trie[ci], c);
		trie_build(x, e, ci, a, b, d + 1);
		a = b;
	}
}

static int
build_lookups(struct expand_index *x)
{
	uint32_t n = x->voc.n, ne = 0;
	size_t chars = 1;
	struct tentry *e = NULL;
	char *folds = NULL;
	size_t flen = 0;
	int rc = -1;

	x->by_str = malloc((n + 1) * sizeof(*x->by_str));
	x->by_rev = malloc((n + 1) * sizeof(*x->by_rev));
	x->rev = malloc(x->voc.len + 1);
	e = malloc((2 * (size_t)n + 1) * sizeof(*e));
	folds = malloc(x->tlen + 1);
	if (x->by_str == NULL || x->by_rev == NULL || x->rev == NULL ||
	    e == NULL || folds == NULL)
		goto out;
	for (uint32_t i = 0; i < n; i++) {
		const char *s = voc_str(x, i);
		uint32_t len = voc_len(x, i);
		char *r = x->rev + x->voc.off[i];
		for (uint32_t k = 0; k < len; k++)
			r[k] = s[len - 1 - k];
		r[len] = '\0';
		x->by_str[i] = x->by_rev[i] = i;
		if (len <= TRIE_MAXLEN) {
			e[ne].s = s;
			e[ne].len = len;
			e[ne++].term = i;
			chars += len;
		}
	}
	/* folded written forms that differ from their term; a folded form
	 * is never longer than the lower-case form it comes from */
	for (uint32_t i = 0; i < n; i++) {
		int k;
		if (x->surf[i] == NONE)
			continue;
		k = nl_fold_word(x->tbuf + x->surf[i], -1, folds + flen,
		    (int)(x->tlen + 1 - flen));
		if (k <= 0 || k > TRIE_MAXLEN || ((uint32_t)k == voc_len(x, i) &&
		    memcmp(folds + flen, voc_str(x, i), (size_t)k) == 0))
			continue;
		e[ne].s = folds + flen;
		e[ne].len = (uint32_t)k;
		e[ne++].term = i;
		chars += (size_t)k;
		flen += (size_t)k + 1;
	}
	qsort_r(x->by_str, n, sizeof(*x->by_str), cmp_str_id, x);
	qsort_r(x->by_rev, n, sizeof(*x->by_rev), cmp_rev_id, x);
	qsort(e, ne, sizeof(*e), cmp_tentry);
	/* chars bounds the nodes; past the packed node's limits (some 8 M
	 * terms, 16 M nodes: far above 250 000 listings) the trie is left
	 * empty and typos are not corrected, rather than the index refused */
	if (chars < TRIE_MAXNODES && n < TRIE_NOTERM) {
		if ((x->trie = malloc(chars * sizeof(*x->trie))) == NULL)
			goto out;
		x->ntrie = 1;
		tn_init(&x->trie[0], 0);
		trie_build(x, e, 0, 0, ne, 0);
	}
	rc = 0;
out:
	free(e);
	free(folds);
	return rc;
}

/* ---- loading: the word list ---------------------------------------------- */

int
expand_words_load(struct expand_words **out, const char *path)
{
	struct expand_words *w = calloc(1, sizeof(*w));
	FILE *f = NULL;
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;

	*out = NULL;
	if (w == NULL)
		return -1;
	if (path == NULL || (f = fopen(path, "r")) == NULL) {
		*out = w;        /* optional: an empty list */
		return 0;
	}
	if (fseek(f, 0, SEEK_END) == 0) {
		long size = ftell(f);
		if (size > 0 && size < (1L << 30) &&
		    st_reserve(&w->list, (uint32_t)(size / 8), (size_t)size) != 0)
			goto nomem;
		rewind(f);
	}
	while ((n = getline(&line, &cap, f)) > 0) {
		char fold[NL_MAX_TOKEN];
		int k;
		uint32_t id;

		while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
			line[--n] = '\0';
		if (n == 0 || n >= NL_MAX_TOKEN || memchr(line, ' ', (size_t)n))
			continue;
		k = nl_fold_word(line, (int)n, fold, sizeof(fold));
		if (k < 3)
			continue;
		if (st_add(&w->list, fold, (size_t)k, &id) < 0)
			goto nomem;
		w->n++;
	}
	free(line);
	fclose(f);
	*out = w;
	return 0;
nomem:
	free(line);
	fclose(f);
	expand_words_free(w);
	return -1;
}

void
expand_words_free(struct expand_words *w)
{
	if (w == NULL)
		return;
	st_free(&w->list);
	free(w);
}

/* ---- loading: synonym rules ---------------------------------------------- */

struct tokvec {
	char tok[16][NL_MAX_TOKEN];
	int stop[16];            /* NL_TOK_STOPWORD */
	int n, over;
};

static int
tokvec_cb(void *ctx, int flags, const char *tok, int ntok, int start, int end)
{
	struct tokvec *v = ctx;

	(void)start;
	(void)end;
	if (flags & NL_TOK_COLOCATED)
		return 0;
	if (v->n == 16) {
		v->over = 1;
		return 0;
	}
	memcpy(v->tok[v->n], tok, (size_t)ntok);
	v->tok[v->n][ntok] = '\0';
	v->stop[v->n] = (flags & NL_TOK_STOPWORD) != 0;
	v->n++;
	return 0;
}

static int
push_rstem(struct expand_index *x, const char *s, uint32_t *first)
{
	uint32_t off;

	if (x->nrstem == x->rstemcap) {
		size_t nc = x->rstemcap ? x->rstemcap * 2 : 256;
		uint32_t *a = realloc(x->rstem, nc * sizeof(*a));
		if (a == NULL)
			return -1;
		x->rstem = a;
		x->rstemcap = nc;
	}
	if (rbuf_put(x, s, strlen(s), &off) != 0)
		return -1;
	if (first != NULL)
		*first = (uint32_t)x->nrstem;
	x->rstem[x->nrstem++] = off;
	return 0;
}

/* Trims blanks and one pair of surrounding double quotes. */
static void
trim_item(const char **s, size_t *n)
{
	while (*n > 0 && isspace((unsigned char)**s)) {
		(*s)++;
		(*n)--;
	}
	while (*n > 0 && isspace((unsigned char)(*s)[*n - 1]))
		(*n)--;
	if (*n >= 2 && (*s)[0] == '"' && (*s)[*n - 1] == '"') {
		(*s)++;
		*n -= 2;
		trim_item(s, n);
	}
}

/* Tokenizes one item into v. Returns 0, or -1 with err. */
static int
item_tokens(struct nl_tokenizer *tok, const char *s, size_t n,
            struct tokvec *v, unsigned line, char *err, size_t errlen)
{
	v->n = v->over = 0;
	if (nl_tokenizer_run(tok, s, (int)n, tokvec_cb, v) != 0) {
		snprintf(err, errlen, "synoniemen regel %u: geen geheugen", line);
		return -1;
	}
	if (v->n == 0) {
		snprintf(err, errlen, "synoniemen regel %u: leeg woord (\"%.*s\")",
		    line, (int)(n > 40 ? 40 : n), s);
		return -1;
	}
	if (v->over) {
		snprintf(err, errlen, "synoniemen regel %u: hoogstens 16 woorden "
		    "per term", line);
		return -1;
	}
	return 0;
}

/* Adds one right-side term (an item of the line). */
static int
add_rterm(struct expand_index *x, struct nl_tokenizer *tok, const char *s,
          size_t n, unsigned line, char *err, size_t errlen)
{
	struct tokvec v;
	struct rterm *t;
	char text[512], key[1024];
	size_t tl = 0, kl = 0;
	int space = 0;

	if (item_tokens(tok, s, n, &v, line, err, errlen) != 0)
		return -1;
	if (n >= sizeof(text)) {
		snprintf(err, errlen, "synoniemen regel %u: term te lang", line);
		return -1;
	}
	for (size_t i = 0; i < n; i++) {        /* collapse white space */
		if (isspace((unsigned char)s[i]) || s[i] == '"') {
			space = tl > 0;
			continue;
		}
		if (space)
			text[tl++] = ' ';
		space = 0;
		text[tl++] = s[i];
	}
	text[tl] = '\0';
	if (x->nrterms == x->rtermcap) {
		size_t nc = x->rtermcap ? x->rtermcap * 2 : 256;
		struct rterm *a = realloc(x->rterms, nc * sizeof(*a));
		if (a == NULL)
			goto nomem;
		x->rterms = a;
		x->rtermcap = nc;
	}
	t = &x->rterms[x->nrterms];
	memset(t, 0, sizeof(*t));
	t->ok = 1;
	for (int i = 0; i < v.n; i++) {
		uint32_t first;
		size_t k = strlen(v.tok[i]);
		if (push_rstem(x, v.tok[i], &first) != 0)
			goto nomem;
		if (i == 0)
			t->stems = first;
		{
			long id = voc_find(x, v.tok[i], k);
			if (id < 0)
				t->ok = 0;
			else if (i == 0 || x->df[id] < t->df)
				t->df = x->df[id];
		}
		if (kl + k + 2 < sizeof(key)) {
			if (kl)
				key[kl++] = ' ';
			memcpy(key + kl, v.tok[i], k);
			kl += k;
		}
	}
	key[kl] = '\0';
	t->nstems = (uint32_t)v.n;
	if (rbuf_put(x, text, tl, &t->text) != 0 ||
	    rbuf_put(x, key, kl, &t->key) != 0)
		goto nomem;
	x->nrterms++;
	return 0;
nomem:
	snprintf(err, errlen, "geen geheugen");
	return -1;
}

static int
add_rule(struct expand_index *x, uint32_t left, uint32_t nleft,
         uint32_t right, uint32_t nright, unsigned line, uint32_t set)
{
	if (x->nrules == x->rulecap) {
		size_t nc = x->rulecap ? x->rulecap * 2 : 256;
		struct rule *a = realloc(x->rules, nc * sizeof(*a));
		if (a == NULL)
			return -1;
		x->rules = a;
		x->rulecap = nc;
	}
	x->rules[x->nrules].left = left;
	x->rules[x->nrules].nleft = nleft;
	x->rules[x->nrules].right = right;
	x->rules[x->nrules].nright = nright;
	x->rules[x->nrules].line = line;
	x->rules[x->nrules].set = set;
	x->nrules++;
	return 0;
}

/* A word of a rule is a known word: the editor wrote it, so a query
 * holding it is not "corrected" into another word (debt -> hebt). Stems
 * of the left sides are added to the word list's table. */
static int
rule_word_known(struct expand_index *x, const char *stem)
{
	uint32_t id;

	return st_add(&x->known, stem, strlen(stem), &id) < 0 ? -1 : 0;
}

/* Adds a left side: its stems go to rstem. Returns 0 or -1 with err. */
static int
add_left(struct expand_index *x, struct nl_tokenizer *tok, const char *s,
         size_t n, unsigned line, uint32_t *first, uint32_t *count, char *err,
         size_t errlen)
{
	struct tokvec v;
	int content = 0;

	if (item_tokens(tok, s, n, &v, line, err, errlen) != 0)
		return -1;
	for (int i = 0; i < v.n; i++) {
		/* Stop words are matched as their stems, like any word; a
		 * left side of one or two stop words only would fire almost
		 * everywhere (three, as in "iemand om mee", is specific). */
		if (!v.stop[i])
			content = 1;
		if (push_rstem(x, v.tok[i], i == 0 ? first : NULL) != 0 ||
		    rule_word_known(x, v.tok[i]) != 0) {
			snprintf(err, errlen, "geen geheugen");
			return -1;
		}
	}
	if (!content && v.n < 3) {
		snprintf(err, errlen, "synoniemen regel %u: \"%.*s\" bestaat "
		    "alleen uit stopwoorden", line, (int)(n > 40 ? 40 : n), s);
		return -1;
	}
	*count = (uint32_t)v.n;
	return 0;
}

/* Splits s[0..n) at any byte of seps; calls fn per item. */
struct item {
	const char *s;
	size_t n;
};

static int
split_items(const char *s, size_t n, const char *seps, struct item *out,
            int max, unsigned line, char *err, size_t errlen)
{
	int k = 0;
	size_t a = 0;

	for (size_t i = 0; i <= n; i++) {
		if (i < n && strchr(seps, s[i]) == NULL)
			continue;
		if (k == max) {
			snprintf(err, errlen, "synoniemen regel %u: hoogstens %d "
			    "termen per kant", line, max);
			return -1;
		}
		out[k].s = s + a;
		out[k].n = i - a;
		trim_item(&out[k].s, &out[k].n);
		if (out[k].n == 0) {
			snprintf(err, errlen, "synoniemen regel %u: lege term", line);
			return -1;
		}
		k++;
		a = i + 1;
	}
	return k;
}

static int
parse_line(struct expand_index *x, struct nl_tokenizer *tok, const char *s,
           size_t n, unsigned line, char *err, size_t errlen)
{
	struct item left[64], right[64];
	const char *arrow = NULL;
	uint32_t rfirst = (uint32_t)x->nrterms, set = x->nsets++;
	int nl, nr;

	for (size_t i = 0; i + 1 < n; i++)
		if (s[i] == '=' && s[i + 1] == '>') {
			arrow = s + i;
			break;
		}
	if (arrow != NULL) {
		nl = split_items(s, (size_t)(arrow - s), ",", left, 64, line, err,
		    errlen);
		if (nl < 0)
			return -1;
		nr = split_items(arrow + 2, n - (size_t)(arrow + 2 - s), ",", right,
		    64, line, err, errlen);
		if (nr < 0)
			return -1;
		if (memchr(arrow + 2, '=', n - (size_t)(arrow + 2 - s)) != NULL) {
			snprintf(err, errlen, "synoniemen regel %u: '=' na '=>'",
			    line);
			return -1;
		}
		for (int i = 0; i < nr; i++)
			if (add_rterm(x, tok, right[i].s, right[i].n, line, err,
			    errlen) != 0)
				return -1;
		for (int i = 0; i < nl; i++) {
			uint32_t lf = 0, lc = 0;
			if (add_left(x, tok, left[i].s, left[i].n, line, &lf, &lc,
			    err, errlen) != 0 ||
			    add_rule(x, lf, lc, rfirst, (uint32_t)nr, line, set) != 0)
				goto fail;
		}
		return 0;
	}
	if (memchr(s, '=', n) == NULL) {
		snprintf(err, errlen, "synoniemen regel %u: geen '=' of '=>' "
		    "(\"%.*s\")", line, (int)(n > 40 ? 40 : n), s);
		return -1;
	}
	nl = split_items(s, n, "=,", left, 64, line, err, errlen);
	if (nl < 0)
		return -1;
	if (nl < 2) {
		snprintf(err, errlen, "synoniemen regel %u: een groep heeft "
		    "minstens twee termen", line);
		return -1;
	}
	for (int i = 0; i < nl; i++)
		if (add_rterm(x, tok, left[i].s, left[i].n, line, err, errlen) != 0)
			return -1;
	for (int i = 0; i < nl; i++) {
		uint32_t lf = 0, lc = 0;
		if (add_left(x, tok, left[i].s, left[i].n, line, &lf, &lc, err,
		    errlen) != 0 ||
		    add_rule(x, lf, lc, rfirst, (uint32_t)nl, line, set) != 0)
			goto fail;
	}
	return 0;
fail:
	if (err[0] == '\0')
		snprintf(err, errlen, "geen geheugen");
	return -1;
}

static int
cmp_rule(const void *a, const void *b, void *arg)
{
	const struct expand_index *x = arg;
	const struct rule *p = a, *q = b;
	int c = strcmp(x->rbuf + x->rstem[p->left],
	    x->rbuf + x->rstem[q->left]);

	if (c != 0)
		return c;
	return p->line < q->line ? -1 : p->line > q->line;
}

static int
load_rules(struct expand_index *x, struct nl_tokenizer *tok, const char *text,
           char *err, size_t errlen)
{
	const char *p = text;
	unsigned line = 0;

	if (text == NULL)
		return 0;
	while (*p != '\0') {
		const char *eol = strchr(p, '\n'), *hash;
		size_t n = eol ? (size_t)(eol - p) : strlen(p);
		size_t k;

		line++;
		hash = memchr(p, '#', n);
		k = hash ? (size_t)(hash - p) : n;
		while (k > 0 && isspace((unsigned char)p[k - 1]))
			k--;
		{
			size_t a = 0;
			while (a < k && isspace((unsigned char)p[a]))
				a++;
			if (a < k) {
				err[0] = '\0';
				if (parse_line(x, tok, p + a, k - a, line, err,
				    errlen) != 0)
					return -1;
			}
		}
		p += n;
		if (*p == '\n')
			p++;
	}
	qsort_r(x->rules, x->nrules, sizeof(*x->rules), cmp_rule, x);
	return 0;
}

/* ---- loading ------------------------------------------------------------- */

/* Builds x's data of db; x->words is set already. */
static int
load_index(struct expand_index *x, sqlite3 *db, const char *synonyms_text,
           char *err, size_t errlen)
{
	struct nl_tokenizer *tok = nl_tokenizer_new();
	int rc = -1;

	if (tok == NULL) {
		snprintf(err, errlen, "geen geheugen");
		return -1;
	}
	if (load_vocab(x, db, err, errlen) != 0 ||
	    load_forms(x, db, tok, err, errlen) != 0)
		goto out;
	if (build_lookups(x) != 0) {
		snprintf(err, errlen, "geen geheugen");
		goto out;
	}
	if (load_rules(x, tok, synonyms_text, err, errlen) != 0)
		goto out;
	x->measures = EXPAND_ALL;
	rc = 0;
out:
	nl_tokenizer_free(tok);
	return rc;
}

int
expand_index_load(struct expand_index **out, sqlite3 *db,
                  const char *synonyms_text, const struct expand_words *words,
                  char *err, size_t errlen)
{
	struct expand_index *x = calloc(1, sizeof(*x));

	*out = NULL;
	if (errlen > 0)
		err[0] = '\0';
	if (x == NULL) {
		snprintf(err, errlen, "geen geheugen");
		return -1;
	}
	x->words = words;
	if (load_index(x, db, synonyms_text, err, errlen) != 0) {
		expand_index_free(x);
		return -1;
	}
	*out = x;
	return 0;
}

int
expand_index_load_with(struct expand_index **out, sqlite3 *db,
                       const char *synonyms_text,
                       const char *wordlist_path, char *err, size_t errlen)
{
	struct expand_words *w;

	*out = NULL;
	if (expand_words_load(&w, wordlist_path) != 0) {
		snprintf(err, errlen, "geen geheugen");
		return -1;
	}
	if (expand_index_load(out, db, synonyms_text, w, err, errlen) != 0) {
		expand_words_free(w);
		return -1;
	}
	(*out)->own_words = w;
	return 0;
}

/* ---- per query ----------------------------------------------------------- */

struct qword {
	char fold[NL_MAX_TOKEN];
	char stem[NL_MAX_TOKEN];
	int nfold, nstem;
	int stop;                /* a stop word */
	int alpha;               /* stem is a-z only */
	long tid;                /* stem in the vocabulary, or -1 */
	uint32_t fix[TYPO_MAXCAND];  /* corrections (term ids) */
	int nfix;
};

struct qtok {
	const char *alt[MAXALT]; /* stems: as typed, then corrections */
	int nalt;
	int word;
};

struct qctx {
	const struct expand_index *x;
	struct nl_tokenizer *tok;
	struct query_plan *p;
	struct qword w[MAXW];
	int nw;
	struct qtok t[MAXQT];
	int nt;
	char tokbuf[MAXQT][NL_MAX_TOKEN];
	const char *seen[MAXSEEN];   /* stems (or stem keys) in the plan */
	int nseen;
	int cur_word;                /* word of the tokens being collected */
	unsigned long rows;          /* document frequencies of the synonym
	                              * and affix terms added so far */
	long memo[SPLIT_MAXLEN + 1][SPLIT_MAXLEN + 1];  /* part_id() */
};

static int
seen_has(const struct qctx *q, const char *s)
{
	for (int i = 0; i < q->nseen; i++)
		if (strcmp(q->seen[i], s) == 0)
			return 1;
	return 0;
}

static void
seen_add(struct qctx *q, const char *s)
{
	if (q->nseen < MAXSEEN && !seen_has(q, s))
		q->seen[q->nseen++] = s;
}

/* 1 when typed word i is itself so common (in more than max_df rows)
 * that its synonyms and longer compounds would add many rows to match
 * and nothing to the first pages, which its own matches fill. */
static int
common_word(const struct qctx *q, int i)
{
	return i >= 0 && i < q->nw && q->w[i].tid >= 0 &&
	    q->x->df[q->w[i].tid] > q->x->max_df;
}

/* Takes df rows from the query's budget for synonym and affix terms;
 * 0 when they do not fit (the term is then left out). */
static int
rows_fit(struct qctx *q, uint32_t df)
{
	if (q->rows + df > EXPAND_ROW_BUDGET)
		return 0;
	q->rows += df;
	return 1;
}

static int
is_alpha_stem(const char *s, int n)
{
	for (int i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || s[i] == '_'))
			return 0;
	return n > 0;
}

/* Collects the non-colocated tokens of a typed word for rule matching. */
static int
qtok_cb(void *ctx, int flags, const char *tok, int ntok, int start, int end)
{
	struct qctx *q = ctx;

	(void)start;
	(void)end;
	if ((flags & NL_TOK_COLOCATED) || q->nt == MAXQT)
		return 0;
	memcpy(q->tokbuf[q->nt], tok, (size_t)ntok);
	q->tokbuf[q->nt][ntok] = '\0';
	q->t[q->nt].alt[0] = q->tokbuf[q->nt];
	q->t[q->nt].nalt = 1;
	q->t[q->nt].word = q->cur_word;
	q->nt++;
	return 0;
}

/* ---- stop words ---------------------------------------------------------- */

static void
drop_stop_groups(struct qctx *q)
{
	struct query_plan *p = q->p;
	int nstop = 0, ncontent = 0;
	size_t k = 0;

	for (int i = 0; i < q->nw; i++) {
		if (q->w[i].nfold == 0)
			continue;
		if (q->w[i].stop)
			nstop++;
		else
			ncontent++;
	}
	if (nstop == 0 || ncontent == 0)
		return;
	for (size_t g = 0; g < p->n; g++) {
		int w = p->groups[g].word;
		if (w >= 0 && w < q->nw && q->w[w].stop) {
			plan_group_free(&p->groups[g]);
			continue;
		}
		p->groups[k++] = p->groups[g];
	}
	p->n = k;
}

/* ---- typos --------------------------------------------------------------- */

struct cand {
	uint32_t id;
	int dist;
};

struct tsearch {
	const struct expand_index *x;
	const char *q;
	int n, k;
	struct cand c[64];
	int nc;
	int rows[TRIE_MAXLEN + 4][TYPO_MAXLEN + 1];
};

static void
add_cand(struct tsearch *s, uint32_t id, int dist)
{
	int worst = 0;

	for (int i = 0; i < s->nc; i++)
		if (s->c[i].id == id) {
			if (dist < s->c[i].dist)
				s->c[i].dist = dist;
			return;
		}

	if (s->nc < (int)(sizeof(s->c) / sizeof(s->c[0]))) {
		s->c[s->nc].id = id;
		s->c[s->nc].dist = dist;
		s->nc++;
		return;
	}
	/* Full: replace the worst (farthest, then least frequent). */
	for (int i = 1; i < s->nc; i++)
		if (s->c[i].dist > s->c[worst].dist ||
		    (s->c[i].dist == s->c[worst].dist &&
		    s->x->df[s->c[i].id] < s->x->df[s->c[worst].id]))
			worst = i;
	if (dist < s->c[worst].dist || (dist == s->c[worst].dist &&
	    s->x->df[id] > s->x->df[s->c[worst].id])) {
		s->c[worst].id = id;
		s->c[worst].dist = dist;
	}
}

/* Row depth (the prefix of length depth ends at node ni) is s->rows[depth];
 * pc is the byte of node ni (0 at the root). Only the band of cells
 * within s->k of the diagonal is computed: the others are over the limit
 * anyway and hold TOO_FAR (the cells next to the band are set to it, as
 * the next rows read them). */
#define TOO_FAR 1000

static void
trie_walk(struct tsearch *s, uint32_t ni, int depth, unsigned char pc)
{
	const struct tnode *node = &s->x->trie[ni];
	uint32_t first = tn_first(node), end = first + tn_nchild(node);
	const int *row = s->rows[depth];
	const int *prev = depth > 0 ? s->rows[depth - 1] : NULL;
	int n = s->n, i = depth + 1;

	if (i > TRIE_MAXLEN + 2)
		return;
	for (uint32_t ci = first; ci < end; ci++) {
		const struct tnode *ch = &s->x->trie[ci];
		unsigned char c = tn_c(ch);
		int *nr = s->rows[i];
		int k = s->k;
		int lo = i - k > 1 ? i - k : 1, hi = i + k < n ? i + k : n;
		int m = i <= k ? i : TOO_FAR;

		if (lo > hi)
			return;          /* past the end of the typed word */
		nr[0] = i;
		if (lo - 1 > 0)
			nr[lo - 1] = TOO_FAR;
		if (hi + 1 <= n)
			nr[hi + 1] = TOO_FAR;
		for (int j = lo; j <= hi; j++) {
			int cost = (unsigned char)s->q[j - 1] != c;
			int v = row[j] + 1;
			if (nr[j - 1] + 1 < v)
				v = nr[j - 1] + 1;
			if (row[j - 1] + cost < v)
				v = row[j - 1] + cost;
			if (prev != NULL && j >= 2 &&
			    (unsigned char)s->q[j - 1] == pc &&
			    (unsigned char)s->q[j - 2] == c &&
			    prev[j - 2] + 1 < v)
				v = prev[j - 2] + 1;
			nr[j] = v;
			if (v < m)
				m = v;
		}
		if (tn_term(ch) != NONE && hi == n && nr[n] <= s->k) {
			add_cand(s, tn_term(ch), nr[n]);
			/* only the nearest distance is used: search no
			 * farther than what was found */
			if (nr[n] < s->k)
				s->k = nr[n];
		}
		/* A row whose every cell is over the limit ends the branch:
		 * even a transposition two levels down starts from a cell of
		 * this row's parent that is within one step of a cell here. */
		if (m <= s->k)
			trie_walk(s, ci, i, c);
	}
}

static int
cmp_cand(const void *a, const void *b, const struct expand_index *x)
{
	const struct cand *p = a, *q = b;

	if (p->dist != q->dist)
		return p->dist - q->dist;
	if (x->df[p->id] != x->df[q->id])
		return x->df[p->id] > x->df[q->id] ? -1 : 1;
	return strcmp(voc_str(x, p->id), voc_str(x, q->id));
}

/* Finds the corrections of word i (at most TYPO_MAXCAND of the nearest
 * distance, the most frequent first). */
static void
find_typo(struct qctx *q, int i, struct tsearch *s)
{
	struct qword *w = &q->w[i];
	const struct expand_index *x = q->x;
	int best = -1;

	if (w->nstem < TYPO_MIN || w->nstem > TYPO_MAXLEN)
		return;
	memset(s, 0, offsetof(struct tsearch, rows));
	s->x = x;
	s->k = w->nstem <= 6 ? 1 : 2;
	/* the stem, and the typed form when stemming changed it */
	for (int pass = 0; pass < 2; pass++) {
		s->q = pass == 0 ? w->stem : w->fold;
		s->n = pass == 0 ? w->nstem : w->nfold;
		if (pass == 1 && (w->nfold > TYPO_MAXLEN ||
		    (w->nfold == w->nstem && memcmp(w->fold, w->stem,
		    (size_t)w->nstem) == 0)))
			break;
		for (int j = 0; j <= s->n; j++)
			s->rows[0][j] = j;
		if (x->ntrie > 0)
			trie_walk(s, 0, 0, 0);
	}

	/* insertion sort: few candidates */
	for (int a = 1; a < s->nc; a++)
		for (int b = a; b > 0 && cmp_cand(&s->c[b], &s->c[b - 1], x) < 0;
		     b--) {
			struct cand t = s->c[b];
			s->c[b] = s->c[b - 1];
			s->c[b - 1] = t;
		}
	for (int a = 0; a < s->nc && w->nfix < TYPO_MAXCAND; a++) {
		uint32_t id = s->c[a].id;
		const char *t = voc_str(x, id);
		if (best >= 0 && s->c[a].dist > best)
			break;
		if (voc_len(x, id) < 3 || !is_alpha_stem(t, (int)voc_len(x, id)) ||
		    nl_is_stopword(t, (int)voc_len(x, id)) ||
		    term_qtext(x, id) == NULL)
			continue;
		best = s->c[a].dist;
		w->fix[w->nfix++] = id;
	}
}

static int
do_typos(struct qctx *q)
{
	const struct expand_index *x = q->x;
	struct tsearch *s = NULL;
	int rc = 0;

	for (int i = 0; i < q->nw; i++) {
		struct qword *w = &q->w[i];
		const char *terms[TYPO_MAXCAND];

		if (w->stop || !w->alpha || w->tid >= 0 ||
		    is_known(x, w->fold, (size_t)w->nfold) ||
		    voc_find(x, w->stem, (size_t)w->nstem) >= 0)
			continue;
		if (s == NULL && (s = malloc(sizeof(*s))) == NULL)
			return -1;
		find_typo(q, i, s);
		if (w->nfix == 0)
			continue;
		for (int k = 0; k < w->nfix; k++) {
			terms[k] = term_qtext(x, w->fix[k]);
			seen_add(q, voc_str(x, w->fix[k]));
		}
		/* The typed form matches nothing: its group gives way. */
		for (size_t g = 0; g < q->p->n; g++)
			if (q->p->groups[g].word == i &&
			    q->p->groups[g].weight == 1.0) {
				plan_group_free(&q->p->groups[g]);
				memmove(&q->p->groups[g], &q->p->groups[g + 1],
				    (q->p->n - g - 1) * sizeof(q->p->groups[0]));
				q->p->n--;
				break;
			}
		if (plan_add_terms(q->p, terms, (size_t)w->nfix, EXPAND_W_TYPO,
		    i) != 0) {
			rc = -1;
			break;
		}
		/* Rule matching also sees the corrections. */
		for (int t = 0; t < q->nt; t++)
			if (q->t[t].word == i)
				for (int k = 0; k < w->nfix && q->t[t].nalt < MAXALT;
				     k++)
					q->t[t].alt[q->t[t].nalt++] =
					    voc_str(x, w->fix[k]);
	}
	free(s);
	return rc;
}

/* ---- compounds ----------------------------------------------------------- */

/* Normalises fold[a..b) and looks it up; -1 when not a usable part.
 * Remembered in q->memo for the word being split. */
static long
part_id(struct qctx *q, const char *fold, int a, int b)
{
	char norm[NL_MAX_TOKEN];
	int n;
	long id;

	if (q->memo[a][b] != -2)
		return q->memo[a][b];
	id = -1;
	if (b - a >= SPLIT_MINPART && !nl_is_stopword(fold + a, b - a)) {
		n = nl_tokenizer_normalize(q->tok, fold + a, b - a, norm,
		    sizeof(norm));
		if (n >= SPLIT_MINPART &&
		    (id = voc_find(q->x, norm, (size_t)n)) >= 0 &&
		    term_qtext(q->x, (uint32_t)id) == NULL)
			id = -1;
	}
	q->memo[a][b] = id;
	return id;
}

struct split {
	uint32_t part[SPLIT_MAXPARTS];
	int n;
	long score;              /* sum of squared part lengths */
	uint32_t mindf;
};

static int
split_better(const struct split *a, const struct split *b)
{
	if (b->n == 0)
		return 1;
	if (a->n != b->n)
		return a->n < b->n;
	if (a->score != b->score)
		return a->score > b->score;
	return a->mindf > b->mindf;
}

/* Best split of fold[a..n) into at most left parts, appended to cur. */
static void
split_rest(struct qctx *q, const char *fold, int a, int n, int left,
           struct split *cur, struct split *best)
{
	static const char *const links[] = { "", "s", "e", "en" };

	if (left == 0)
		return;
	/* fold[a..n) as the last part */
	if (cur->n > 0) {
		long id = part_id(q, fold, a, n);
		if (id >= 0) {
			struct split s = *cur;
			s.part[s.n++] = (uint32_t)id;
			s.score += (long)(n - a) * (n - a);
			if (q->x->df[id] < s.mindf)
				s.mindf = q->x->df[id];
			if (split_better(&s, best))
				*best = s;
		}
	}
	if (left == 1)
		return;
	for (int b = a + (cur->n == 0 ? SPLIT_MINFIRST : SPLIT_MINPART);
	     b <= n - SPLIT_MINPART; b++) {
		long id = part_id(q, fold, a, b);
		if (id < 0)
			continue;
		for (size_t l = 0; l < sizeof(links) / sizeof(links[0]); l++) {
			int ll = (int)strlen(links[l]);
			struct split s = *cur;
			if (b + ll > n - SPLIT_MINPART ||
			    memcmp(fold + b, links[l], (size_t)ll) != 0)
				continue;
			s.part[s.n++] = (uint32_t)id;
			s.score += (long)(b - a) * (b - a);
			if (q->x->df[id] < s.mindf)
				s.mindf = q->x->df[id];
			split_rest(q, fold, b + ll, n, left - 1, &s, best);
		}
	}
}

static int
do_splits(struct qctx *q)
{
	for (int i = 0; i < q->nw; i++) {
		struct qword *w = &q->w[i];
		struct split cur = { .n = 0, .score = 0, .mindf = UINT32_MAX };
		struct split best = { .n = 0 };
		const char *terms[SPLIT_MAXPARTS];
		int nt = 0;

		if (w->stop || !w->alpha || w->tid >= 0 ||
		    w->nfold < SPLIT_MINFIRST + SPLIT_MINPART ||
		    w->nfold > SPLIT_MAXLEN || !is_alpha_stem(w->fold, w->nfold))
			continue;
		for (int a = 0; a <= w->nfold; a++)
			for (int b = 0; b <= w->nfold; b++)
				q->memo[a][b] = -2;
		split_rest(q, w->fold, 0, w->nfold, SPLIT_MAXPARTS, &cur, &best);
		if (best.n < 2)
			continue;
		for (int k = 0; k < best.n; k++) {
			const char *st = voc_str(q->x, best.part[k]);
			int dup = 0;
			for (int j = 0; j < nt; j++)
				if (strcmp(terms[j], term_qtext(q->x,
				    best.part[k])) == 0)
					dup = 1;
			if (!dup)
				terms[nt++] = term_qtext(q->x, best.part[k]);
			seen_add(q, st);
		}
		if (plan_add_all_terms(q->p, terms, (size_t)nt, EXPAND_W_SPLIT, i) != 0)
			return -1;
	}
	return 0;
}

/* The joined form of a hyphen group, as the tokenizer colocates it. */
struct joined_tok {
	char s[NL_MAX_TOKEN];
	int n;
};

static int
joined_cb(void *ctx, int flags, const char *tok, int ntok, int start, int end)
{
	struct joined_tok *j = ctx;

	(void)start;
	(void)end;
	if ((flags & NL_TOK_COLOCATED) && j->n == 0 && ntok < NL_MAX_TOKEN) {
		memcpy(j->s, tok, (size_t)ntok);
		j->s[ntok] = '\0';
		j->n = ntok;
	}
	return 0;
}

/*
 * A typed word with a hyphen ("koffie-ochtend") is also searched as its
 * joined form, a group of its own: its word's group matches the parts or
 * the joined form in any listing, while this one, rarer, lifts the
 * listings that hold the compound itself ("Koffieochtend", "Koffie-ochtend")
 * above those that only use both parts somewhere.
 */
static int
do_hyphen_joins(struct qctx *q)
{
	for (int i = 0; i < q->nw; i++) {
		struct joined_tok j = { .n = 0 };
		const char *terms[1];
		const char *qt;
		long id;

		if (q->w[i].stop || strchr(q->p->words[i], '-') == NULL ||
		    (q->p->last_prefix && i == q->p->nwords - 1))
			continue;
		nl_tokenizer_run(q->tok, q->p->words[i], -1, joined_cb, &j);
		/* (the word's stem, in the seen set already, is this joined
		 * form: it is not a group of its own yet all the same) */
		if (j.n == 0 || (id = voc_find(q->x, j.s, (size_t)j.n)) < 0 ||
		    (qt = term_qtext(q->x, (uint32_t)id)) == NULL)
			continue;
		seen_add(q, voc_str(q->x, (uint32_t)id));
		terms[0] = qt;
		if (plan_add_terms(q->p, terms, 1, EXPAND_W_JOIN, i) != 0)
			return -1;
	}
	return 0;
}

static int
do_joins(struct qctx *q)
{
	static const char *const links[] = { "", "s", "en", "e" };

	if (do_hyphen_joins(q) != 0)
		return -1;

	for (int i = 0; i + 1 < q->nw; i++) {
		struct qword *a = &q->w[i], *b = &q->w[i + 1];

		if (a->stop || b->stop || !a->alpha || !b->alpha ||
		    a->nfold == 0 || b->nfold == 0)
			continue;
		for (size_t l = 0; l < sizeof(links) / sizeof(links[0]); l++) {
			char joined[2 * NL_MAX_TOKEN], norm[NL_MAX_TOKEN];
			int ll = (int)strlen(links[l]), n;
			long id;
			const char *terms[1];

			if (a->nfold + ll + b->nfold >= NL_MAX_STEM)
				break;
			memcpy(joined, a->fold, (size_t)a->nfold);
			memcpy(joined + a->nfold, links[l], (size_t)ll);
			memcpy(joined + a->nfold + ll, b->fold, (size_t)b->nfold);
			joined[a->nfold + ll + b->nfold] = '\0';
			n = nl_tokenizer_normalize(q->tok, joined, -1, norm,
			    sizeof(norm));
			if (n <= 0 || (id = voc_find(q->x, norm, (size_t)n)) < 0)
				continue;
			if (seen_has(q, voc_str(q->x, (uint32_t)id)))
				break;
			seen_add(q, voc_str(q->x, (uint32_t)id));
			terms[0] = joined;   /* FTS5 maps it to norm */
			if (plan_add_terms(q->p, terms, 1, EXPAND_W_JOIN, i) != 0)
				return -1;
			if (i + 1 < 16)
				q->p->groups[q->p->n - 1].also = 1u << (i + 1);
			break;
		}
	}
	return 0;
}

/* ---- affixes: longer terms starting or ending with a typed word ---------- */

/* 1 when s[0..n), a piece of a longer term, is a word: in the vocabulary
 * or the word list as it is or as the tokenizer maps it (the piece of
 * "taalmaatje" before "maat" is "taal", indexed as "tal"), and not a stop
 * word. */
static int
piece_known(const struct expand_index *x, struct nl_tokenizer *tok,
            const char *s, int n, int vocab_only)
{
	char norm[NL_MAX_TOKEN];
	int k;

	if (n < SPLIT_MINPART || nl_is_stopword(s, n))
		return 0;
	if (vocab_only ? voc_find(x, s, (size_t)n) >= 0 : is_known(x, s, (size_t)n))
		return 1;
	k = nl_tokenizer_normalize(tok, s, n, norm, sizeof(norm));
	return k >= SPLIT_MINPART && (k != n || memcmp(norm, s, (size_t)n) != 0) &&
	    (vocab_only ? voc_find(x, norm, (size_t)k) >= 0 :
	    is_known(x, norm, (size_t)k));
}

/* The remainder after a typed word at the start of a term: a vocabulary
 * term, maybe after a linking morpheme or diminutive (taal|maatje,
 * wandel|groep, mantelzorg|steunpunt, maatjes|project). Stricter than
 * head_ok(): the typed word is the modifier here, and a term merely
 * starting with a common word is often no compound of it at all
 * (vrij|williger, even|wicht, for|mulier). */
static int
tail_ok(const struct expand_index *x, struct nl_tokenizer *tok, const char *r,
        int n)
{
	static const char *const links[] = { "", "s", "e", "en", "er", "je",
	    "jes", "tje", "tjes" };

	for (size_t l = 0; l < sizeof(links) / sizeof(links[0]); l++) {
		int ll = (int)strlen(links[l]);
		if (ll < n && memcmp(r, links[l], (size_t)ll) == 0 &&
		    piece_known(x, tok, r + ll, n - ll, 1))
			return 1;
	}
	return 0;
}

/* The part before a typed word at the end of a term: a word, maybe with a
 * linking morpheme (wandel|maatje, vrijwilligers|werk, jongeren|werk). */
static int
head_ok(const struct expand_index *x, struct nl_tokenizer *tok, const char *h,
        int n)
{
	static const char *const links[] = { "", "s", "e", "en" };

	for (size_t l = 0; l < sizeof(links) / sizeof(links[0]); l++) {
		int ll = (int)strlen(links[l]);
		if (ll < n && memcmp(h + n - ll, links[l], (size_t)ll) == 0 &&
		    piece_known(x, tok, h, n - ll, 0))
			return 1;
	}
	return 0;
}

/* Candidates of one typed word: the most frequent terms that start or
 * end with it, found by string comparison only; the dearer checks of
 * their other part run afterwards, most frequent first, until AFFIX_MAX
 * pass. */
struct affix {
	uint32_t id[AFFIX_POOL];
	uint8_t kind[AFFIX_POOL];    /* 0: starts with it, 1: ends with it */
	uint8_t plen[AFFIX_POOL];    /* length of the typed part */
	int n;
};

/* 1 when a ranks before b: more frequent, then lower id (ids follow the
 * alphabetical order of the vocabulary). */
static int
affix_before(const struct expand_index *x, uint32_t a, uint32_t b)
{
	return x->df[a] > x->df[b] || (x->df[a] == x->df[b] && a < b);
}

static void
affix_add(const struct expand_index *x, struct affix *a, uint32_t id,
          int kind, int plen)
{
	int i;

	for (i = 0; i < a->n; i++)
		if (a->id[i] == id && a->kind[i] == kind)
			return;
	if (a->n == AFFIX_POOL) {
		if (!affix_before(x, id, a->id[a->n - 1]))
			return;
		a->n--;                  /* the last is the least frequent */
	}
	for (i = a->n; i > 0 && affix_before(x, id, a->id[i - 1]); i--) {
		a->id[i] = a->id[i - 1];
		a->kind[i] = a->kind[i - 1];
		a->plen[i] = a->plen[i - 1];
	}
	a->id[i] = id;
	a->kind[i] = (uint8_t)kind;
	a->plen[i] = (uint8_t)plen;
	a->n++;
}

/* Terms that start with s[0..n) and are longer. */
static void
affix_start(const struct expand_index *x, const char *s, int n,
            struct affix *a)
{
	size_t lo = 0, hi = x->voc.n;
	int scanned = 0;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (strncmp(voc_str(x, x->by_str[mid]), s, (size_t)n) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (; lo < x->voc.n && scanned < AFFIX_SCAN; lo++, scanned++) {
		uint32_t id = x->by_str[lo];
		if (strncmp(voc_str(x, id), s, (size_t)n) != 0)
			break;
		if ((int)voc_len(x, id) > n + SPLIT_MINPART - 1)
			affix_add(x, a, id, 0, n);
	}
}

/* Terms that end with s[0..n) and are longer. */
static void
affix_end(const struct expand_index *x, const char *s, int n, struct affix *a)
{
	char r[NL_MAX_TOKEN];
	size_t lo = 0, hi = x->voc.n;
	int scanned = 0;

	for (int k = 0; k < n; k++)
		r[k] = s[n - 1 - k];
	r[n] = '\0';
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (strncmp(x->rev + x->voc.off[x->by_rev[mid]], r, (size_t)n) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (; lo < x->voc.n && scanned < AFFIX_SCAN; lo++, scanned++) {
		uint32_t id = x->by_rev[lo];
		if (strncmp(x->rev + x->voc.off[id], r, (size_t)n) != 0)
			break;
		if ((int)voc_len(x, id) > n + SPLIT_MINPART - 1)
			affix_add(x, a, id, 1, n);
	}
}

/* 1 when the written form of term id holds one of the forms of the typed
 * word w: for short stems, which other words share by accident
 * (maatje -> "mat", as in arbeidsmatige -> "arbeidsmat"). */
static int
shows_word(const struct expand_index *x, uint32_t id, const struct qword *w)
{
	const char *surf;
	char base[NL_MAX_TOKEN];
	int n = w->nfold;

	if (w->nstem >= 5 || x->surf[id] == NONE)
		return 1;
	surf = x->tbuf + x->surf[id];
	if (strstr(surf, w->fold) != NULL)
		return 1;
	if (n > 2 && w->fold[n - 1] == 's')
		n--;
	else if (n > 3 && w->fold[n - 2] == 'e' && w->fold[n - 1] == 'n')
		n -= 2;
	memcpy(base, w->fold, (size_t)n);
	base[n] = '\0';
	if (n >= 3 && strstr(surf, base) != NULL)
		return 1;
	return w->tid >= 0 && x->surf[w->tid] != NONE &&
	    strstr(surf, x->tbuf + x->surf[w->tid]) != NULL;
}

static int
do_affixes(struct qctx *q)
{
	const struct expand_index *x = q->x;
	struct affix *a = malloc(sizeof(*a));

	if (a == NULL)
		return -1;
	for (int i = 0; i < q->nw; i++) {
		struct qword *w = &q->w[i];
		const char *terms[AFFIX_MAX];
		int nt = 0, checked = 0;

		a->n = 0;
		if (w->stop || !w->alpha || w->nstem < AFFIX_MIN ||
		    common_word(q, i))
			continue;
		if (w->nstem >= AFFIX_MIN_START)
			affix_start(x, w->stem, w->nstem, a);
		affix_end(x, w->stem, w->nstem, a);
		if (w->nfold >= AFFIX_MIN_START && (w->nfold != w->nstem ||
		    memcmp(w->fold, w->stem, (size_t)w->nstem) != 0))
			affix_start(x, w->fold, w->nfold, a);
		for (int k = 0; k < a->n && nt < AFFIX_MAX &&
		     checked < AFFIX_CHECKS; k++) {
			uint32_t id = a->id[k];
			const char *st = voc_str(x, id);
			const char *qt = term_qtext(x, id);
			int tl = (int)voc_len(x, id), pl = a->plen[k];

			if (qt == NULL || x->df[id] > x->max_df || seen_has(q, st))
				continue;
			checked++;
			if (a->kind[k] == 0 ? !tail_ok(x, q->tok, st + pl, tl - pl) :
			    !head_ok(x, q->tok, st, tl - pl))
				continue;
			if (!shows_word(x, id, w) || !rows_fit(q, x->df[id]))
				continue;
			seen_add(q, st);
			terms[nt++] = qt;
		}
		if (nt > 0 && plan_add_terms(q->p, terms, (size_t)nt,
		    EXPAND_W_AFFIX, i) != 0) {
			free(a);
			return -1;
		}
	}
	free(a);
	return 0;
}

/* ---- synonyms ------------------------------------------------------------ */

static int
tok_is(const struct qtok *t, const char *s)
{
	for (int a = 0; a < t->nalt; a++)
		if (strcmp(t->alt[a], s) == 0)
			return 1;
	return 0;
}

/* 1 when the left side of r matches the query tokens with its first word
 * at token p; *lastp gets the token of its last word. */
static int
rule_match(const struct qctx *q, const struct rule *r, int p, int *lastp)
{
	const struct expand_index *x = q->x;
	int k = 1, pos = p;

	/* Greedy earliest match is optimal for in-order matching with a
	 * bounded gap only when no later choice helps; try each. */
	if (r->nleft == 1) {
		*lastp = p;
		return 1;
	}
	for (int t = pos + 1; t < q->nt && t - pos - 1 <= RULE_MAXGAP; t++) {
		const char *want = x->rbuf + x->rstem[r->left + k];
		if (!tok_is(&q->t[t], want))
			continue;
		{
			/* match the remainder from t */
			struct rule sub = *r;
			int last;
			sub.left += (uint32_t)k;
			sub.nleft -= (uint32_t)k;
			if (rule_match(q, &sub, t, &last)) {
				*lastp = last;
				return 1;
			}
		}
	}
	return 0;
}

static int
do_synonyms(struct qctx *q)
{
	const struct expand_index *x = q->x;
	int nterms = 0;
	uint8_t *fired;

	if (x->nrules == 0 || q->nt == 0)
		return 0;
	if ((fired = calloc(x->nsets + 1, 1)) == NULL)
		return -1;
	for (int p = 0; p < q->nt; p++) {
		for (int a = 0; a < q->t[p].nalt; a++) {
			const char *s = q->t[p].alt[a];
			size_t lo = 0, hi = x->nrules;

			while (lo < hi) {
				size_t mid = lo + (hi - lo) / 2;
				if (strcmp(x->rbuf + x->rstem[x->rules[mid].left], s) < 0)
					lo = mid + 1;
				else
					hi = mid;
			}
			for (; lo < x->nrules && strcmp(x->rbuf +
			    x->rstem[x->rules[lo].left], s) == 0; lo++) {
				const struct rule *r = &x->rules[lo];
				const char *terms[64];
				int nt = 0, last;

				if (fired[r->set] || (r->nleft == 1 &&
				    common_word(q, q->t[p].word)) ||
				    !rule_match(q, r, p, &last))
					continue;
				fired[r->set] = 1;
				for (uint32_t k = 0; k < r->nright &&
				    nterms < SYN_MAXTERMS; k++) {
					const struct rterm *t = &x->rterms[r->right + k];
					const char *key = x->rbuf + t->key;
					int same = t->nstems == r->nleft;

					for (uint32_t j = 0; same && j < t->nstems; j++)
						same = strcmp(x->rbuf + x->rstem[t->stems + j],
						    x->rbuf + x->rstem[r->left + j]) == 0;
					if (!t->ok || same || t->df > x->max_df ||
					    seen_has(q, key) || !rows_fit(q, t->df))
						continue;
					seen_add(q, key);
					terms[nt++] = x->rbuf + t->text;
					nterms++;
				}
				if (nt > 0 && plan_add_terms(q->p, terms, (size_t)nt,
				    EXPAND_W_SYNONYM, q->t[p].word) != 0) {
					free(fired);
					return -1;
				}
			}
		}
	}
	free(fired);
	return 0;
}

/* ---- what was searched --------------------------------------------------- */

static int
set_gezocht(struct qctx *q)
{
	const struct expand_index *x = q->x;
	struct query_plan *p = q->p;
	char *s = NULL;
	size_t len = 0, cap = 0;
	int corrected = 0;

	for (int i = 0; i < p->nwords; i++) {
		const char *w = p->words[i];
		size_t n;
		if (i < q->nw && q->w[i].nfix > 0) {
			uint32_t id = q->w[i].fix[0];
			w = x->surf[id] != NONE ? x->tbuf + x->surf[id] :
			    voc_str(x, id);
			corrected = 1;
		}
		n = strlen(w);
		if (len + n + 2 > cap) {
			size_t nc = (len + n + 2) * 2;
			char *ns = realloc(s, nc);
			if (ns == NULL) {
				free(s);
				return -1;
			}
			s = ns;
			cap = nc;
		}
		if (len > 0)
			s[len++] = ' ';
		memcpy(s + len, w, n);
		len += n;
		s[len] = '\0';
	}
	if (!corrected) {
		free(s);
		return 0;
	}
	free(p->gezocht);
	free(p->bedoelt);
	p->gezocht = s;
	p->bedoelt = strdup(s);
	return p->bedoelt == NULL ? -1 : 0;
}

/* ---- the plan ------------------------------------------------------------ */

int
expand_plan(const struct expand_index *x, struct nl_tokenizer *tok,
            struct query_plan *p)
{
	struct qctx *q;
	int rc = -1;

	if (x == NULL || tok == NULL || p == NULL || p->nwords == 0)
		return 0;
	if ((q = calloc(1, sizeof(*q))) == NULL)
		return -1;
	q->x = x;
	q->tok = tok;
	q->p = p;
	q->nw = p->nwords < MAXW ? p->nwords : MAXW;
	for (int i = 0; i < q->nw; i++) {
		struct qword *w = &q->w[i];
		w->nfold = nl_fold_word(p->words[i], -1, w->fold, sizeof(w->fold));
		w->nstem = nl_tokenizer_normalize(tok, p->words[i], -1, w->stem,
		    sizeof(w->stem));
		if (w->nfold < 0 || w->nstem < 0)
			w->nfold = w->nstem = 0;
		w->fold[w->nfold] = '\0';
		w->stem[w->nstem] = '\0';
		w->stop = w->nfold > 0 && nl_is_stopword(w->fold, w->nfold);
		w->alpha = is_alpha_stem(w->stem, w->nstem) &&
		    is_alpha_stem(w->fold, w->nfold);
		w->tid = w->nstem > 0 ? voc_find(x, w->stem, (size_t)w->nstem) : -1;
		if (p->last_prefix && i == p->nwords - 1) {
			/* Still being typed: searched as a prefix, left alone
			 * (alpha 0 turns off typos, compounds and affixes). */
			w->stop = w->alpha = 0;
			continue;
		}
		if (!w->stop && w->nstem > 0)
			seen_add(q, w->stem);
		q->cur_word = i;
		nl_tokenizer_run(tok, p->words[i], -1, qtok_cb, q);
	}
	if (x->measures & EXPAND_STOP)
		drop_stop_groups(q);
	if (((x->measures & EXPAND_TYPO) && do_typos(q) != 0) ||
	    ((x->measures & EXPAND_JOIN) && do_joins(q) != 0) ||
	    ((x->measures & EXPAND_SPLIT) && do_splits(q) != 0) ||
	    ((x->measures & EXPAND_SYNONYM) && do_synonyms(q) != 0) ||
	    ((x->measures & EXPAND_AFFIX) && do_affixes(q) != 0) ||
	    set_gezocht(q) != 0)
		goto out;
	rc = 0;
out:
	free(q);
	return rc;
}
