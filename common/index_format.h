/*
 * index_format.h - constants both programs must agree on about the index
 * file (schema/schema.sql). Bump SK_SCHEMA_VERSION whenever schema.sql
 * or the meaning of a stored value changes: searchd refuses an index of
 * another version.
 */
#ifndef SK_INDEX_FORMAT_H
#define SK_INDEX_FORMAT_H

#include <stddef.h>
#include <stdint.h>

#define SK_SCHEMA_VERSION 6

/* FTS5 tokenizer of aanbod_fts (common/nl_tokenizer.h). */
#define SK_FTS_TOKENIZER "dutch"

/* bm25() weights: naam, samenvatting, omschrijving, organisatie,
 * trefwoorden, labels (names and descriptions of the listing's themas and
 * doelgroepen). */
#define SK_BM25_WEIGHTS "10.0 4.0 1.0 2.0 6.0 0.5"
/* The same as SQL arguments of bm25() (for checks against FTS5). */
#define SK_BM25_WEIGHTS_SQL "10.0, 4.0, 1.0, 2.0, 6.0, 0.5"

/*
 * Ranking data (tables term and posting, column aanbod.tokens): searchd
 * scores with BM25F from these instead of calling FTS5's bm25() per
 * matching row (which costs ~0.8 us a row: 100 ms for a word in half of
 * 250 000 listings). The formula is FTS5's bm25() with the weights above:
 *
 *   score(t, d) = idf(t) * f * (k1 + 1) / (f + k1 * (1 - b + b * len(d) / avglen))
 *   f           = sum over fields of weight(field) * occurrences of t there
 *   idf(t)      = max(1e-6, ln((N - df + 0.5) / (df + 0.5)))
 *
 * len(d) is aanbod.tokens: the tokens of all six fields (joined forms of
 * hyphenated words not counted, as FTS5 does). A posting blob lists, for
 * each listing holding the token in rowid order: varint (rowid minus the
 * previous rowid, the first minus 0), varint (2 * f, an integer because
 * every weight is a multiple of 0.5). Varints are LEB128: 7 bits a byte,
 * low bits first, high bit set when more bytes follow. Stop-word tokens
 * (nl_is_stopword) have no postings: queries drop them.
 */
#define SK_FIELD_COUNT 6
/* 2 x the weights of SK_BM25_WEIGHTS, in the same order. */
#define SK_FIELD_WEIGHT2_INIT { 20, 8, 2, 4, 12, 1 }
#define SK_BM25_K1 1.2
#define SK_BM25_B  0.75

/* Writes v as a varint at p (room for 5 bytes); returns the bytes used. */
static inline size_t
sk_varint_put(uint8_t *p, uint32_t v)
{
	size_t n = 0;

	while (v >= 0x80) {
		p[n++] = (uint8_t)(v | 0x80);
		v >>= 7;
	}
	p[n++] = (uint8_t)v;
	return n;
}

/* Reads a varint at p (before end) into *v; returns the bytes used, or 0
 * when it runs past end or past 5 bytes (a corrupt blob). */
static inline size_t
sk_varint_get(const uint8_t *p, const uint8_t *end, uint32_t *v)
{
	uint32_t r = 0;

	for (size_t n = 0; n < 5 && p + n < end; n++) {
		r |= (uint32_t)(p[n] & 0x7f) << (7 * n);
		if ((p[n] & 0x80) == 0) {
			*v = r;
			return n + 1;
		}
	}
	return 0;
}

/* Steps through a column of codes joined by one space (aanbod.themas,
 * .wijken, ...; indexer/value_pack.h): sets *code and *n to the next code
 * and returns 1, or returns 0 at the end (also for NULL). */
static inline int
sk_code_next(const char **s, const char **code, size_t *n)
{
	while (*s != NULL && **s == ' ')
		(*s)++;
	if (*s == NULL || **s == '\0')
		return 0;
	*code = *s;
	while (**s != '\0' && **s != ' ')
		(*s)++;
	*n = (size_t)(*s - *code);
	return 1;
}

/* Writes the tokenizer identity stored in meta 'tokenizer': name, version
 * and a fingerprint of its output, so an index made with another stemmer
 * (e.g. another libstemmer) is refused. Returns 0 or -1. */
int index_format_tokenizer_id(char *out, size_t outlen);

#endif
