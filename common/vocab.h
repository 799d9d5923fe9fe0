/*
 * vocab.h - the controlled vocabularies and the region's municipalities:
 * themas.csv, doelgroepen.csv and gebieden.csv (copies in schema/, from
 * ../shared/spec/).
 *
 * The indexer validates listings against them and stores them in the
 * index; searchd reads them back from the index. A struct vocab owns all
 * its strings; free it with vocab_free().
 */
#ifndef SK_VOCAB_H
#define SK_VOCAB_H

#include <stddef.h>

struct vocab_entry {
	char *code;          /* "ontmoeting", "ouderen" */
	char *naam;          /* "Ontmoeten en samen doen" */
	char *omschrijving;
};

struct gemeente_entry {
	char *code;          /* "GM0307" */
	char *naam;          /* "Amersfoort" */
	char *regio;         /* "Eemland" */
	char *provincie;     /* "Utrecht" */
};

struct vocab {
	struct vocab_entry *themas;
	size_t nthemas;
	struct vocab_entry *doelgroepen;
	size_t ndoelgroepen;
	struct gemeente_entry *gemeenten;
	size_t ngemeenten;
};

/* Parses the three CSV texts (NUL-ended, header row first, RFC 4180).
 * Returns 0, or -1 with a message in err. */
int vocab_load_mem(struct vocab *v, const char *themas_csv,
                   const char *doelgroepen_csv, const char *gebieden_csv,
                   char *err, size_t errlen);
/* Loads DIR/themas.csv, DIR/doelgroepen.csv, DIR/gebieden.csv. */
int vocab_load_dir(struct vocab *v, const char *dir, char *err, size_t errlen);
/* Loads the copies built into the program (the schema CSV files at build time). */
int vocab_load_builtin(struct vocab *v, char *err, size_t errlen);
void vocab_free(struct vocab *v);

/* Lookups by code or by naam, ASCII-case-insensitive, surrounding
 * whitespace ignored. NULL when unknown. */
const struct vocab_entry *vocab_thema(const struct vocab *v, const char *s);
const struct vocab_entry *vocab_doelgroep(const struct vocab *v, const char *s);
const struct gemeente_entry *vocab_gemeente(const struct vocab *v, const char *s);

#endif
