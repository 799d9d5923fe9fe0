/*
 * fields.c - the spec's field table; see fields.h.
 */
#include "fields.h"

#include <string.h>

#define F(name, multi, required, max_chars) \
	{ name, sizeof(name) - 1, multi, required, max_chars }

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
	/* called several times for every field of every record: compare
	 * the length before the bytes */
	size_t n = strlen(name);

	for (size_t i = 0; i < sizeof(FIELDS) / sizeof(FIELDS[0]); i++)
		if (FIELDS[i].len == n && memcmp(FIELDS[i].name, name, n) == 0)
			return &FIELDS[i];
	return NULL;
}

const struct field_def *
field_all(size_t *n)
{
	*n = sizeof(FIELDS) / sizeof(FIELDS[0]);
	return FIELDS;
}
