/*
 * index_format.h - constants both programs must agree on about the index
 * file (schema/schema.sql). Bump SK_SCHEMA_VERSION whenever schema.sql
 * or the meaning of a stored value changes: searchd refuses an index of
 * another version.
 */
#ifndef SK_INDEX_FORMAT_H
#define SK_INDEX_FORMAT_H

#include <stddef.h>

#define SK_SCHEMA_VERSION 3

/* FTS5 tokenizer of aanbod_fts (common/nl_tokenizer.h). */
#define SK_FTS_TOKENIZER "dutch"

/* bm25() weights: naam, samenvatting, omschrijving, organisatie,
 * trefwoorden, labels (names and descriptions of the listing's themas and
 * doelgroepen). */
#define SK_BM25_WEIGHTS "10.0 4.0 1.0 2.0 6.0 0.5"

/* Writes the tokenizer identity stored in meta 'tokenizer': name, version
 * and a fingerprint of its output, so an index made with another stemmer
 * (e.g. another libstemmer) is refused. Returns 0 or -1. */
int index_format_tokenizer_id(char *out, size_t outlen);

#endif
