/*
 * snippet.h - a marked snippet of one text, made without FTS5: the same
 * kind of text FTS5's snippet(tbl, col, char(1), char(2), '…', N) gives,
 * from the listing's own text and the query's index tokens.
 *
 * The text is run through the "dutch" tokenizer (nl_tokenizer_run). A
 * token matches when it is byte-equal to an entry of terms->tokens, or
 * starts with an entry of terms->prefixes. Words are the non-colocated
 * tokens; a colocated token (the joined form of a hyphenated group, e.g.
 * "email" for "e-mail") has the position of the word before it.
 *
 * Choosing the window (as fts5SnippetFunction in SQLite's fts5_aux.c):
 * N = max_words. For every match at word position p, two candidates:
 *   1. the window [p, p+N) is scored, then moved so that its matches
 *      (first to last) sit in the middle of N words, kept inside the
 *      text;
 *   2. only when the text has more than N words: the window of N words
 *      starting at the sentence start at or before p (a word preceded by
 *      white space after '.', ':', '!' or '?', or the first word), when
 *      that is before p; it scores 100 extra, 120 at the first word.
 * A window scores 1000 for each distinct term entry with a match in it
 * and 1 for each further match. The highest score wins; on a tie the
 * earliest candidate. So the window holds the most distinct terms, and
 * among those prefers starting a sentence, then more matches.
 * Differences from FTS5: '!' and '?' end sentences too, and a match of a
 * colocated token marks the span of its whole group ("\x01e-mail\x02"),
 * not only the last part.
 *
 * Output (appended to out): "…" when the window starts after the first
 * word; the text from the window's first word to its last word, exactly
 * as in the input (from the text's start when the window starts at the
 * first word, to its end when it ends at the last word); "…" when the
 * window ends before the last word. Each matched span is wrapped in \x01
 * and \x02; overlapping spans are merged, so markers never nest. Bytes
 * \x01 and \x02 of the text itself are dropped. Cuts fall only at token
 * boundaries, so the output is valid UTF-8 when the text is.
 *
 * Memory: the caller owns tok, text, terms (and its strings) and out;
 * snippet_make() only appends to out. Scratch space lives on the stack
 * for usual texts (up to SNIPPET_STACK_WORDS words) and is malloc'd and
 * freed within the call beyond that. No global state; thread-safe as long
 * as each thread uses its own nl_tokenizer.
 */
#ifndef SK_SNIPPET_H
#define SK_SNIPPET_H

#include <stddef.h>

#include "nl_tokenizer.h"
#include "sbuf.h"

/* Words and matches kept on the stack before snippet_make() mallocs. */
#define SNIPPET_STACK_WORDS 512
#define SNIPPET_STACK_HITS  128

/* Index tokens to mark (as the dutch tokenizer produces them, e.g. from
 * nl_tokenizer_normalize), plus prefix entries: a token matches a prefix
 * entry when it starts with it. Empty entries never match. Owned by the
 * caller; each entry counts as one term for the score and the result. */
struct snippet_terms {
	const char *const *tokens;
	size_t ntokens;
	const char *const *prefixes;
	size_t nprefixes;
};

/*
 * Appends to out a snippet of text (NUL-ended, as stored) of about
 * max_words words with the matches of t marked, chosen as described
 * above. Returns the number of distinct term entries marked in it;
 * 0 when nothing in text matches (out is then left as it was); -1 on a
 * bad argument, a tokenizer error or ENOMEM (out is then restored to its
 * former length, or left failed by sbuf).
 */
int snippet_make(struct nl_tokenizer *tok, const char *text,
                 const struct snippet_terms *t, int max_words,
                 struct sbuf *out);

#endif
