/*
 * listing.h - one validated listing ("aanbod") in the data model of
 * ../shared/spec/aanbod-formaat.md (copied rules: README "Data format").
 *
 * A struct listing is made by listing_build() (indexer/listing_build.c)
 * from a raw_record, written to the index by indexer/index_writer.c, and
 * freed with listing_free(). It owns every string and array in it.
 * Optional text fields that were absent or empty are NULL.
 */
#ifndef SK_LISTING_H
#define SK_LISTING_H

#include <stddef.h>

struct strlist {
	char **v;
	size_t n, cap;
};

struct wijk_ref {
	char *code;   /* "WK034403", as given (kept as text) */
	char *naam;   /* "Overvecht"; may be NULL when only a code was given */
};

enum frequentie { FREQ_WEKELIJKS = 1, FREQ_2WEKELIJKS = 2, FREQ_MAANDELIJKS = 4 };

struct slot {
	int dag;        /* 1 = maandag ... 7 = zondag */
	int start_min;  /* minutes after midnight, 0..1439 */
	int eind_min;   /* > start_min */
	int freq;       /* enum frequentie */
};

struct listing {
	const char *file;       /* source file (not owned) */
	long line;              /* source line of the listing */

	char *id;               /* 1-64 chars [A-Za-z0-9._:-] */
	char *naam;             /* <= 200 chars */
	char *samenvatting;     /* <= 300 chars */
	char *omschrijving;     /* plain text (HTML reduced), <= 20000 chars */
	char *soort;            /* "formeel" | "informeel" | "inwonersinitiatief" */
	char *status;           /* "actief" | "gepauzeerd" | "beeindigd" */
	char *organisatie;

	struct strlist themas;      /* codes from themas.csv, no duplicates */
	struct strlist doelgroepen; /* codes from doelgroepen.csv, no duplicates */
	struct strlist trefwoorden; /* editor keywords + unknown thema/doelgroep values */

	char *gemeente;             /* CBS code "GM0307" */
	struct wijk_ref *wijken;
	size_t nwijken;
	struct strlist werkgebied;  /* GM codes ("regio" expanded); empty = gemeente only */

	char *adres, *postcode, *plaats;  /* postcode "1234 AB" when Dutch */
	int has_coords;
	double lat, lon;

	char *tijden;               /* as written */
	struct slot *slots;         /* parsed tijden; none when unparsable/empty */
	size_t nslots;
	char *tijden_toelichting;

	char *kosten;               /* gratis|vrijwillige-bijdrage|eigen-bijdrage|betaald */
	char *kosten_toelichting;
	char *toegang;              /* vrije-inloop|aanmelden|verwijzing|beschikking */
	struct strlist toegankelijkheid;
	struct strlist talen;       /* ISO 639 codes; {"nl"} when none given */

	int leeftijd_min, leeftijd_max;  /* -1 = not given */
	int welzijn_op_recept;           /* 0 or 1 */
	int wachttijd_dagen;             /* -1 = not given */

	char *telefoon, *email, *website, *contactpersoon;
	char *bijgewerkt, *gecontroleerd; /* "YYYY-MM-DD" */
};

/* strlist helpers. strlist_add copies s; returns 0 or -1 (ENOMEM). */
int strlist_add(struct strlist *l, const char *s);
int strlist_contains(const struct strlist *l, const char *s);
void strlist_free(struct strlist *l);

/* Sets every field to its "not given" value (NULL, -1, 0). */
void listing_init(struct listing *l);
/* Frees everything the listing owns and re-inits it. */
void listing_free(struct listing *l);

#endif
