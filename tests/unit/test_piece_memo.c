/*
 * test_piece_memo.c - the labels field is tokenized piece by piece, and a
 * piece seen before is replayed from the memo (piece_memo.c via
 * postings_build.c). What the observer sees (flags, token, byte span in
 * the whole field) and the listing's length must be exactly what
 * tokenizing the whole field at once gives, the first time and every time
 * after; the memo itself keeps, finds and forgets pieces as it says.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nl_tokenizer.h"
#include "piece_memo.h"
#include "postings_build.h"

/* Everything an observer saw, one line per token. */
struct seen {
	char buf[16384];
	size_t len;
	int field;
	uint32_t tokens;         /* not colocated: what a listing's length counts */
};

static int
observe(void *ctx, int field, const char *text, int flags, const char *tok,
        int ntok, int start, int end)
{
	struct seen *s = ctx;

	(void)text;
	if (field != s->field)
		return 0;
	s->len += (size_t)snprintf(s->buf + s->len, sizeof(s->buf) - s->len,
	    "%d %.*s %d %d\n", flags, ntok, tok, start, end);
	if (!(flags & NL_TOK_COLOCATED))
		s->tokens++;
	return 0;
}

static int
reference_token(void *ctx, int flags, const char *tok, int ntok, int start,
                int end)
{
	return observe(ctx, 5, NULL, flags, tok, ntok, start, end);
}

/* What the observer sees of field 5 when listing rowid has labels. */
static void
add_labels(struct postings_build *pb, uint32_t rowid, const char *labels,
           struct seen *s, uint32_t *ntokens)
{
	const char *fields[SK_FIELD_COUNT] = { "Naam", NULL, NULL, NULL, NULL,
	    labels };

	memset(s, 0, sizeof(*s));
	s->field = 5;
	postings_build_observe(pb, observe, s);
	cr_assert_eq(postings_build_add(pb, rowid, fields, ntokens), 0);
}

Test(piece_memo, replayed_labels_equal_tokenizing_the_whole_field)
{
	static const char *const labels[] = {
		"Ontmoeting ; Samen koffie drinken, praten ; Ouderen ; "
		    "Mensen van 65 jaar en ouder",
		/* the same pieces in another order, one new, one repeated */
		"Ouderen ; Mensen van 65 jaar en ouder ; Mantelzorg ; "
		    "Zorgen voor een naaste, respijt-zorg en de auto's ; Ouderen",
		/* hyphen groups, apostrophes and stop words inside pieces */
		"Mantelzorg ; Zorgen voor een naaste, respijt-zorg en de auto's",
		"",
		" ; ",
		"Één ; de het een",
	};
	struct postings_build *pb;
	struct nl_tokenizer *tok = nl_tokenizer_new();
	uint32_t rowid = 1;

	cr_assert_eq(postings_build_new(&pb), 0);
	cr_assert_not_null(tok);
	for (int round = 0; round < 2; round++)
		for (size_t i = 0; i < sizeof(labels) / sizeof(labels[0]); i++) {
			struct seen got, want = { .field = 5 };
			uint32_t n_got, n_naam;
			const char *only_naam[SK_FIELD_COUNT] = { "Naam" };

			add_labels(pb, rowid++, labels[i], &got, &n_got);
			cr_assert_eq(nl_tokenizer_run(tok, labels[i], -1,
			    reference_token, &want), 0);
			cr_assert_str_eq(got.buf, want.buf, "round %d, %s", round,
			    labels[i]);
			/* the length counts the same tokens */
			postings_build_observe(pb, NULL, NULL);
			cr_assert_eq(postings_build_add(pb, rowid++, only_naam,
			    &n_naam), 0);
			cr_assert_eq(n_got, n_naam + want.tokens, "%s", labels[i]);
		}
	postings_build_free(pb);
	nl_tokenizer_free(tok);
}

Test(piece_memo, finds_what_it_recorded_and_forgets_a_dropped_piece)
{
	struct piece_memo *m = piece_memo_new();
	const struct piece_tok *t;
	uint32_t n = 99;

	cr_assert_not_null(m);
	cr_assert_not(piece_memo_find(m, "koffie", 6, &t, &n));
	cr_assert_eq(piece_memo_begin(m, "koffie thee", 11), 1);
	cr_assert_eq(piece_memo_add(m, 0, "koffie", 6, 0, 6, 7), 0);
	cr_assert_eq(piece_memo_add(m, 2, "thee", 4, 7, 11, PIECE_NO_TERM), 0);
	cr_assert_eq(piece_memo_end(m), 0);
	cr_assert(piece_memo_find(m, "koffie thee", 11, &t, &n));
	cr_assert_eq(n, 2);
	cr_assert_eq(t[0].term, 7);
	cr_assert_eq(memcmp(piece_memo_tok(m, &t[1]), "thee", 4), 0);
	cr_assert_eq(t[1].start, 7);
	cr_assert_eq(t[1].end, 11);
	cr_assert_eq(t[1].flags, 2);
	cr_assert_not(piece_memo_find(m, "koffie", 6, &t, &n), "a prefix is no piece");

	cr_assert_eq(piece_memo_begin(m, "mislukt", 7), 1);
	cr_assert_eq(piece_memo_add(m, 0, "mislukt", 7, 0, 7, 1), 0);
	piece_memo_drop(m);
	cr_assert_not(piece_memo_find(m, "mislukt", 7, &t, &n));
	/* an empty piece is a piece too, with no tokens */
	cr_assert_eq(piece_memo_begin(m, "", 0), 1);
	cr_assert_eq(piece_memo_end(m), 0);
	cr_assert(piece_memo_find(m, "", 0, &t, &n));
	cr_assert_eq(n, 0);
	piece_memo_free(m);
}

Test(piece_memo, stops_recording_when_full)
{
	struct piece_memo *m = piece_memo_new();
	const struct piece_tok *t;
	char piece[32];
	uint32_t n;
	char *big = malloc(PIECE_MEMO_MAX_TEXT + 2);

	cr_assert_not_null(m);
	cr_assert_not_null(big);
	memset(big, 'a', PIECE_MEMO_MAX_TEXT + 1);
	big[PIECE_MEMO_MAX_TEXT + 1] = '\0';
	cr_assert_eq(piece_memo_begin(m, big, PIECE_MEMO_MAX_TEXT + 1), 0,
	    "too long to keep");
	for (int i = 0; i < PIECE_MEMO_MAX; i++) {
		int len = snprintf(piece, sizeof(piece), "stuk %d", i);

		cr_assert_eq(piece_memo_begin(m, piece, (size_t)len), 1);
		cr_assert_eq(piece_memo_end(m), 0);
	}
	cr_assert_eq(piece_memo_begin(m, "nog een", 7), 0, "full");
	cr_assert(piece_memo_find(m, "stuk 0", 6, &t, &n));
	cr_assert(piece_memo_find(m, "stuk 2047", 9, &t, &n));
	cr_assert_not(piece_memo_find(m, "nog een", 7, &t, &n));
	free(big);
	piece_memo_free(m);
}
