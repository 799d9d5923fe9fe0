/*
 * fields.c - the spec's field table; see fields.h.
 */
#include "fields.h"

#include <string.h>

static const struct field_def FIELDS[] = {
	{ "id",                 0, 1, 64 },
	{ "naam",               0, 1, 200 },
	{ "samenvatting",       0, 0, 300 },
	{ "omschrijving",       0, 0, 20000 },
	{ "soort",              0, 1, 0 },
	{ "status",             0, 0, 0 },
	{ "organisatie",        0, 0, 0 },
	{ "thema",              1, 0, 0 },
	{ "doelgroep",          1, 0, 0 },
	{ "trefwoord",          1, 0, 0 },
	{ "gemeente",           0, 1, 0 },
	{ "wijk",               1, 0, 0 },
	{ "werkgebied",         1, 0, 0 },
	{ "adres",              0, 0, 0 },
	{ "postcode",           0, 0, 0 },
	{ "plaats",             0, 0, 0 },
	{ "lat",                0, 0, 0 },
	{ "lon",                0, 0, 0 },
	{ "tijden",             0, 0, 0 },
	{ "tijden-toelichting", 0, 0, 0 },
	{ "kosten",             0, 0, 0 },
	{ "kosten-toelichting", 0, 0, 0 },
	{ "toegang",            0, 0, 0 },
	{ "toegankelijkheid",   1, 0, 0 },
	{ "taal",               1, 0, 0 },
	{ "leeftijd-min",       0, 0, 0 },
	{ "leeftijd-max",       0, 0, 0 },
	{ "welzijn-op-recept",  0, 0, 0 },
	{ "wachttijd-dagen",    0, 0, 0 },
	{ "telefoon",           0, 0, 0 },
	{ "email",              0, 0, 0 },
	{ "website",            0, 0, 0 },
	{ "contactpersoon",     0, 0, 0 },
	{ "bijgewerkt",         0, 0, 0 },
	{ "gecontroleerd",      0, 0, 0 },
};

const struct field_def *
field_lookup(const char *name)
{
	/* called for every field of every record: compare the first byte
	 * before calling strcmp */
	for (size_t i = 0; i < sizeof(FIELDS) / sizeof(FIELDS[0]); i++)
		if (FIELDS[i].name[0] == name[0] &&
		    strcmp(FIELDS[i].name, name) == 0)
			return &FIELDS[i];
	return NULL;
}

const struct field_def *
field_all(size_t *n)
{
	*n = sizeof(FIELDS) / sizeof(FIELDS[0]);
	return FIELDS;
}
