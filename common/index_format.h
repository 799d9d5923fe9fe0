/*
 * index_format.h - constants both programs must agree on about the index
 * file (schema/schema.sql). Bump SK_SCHEMA_VERSION whenever schema.sql
 * or the meaning of a stored value changes: searchd refuses an index of
 * another version.
 */
#ifndef SK_INDEX_FORMAT_H
#define SK_INDEX_FORMAT_H

#define SK_SCHEMA_VERSION 1

/* FTS5 tokenizer of aanbod_fts. */
#define SK_FTS_TOKENIZER "unicode61 remove_diacritics 2"

/* bm25() weights: naam, samenvatting, omschrijving, organisatie, trefwoorden */
#define SK_BM25_WEIGHTS "10.0 4.0 1.0 2.0 6.0"

#endif
