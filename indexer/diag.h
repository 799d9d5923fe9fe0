/*
 * diag.h - the indexer's messages to editors and scripts, and the run's
 * counters.
 *
 * Every message goes to one stream (stderr by default) in the forms the
 * spec fixes:
 *   FILE:LINE: id=ID: reason                 a skipped listing
 *   FILE:LINE: id=ID: warning: reason        a warning on a listing
 *   FILE:LINE: warning: reason               a warning on the file
 *   FILE:LINE: error: reason                 a rejected file
 * Reasons are Dutch (B1). When the id is unknown, "id=?" is written.
 * Control characters in ids and reasons are written as a space (tab,
 * line breaks) or "?", so that every message is one line.
 * The counters feed the closing line "read N, imported N, skipped N,
 * warnings N". diag owns nothing on the heap.
 */
#ifndef SK_DIAG_H
#define SK_DIAG_H

#include <stdio.h>

struct diag {
	FILE *out;          /* where messages go; stderr when NULL */
	long read;          /* listings read (good and bad) */
	long imported;      /* listings written to the new index */
	long skipped;       /* listings skipped */
	long warnings;      /* warnings on listings and files */
	long rejected;      /* files rejected whole */
};

/* A listing is skipped: counts it and prints FILE:LINE: id=ID: reason. */
void diag_skip(struct diag *d, const char *file, long line, const char *id,
               const char *fmt, ...) __attribute__((format(printf, 5, 6)));
/* A warning on a listing (id != NULL) or on a file (id == NULL). */
void diag_warn(struct diag *d, const char *file, long line, const char *id,
               const char *fmt, ...) __attribute__((format(printf, 5, 6)));
/* A file is rejected whole: counts it and prints FILE:LINE: error: reason.
 * line 0 means the whole file (printed as FILE: error: reason). */
void diag_reject(struct diag *d, const char *file, long line,
                 const char *fmt, ...) __attribute__((format(printf, 4, 5)));

#endif
