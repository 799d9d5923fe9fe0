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

/* One code after another, or a failure when a code is empty or holds
 * white space (the column could not be split back). */
static void
put_code(struct sbuf *b, const char *code, int *failed)
{
	if (code[0] == '\0' || code[strcspn(code, " \t\n\r")] != '\0') {
		*failed = 1;
		return;
	}
	if (b->len > 0)
		sbuf_putn(b, " ", 1);
	sbuf_put(b, code);
}

static char *
join_codes(char *const *v, size_t n, int *failed)
{
	struct sbuf b = { 0 };

	if (n == 0)
		return NULL;
	for (size_t i = 0; i < n; i++)
		put_code(&b, v[i], failed);
	if (*failed) {
		sbuf_free(&b);
		return NULL;
	}
	return take(&b, failed);
}

/* The wijk codes are in struct wijk_ref, not a strlist. */
static char *
join_wijken(const struct listing *l, int *failed)
{
	struct sbuf b = { 0 };

	if (l->nwijken == 0)
		return NULL;
	for (size_t i = 0; i < l->nwijken; i++)
		put_code(&b, l->wijken[i].code, failed);
	if (*failed) {
		sbuf_free(&b);
		return NULL;
	}
	return take(&b, failed);
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

	memset(p, 0, sizeof(*p));
	p->codes[PACK_THEMAS] = join_codes(l->themas.v, l->themas.n, &failed);
	p->codes[PACK_DOELGROEPEN] = join_codes(l->doelgroepen.v,
	    l->doelgroepen.n, &failed);
	p->codes[PACK_WIJKEN] = join_wijken(l, &failed);
	p->codes[PACK_WERKGEBIED] = join_codes(l->werkgebied.v,
	    l->werkgebied.n, &failed);
	p->codes[PACK_TOEGANKELIJKHEID] = join_codes(l->toegankelijkheid.v,
	    l->toegankelijkheid.n, &failed);
	p->codes[PACK_TALEN] = join_codes(l->talen.v, l->talen.n, &failed);
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
