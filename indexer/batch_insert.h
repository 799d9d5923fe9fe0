/*
 * batch_insert.h - inserts many rows through multi-row INSERT statements.
 *
 * One statement of many rows keeps its B-tree cursor at the end of the
 * table between rows (SQLite's append path) and steps the VDBE once per
 * batch; one prepared INSERT per row paid a cursor open, a seek from the
 * root and a reset for every row (about a third of writing the term,
 * posting and woord tables at the end of an import).
 *
 * Ownership: nothing is kept; the caller's bind function binds values it
 * owns (SQLITE_STATIC is fine: each batch is stepped before the next bind).
 */
#ifndef SK_BATCH_INSERT_H
#define SK_BATCH_INSERT_H

#include <stddef.h>

#include <sqlite3.h>

/* Rows per statement. */
#define BATCH_INSERT_ROWS 64

/* Binds row `row` to the statement's parameters from `first` on, as many
 * as the row's placeholder group has. */
typedef void (*batch_bind_fn)(void *ctx, sqlite3_stmt *st, int first,
                              size_t row);

/* Inserts rows 0 .. nrows-1: head is "INSERT INTO t (a, b) VALUES ", row
 * the placeholder group, e.g. "(?,?)". Returns 0, or -1 with the error in
 * db. */
int batch_insert(sqlite3 *db, const char *head, const char *row,
                 size_t nrows, batch_bind_fn bind, void *ctx);

/* Runs a prepared INSERT (or any statement without rows) once, then
 * resets it and clears its bindings. Returns 0, or -1 with the error in
 * the statement's db. The indexer's single-row inserts use it too. */
int batch_step(sqlite3_stmt *st);

#endif
