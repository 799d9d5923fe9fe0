/*
 * expand.h - query expansion: what a query means besides the words typed.
 *
 * plan_build() (plan.h) makes one group per typed word at weight 1.0;
 * expand_plan() rewrites that plan with five general measures, each a
 * group (or groups) weighing less than a typed word, so an exact match
 * always outranks an expanded one:
 *
 *   stop words   groups of Dutch function words (nl_is_stopword) are
 *                dropped, unless every word is one. They still count for
 *                synonym rules ("geen geld", "iemand om mee").
 *   typos        a word of 4+ letters that is not in the index
 *                vocabulary, not a Dutch word (wdutch) and not a word of a
 *                synonym rule is replaced by the nearest vocabulary terms:
 *                restricted Damerau-Levenshtein distance (a swap counts
 *                one) 1 up to 6 letters, 2 from 7, between the typed stem
 *                or typed form and a term or its most frequent written
 *                form; only the nearest distance, at most 2 terms, the most
 *                frequent first, never a stop word. gezocht and bedoelt
 *                then both hold the query with the correction in its
 *                written form ("schuldhulp").
 *   compounds    a word not in the vocabulary that splits into 2-3
 *                vocabulary terms (linking -s-, -e-, -en-) adds the parts
 *                (all of them required); two adjacent words whose join is
 *                a vocabulary term add it; a word that starts or ends
 *                longer vocabulary terms whose other part is a word too
 *                (maatje -> taalmaatje, mantelzorg -> mantelzorgsteunpunt)
 *                adds the most frequent of them.
 *   synonyms     rules from schema/synoniemen.txt (format in its header):
 *                when a rule's left side occurs in the query (its words in
 *                order, at most two other words between them; typed or
 *                corrected), its right side is searched too, one group
 *                per rule, terms that no listing holds left out.
 *
 * Terms taken from the vocabulary are stems; a group holds one only when
 * the tokenizer maps it to itself (else a surface form that maps to it),
 * because FTS5 runs every group through the "dutch" tokenizer again.
 *
 * An expand_index belongs to one index generation: built once by
 * expand_index_load(), read-only afterwards, shared by all threads.
 */
#ifndef SK_EXPAND_H
#define SK_EXPAND_H

#include <stddef.h>

#include <sqlite3.h>

#include "nl_tokenizer.h"
#include "plan.h"

/* Weights of the groups expand_plan() adds (a typed word weighs 1.0):
 * two typed words written together, a corrected typo, the parts of a
 * typed compound, the right side of a synonym rule, and longer compounds
 * that start or end with a typed word. */
#define EXPAND_W_JOIN    0.8
#define EXPAND_W_TYPO    0.7
#define EXPAND_W_SPLIT   0.6
#define EXPAND_W_SYNONYM 0.3
#define EXPAND_W_AFFIX   0.3

/* Cost limits (every expansion term is matched, and its rows scored, by
 * FTS5). max_df = max(EXPAND_MAX_DF_SHARE of the rows, EXPAND_MAX_DF_MIN):
 *  - a synonym or longer compound in more than max_df rows is left out:
 *    a word that common adds next to nothing to the ranking (bm25 gives
 *    it a low weight) and costs the most to match;
 *  - a typed word in more than max_df rows gets no synonyms (of rules with
 *    one word on the left) and no longer compounds: its own matches fill
 *    the first pages;
 *  - the synonym and compound terms of one query may together occur in at
 *    most EXPAND_ROW_BUDGET rows (counted by document frequency).
 * Typed words, corrections, joins and splits are never left out. On a
 * small index (the development corpus) none of this applies. */
#define EXPAND_MAX_DF_SHARE 0.1
#define EXPAND_MAX_DF_MIN   500
#define EXPAND_ROW_BUDGET   3000

/* The Dutch word list (Debian package wdutch). Used, when present, to
 * tell real words from typos and to accept the other part of a compound;
 * the index vocabulary stays the main dictionary. */
#define EXPAND_WORDLIST "/usr/share/dict/dutch"

struct expand_index;

/* The word list (folded words of EXPAND_WORDLIST): the same for every
 * index generation, so searchd loads it once and every expand_index
 * borrows it. A missing or unreadable file gives an empty list. Returns 0,
 * or -1 (ENOMEM). */
struct expand_words;
int expand_words_load(struct expand_words **out, const char *path);
void expand_words_free(struct expand_words *w);

/*
 * Builds the expansion data of one index generation from db (which must
 * have the "dutch" tokenizer registered: nl_tokenizer_register): the FTS5
 * vocabulary of aanbod_fts with document frequencies (through a TEMP
 * fts5vocab table, so a read-only, immutable db works), the most frequent
 * written form of each term (for "bedoelt u"), and the synonym rules in
 * synonyms_text (the text of schema/synoniemen.txt; NULL = no rules).
 * words (may be NULL) is borrowed and must outlive the index.
 * Returns 0, or -1 with a message in err (a bad rule names its line).
 */
int expand_index_load(struct expand_index **out, sqlite3 *db,
                      const char *synonyms_text,
                      const struct expand_words *words, char *err,
                      size_t errlen);

/* As expand_index_load(), with its own word list read from wordlist_path
 * (NULL = none). For tests and tools. */
int expand_index_load_with(struct expand_index **out, sqlite3 *db,
                           const char *synonyms_text,
                           const char *wordlist_path, char *err,
                           size_t errlen);

void expand_index_free(struct expand_index *x);

/* The measures, as bits; all are on after loading. Turning some off is
 * for measuring what each contributes (make relevance), not for use. */
#define EXPAND_STOP    0x01   /* drop stop words */
#define EXPAND_TYPO    0x02   /* correct typos */
#define EXPAND_SPLIT   0x04   /* split a typed compound */
#define EXPAND_JOIN    0x08   /* join two typed words */
#define EXPAND_AFFIX   0x10   /* longer compounds of a typed word */
#define EXPAND_SYNONYM 0x20   /* synonym rules */
#define EXPAND_ALL     0x3f

/* Sets which measures expand_plan() applies (EXPAND_* bits). Call before
 * the index is shared between threads. */
void expand_index_set_measures(struct expand_index *x, unsigned measures);

/* Counts, for logging: vocabulary terms, synonym rules (one per left
 * side), words in the word list. Any pointer may be NULL. */
void expand_index_stats(const struct expand_index *x, size_t *terms,
                        size_t *rules, size_t *words);

/*
 * Rewrites p (made by plan_build(): one group per typed word, weight 1.0)
 * as described above. When p->last_prefix is set, the last word is being
 * typed: its group stays as it is and no measure looks at it. tok is the calling thread's tokenizer. x may be
 * NULL (then p is left alone). Returns 0, or -1 on ENOMEM (p is then
 * still a valid plan, possibly partly expanded).
 */
int expand_plan(const struct expand_index *x, struct nl_tokenizer *tok,
                struct query_plan *p);

#endif
