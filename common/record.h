/*
 * record.h - a listing as read from an export, before validation.
 *
 * The XML reader (indexer/xml_reader.c) and the CSV reader
 * (indexer/csv_reader.c) both turn their input into raw records; the
 * listing builder (indexer/listing_build.c) validates a raw record and
 * turns it into a struct listing (common/listing.h).
 *
 * Ownership: a raw_record owns every string in it, in blocks of its own
 * (one allocation for the many short strings of a record, not one each).
 * The reader that fills it frees them with raw_record_clear() after the
 * callback returns; the callback must copy whatever it wants to keep.
 */
#ifndef SK_RECORD_H
#define SK_RECORD_H

#include <stddef.h>

struct raw_block;

struct raw_field {
	char *name;   /* field name as in the spec table, e.g. "thema"; or, for
	               * an unknown XML element, its name in angle brackets
	               * ("<foo>", value ""): the builder warns about it when
	               * the listing is imported */
	char *value;  /* UTF-8 text, XML entities already decoded; for an XML
	               * <wijk code="C">N</wijk> the value is "C=N" so both
	               * readers give wijk in the CSV form "CODE=Naam" */
	long line;    /* physical line where the field starts */
};

struct raw_record {
	const char *file;      /* path as given on the command line (not owned) */
	long line;             /* XML: line of the <aanbod start tag;
	                        * CSV: first physical line of the record */
	char *id;              /* id as read (XML attribute / CSV column), or NULL */
	int multi_joined;      /* 1 (CSV): a multi field holds several values
	                        * separated by '|'; 0 (XML): one value per field */
	int html_allowed;      /* 1 (XML): omschrijving may hold simple HTML */
	const char *error;     /* non-NULL when the reader itself found the record
	                        * broken (e.g. CSV field count); a static Dutch
	                        * message. The builder then skips the record. */
	struct raw_field *fields;
	size_t nfields, cap;
	struct raw_block *blocks;  /* the strings; newest block first */
};

/* Appends a field, copying name and value. Returns 0, or -1 on ENOMEM. */
int raw_record_add(struct raw_record *r, const char *name, const char *value,
                   long line);
/* Appends a field of which value is nbytes long (need not be NUL-ended). */
int raw_record_addn(struct raw_record *r, const char *name, const char *value,
                    size_t nbytes, long line);
/* Sets r->id to a copy of id. Returns 0 or -1. */
int raw_record_set_id(struct raw_record *r, const char *id);
/* Frees all strings and fields and resets the record for reuse
 * (file and multi_joined/html_allowed are kept). */
void raw_record_clear(struct raw_record *r);
/* raw_record_clear() plus freeing the field array itself. */
void raw_record_free(struct raw_record *r);

/* What a reader calls for each record it has read, broken ones included.
 * Returns 0 to go on, or -1 to stop the whole run (fatal error, already
 * reported). */
typedef int (*record_cb)(const struct raw_record *rec, void *ctx);

#endif
