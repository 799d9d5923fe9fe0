/*
 * test_value_pack.c - the packed value columns of aanbod (value_pack.h):
 * their exact form, what an empty listing stores, that a code with a space
 * is refused, and that odd keyword text survives the round trip through
 * SQLite's json_each().
 */
#include <criterion/criterion.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

#include "index_format.h"
#include "listing.h"
#include "value_pack.h"

static void
add_wijk(struct listing *l, const char *code)
{
	l->wijken = realloc(l->wijken, (l->nwijken + 1) * sizeof(*l->wijken));
	cr_assert_not_null(l->wijken);
	l->wijken[l->nwijken].code = strdup(code);
	l->wijken[l->nwijken].naam = NULL;
	l->nwijken++;
}

static void
add_slot(struct listing *l, int dag, int start, int eind, int freq)
{
	l->slots = realloc(l->slots, (l->nslots + 1) * sizeof(*l->slots));
	cr_assert_not_null(l->slots);
	l->slots[l->nslots++] = (struct slot){ dag, start, eind, freq };
}

Test(value_pack, codes_joined_by_spaces_and_slots_as_json)
{
	struct listing l;
	struct packed_values p;

	listing_init(&l);
	strlist_add(&l.talen, "nl");
	strlist_add(&l.talen, "ar");
	add_wijk(&l, "WK034403");
	add_wijk(&l, "WK034405");
	strlist_add(&l.themas, "sport");
	strlist_add(&l.themas, "ontmoeting");
	strlist_add(&l.werkgebied, "GM0344");
	add_slot(&l, 2, 1020, 1170, 1);
	add_slot(&l, 6, 600, 720, 4);
	cr_assert_eq(value_pack(&l, &p), 0);
	cr_assert_str_eq(p.codes[PACK_THEMAS], "sport ontmoeting");
	cr_assert_null(p.codes[PACK_DOELGROEPEN]);
	cr_assert_str_eq(p.codes[PACK_WIJKEN], "WK034403 WK034405");
	cr_assert_str_eq(p.codes[PACK_WERKGEBIED], "GM0344");
	cr_assert_null(p.codes[PACK_TOEGANKELIJKHEID]);
	cr_assert_str_eq(p.codes[PACK_TALEN], "nl ar");
	cr_assert_null(p.trefwoorden);
	cr_assert_str_eq(p.tijdsloten, "[[2,1020,1170,1],[6,600,720,4]]");
	packed_values_free(&p);
	listing_free(&l);
}

Test(value_pack, nothing_to_store_gives_null)
{
	struct listing l;
	struct packed_values p;

	listing_init(&l);
	cr_assert_eq(value_pack(&l, &p), 0);
	for (int k = 0; k < PACK_NCODES; k++)
		cr_assert_null(p.codes[k]);
	cr_assert_null(p.trefwoorden);
	cr_assert_null(p.tijdsloten);
	listing_free(&l);
}

/* A code with white space could not be split back: refused, not stored. */
Test(value_pack, code_with_space_is_refused)
{
	struct listing l;
	struct packed_values p;

	listing_init(&l);
	strlist_add(&l.themas, "sport");
	strlist_add(&l.toegankelijkheid, "rol stoel");
	cr_assert_eq(value_pack(&l, &p), -1);
	for (int k = 0; k < PACK_NCODES; k++)
		cr_assert_null(p.codes[k]);
	listing_free(&l);
}

/* The keywords as SQLite reads them back, joined by '|'. */
static char *
read_back(const char *list)
{
	sqlite3 *db;
	sqlite3_stmt *st;
	char *out = calloc(1, 4096);

	cr_assert_eq(sqlite3_open(":memory:", &db), SQLITE_OK);
	cr_assert_eq(sqlite3_prepare_v2(db, "SELECT value FROM json_each(?1)",
	    -1, &st, NULL), SQLITE_OK);
	sqlite3_bind_text(st, 1, list, -1, SQLITE_STATIC);
	while (sqlite3_step(st) == SQLITE_ROW) {
		strcat(out, (const char *)sqlite3_column_text(st, 0));
		strcat(out, "|");
	}
	cr_assert_eq(sqlite3_finalize(st), SQLITE_OK);
	sqlite3_close(db);
	return out;
}

Test(value_pack, odd_keyword_text_round_trips)
{
	struct listing l;
	struct packed_values p;
	char *back;

	listing_init(&l);
	strlist_add(&l.trefwoorden, "\"quote\" \\ back");
	strlist_add(&l.trefwoorden, "café; \x01tab\t");
	cr_assert_eq(value_pack(&l, &p), 0);
	back = read_back(p.trefwoorden);
	cr_assert_str_eq(back, "\"quote\" \\ back|café; \x01tab\t|");
	free(back);
	packed_values_free(&p);
	listing_free(&l);
}

/* What the readers get back with sk_code_next(): the codes as given. */
Test(value_pack, codes_split_back_as_given)
{
	static const char *const wijken[] = { "WK034403", "WK0344A5", "WK1" };
	struct listing l;
	struct packed_values p;
	const char *s, *code;
	size_t n, k = 0;

	listing_init(&l);
	for (size_t i = 0; i < 3; i++)
		add_wijk(&l, wijken[i]);
	cr_assert_eq(value_pack(&l, &p), 0);
	s = p.codes[PACK_WIJKEN];
	while (sk_code_next(&s, &code, &n)) {
		cr_assert_lt(k, 3);
		cr_assert_eq(n, strlen(wijken[k]));
		cr_assert_eq(memcmp(code, wijken[k], n), 0);
		k++;
	}
	cr_assert_eq(k, 3);
	s = NULL;
	cr_assert_eq(sk_code_next(&s, &code, &n), 0);
	packed_values_free(&p);
	listing_free(&l);
}
