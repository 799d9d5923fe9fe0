/*
 * xml_reader.h - reads an XML export (aanbod-formaat.md, section "XML")
 * and turns each <aanbod> into a struct raw_record.
 *
 * The file is streamed with the libxml2 xmlTextReader: memory does not
 * grow with the file, only with the longest field (capped below). The
 * encoding is taken from the XML declaration (UTF-8, or ISO-8859-1 /
 * windows-1252, both read as windows-1252); a UTF-8 BOM wins over the
 * declaration. Hostile input is refused: a DTD, an entity other than the
 * five predefined ones, XInclude, or XML that is not well-formed rejects
 * the whole file.
 *
 * Messages: the reader itself reports unknown elements (diag_warn) and
 * rejected files (diag_reject). A record that breaks a reader limit is
 * not reported here: it is passed to the callback with rec->error set,
 * and the callback skips and reports it. The reader does not touch
 * d->read, d->imported or d->skipped.
 *
 * Ownership: the raw_record passed to the callback, its strings and
 * rec->error belong to the reader and are only valid during the call.
 */
#ifndef SK_XML_READER_H
#define SK_XML_READER_H

#include <stddef.h>

#include "diag.h"
#include "record.h"

/* Limits against hostile input, on top of libxml2's own defaults (depth
 * 256, 10 MB per text node, no XML_PARSE_HUGE). A record over a limit
 * gets rec->error and reading goes on with the next record. */
#define XML_MAX_VALUE_BYTES (1024 * 1024)  /* one field value */
#define XML_MAX_CHILDREN    1000           /* child elements of one <aanbod> */

/* Reads one XML export at path and calls cb once per <aanbod>, good or
 * broken. Returns 0 when the file was read, -1 when the file is rejected
 * whole (already reported with diag_reject; the caller publishes
 * nothing), -2 when cb returned -1 (stop at once). Records passed to cb
 * before a rejection are not to be published either. */
int xml_read_file(const char *path, struct diag *d, record_cb cb, void *ctx);

/* Same, on a buffer in memory (for tests and fuzzing); name is used in
 * messages and as rec->file. */
int xml_read_mem(const char *name, const char *buf, size_t len,
                 struct diag *d, record_cb cb, void *ctx);

/* Call once at program start, before any other thread exists: installs
 * a deny-all external entity loader and silences libxml2's global error
 * output (each reader collects its own errors). */
void xml_reader_init(void);

#endif
