/*
 * listing.c - strlist helpers and listing init/free; see listing.h. A
 * listing owns every string and array it points to (file excepted).
 */
#include "listing.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int
strlist_add(struct strlist *l, const char *s)
{
	char *copy;

	if (l->n == l->cap) {
		size_t ncap = l->cap ? l->cap * 2 : 4;
		char **nv;

		if (ncap > SIZE_MAX / sizeof(*nv))
			return -1;
		nv = realloc(l->v, ncap * sizeof(*nv));
		if (nv == NULL)
			return -1;
		l->v = nv;
		l->cap = ncap;
	}
	copy = strdup(s);
	if (copy == NULL)
		return -1;
	l->v[l->n++] = copy;
	return 0;
}

int
strlist_contains(const struct strlist *l, const char *s)
{
	for (size_t i = 0; i < l->n; i++)
		if (strcmp(l->v[i], s) == 0)
			return 1;
	return 0;
}

void
strlist_free(struct strlist *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	l->v = NULL;
	l->n = l->cap = 0;
}

void
listing_init(struct listing *l)
{
	memset(l, 0, sizeof(*l));
	l->leeftijd_min = -1;
	l->leeftijd_max = -1;
	l->wachttijd_dagen = -1;
}

void
listing_free(struct listing *l)
{
	char **texts[] = {
		&l->id, &l->naam, &l->samenvatting, &l->omschrijving, &l->soort,
		&l->status, &l->organisatie, &l->gemeente, &l->adres,
		&l->postcode, &l->plaats, &l->tijden, &l->tijden_toelichting,
		&l->kosten, &l->kosten_toelichting, &l->toegang, &l->telefoon,
		&l->email, &l->website, &l->contactpersoon, &l->bijgewerkt,
		&l->gecontroleerd,
	};

	for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++)
		free(*texts[i]);
	strlist_free(&l->themas);
	strlist_free(&l->doelgroepen);
	strlist_free(&l->trefwoorden);
	strlist_free(&l->werkgebied);
	strlist_free(&l->toegankelijkheid);
	strlist_free(&l->talen);
	for (size_t i = 0; i < l->nwijken; i++) {
		free(l->wijken[i].code);
		free(l->wijken[i].naam);
	}
	free(l->wijken);
	free(l->slots);
	listing_init(l);
}
