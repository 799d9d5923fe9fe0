/*
 * postings_build.c - ranking data collected at index time; see
 * postings_build.h.
 *
 * Terms live in one array, found through an open-addressing hash table of
 * term numbers; their text in one growing arena. While a listing is
 * tokenized each term it holds is put on the `touched` list with its
 * weighted count so far; at the end of the listing every touched term
 * appends one posting (rowid delta, 2 x f) to its own byte buffer.
 */
#include "postings_build.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "batch_insert.h"
#include "grow.h"
#include "nl_tokenizer.h"
#include "piece_memo.h"

/* The labels field: pieces joined by PIECE_SEP (index_writer.c). */
#define FIELD_LABELS 5
#define PIECE_SEP    " ; "

struct term {
	uint32_t str, len;      /* text: arena[str .. str+len) */
	uint32_t hash;
	uint32_t df;            /* listings holding it */
	uint32_t last_rowid;    /* rowid of its last written posting */
	uint32_t cur_rowid;     /* listing being collected, 0 = none */
	uint32_t cur_f2;        /* 2 x weighted count in that listing */
	uint32_t blen, bcap;
	uint8_t *buf;           /* the posting blob so far */
};

struct postings_build {
	struct nl_tokenizer *tok;
	struct term *terms;
	uint32_t nterms, termcap;
	uint32_t *slots;        /* term number + 1, or 0 = empty */
	uint32_t nslots;        /* a power of two */
	char *arena;
	size_t alen, acap;
	uint32_t *order;        /* term numbers by text (postings_build_sort) */
	uint32_t *touched;      /* terms of the listing being collected */
	uint32_t ntouched, touchcap;
	/* the listing being collected */
	uint32_t rowid;
	uint32_t weight2;       /* of the field being tokenized */
	uint32_t ntokens;
	int field;              /* being tokenized */
	const char *text;       /* its text */
	postings_token_cb observer;
	void *observer_ctx;
	int nomem;
	/* the labels pieces' tokens, recorded once (piece_memo.h) */
	struct piece_memo *memo;
	uint32_t piece_off;     /* offset of the piece being tokenized */
	int recording;          /* its tokens go into the memo */
};

static const uint32_t FIELD_WEIGHT2[SK_FIELD_COUNT] = SK_FIELD_WEIGHT2_INIT;

/* Doubles the hash table and re-inserts every term. */
static int
rehash(struct postings_build *pb)
{
	uint32_t n = pb->nslots ? pb->nslots * 2 : 1u << 16;
	uint32_t *s = calloc(n, sizeof(*s));

	if (s == NULL)
		return -1;
	for (uint32_t t = 0; t < pb->nterms; t++) {
		uint32_t i = pb->terms[t].hash & (n - 1);
		while (s[i] != 0)
			i = (i + 1) & (n - 1);
		s[i] = t + 1;
	}
	free(pb->slots);
	pb->slots = s;
	pb->nslots = n;
	return 0;
}

static int
add_term(struct postings_build *pb, const char *tok, int n, uint32_t h,
         uint32_t slot)
{
	struct term *t;

	if (grow_array((void **)&pb->terms, &pb->termcap, pb->nterms + 1,
	    sizeof(*pb->terms)) != 0)
		return -1;
	if (pb->alen + (size_t)n > pb->acap) {
		size_t ncap = pb->acap ? pb->acap * 2 : 1u << 20;
		char *na;
		while (ncap < pb->alen + (size_t)n)
			ncap *= 2;
		if ((na = realloc(pb->arena, ncap)) == NULL)
			return -1;
		pb->arena = na;
		pb->acap = ncap;
	}
	t = &pb->terms[pb->nterms];
	memset(t, 0, sizeof(*t));
	t->str = (uint32_t)pb->alen;
	t->len = (uint32_t)n;
	t->hash = h;
	memcpy(pb->arena + pb->alen, tok, (size_t)n);
	pb->alen += (size_t)n;
	pb->slots[slot] = ++pb->nterms;
	return 0;
}

/* The number of token tok, added when new; -1 on ENOMEM. */
static long
term_of(struct postings_build *pb, const char *tok, int n)
{
	uint32_t h = fnv1a(tok, (size_t)n), i;

	if ((pb->nterms + 1) * 2 > pb->nslots && rehash(pb) != 0)
		return -1;
	for (i = h & (pb->nslots - 1); pb->slots[i] != 0;
	    i = (i + 1) & (pb->nslots - 1)) {
		struct term *t = &pb->terms[pb->slots[i] - 1];
		if (t->hash == h && t->len == (uint32_t)n &&
		    memcmp(pb->arena + t->str, tok, (size_t)n) == 0)
			return (long)(pb->slots[i] - 1);
	}
	if (add_term(pb, tok, n, h, i) != 0)
		return -1;
	return (long)(pb->nterms - 1);
}

/* Counts one occurrence of term id in the listing being collected.
 * Returns 0 or -1 (ENOMEM). */
static int
count_term(struct postings_build *pb, uint32_t id)
{
	struct term *t = &pb->terms[id];

	if (t->cur_rowid != pb->rowid) {
		if (grow_array((void **)&pb->touched, &pb->touchcap,
		    pb->ntouched + 1, sizeof(*pb->touched)) != 0)
			return -1;
		pb->touched[pb->ntouched++] = id;
		t->cur_rowid = pb->rowid;
		t->cur_f2 = 0;
	}
	t->cur_f2 += pb->weight2;
	return 0;
}

/* One token of the field being tokenized; start and end are in the piece
 * given to the tokenizer (the whole field, or a piece of labels at
 * piece_off). */
static int
on_token(void *ctx, int flags, const char *tok, int ntok, int start, int end)
{
	struct postings_build *pb = ctx;
	uint32_t tag = nl_tokenizer_tag(pb->tok);   /* term number + 1, or 0 */
	uint32_t term = PIECE_NO_TERM;
	long id;

	if (pb->observer != NULL && pb->observer(pb->observer_ctx, pb->field,
	    pb->text, flags, tok, ntok, start + (int)pb->piece_off,
	    end + (int)pb->piece_off) != 0)
		goto nomem;
	if (!(flags & NL_TOK_COLOCATED))
		pb->ntokens++;
	if (!(flags & NL_TOK_STOPWORD) && ntok > 0) {
		if (tag != 0) {
			id = (long)tag - 1;  /* the word was seen: no hash lookup */
		} else {
			if ((id = term_of(pb, tok, ntok)) < 0)
				goto nomem;
			nl_tokenizer_set_tag(pb->tok, (uint32_t)id + 1);
		}
		term = (uint32_t)id;
		if (count_term(pb, term) != 0)
			goto nomem;
	}
	if (pb->recording && piece_memo_add(pb->memo, flags, tok, ntok, start,
	    end, term) != 0)
		goto nomem;
	return 0;
nomem:
	pb->nomem = 1;
	return 1;
}

/* Replays the recorded tokens of a piece at piece_off, as on_token()
 * would see them. Returns 0 or -1 (ENOMEM). */
static int
replay_piece(struct postings_build *pb, const struct piece_tok *toks,
             uint32_t n)
{
	for (uint32_t k = 0; k < n; k++) {
		const struct piece_tok *t = &toks[k];

		if (pb->observer != NULL && pb->observer(pb->observer_ctx,
		    pb->field, pb->text, t->flags, piece_memo_tok(pb->memo, t),
		    t->ntok, (int)(t->start + pb->piece_off),
		    (int)(t->end + pb->piece_off)) != 0)
			return -1;
		if (!(t->flags & NL_TOK_COLOCATED))
			pb->ntokens++;
		if (t->term != PIECE_NO_TERM && count_term(pb, t->term) != 0)
			return -1;
	}
	return 0;
}

/* Tokenizes the piece s[0..n) of the labels field, from the memo when it
 * was recorded, else recording it. Returns 0 or -1 (ENOMEM). */
static int
labels_piece(struct postings_build *pb, const char *s, size_t n)
{
	const struct piece_tok *toks;
	uint32_t ntoks;
	int rc;

	if (piece_memo_find(pb->memo, s, n, &toks, &ntoks))
		return replay_piece(pb, toks, ntoks);
	if ((rc = piece_memo_begin(pb->memo, s, n)) < 0)
		return -1;
	pb->recording = rc;
	rc = (nl_tokenizer_run(pb->tok, s, (int)n, on_token, pb) != 0 ||
	    pb->nomem) ? -1 : 0;
	if (pb->recording) {
		if (rc == 0)
			rc = piece_memo_end(pb->memo);
		else
			piece_memo_drop(pb->memo);
	}
	pb->recording = 0;
	return rc;
}

/* The labels field, piece by piece (tokens never span PIECE_SEP). */
static int
tokenize_labels(struct postings_build *pb, const char *text)
{
	const char *p = text, *sep;
	int rc = 0;

	do {
		size_t n;

		sep = strstr(p, PIECE_SEP);
		n = sep != NULL ? (size_t)(sep - p) : strlen(p);
		pb->piece_off = (uint32_t)(p - text);
		if (n > 0 && (rc = labels_piece(pb, p, n)) != 0)
			break;
		p = sep + strlen(PIECE_SEP);
	} while (sep != NULL);
	pb->piece_off = 0;
	return rc;
}

/* Appends the posting of the listing just collected to term t. */
static int
put_posting(struct term *t, uint32_t rowid)
{
	if (grow_array((void **)&t->buf, &t->bcap, t->blen + 10, 1) != 0)
		return -1;
	t->blen += (uint32_t)sk_varint_put(t->buf + t->blen,
	    rowid - t->last_rowid);
	t->blen += (uint32_t)sk_varint_put(t->buf + t->blen, t->cur_f2);
	t->last_rowid = rowid;
	t->df++;
	return 0;
}

int
postings_build_add(struct postings_build *pb, uint32_t rowid,
                   const char *const fields[SK_FIELD_COUNT],
                   uint32_t *ntokens)
{
	free(pb->order);                /* a sort made before is stale now */
	pb->order = NULL;
	pb->rowid = rowid;
	pb->ntokens = 0;
	pb->ntouched = 0;
	for (int f = 0; f < SK_FIELD_COUNT; f++) {
		if (fields[f] == NULL || fields[f][0] == '\0')
			continue;
		pb->weight2 = FIELD_WEIGHT2[f];
		pb->field = f;
		pb->text = fields[f];
		if (f == FIELD_LABELS && pb->memo != NULL) {
			if (tokenize_labels(pb, fields[f]) != 0)
				return -1;
		} else if (nl_tokenizer_run(pb->tok, fields[f], -1, on_token,
		    pb) != 0 || pb->nomem) {
			return -1;
		}
	}
	for (uint32_t k = 0; k < pb->ntouched; k++)
		if (put_posting(&pb->terms[pb->touched[k]], rowid) != 0)
			return -1;
	*ntokens = pb->ntokens;
	return 0;
}

void
postings_build_observe(struct postings_build *pb, postings_token_cb cb,
                       void *ctx)
{
	pb->observer = cb;
	pb->observer_ctx = ctx;
}

/* A term's place in the sort: its first 8 bytes as a big-endian number
 * (zero-padded; tokens hold no NUL), so most comparisons need no look at
 * the text itself, which lies scattered in the arena. */
struct sort_key {
	uint64_t prefix;
	uint32_t term;
};

static uint64_t
prefix_of(const char *s, uint32_t len)
{
	uint64_t p = 0;

	for (uint32_t i = 0; i < 8; i++)
		p = p << 8 | (i < len ? (uint8_t)s[i] : 0);
	return p;
}

/* qsort_r comparator: terms by their text (bytes, as SQLite's BINARY). */
static int
cmp_keys(const void *a, const void *b, void *ctx)
{
	const struct postings_build *pb = ctx;
	const struct sort_key *ka = a, *kb = b;
	const struct term *x, *y;
	uint32_t n;
	int c;

	if (ka->prefix != kb->prefix)
		return ka->prefix < kb->prefix ? -1 : 1;
	x = &pb->terms[ka->term];
	y = &pb->terms[kb->term];
	n = x->len < y->len ? x->len : y->len;
	c = n > 8 ? memcmp(pb->arena + x->str + 8, pb->arena + y->str + 8,
	    n - 8) : 0;
	if (c != 0)
		return c;
	return x->len < y->len ? -1 : x->len > y->len;
}

int
postings_build_sort(struct postings_build *pb)
{
	struct sort_key *keys;

	if (pb->order != NULL)
		return 0;
	keys = malloc(((size_t)pb->nterms + 1) * sizeof(*keys));
	pb->order = malloc(((size_t)pb->nterms + 1) * sizeof(*pb->order));
	if (keys == NULL || pb->order == NULL) {
		free(keys);
		free(pb->order);
		pb->order = NULL;
		return -1;
	}
	for (uint32_t i = 0; i < pb->nterms; i++) {
		keys[i].prefix = prefix_of(pb->arena + pb->terms[i].str,
		    pb->terms[i].len);
		keys[i].term = i;
	}
	qsort_r(keys, pb->nterms, sizeof(*keys), cmp_keys, pb);
	for (uint32_t i = 0; i < pb->nterms; i++)
		pb->order[i] = keys[i].term;
	free(keys);
	return 0;
}

/* batch_insert() row k: term k in sorted order. */
static void
bind_term(void *ctx, sqlite3_stmt *st, int first, size_t k)
{
	const struct postings_build *pb = ctx;
	const struct term *t = &pb->terms[pb->order[k]];

	sqlite3_bind_text(st, first, pb->arena + t->str, (int)t->len,
	    SQLITE_STATIC);
	sqlite3_bind_int64(st, first + 1, t->df);
	sqlite3_bind_int64(st, first + 2, (sqlite3_int64)k + 1);
}

static void
bind_posting(void *ctx, sqlite3_stmt *st, int first, size_t k)
{
	const struct postings_build *pb = ctx;
	const struct term *t = &pb->terms[pb->order[k]];

	sqlite3_bind_int64(st, first, (sqlite3_int64)k + 1);
	sqlite3_bind_blob(st, first + 1, t->buf, (int)t->blen, SQLITE_STATIC);
}

int
postings_build_write(struct postings_build *pb, sqlite3 *db, char *err,
                     size_t errlen)
{
	if (postings_build_sort(pb) != 0) {
		snprintf(err, errlen, "geen geheugen voor de termen");
		return -1;
	}
	if (batch_insert(db, "INSERT INTO term (token, df, id) VALUES ",
	    "(?,?,?)", pb->nterms, bind_term, pb) != 0 ||
	    batch_insert(db, "INSERT INTO posting (id, docs) VALUES ",
	    "(?,?)", pb->nterms, bind_posting, pb) != 0) {
		snprintf(err, errlen, "termen opslaan mislukt: %s",
		    sqlite3_errmsg(db));
		return -1;
	}
	return 0;
}

int
postings_build_new(struct postings_build **out)
{
	struct postings_build *pb = calloc(1, sizeof(*pb));

	*out = NULL;
	if (pb == NULL)
		return -1;
	if ((pb->tok = nl_tokenizer_new()) == NULL || rehash(pb) != 0 ||
	    (pb->memo = piece_memo_new()) == NULL) {
		postings_build_free(pb);
		return -1;
	}
	*out = pb;
	return 0;
}

void
postings_build_free(struct postings_build *pb)
{
	if (pb == NULL)
		return;
	for (uint32_t i = 0; i < pb->nterms; i++)
		free(pb->terms[i].buf);
	free(pb->terms);
	free(pb->order);
	free(pb->slots);
	free(pb->arena);
	free(pb->touched);
	nl_tokenizer_free(pb->tok);
	piece_memo_free(pb->memo);
	free(pb);
}
