/*
 * record.c - raw_record helpers; see record.h for ownership.
 */
#include "record.h"

#include <stdlib.h>
#include <string.h>

static char *
dup_n(const char *s, size_t n)
{
	char *p = malloc(n + 1);

	if (p == NULL)
		return NULL;
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

int
raw_record_addn(struct raw_record *r, const char *name, const char *value,
                size_t nbytes, long line)
{
	struct raw_field *f;

	if (r->nfields == r->cap) {
		size_t ncap = r->cap ? r->cap * 2 : 16;
		struct raw_field *nf = realloc(r->fields, ncap * sizeof(*nf));
		if (nf == NULL)
			return -1;
		r->fields = nf;
		r->cap = ncap;
	}
	f = &r->fields[r->nfields];
	f->name = dup_n(name, strlen(name));
	f->value = dup_n(value, nbytes);
	f->line = line;
	if (f->name == NULL || f->value == NULL) {
		free(f->name);
		free(f->value);
		return -1;
	}
	r->nfields++;
	return 0;
}

int
raw_record_add(struct raw_record *r, const char *name, const char *value,
               long line)
{
	return raw_record_addn(r, name, value, strlen(value), line);
}

int
raw_record_set_id(struct raw_record *r, const char *id)
{
	char *p = dup_n(id, strlen(id));

	if (p == NULL)
		return -1;
	free(r->id);
	r->id = p;
	return 0;
}

void
raw_record_clear(struct raw_record *r)
{
	for (size_t i = 0; i < r->nfields; i++) {
		free(r->fields[i].name);
		free(r->fields[i].value);
	}
	r->nfields = 0;
	free(r->id);
	r->id = NULL;
	r->line = 0;
	r->error = NULL;
}

void
raw_record_free(struct raw_record *r)
{
	raw_record_clear(r);
	free(r->fields);
	r->fields = NULL;
	r->cap = 0;
}
