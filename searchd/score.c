/*
 * score.c - plan groups scored from postings; see score.h.
 *
 * Lists of (listing, value) pairs sorted by listing carry a term's
 * matches: `value` is first the weighted frequency f, later the BM25F
 * score. Intersections (phrases, AND groups) merge two sorted lists;
 * unions (a hyphenated word's alternatives, a prefix's tokens) go
 * through a dense array with a bitmap of the listings touched, read back
 * in order, so no list is ever sorted.
 */
#include "score.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "index_format.h"
#include "log.h"

enum { MAX_QTOKENS = 32 };

struct entry {
	uint32_t i;               /* listing index (rowid - 1) */
	float v;                  /* frequency, or score */
};

struct list {
	struct entry *v;
	uint32_t n, cap;
};

enum { L_POS, L_CUR, L_TMP, L_GRP, L_GTMP, L_BEFORE, L_ALT, L_COUNT };

struct score_ctx {
	sqlite3_stmt *lookup;     /* docs of one token */
	sqlite3_stmt *range;      /* docs of the most frequent tokens of a range */
	struct list l[L_COUNT];
	float *dense;             /* union scratch: value per listing */
	uint64_t *bits;           /* listings set in dense */
	uint32_t ndense;          /* listings dense and bits are sized for */
};

/* One token of a term, as the tokenizer gave it. */
struct qtoken {
	char s[NL_MAX_TOKEN];
	int n, flags;
	int start;                /* byte offset in the term */
};

struct qterm {
	struct qtoken t[MAX_QTOKENS];
	int n;
};

/* ---- lists ----------------------------------------------------------------- */

static int
list_push(struct list *l, uint32_t i, float v)
{
	if (l->n == l->cap) {
		uint32_t ncap = l->cap ? l->cap * 2 : 1024;
		struct entry *nv = realloc(l->v, ncap * sizeof(*nv));
		if (nv == NULL)
			return -1;
		l->v = nv;
		l->cap = ncap;
	}
	l->v[l->n].i = i;
	l->v[l->n].v = v;
	l->n++;
	return 0;
}

static void
list_swap(struct list *a, struct list *b)
{
	struct list t = *a;

	*a = *b;
	*b = t;
}

/* out = the listings in both a and b, with the smaller value (min) or
 * the sum (!min). */
static int
list_intersect(const struct list *a, const struct list *b, struct list *out,
               int min)
{
	uint32_t x = 0, y = 0;

	out->n = 0;
	while (x < a->n && y < b->n) {
		if (a->v[x].i < b->v[y].i) {
			x++;
		} else if (a->v[x].i > b->v[y].i) {
			y++;
		} else {
			float u = a->v[x].v, w = b->v[y].v;
			float v = min ? (u < w ? u : w) : u + w;
			if (list_push(out, a->v[x].i, v) != 0)
				return -1;
			x++;
			y++;
		}
	}
	return 0;
}

/* ---- reading postings ------------------------------------------------------ */

enum { OK = 0, BAD_INDEX = -1, NOMEM = -2 };
enum dense_mode { D_MAX, D_SUM };

/* Calls add(ctx, i, f) for every posting of blob. BAD_INDEX when the
 * blob is malformed or names a listing the model does not have. */
static int
decode(const struct model *m, const uint8_t *p, int len,
       int (*add)(void *ctx, uint32_t i, float f), void *ctx)
{
	const uint8_t *end = p + len;
	uint32_t rowid = 0;

	while (p < end) {
		uint32_t delta, f2;
		size_t k = sk_varint_get(p, end, &delta);

		if (k == 0 || delta == 0)
			return BAD_INDEX;
		p += k;
		if ((k = sk_varint_get(p, end, &f2)) == 0)
			return BAD_INDEX;
		p += k;
		rowid += delta;
		if (rowid > m->n || rowid < delta)
			return BAD_INDEX;
		if (add(ctx, rowid - 1, (float)f2 * 0.5f) != 0)
			return NOMEM;
	}
	return OK;
}

static int
add_to_list(void *ctx, uint32_t i, float f)
{
	return list_push(ctx, i, f);
}

struct dense_add {
	struct score_ctx *sc;
	enum dense_mode mode;
};

static int
add_to_dense(void *ctx, uint32_t i, float f)
{
	struct dense_add *d = ctx;
	uint64_t bit = 1ull << (i & 63);
	uint64_t *w = &d->sc->bits[i >> 6];

	if (!(*w & bit)) {
		*w |= bit;
		d->sc->dense[i] = f;
	} else if (d->mode == D_SUM) {
		d->sc->dense[i] += f;
	} else if (f > d->sc->dense[i]) {
		d->sc->dense[i] = f;
	}
	return 0;
}

static int
dense_ready(struct score_ctx *sc, uint32_t n)
{
	if (sc->ndense == n && sc->dense != NULL)
		return 0;
	free(sc->dense);
	free(sc->bits);
	sc->dense = malloc(((size_t)n + 1) * sizeof(*sc->dense));
	sc->bits = calloc((size_t)n / 64 + 1, sizeof(*sc->bits));
	sc->ndense = sc->dense && sc->bits ? n : 0;
	return sc->ndense == n ? 0 : -1;
}

/* Moves the listings set in dense into out, in order, and clears them. */
static int
dense_flush(struct score_ctx *sc, struct list *out)
{
	out->n = 0;
	for (uint32_t w = 0; w <= sc->ndense / 64; w++) {
		uint64_t bits = sc->bits[w];
		while (bits) {
			uint32_t i = w * 64 + (uint32_t)__builtin_ctzll(bits);
			bits &= bits - 1;
			if (list_push(out, i, sc->dense[i]) != 0)
				return -1;
		}
		sc->bits[w] = 0;
	}
	return 0;
}

static int
step_error(sqlite3_stmt *st)
{
	log_event("postings lezen mislukt: %s",
	    sqlite3_errmsg(sqlite3_db_handle(st)));
	sqlite3_reset(st);
	return BAD_INDEX;
}

/* Runs st (bound) and decodes the docs blob of every row it gives. */
static int
read_rows(const struct model *m, sqlite3_stmt *st,
          int (*add)(void *ctx, uint32_t i, float f), void *ctx)
{
	int step, rc = OK;

	while (rc == OK && (step = sqlite3_step(st)) == SQLITE_ROW) {
		const uint8_t *blob = sqlite3_column_blob(st, 0);
		int len = sqlite3_column_bytes(st, 0);
		if (blob == NULL && len > 0) {
			rc = NOMEM;
			break;
		}
		rc = decode(m, blob, len, add, ctx);
	}
	if (rc == OK && step != SQLITE_DONE)
		return step_error(st);
	if (rc == BAD_INDEX)
		log_event("postings beschadigd");
	sqlite3_reset(st);
	return rc;
}

static int
read_token(struct score_ctx *sc, const struct model *m, const char *tok,
           int n, int (*add)(void *ctx, uint32_t i, float f), void *ctx)
{
	sqlite3_bind_text(sc->lookup, 1, tok, n, SQLITE_STATIC);
	return read_rows(m, sc->lookup, add, ctx);
}

/* Adds (sums) the postings of the most frequent tokens starting with
 * tok into the dense union. */
static int
read_prefix(struct score_ctx *sc, const struct model *m, const char *tok,
            int n)
{
	char hi[NL_MAX_TOKEN];
	struct dense_add d = { sc, D_SUM };

	/* Tokens are UTF-8, so the last byte is never 0xFF: raising it
	 * gives the first string after every token starting with tok. */
	if (n <= 0 || n >= (int)sizeof(hi) || (uint8_t)tok[n - 1] == 0xFF)
		return OK;
	memcpy(hi, tok, (size_t)n);
	hi[n - 1]++;
	sqlite3_bind_text(sc->range, 1, tok, n, SQLITE_STATIC);
	sqlite3_bind_text(sc->range, 2, hi, n, SQLITE_STATIC);
	sqlite3_bind_int(sc->range, 3, SCORE_PREFIX_TOKENS);
	return read_rows(m, sc->range, add_to_dense, &d);
}

/* ---- terms ----------------------------------------------------------------- */

static int
collect_token(void *ctx, int flags, const char *tok, int ntok, int start,
              int end)
{
	struct qterm *q = ctx;

	(void)end;
	if (q->n == MAX_QTOKENS || ntok <= 0 || ntok >= NL_MAX_TOKEN)
		return 0;
	memcpy(q->t[q->n].s, tok, (size_t)ntok);
	q->t[q->n].s[ntok] = '\0';
	q->t[q->n].n = ntok;
	q->t[q->n].flags = flags;
	q->t[q->n].start = start;
	q->n++;
	return 0;
}

static int
starts_with(const char *s, int n, const char *p, int np)
{
	return np <= n && memcmp(s, p, (size_t)np) == 0;
}

/* Adds form s[0..n) (n < NL_MAX_TOKEN) to pf. */
static void
prefix_put(struct score_prefix *pf, const char *s, int n)
{
	memcpy(pf->form[pf->n], s, (size_t)n);
	pf->form[pf->n][n] = '\0';
	pf->len[pf->n] = n;
	pf->n++;
}

int
score_prefix_forms(struct nl_tokenizer *tok, const char *term,
                   struct score_prefix *pf)
{
	struct qterm q;
	char folded[NL_MAX_TOKEN];
	const struct qtoken *t;
	int nf;

	pf->n = 0;
	q.n = 0;
	if (nl_tokenizer_run(tok, term, -1, collect_token, &q) != 0 ||
	    q.n != 1 || (q.t[0].flags & NL_TOK_STOPWORD))
		return 0;
	t = &q.t[0];
	nf = nl_fold_word(term, (int)strlen(term), folded, sizeof(folded));
	/* the shorter when one starts with the other: a token starting with
	 * the longer starts with the shorter too, and must count once */
	if (nf <= 0 || starts_with(folded, nf, t->s, t->n)) {
		prefix_put(pf, t->s, t->n);
	} else if (starts_with(t->s, t->n, folded, nf)) {
		prefix_put(pf, folded, nf);
	} else {
		prefix_put(pf, folded, nf);
		prefix_put(pf, t->s, t->n);
	}
	return pf->n;
}

/* The matches of a prefix term (its forms pf) into out: the most frequent
 * tokens starting with each form, frequencies added. */
static int
eval_prefix(struct score_ctx *sc, const struct model *m,
            const struct score_prefix *pf, struct list *out)
{
	int rc = OK;

	for (int k = 0; k < pf->n && rc == OK; k++)
		rc = read_prefix(sc, m, pf->form[k], pf->len[k]);
	if (dense_flush(sc, out) != 0)
		return NOMEM;
	return rc;
}

/*
 * A term's tokens come in positions: a token, then the tokens colocated
 * with it. The tokenizer (not in prefix mode, as here) colocates only one
 * kind: the joined form of a hyphen group ("koffie-ochtend" gives koffie,
 * ochtend and, with ochtend, koffieochtend), which starts where the
 * group's first part starts. A group matches where all its parts do
 * (a phrase: the smaller frequency) or where its joined form does
 * ("Koffieochtend" is the same word), whichever gives more.
 */

/* The joined token after position k (the colocated one), or -1. */
static int
joined_after(const struct qterm *q, int k, int *next)
{
	int end = k + 1, joined = -1;

	while (end < q->n && (q->t[end].flags & NL_TOK_COLOCATED)) {
		if (joined < 0 && !(q->t[end].flags & NL_TOK_STOPWORD))
			joined = end;
		end++;
	}
	*next = end;
	return joined;
}

/* 1 when position k starts a hyphen group: a joined token later on
 * starts where token k starts. */
static int
starts_group(const struct qterm *q, int k)
{
	for (int j = k + 1; j < q->n; j++)
		if ((q->t[j].flags & NL_TOK_COLOCATED) &&
		    q->t[j].start == q->t[k].start)
			return 1;
	return 0;
}

/* out = the parts' matches (cur, when have_seg) or the joined token j's,
 * per listing the larger frequency. */
static int
join_alternative(struct score_ctx *sc, const struct model *m,
                 const struct qtoken *j, struct list *cur, int have_seg,
                 struct list *out)
{
	struct dense_add d = { sc, D_MAX };
	int rc = OK;

	for (uint32_t k = 0; have_seg && k < cur->n; k++)
		add_to_dense(&d, cur->v[k].i, cur->v[k].v);
	rc = read_token(sc, m, j->s, j->n, add_to_dense, &d);
	if (dense_flush(sc, out) != 0)
		return NOMEM;
	return rc;
}

/* cur = cur AND pos (the smaller frequency), or pos when cur is unset. */
static int
and_into(struct score_ctx *sc, struct list *cur, struct list *pos, int *have)
{
	struct list *tmp = &sc->l[L_TMP];

	if (!*have) {
		list_swap(cur, pos);
		*have = 1;
		return OK;
	}
	if (list_intersect(cur, pos, tmp, 1) != 0)
		return NOMEM;
	list_swap(cur, tmp);
	return OK;
}

/* The listings matching term `text` with its frequency, into L_CUR. */
static int
eval_term(struct score_ctx *sc, const struct model *m,
          struct nl_tokenizer *tok, const char *text, int prefix)
{
	struct qterm q;
	struct score_prefix pf;
	struct list *cur = &sc->l[L_CUR], *pos = &sc->l[L_POS],
	    *before = &sc->l[L_BEFORE], *alt = &sc->l[L_ALT];
	int k = 0, have = 0, in_group = 0, have_before = 0, rc;

	q.n = 0;
	cur->n = 0;
	if (prefix && score_prefix_forms(tok, text, &pf) > 0)
		return eval_prefix(sc, m, &pf, cur);
	if (nl_tokenizer_run(tok, text, -1, collect_token, &q) != 0)
		return NOMEM;
	while (k < q.n) {
		int next, joined = joined_after(&q, k, &next);

		if (!in_group && joined < 0 && starts_group(&q, k)) {
			list_swap(before, cur);   /* the parts start afresh */
			have_before = have;
			cur->n = 0;
			have = 0;
			in_group = 1;
		}
		if (!(q.t[k].flags & NL_TOK_STOPWORD)) {
			pos->n = 0;
			if ((rc = read_token(sc, m, q.t[k].s, q.t[k].n,
			    add_to_list, pos)) != OK ||
			    (rc = and_into(sc, cur, pos, &have)) != OK)
				return rc;
		}
		/* The group ends here. (A joined token whose first part gave
		 * no token of its own, so no group began, is left out.) */
		if (joined >= 0 && in_group) {
			if ((rc = join_alternative(sc, m, &q.t[joined], cur, have,
			    alt)) != OK)
				return rc;
			list_swap(cur, before);
			have = have_before;
			in_group = 0;
			if ((rc = and_into(sc, cur, alt, &have)) != OK)
				return rc;
		}
		k = next;
		if (have && cur->n == 0 && !in_group)
			break;
	}
	if (!have)
		cur->n = 0;
	return OK;
}

/* Turns the frequencies of l into BM25F scores (index_format.h). */
static void
to_scores(const struct model *m, struct list *l)
{
	double idf = log((m->n - l->n + 0.5) / (l->n + 0.5));
	float fidf, k1p1 = (float)(SK_BM25_K1 + 1.0);

	if (idf <= 0)
		idf = 1e-6;
	fidf = (float)idf;
	for (uint32_t k = 0; k < l->n; k++) {
		float f = l->v[k].v;
		l->v[k].v = fidf * f * k1p1 / (f + m->norm[l->v[k].i]);
	}
}

static int
emit(const struct list *l, score_cb cb, void *ctx)
{
	for (uint32_t k = 0; k < l->n; k++)
		if (cb(ctx, l->v[k].i, l->v[k].v) != 0)
			return NOMEM;
	return OK;
}

int
score_group(struct score_ctx *sc, const struct model *m,
            struct nl_tokenizer *tok, const struct plan_group *g,
            score_cb cb, void *ctx)
{
	struct list *cur = &sc->l[L_CUR], *grp = &sc->l[L_GRP],
	    *gtmp = &sc->l[L_GTMP];
	int rc;

	if (dense_ready(sc, m->n) != 0)
		return NOMEM;
	grp->n = 0;
	for (size_t t = 0; t < g->nterms; t++) {
		int prefix = g->prefix && t + 1 == g->nterms;

		if ((rc = eval_term(sc, m, tok, g->terms[t], prefix)) != OK)
			return rc;
		to_scores(m, cur);
		if (!g->all) {
			if ((rc = emit(cur, cb, ctx)) != OK)
				return rc;
		} else if (t == 0) {
			list_swap(grp, cur);
		} else {
			if (list_intersect(grp, cur, gtmp, 0) != 0)
				return NOMEM;
			list_swap(grp, gtmp);
		}
		if (g->all && grp->n == 0)
			return OK;
	}
	return g->all ? emit(grp, cb, ctx) : OK;
}

/* ---- set-up ---------------------------------------------------------------- */

struct score_ctx *
score_ctx_new(sqlite3 *db, char *err, size_t errlen)
{
	struct score_ctx *sc = calloc(1, sizeof(*sc));

	if (sc == NULL) {
		snprintf(err, errlen, "geen geheugen");
		return NULL;
	}
	if (sqlite3_prepare_v3(db, "SELECT p.docs FROM term t JOIN posting p "
	    "ON p.id = t.id WHERE t.token = ?1", -1, SQLITE_PREPARE_PERSISTENT,
	    &sc->lookup, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v3(db, "SELECT p.docs FROM (SELECT id FROM term "
	    "WHERE token >= ?1 AND token < ?2 ORDER BY df DESC LIMIT ?3) t "
	    "JOIN posting p ON p.id = t.id", -1, SQLITE_PREPARE_PERSISTENT,
	    &sc->range, NULL) != SQLITE_OK) {
		snprintf(err, errlen, "postings voorbereiden mislukt: %s",
		    sqlite3_errmsg(db));
		score_ctx_free(sc);
		return NULL;
	}
	return sc;
}

void
score_ctx_shrink(struct score_ctx *sc)
{
	for (int i = 0; i < L_COUNT; i++) {
		if (sc->l[i].cap * sizeof(struct entry) <= (1u << 20))
			continue;
		free(sc->l[i].v);
		memset(&sc->l[i], 0, sizeof(sc->l[i]));
	}
}

void
score_ctx_free(struct score_ctx *sc)
{
	if (sc == NULL)
		return;
	sqlite3_finalize(sc->lookup);
	sqlite3_finalize(sc->range);
	for (int i = 0; i < L_COUNT; i++)
		free(sc->l[i].v);
	free(sc->dense);
	free(sc->bits);
	free(sc);
}
