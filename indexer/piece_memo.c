/*
 * piece_memo.c - recorded tokens of repeated text pieces; see piece_memo.h.
 *
 * Pieces are found through an open-addressing table of piece numbers
 * (twice PIECE_MEMO_MAX slots, so never more than half full); a piece's
 * text and the bytes of its tokens lie in one growing arena, its tokens in
 * one array, in order.
 */
#include "piece_memo.h"

#include <stdlib.h>
#include <string.h>

#include "grow.h"

#define SLOTS (2 * PIECE_MEMO_MAX)       /* a power of two */

struct piece {
	uint32_t text, ntext;   /* in the arena */
	uint32_t hash;
	uint32_t first, ntoks;  /* in toks */
};

struct piece_memo {
	uint32_t slots[SLOTS];  /* piece number + 1, or 0 = empty */
	struct piece *pieces;
	uint32_t npieces, piececap;
	struct piece_tok *toks;
	uint32_t ntoks, tokcap;
	char *arena;
	size_t alen, acap;
	int recording;          /* a piece is being recorded (the last one) */
};

/* Copies s[0..n) to the arena; its offset in *off. Returns 0 or -1. */
static int
arena_put(struct piece_memo *m, const char *s, size_t n, uint32_t *off)
{
	if (m->alen + n > m->acap) {
		size_t ncap = m->acap ? m->acap * 2 : 16384;
		char *na;

		while (ncap < m->alen + n)
			ncap *= 2;
		if (ncap > UINT32_MAX || (na = realloc(m->arena, ncap)) == NULL)
			return -1;
		m->arena = na;
		m->acap = ncap;
	}
	memcpy(m->arena + m->alen, s, n);
	*off = (uint32_t)m->alen;
	m->alen += n;
	return 0;
}

struct piece_memo *
piece_memo_new(void)
{
	return calloc(1, sizeof(struct piece_memo));
}

void
piece_memo_free(struct piece_memo *m)
{
	if (m == NULL)
		return;
	free(m->pieces);
	free(m->toks);
	free(m->arena);
	free(m);
}

/* The slot of s[0..n) (hash h): the one holding it, or the empty one
 * where it would go. */
static uint32_t
find_slot(const struct piece_memo *m, const char *s, size_t n, uint32_t h)
{
	uint32_t i = h & (SLOTS - 1);

	while (m->slots[i] != 0) {
		const struct piece *p = &m->pieces[m->slots[i] - 1];

		if (p->hash == h && p->ntext == n &&
		    memcmp(m->arena + p->text, s, n) == 0)
			break;
		i = (i + 1) & (SLOTS - 1);
	}
	return i;
}

int
piece_memo_find(const struct piece_memo *m, const char *s, size_t n,
                const struct piece_tok **toks, uint32_t *ntoks)
{
	uint32_t i = find_slot(m, s, n, fnv1a(s, n));
	const struct piece *p;

	if (m->slots[i] == 0)
		return 0;
	p = &m->pieces[m->slots[i] - 1];
	*ntoks = p->ntoks;
	*toks = p->ntoks > 0 ? m->toks + p->first : NULL;
	return 1;
}

const char *
piece_memo_tok(const struct piece_memo *m, const struct piece_tok *t)
{
	return m->arena + t->tok;
}

int
piece_memo_begin(struct piece_memo *m, const char *s, size_t n)
{
	struct piece *p;

	if (m->recording || m->npieces == PIECE_MEMO_MAX ||
	    n > PIECE_MEMO_MAX_TEXT)
		return 0;
	if (grow_array((void **)&m->pieces, &m->piececap, m->npieces + 1,
	    sizeof(*m->pieces)) != 0)
		return -1;
	p = &m->pieces[m->npieces];
	if (arena_put(m, s, n, &p->text) != 0)
		return -1;
	p->ntext = (uint32_t)n;
	p->hash = fnv1a(s, n);
	p->first = m->ntoks;
	p->ntoks = 0;
	m->npieces++;
	m->recording = 1;
	return 1;
}

int
piece_memo_add(struct piece_memo *m, int flags, const char *tok, int ntok,
               int start, int end, uint32_t term)
{
	struct piece_tok *t;

	if (!m->recording)
		return 0;
	if (ntok < 0 || ntok > UINT16_MAX || start < 0 || end < start ||
	    grow_array((void **)&m->toks, &m->tokcap, m->ntoks + 1,
	    sizeof(*m->toks)) != 0)
		return -1;
	t = &m->toks[m->ntoks];
	if (arena_put(m, tok, (size_t)ntok, &t->tok) != 0)
		return -1;
	t->term = term;
	t->start = (uint32_t)start;
	t->end = (uint32_t)end;
	t->ntok = (uint16_t)ntok;
	t->flags = (uint16_t)flags;
	m->ntoks++;
	m->pieces[m->npieces - 1].ntoks++;
	return 0;
}

int
piece_memo_end(struct piece_memo *m)
{
	struct piece *p;

	if (!m->recording)
		return 0;
	p = &m->pieces[m->npieces - 1];
	m->slots[find_slot(m, m->arena + p->text, p->ntext, p->hash)] =
	    m->npieces;
	m->recording = 0;
	return 0;
}

void
piece_memo_drop(struct piece_memo *m)
{
	struct piece *p;

	if (!m->recording)
		return;
	p = &m->pieces[m->npieces - 1];
	m->ntoks = p->first;          /* the arena keeps some bytes: harmless */
	m->npieces--;
	m->recording = 0;
}
