/*
 * value_pack.h - a listing's multi-valued fields and time slots as the
 * columns of its aanbod row (one row per listing instead of a row per
 * value: those inserts were 10-15 % of the indexer's time).
 *
 *   themas doelgroepen wijken werkgebied toegankelijkheid talen
 *               the codes joined by one space, in the order given; NULL
 *               when there are none. Codes never hold white space (the
 *               listing's checks allow only vocabulary codes, WK/GM codes
 *               and ISO 639 codes), so splitting on spaces gives them back.
 *   trefwoord_lijst
 *               the keywords as a JSON array (free text: any character);
 *               NULL when there are none
 *   tijdsloten  [[2,1020,1170,1]]  per slot: dag (1 = maandag), start and
 *               end in minutes after midnight, frequentie (1, 2 or 4);
 *               NULL when tijden has no parsed slots
 *
 * Ownership: the struct owns its strings; packed_values_free() frees them.
 */
#ifndef SK_VALUE_PACK_H
#define SK_VALUE_PACK_H

#include "listing.h"

enum packed_codes {
	PACK_THEMAS, PACK_DOELGROEPEN, PACK_WIJKEN, PACK_WERKGEBIED,
	PACK_TOEGANKELIJKHEID, PACK_TALEN, PACK_NCODES
};

struct packed_values {
	char *codes[PACK_NCODES];   /* in enum packed_codes order */
	char *trefwoorden;          /* trefwoord_lijst */
	char *tijdsloten;
};

/* Fills p (every member may be NULL: nothing to store). Returns 0, or -1
 * when out of memory or a code holds white space (p is then empty). */
int value_pack(const struct listing *l, struct packed_values *p);
void packed_values_free(struct packed_values *p);

#endif
