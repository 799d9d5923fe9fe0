/*
 * fields.c - the spec's field table; see fields.h.
 */
#include "fields.h"

#include <string.h>

#define F(name, multi, required, max_chars) \
	{ name, sizeof(name) - 1, multi, required, max_chars }

/* The spec's table. A field added here goes into field_lookup()'s switch
 * too, at its place (test_fields.c fails until it is). */
static const struct field_def FIELDS[] = {
	F("id",                 0, 1, 64),
	F("naam",               0, 1, 200),
	F("samenvatting",       0, 0, 300),
	F("omschrijving",       0, 0, 20000),
	F("soort",              0, 1, 0),
	F("status",             0, 0, 0),
	F("organisatie",        0, 0, 0),
	F("thema",              1, 0, 0),
	F("doelgroep",          1, 0, 0),
	F("trefwoord",          1, 0, 0),
	F("gemeente",           0, 1, 0),
	F("wijk",               1, 0, 0),
	F("werkgebied",         1, 0, 0),
	F("adres",              0, 0, 0),
	F("postcode",           0, 0, 0),
	F("plaats",             0, 0, 0),
	F("lat",                0, 0, 0),
	F("lon",                0, 0, 0),
	F("tijden",             0, 0, 0),
	F("tijden-toelichting", 0, 0, 0),
	F("kosten",             0, 0, 0),
	F("kosten-toelichting", 0, 0, 0),
	F("toegang",            0, 0, 0),
	F("toegankelijkheid",   1, 0, 0),
	F("taal",               1, 0, 0),
	F("leeftijd-min",       0, 0, 0),
	F("leeftijd-max",       0, 0, 0),
	F("welzijn-op-recept",  0, 0, 0),
	F("wachttijd-dagen",    0, 0, 0),
	F("telefoon",           0, 0, 0),
	F("email",              0, 0, 0),
	F("website",            0, 0, 0),
	F("contactpersoon",     0, 0, 0),
	F("bijgewerkt",         0, 0, 0),
	F("gecontroleerd",      0, 0, 0),
};

const struct field_def *
field_lookup(const char *name)
{
	/* Called for every field of every record, several times: the
	 * candidates are picked by length, then compared. The numbers are
	 * places in FIELDS; test_fields.c checks that every entry of FIELDS
	 * is found here, at its place, and nothing else. */
	size_t n = strlen(name);
	int i;

	switch (n) {
	case 2:
		if (memcmp(name, "id", 2) == 0) {
			i = 0;
		} else {
			return NULL;
		}
		break;
	case 3:
		if (memcmp(name, "lat", 3) == 0) {
			i = 16;
		} else if (memcmp(name, "lon", 3) == 0) {
			i = 17;
		} else {
			return NULL;
		}
		break;
	case 4:
		if (memcmp(name, "naam", 4) == 0) {
			i = 1;
		} else if (memcmp(name, "wijk", 4) == 0) {
			i = 11;
		} else if (memcmp(name, "taal", 4) == 0) {
			i = 24;
		} else {
			return NULL;
		}
		break;
	case 5:
		if (memcmp(name, "soort", 5) == 0) {
			i = 4;
		} else if (memcmp(name, "thema", 5) == 0) {
			i = 7;
		} else if (memcmp(name, "adres", 5) == 0) {
			i = 13;
		} else if (memcmp(name, "email", 5) == 0) {
			i = 30;
		} else {
			return NULL;
		}
		break;
	case 6:
		if (memcmp(name, "status", 6) == 0) {
			i = 5;
		} else if (memcmp(name, "plaats", 6) == 0) {
			i = 15;
		} else if (memcmp(name, "tijden", 6) == 0) {
			i = 18;
		} else if (memcmp(name, "kosten", 6) == 0) {
			i = 20;
		} else {
			return NULL;
		}
		break;
	case 7:
		if (memcmp(name, "toegang", 7) == 0) {
			i = 22;
		} else if (memcmp(name, "website", 7) == 0) {
			i = 31;
		} else {
			return NULL;
		}
		break;
	case 8:
		if (memcmp(name, "gemeente", 8) == 0) {
			i = 10;
		} else if (memcmp(name, "postcode", 8) == 0) {
			i = 14;
		} else if (memcmp(name, "telefoon", 8) == 0) {
			i = 29;
		} else {
			return NULL;
		}
		break;
	case 9:
		if (memcmp(name, "doelgroep", 9) == 0) {
			i = 8;
		} else if (memcmp(name, "trefwoord", 9) == 0) {
			i = 9;
		} else {
			return NULL;
		}
		break;
	case 10:
		if (memcmp(name, "werkgebied", 10) == 0) {
			i = 12;
		} else if (memcmp(name, "bijgewerkt", 10) == 0) {
			i = 33;
		} else {
			return NULL;
		}
		break;
	case 11:
		if (memcmp(name, "organisatie", 11) == 0) {
			i = 6;
		} else {
			return NULL;
		}
		break;
	case 12:
		if (memcmp(name, "samenvatting", 12) == 0) {
			i = 2;
		} else if (memcmp(name, "omschrijving", 12) == 0) {
			i = 3;
		} else if (memcmp(name, "leeftijd-min", 12) == 0) {
			i = 25;
		} else if (memcmp(name, "leeftijd-max", 12) == 0) {
			i = 26;
		} else {
			return NULL;
		}
		break;
	case 13:
		if (memcmp(name, "gecontroleerd", 13) == 0) {
			i = 34;
		} else {
			return NULL;
		}
		break;
	case 14:
		if (memcmp(name, "contactpersoon", 14) == 0) {
			i = 32;
		} else {
			return NULL;
		}
		break;
	case 15:
		if (memcmp(name, "wachttijd-dagen", 15) == 0) {
			i = 28;
		} else {
			return NULL;
		}
		break;
	case 16:
		if (memcmp(name, "toegankelijkheid", 16) == 0) {
			i = 23;
		} else {
			return NULL;
		}
		break;
	case 17:
		if (memcmp(name, "welzijn-op-recept", 17) == 0) {
			i = 27;
		} else {
			return NULL;
		}
		break;
	case 18:
		if (memcmp(name, "tijden-toelichting", 18) == 0) {
			i = 19;
		} else if (memcmp(name, "kosten-toelichting", 18) == 0) {
			i = 21;
		} else {
			return NULL;
		}
		break;
	default:
		return NULL;
	}
	return &FIELDS[i];
}

const struct field_def *
field_all(size_t *n)
{
	*n = sizeof(FIELDS) / sizeof(FIELDS[0]);
	return FIELDS;
}
