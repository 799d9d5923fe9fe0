/*
 * store.h - the index searchd serves, and switching to a new one.
 *
 * The index PATH is a link to an immutable generation file (see
 * indexer/publish.h). A struct gen is one opened generation: its in-memory
 * model, its metadata and a small pool of read-only SQLite connections.
 * The store holds the current gen; a watcher thread checks PATH every
 * 250 ms (or at once after store_request_reload()) and, when it points to
 * a new file, loads that completely before swapping it in (the query
 * expansion data on a second thread and connection while the model
 * loads; the word list, the same for every gen, is loaded once). Requests take
 * a reference with store_acquire() and give it back with store_release(),
 * so a gen is freed only after its last request, and a request in flight
 * never sees the switch. A new file that fails to load (wrong schema
 * version, corrupt) is logged and the old gen stays.
 */
#ifndef SK_STORE_H
#define SK_STORE_H

#include <pthread.h>

#include <sqlite3.h>

#include "expand.h"
#include "model.h"
#include "nl_tokenizer.h"
#include "score.h"
#include "suggest.h"

/* One read-only connection with its prepared statements. */
struct conn {
	sqlite3 *db;
	struct score_ctx *score; /* postings and their scratch (score.h) */
	sqlite3_stmt *row;       /* summary fields by rowid */
	sqlite3_stmt *by_id;     /* every field by id */
	sqlite3_stmt *values;    /* multi-value columns by rowid */
	sqlite3_stmt *slots;     /* aanbod.tijdsloten by rowid, as rows */
	int in_use;
	long long deadline_ns;     /* CLOCK_MONOTONIC; 0 = no budget */
	int interrupted;           /* set when the budget ran out */
	float *acc;                /* search scratch: score per listing */
	uint32_t *stamp;           /* acc[i] is valid when stamp[i] == cur_stamp */
	uint16_t *exact;           /* typed words matched as typed (bit per word) */
	uint16_t *partial;         /* typed words matched by an expansion */
	uint32_t acc_n, cur_stamp;
	struct nl_tokenizer *tok;  /* for query expansion */
};

struct gen {
	char *file;              /* generation file path */
	char *built_at;          /* meta built_at */
	struct model model;
	struct expand_index *expand;  /* query expansion (expand.h) */
	struct suggest_index suggest;
	pthread_mutex_t pool_mu;
	struct conn *pool;
	int npool, pool_cap;
	int refs;                /* guarded by the store's mutex */
};

struct store {
	char *index_path;
	pthread_mutex_t mu;
	struct gen *current;
	char *current_target;    /* what PATH pointed at when loaded */
	char *failed_target;     /* last target that failed to load */
	struct expand_words *words;  /* the word list, shared by every gen */
	pthread_t watcher;
	int watcher_running;
	int stop;                /* guarded by mu */
	int reload_requested;    /* guarded by mu */
};

/* Opens PATH and loads the current generation. Returns 0, or -1 with err. */
int store_open(struct store *s, const char *index_path, char *err,
               size_t errlen);
/* Starts the watcher thread. */
int store_start_watcher(struct store *s);
/* Asks the watcher to check PATH now (SIGHUP). */
void store_request_reload(struct store *s);
/* Stops the watcher and frees everything (all requests must be done). */
void store_close(struct store *s);

struct gen *store_acquire(struct store *s);
void store_release(struct store *s, struct gen *g);

/* A free connection of g (opened on demand), or NULL. */
struct conn *gen_conn_get(struct gen *g);
/* Frees c's search scratch (acc, stamp, exact, partial); the next search
 * on c allocates it again (search.c). */
void conn_scratch_free(struct conn *c);
/* Gives the next statements on c a time budget (0 = none). */
void conn_set_budget(struct conn *c, unsigned ms);
void gen_conn_put(struct gen *g, struct conn *c);

#endif
