/*
 * csv_reader.h - reads a CSV export (aanbod-formaat.md, section "CSV")
 * and turns each data row into a struct raw_record.
 *
 * The dialect: RFC 4180 with a header row; delimiter ';' or ',' taken
 * from the header (or from an Excel "sep=;" first line); records end in
 * CRLF, LF or CR; UTF-8 with or without BOM, and a record that is not
 * valid UTF-8 is read as windows-1252. The file is streamed: memory does
 * not grow with the file, only with the longest record (capped below).
 *
 * Messages: the reader itself reports only file warnings (unknown or
 * duplicate header columns, diag_warn with id NULL) and rejected files
 * (diag_reject). A broken row is not reported here: it is passed to the
 * callback with rec->error set, and the callback skips and reports it.
 * The reader does not touch d->read, d->imported or d->skipped.
 *
 * Ownership: the raw_record passed to the callback, its strings and
 * rec->error belong to the reader and are only valid during the call.
 */
#ifndef SK_CSV_READER_H
#define SK_CSV_READER_H

#include <stddef.h>

#include "diag.h"
#include "record.h"

/* Limits against hostile input. A row over a limit gets rec->error and
 * reading goes on at the next record; a header over a limit rejects the
 * file. */
#define CSV_MAX_FIELD_BYTES  (1024 * 1024)       /* one field */
#define CSV_MAX_RECORD_BYTES (4 * 1024 * 1024)   /* all fields of one row */
#define CSV_MAX_COLUMNS      256                 /* columns in the header */

/* Reads one CSV export at path and calls cb once for every data row, good
 * or broken. Returns 0 when the file was read (broken rows were passed
 * with rec->error set), -1 when the file is rejected whole (already
 * reported with diag_reject; the caller publishes nothing), -2 when cb
 * returned -1 (stop at once). */
int csv_read_file(const char *path, struct diag *d, record_cb cb, void *ctx);

/* Same, on a buffer in memory (for tests and fuzzing); name is used in
 * messages and as rec->file. */
int csv_read_mem(const char *name, const char *buf, size_t len,
                 struct diag *d, record_cb cb, void *ctx);

#endif
