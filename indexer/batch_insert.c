/*
 * batch_insert.c - multi-row INSERT statements; see batch_insert.h.
 */
#include "batch_insert.h"

#include <stdio.h>

/* Prepares head followed by nrows copies of row, comma-separated. */
static int
prepare_rows(sqlite3 *db, const char *head, const char *row, int nrows,
             sqlite3_stmt **st)
{
	char sql[128 + BATCH_INSERT_ROWS * 24];
	size_t len = (size_t)snprintf(sql, sizeof(sql), "%s", head);

	for (int i = 0; i < nrows && len < sizeof(sql); i++)
		len += (size_t)snprintf(sql + len, sizeof(sql) - len, "%s%s",
		    i > 0 ? "," : "", row);
	if (len >= sizeof(sql))
		return -1;
	return sqlite3_prepare_v2(db, sql, -1, st, NULL) == SQLITE_OK ? 0 : -1;
}

int
batch_step(sqlite3_stmt *st)
{
	int rc = sqlite3_step(st);

	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

int
batch_insert(sqlite3 *db, const char *head, const char *row, size_t nrows,
             batch_bind_fn bind, void *ctx)
{
	sqlite3_stmt *batch = NULL, *one = NULL;
	size_t k = 0;
	int rc = -1, nparams = 0;

	for (const char *q = row; *q != '\0'; q++)
		nparams += *q == '?';
	if (prepare_rows(db, head, row, BATCH_INSERT_ROWS, &batch) != 0 ||
	    prepare_rows(db, head, row, 1, &one) != 0)
		goto out;
	for (; nrows - k >= BATCH_INSERT_ROWS; k += BATCH_INSERT_ROWS) {
		for (int r = 0; r < BATCH_INSERT_ROWS; r++)
			bind(ctx, batch, 1 + r * nparams, k + (size_t)r);
		if (batch_step(batch) != 0)
			goto out;
	}
	for (; k < nrows; k++) {
		bind(ctx, one, 1, k);
		if (batch_step(one) != 0)
			goto out;
	}
	rc = 0;
out:
	sqlite3_finalize(batch);
	sqlite3_finalize(one);
	return rc;
}
