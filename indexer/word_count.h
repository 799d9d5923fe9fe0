/*
 * word_count.h - counts, in memory, how many listings use each word of
 * their naam, samenvatting and trefwoorden, for the woord table that
 * searchd's suggestions read (schema/schema.sql). One SQL upsert per word
 * cost more than the rest of the import; counting here and writing each
 * word once at the end does not.
 *
 * Ownership: a word_count owns copies of every key and spelling;
 * word_count_free() releases them.
 */
#ifndef SK_WORD_COUNT_H
#define SK_WORD_COUNT_H

#include <stddef.h>

#include <sqlite3.h>

struct word_count;

/* Returns a new counter, or NULL (ENOMEM). */
struct word_count *word_count_new(void);
/* Counts one more listing for key (folded). When the key is new, the
 * spelling kept for it is written[0..nwritten) case-folded (accents kept);
 * a key whose spelling cannot be made (bad UTF-8, NL_MAX_TOKEN bytes or
 * more) is not counted. Returns 0 or -1 (ENOMEM). */
int word_count_add(struct word_count *wc, const char *key,
                   const char *written, size_t nwritten);
/* Puts the words in key order (the order of the woord table's B-tree),
 * so that they can be sorted on the thread that counted them while another
 * still writes. Adding a word after is allowed and undoes it. */
void word_count_sort(struct word_count *wc);
/* Writes every word into table woord of db, in key order. Returns 0 or -1
 * (with the SQLite error in db). */
int word_count_write(struct word_count *wc, sqlite3 *db);
void word_count_free(struct word_count *wc);

#endif
