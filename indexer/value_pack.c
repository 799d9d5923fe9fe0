/*
 * value_pack.c - the packed value columns of aanbod; see value_pack.h.
 */
#include "value_pack.h"

#include <stdlib.h>
#include <string.h>

#include "jsonw.h"
#include "sbuf.h"

/* The buffer's string (malloc'd), or NULL with *failed set when it failed. */
static char *
take(struct sbuf *b, int *failed)
{
	char *s = sbuf_take(b);

	if (s == NULL)
		*failed = 1;
	return s;
}

/* The n codes code(v, i) joined by one space (malloc'd, one allocation),
 * or NULL: none, out of memory, or a code that is empty or holds white
 * space (the column could not be split back; *failed set for both). */
static char *
join_codes(const void *v, size_t n, const char *(*code)(const void *, size_t),
           int *failed)
{
	size_t len = 0, k;
	char *s, *p;

	if (n == 0)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		const char *c = code(v, i);

		if ((k = strlen(c)) == 0 || c[strcspn(c, " \t\n\r")] != '\0') {
			*failed = 1;
			return NULL;
		}
		len += k + 1;
	}
	if ((p = s = malloc(len)) == NULL) {
		*failed = 1;
		return NULL;
	}
	for (size_t i = 0; i < n; i++) {
		const char *c = code(v, i);

		k = strlen(c);
		memcpy(p, c, k);
		p[k] = ' ';
		p += k + 1;
	}
	p[-1] = '\0';
	return s;
}

static const char *
strlist_code(const void *v, size_t i)
{
	return ((const struct strlist *)v)->v[i];
}

static const char *
wijk_code(const void *v, size_t i)
{
	return ((const struct wijk_ref *)v)[i].code;
}

static char *
keywords_json(const struct strlist *kw, int *failed)
{
	struct sbuf b = { 0 };
	struct jsonw w = { &b, 0 };

	if (kw->n == 0)
		return NULL;
	jw_begin_array(&w);
	for (size_t i = 0; i < kw->n; i++)
		jw_str(&w, kw->v[i]);
	jw_end_array(&w);
	return take(&b, failed);
}

static char *
slots_json(const struct listing *l, int *failed)
{
	struct sbuf b = { 0 };
	struct jsonw w = { &b, 0 };

	if (l->nslots == 0)
		return NULL;
	jw_begin_array(&w);
	for (size_t i = 0; i < l->nslots; i++) {
		jw_begin_array(&w);
		jw_int(&w, l->slots[i].dag);
		jw_int(&w, l->slots[i].start_min);
		jw_int(&w, l->slots[i].eind_min);
		jw_int(&w, l->slots[i].freq);
		jw_end_array(&w);
	}
	jw_end_array(&w);
	return take(&b, failed);
}

int
value_pack(const struct listing *l, struct packed_values *p)
{
	int failed = 0;
	const struct strlist *lists[PACK_NCODES] = {
		[PACK_THEMAS] = &l->themas,
		[PACK_DOELGROEPEN] = &l->doelgroepen,
		[PACK_WERKGEBIED] = &l->werkgebied,
		[PACK_TOEGANKELIJKHEID] = &l->toegankelijkheid,
		[PACK_TALEN] = &l->talen,
	};

	memset(p, 0, sizeof(*p));
	for (int k = 0; k < PACK_NCODES; k++)
		p->codes[k] = k == PACK_WIJKEN ?
		    join_codes(l->wijken, l->nwijken, wijk_code, &failed) :
		    join_codes(lists[k], lists[k]->n, strlist_code, &failed);
	p->trefwoorden = keywords_json(&l->trefwoorden, &failed);
	p->tijdsloten = slots_json(l, &failed);
	if (failed) {
		packed_values_free(p);
		return -1;
	}
	return 0;
}

void
packed_values_free(struct packed_values *p)
{
	for (int i = 0; i < PACK_NCODES; i++)
		free(p->codes[i]);
	free(p->trefwoorden);
	free(p->tijdsloten);
	memset(p, 0, sizeof(*p));
}
