/*
 * record.c - raw_record helpers; see record.h for ownership.
 */
#include "record.h"

#include <stdlib.h>
#include <string.h>

/* The strings of a record live in blocks: most records fit in one, which
 * raw_record_clear() keeps for the next record. */
#define RAW_BLOCK_SIZE 16384

struct raw_block {
	struct raw_block *next;
	size_t len, cap;
	char data[];
};

/* A NUL-ended copy of s[0..n) in r's blocks, or NULL on ENOMEM. */
static char *
dup_n(struct raw_record *r, const char *s, size_t n)
{
	struct raw_block *b = r->blocks;
	char *p;

	if (b == NULL || b->cap - b->len < n + 1) {
		size_t cap = n + 1 > RAW_BLOCK_SIZE ? n + 1 : RAW_BLOCK_SIZE;

		if ((b = malloc(sizeof(*b) + cap)) == NULL)
			return NULL;
		b->len = 0;
		b->cap = cap;
		b->next = r->blocks;
		r->blocks = b;
	}
	p = b->data + b->len;
	memcpy(p, s, n);
	p[n] = '\0';
	b->len += n + 1;
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
	f->name = dup_n(r, name, strlen(name));
	f->value = dup_n(r, value, nbytes);
	f->line = line;
	if (f->name == NULL || f->value == NULL)
		return -1;             /* the blocks go with the record */
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
	char *p = dup_n(r, id, strlen(id));

	if (p == NULL)
		return -1;
	r->id = p;
	return 0;
}

void
raw_record_clear(struct raw_record *r)
{
	struct raw_block *b, *next, *keep = NULL;

	/* one block of the usual size stays, emptied; blocks made for one
	 * long value and the rest go */
	for (b = r->blocks; b != NULL; b = next) {
		next = b->next;
		if (keep == NULL && b->cap == RAW_BLOCK_SIZE)
			keep = b;
		else
			free(b);
	}
	if (keep != NULL) {
		keep->next = NULL;
		keep->len = 0;
	}
	r->blocks = keep;
	r->nfields = 0;
	r->id = NULL;
	r->line = 0;
	r->error = NULL;
}

void
raw_record_free(struct raw_record *r)
{
	raw_record_clear(r);
	free(r->fields);
	free(r->blocks);
	r->fields = NULL;
	r->blocks = NULL;
	r->cap = 0;
}
