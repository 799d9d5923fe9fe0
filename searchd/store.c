/*
 * store.c - generations, their connections, and the reload watcher;
 * see store.h.
 */
#include "store.h"

#include <malloc.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "index_format.h"
#include "assets.h"
#include "log.h"
#include "nl_tokenizer.h"

enum { POOL_MAX = 32, POOL_INIT = 8, WATCH_INTERVAL_MS = 250 };

static const char SQL_ROW[] =
    "SELECT id, naam, samenvatting, soort, organisatie, gemeente, plaats, "
    "tijden, kosten, toegang, welzijn_op_recept, gecontroleerd, "
    "omschrijving, trefwoorden "
    "FROM aanbod WHERE rowid = ?1";
static const char SQL_BY_ID[] =
    "SELECT rowid, id, naam, samenvatting, omschrijving, soort, status, "
    "organisatie, gemeente, adres, postcode, plaats, lat, lon, tijden, "
    "tijden_toelichting, kosten, kosten_toelichting, toegang, leeftijd_min, "
    "leeftijd_max, welzijn_op_recept, wachttijd_dagen, telefoon, email, "
    "website, contactpersoon, bijgewerkt, gecontroleerd "
    "FROM aanbod WHERE id = ?1";
/* The multi values (render_json.c splits them) and the time slots. */
static const char SQL_VALUES[] =
    "SELECT themas, doelgroepen, trefwoord_lijst, wijken, werkgebied, "
    "toegankelijkheid, talen FROM aanbod WHERE rowid = ?1";
static const char SQL_SLOTS[] =
    "SELECT s.value ->> 0, s.value ->> 1, s.value ->> 2, s.value ->> 3 "
    "FROM aanbod AS a, json_each(a.tijdsloten) AS s WHERE a.rowid = ?1";

/* Resolves what PATH points at now (malloc'd), following one link. */
static char *
resolve_target(const char *index_path)
{
	char buf[4096], *slash, *res = NULL;
	ssize_t n = readlink(index_path, buf, sizeof(buf) - 1);

	if (n < 0)
		return errno == EINVAL ? strdup(index_path) : NULL;
	buf[n] = '\0';
	if (buf[0] == '/' || (slash = strrchr(index_path, '/')) == NULL)
		return strdup(buf);
	if (asprintf(&res, "%.*s/%s", (int)(slash - index_path), index_path,
	    buf) < 0)
		return NULL;
	return res;
}

static int
open_ro(const char *file, sqlite3 **db)
{
	char *uri = sqlite3_mprintf("file:%s?mode=ro&immutable=1", file);
	int rc;

	/* Characters special in URIs must be escaped; plain paths are. */
	if (uri == NULL)
		return SQLITE_NOMEM;
	if (strpbrk(file, "?#%") != NULL) {
		sqlite3_free(uri);
		rc = sqlite3_open_v2(file, db, SQLITE_OPEN_READONLY |
		    SQLITE_OPEN_NOMUTEX, NULL);
	} else {
		rc = sqlite3_open_v2(uri, db, SQLITE_OPEN_READONLY |
		    SQLITE_OPEN_URI | SQLITE_OPEN_NOMUTEX, NULL);
		sqlite3_free(uri);
	}
	if (rc == SQLITE_OK)
		rc = nl_tokenizer_register(*db);
	if (rc == SQLITE_OK) {
		sqlite3_db_config(*db, SQLITE_DBCONFIG_DEFENSIVE, 1, NULL);
		sqlite3_db_config(*db, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, NULL);
		/* No memory map: pages read through it would count in
		 * searchd's resident memory (the postings of a broad query
		 * are megabytes at 250 000 listings); read() costs a few
		 * percent of a query instead. A small page cache: the pages a
		 * query needs are mostly read once. */
		sqlite3_exec(*db, "PRAGMA mmap_size = 0; PRAGMA cache_size = -512",
		    NULL, NULL, NULL);
	}
	return rc;
}

/* Reads one meta value (malloc'd) or NULL. */
static char *
read_meta(sqlite3 *db, const char *key)
{
	sqlite3_stmt *st = NULL;
	char *v = NULL;

	if (sqlite3_prepare_v2(db, "SELECT value FROM meta WHERE key = ?1", -1,
	    &st, NULL) != SQLITE_OK)
		return NULL;
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
		v = strdup((const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	return v;
}

/*
 * A damaged file must not be swapped in: PRAGMA quick_check reads every
 * page, and a probe MATCH reads the FTS5 structure. Returns 0 or -1.
 */
static int
check_pages(sqlite3 *db, char *err, size_t errlen)
{
	sqlite3_stmt *st = NULL;
	const char *v;
	int rc = -1;

	if (sqlite3_prepare_v2(db, "PRAGMA quick_check", -1, &st, NULL) !=
	    SQLITE_OK || sqlite3_step(st) != SQLITE_ROW ||
	    (v = (const char *)sqlite3_column_text(st, 0)) == NULL ||
	    strcmp(v, "ok") != 0) {
		snprintf(err, errlen, "index is beschadigd (quick_check: %s)",
		    st && sqlite3_column_text(st, 0) ? (const char *)
		    sqlite3_column_text(st, 0) : sqlite3_errmsg(db));
		goto out;
	}
	sqlite3_finalize(st);
	st = NULL;
	if (sqlite3_prepare_v2(db, "SELECT count(*) FROM aanbod_fts WHERE "
	    "aanbod_fts MATCH 'koffie OR hulp OR de'", -1, &st, NULL) !=
	    SQLITE_OK || sqlite3_step(st) != SQLITE_ROW) {
		snprintf(err, errlen, "index is beschadigd (zoekindex: %s)",
		    sqlite3_errmsg(db));
		goto out;
	}
	rc = 0;
out:
	sqlite3_finalize(st);
	return rc;
}

/* Checks schema version and tokenizer; returns 0 or -1 with err. */
static int
check_format(sqlite3 *db, char *err, size_t errlen)
{
	char *ver = read_meta(db, "schema_version");
	char *tok = read_meta(db, "tokenizer");
	char want[96];
	int rc = -1;

	if (index_format_tokenizer_id(want, sizeof(want)) != 0)
		want[0] = '\0';

	if (ver == NULL)
		snprintf(err, errlen, "geen Sociale Kaart-index (meta "
		    "schema_version ontbreekt)");
	else if (atoi(ver) != SK_SCHEMA_VERSION)
		snprintf(err, errlen, "index heeft schemaversie %s, dit programma "
		    "leest versie %d: maak de index opnieuw met bin/indexer", ver,
		    SK_SCHEMA_VERSION);
	else if (tok == NULL || strcmp(tok, want) != 0)
		snprintf(err, errlen, "index gebruikt tokenizer \"%s\", dit "
		    "programma \"%s\": maak de index opnieuw met bin/indexer",
		    tok ? tok : "?", want);
	else
		rc = 0;
	free(ver);
	free(tok);
	return rc;
}

void
conn_scratch_free(struct conn *c)
{
	free(c->acc);
	free(c->stamp);
	free(c->exact);
	free(c->partial);
	c->acc = NULL;
	c->stamp = NULL;
	c->exact = c->partial = NULL;
	c->acc_n = 0;
}

static void
conn_close(struct conn *c)
{
	score_ctx_free(c->score);
	sqlite3_finalize(c->row);
	sqlite3_finalize(c->by_id);
	sqlite3_finalize(c->values);
	sqlite3_finalize(c->slots);
	sqlite3_close(c->db);
	nl_tokenizer_free(c->tok);
	conn_scratch_free(c);
	memset(c, 0, sizeof(*c));
}

static long long
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* SQLite calls this every few thousand VM steps; non-zero interrupts. */
static int
on_progress(void *arg)
{
	struct conn *c = arg;

	if (c->deadline_ns != 0 && now_ns() > c->deadline_ns) {
		c->interrupted = 1;
		return 1;
	}
	return 0;
}

void
conn_set_budget(struct conn *c, unsigned ms)
{
	c->interrupted = 0;
	c->deadline_ns = ms ? now_ns() + (long long)ms * 1000000LL : 0;
}

static int
conn_open(struct conn *c, const struct gen *g)
{
	char err[256];

	memset(c, 0, sizeof(*c));
	if (open_ro(g->file, &c->db) != SQLITE_OK ||
	    (c->score = score_ctx_new(c->db, err, sizeof(err))) == NULL ||
	    sqlite3_prepare_v3(c->db, SQL_ROW, -1, SQLITE_PREPARE_PERSISTENT,
	    &c->row, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v3(c->db, SQL_BY_ID, -1, SQLITE_PREPARE_PERSISTENT,
	    &c->by_id, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v3(c->db, SQL_VALUES, -1, SQLITE_PREPARE_PERSISTENT,
	    &c->values, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v3(c->db, SQL_SLOTS, -1, SQLITE_PREPARE_PERSISTENT,
	    &c->slots, NULL) != SQLITE_OK ||
	    (c->tok = nl_tokenizer_new()) == NULL) {
		conn_close(c);
		return -1;
	}
	sqlite3_progress_handler(c->db, 1000, on_progress, c);
	return 0;
}

static void
gen_free(struct gen *g)
{
	if (g == NULL)
		return;
	for (int i = 0; i < g->npool; i++)
		conn_close(&g->pool[i]);
	free(g->pool);
	pthread_mutex_destroy(&g->pool_mu);
	suggest_free(&g->suggest);
	model_free(&g->model);
	expand_index_free(g->expand);
	free(g->file);
	free(g->built_at);
	free(g);
	/* A generation is some 100 MB at 250 000 listings, much of it small
	 * blocks spread over the heap: without this, ~35 MB of freed pages
	 * stayed resident after every switch. */
	malloc_trim(0);
}

/* The query expansion data of a generation, loaded on its own connection
 * and thread while the model loads: neither needs the other. */
struct expand_job {
	const char *file;
	const struct expand_words *words;
	struct expand_index *x;    /* the result, or NULL */
	char err[512];
};

static void *
expand_job_run(void *arg)
{
	struct expand_job *j = arg;
	sqlite3 *db = NULL;

	if (open_ro(j->file, &db) != SQLITE_OK)
		snprintf(j->err, sizeof(j->err), "kan %s niet openen: %s",
		    j->file, db ? sqlite3_errmsg(db) : "geen geheugen");
	else if (expand_index_load(&j->x, db, sk_synoniemen_txt, j->words,
	    j->err, sizeof(j->err)) != 0)
		j->x = NULL;
	sqlite3_close(db);
	return NULL;
}

/* Opens and fully loads the generation in file. NULL with err on error. */
static struct gen *
gen_load(const char *file, const struct expand_words *words, char *err,
         size_t errlen)
{
	struct gen *g = calloc(1, sizeof(*g));
	struct expand_job job = { file, words, NULL, "" };
	pthread_t expander;
	int expanding = 0;
	sqlite3 *db = NULL;

	if (g == NULL || (g->file = strdup(file)) == NULL) {
		snprintf(err, errlen, "geen geheugen");
		free(g);
		return NULL;
	}
	pthread_mutex_init(&g->pool_mu, NULL);
	if (open_ro(file, &db) != SQLITE_OK) {
		snprintf(err, errlen, "kan %s niet openen: %s", file,
		    db ? sqlite3_errmsg(db) : "geen geheugen");
		goto fail;
	}
	if (check_format(db, err, errlen) != 0 ||
	    check_pages(db, err, errlen) != 0)
		goto fail;
	if (pthread_create(&expander, NULL, expand_job_run, &job) == 0)
		expanding = 1;
	else
		expand_job_run(&job);   /* no thread: one after the other */
	if (model_load(&g->model, db, err, errlen) != 0)
		goto fail;
	/* the model's sort keys (~20 MB at 250 000 listings) are freed now:
	 * give their pages back before the next parts are built, or they
	 * count in the peak while a new generation loads beside the old */
	malloc_trim(0);
	if (suggest_load(&g->suggest, &g->model, db, err, errlen) != 0)
		goto fail;
	if (expanding) {
		pthread_join(expander, NULL);
		expanding = 0;
	}
	if ((g->expand = job.x) == NULL) {
		snprintf(err, errlen, "%s", job.err);
		goto fail;
	}
	job.x = NULL;
	g->built_at = read_meta(db, "built_at");
	sqlite3_close(db);
	db = NULL;
	/* One connection up front proves the statements prepare. */
	g->pool_cap = POOL_MAX;
	if ((g->pool = calloc(POOL_MAX, sizeof(*g->pool))) == NULL ||
	    conn_open(&g->pool[0], g) != 0) {
		snprintf(err, errlen, "kan zoekopdrachten op %s niet voorbereiden",
		    file);
		goto fail;
	}
	g->npool = 1;
	/* A few more now, so the pool keeps working even if the file is
	 * unlinked later (open connections keep it readable). */
	while (g->npool < POOL_INIT && conn_open(&g->pool[g->npool], g) == 0)
		g->npool++;
	return g;
fail:
	if (expanding)
		pthread_join(expander, NULL);
	expand_index_free(job.x);
	sqlite3_close(db);
	gen_free(g);
	return NULL;
}

struct conn *
gen_conn_get(struct gen *g)
{
	struct conn *c = NULL;

	pthread_mutex_lock(&g->pool_mu);
	for (int i = 0; i < g->npool && c == NULL; i++)
		if (!g->pool[i].in_use)
			c = &g->pool[i];
	if (c == NULL && g->npool < g->pool_cap &&
	    conn_open(&g->pool[g->npool], g) == 0)
		c = &g->pool[g->npool++];
	if (c != NULL)
		c->in_use = 1;
	pthread_mutex_unlock(&g->pool_mu);
	return c;
}

void
gen_conn_put(struct gen *g, struct conn *c)
{
	pthread_mutex_lock(&g->pool_mu);
	c->in_use = 0;
	pthread_mutex_unlock(&g->pool_mu);
}

struct gen *
store_acquire(struct store *s)
{
	struct gen *g;

	pthread_mutex_lock(&s->mu);
	g = s->current;
	g->refs++;
	pthread_mutex_unlock(&s->mu);
	return g;
}

void
store_release(struct store *s, struct gen *g)
{
	int last;

	pthread_mutex_lock(&s->mu);
	last = --g->refs == 0 && g != s->current;
	pthread_mutex_unlock(&s->mu);
	if (last)
		gen_free(g);
}

int
store_open(struct store *s, const char *index_path, char *err, size_t errlen)
{
	char *target;

	memset(s, 0, sizeof(*s));
	pthread_mutex_init(&s->mu, NULL);
	if ((s->index_path = strdup(index_path)) == NULL)
		goto nomem;
	if ((target = resolve_target(index_path)) == NULL) {
		snprintf(err, errlen, "index %s bestaat niet: maak hem eerst met "
		    "bin/indexer --index %s BESTAND...", index_path, index_path);
		return -1;
	}
	if (expand_words_load(&s->words, EXPAND_WORDLIST) != 0) {
		free(target);
		goto nomem;
	}
	s->current = gen_load(target, s->words, err, errlen);
	if (s->current == NULL) {
		free(target);
		expand_words_free(s->words);
		s->words = NULL;
		return -1;
	}
	s->current_target = target;
	return 0;
nomem:
	snprintf(err, errlen, "geen geheugen");
	return -1;
}

/* Gives back what the idle connections of g hold only for speed: their
 * search scratch (12 bytes per listing each, allocated again on first
 * use) and SQLite page caches. Called before a new generation is loaded
 * beside g, so that the two together take less memory. */
static void
gen_shed(struct gen *g)
{
	pthread_mutex_lock(&g->pool_mu);
	for (int i = 0; i < g->npool; i++) {
		struct conn *c = &g->pool[i];

		if (c->in_use)
			continue;
		conn_scratch_free(c);
		score_ctx_shrink(c->score);
		sqlite3_db_release_memory(c->db);
	}
	pthread_mutex_unlock(&g->pool_mu);
	malloc_trim(0);
}

/* Loads target and swaps it in. Runs on the watcher thread only. */
static void
switch_to(struct store *s, char *target)
{
	char err[512];
	struct gen *g, *old;
	int free_old;

	/* only this thread changes s->current, so it stays while shed */
	gen_shed(s->current);
	g = gen_load(target, s->words, err, sizeof(err));

	if (g == NULL) {
		log_event("index %s niet geladen, de vorige blijft in gebruik: %s",
		    target, err);
		free(s->failed_target);
		s->failed_target = target;
		return;
	}
	pthread_mutex_lock(&s->mu);
	old = s->current;
	s->current = g;
	free_old = old->refs == 0;
	pthread_mutex_unlock(&s->mu);
	if (free_old)
		gen_free(old);
	free(s->current_target);
	s->current_target = target;
	log_event("nieuwe index in gebruik: %s (%u vermeldingen, %u actief)",
	    target, g->model.n, g->model.nactive);
}

/* One check of PATH; switches when it points somewhere new. */
static void
watch_once(struct store *s, int forced)
{
	char *target = resolve_target(s->index_path);

	if (target == NULL)
		return;
	if ((!forced && strcmp(target, s->current_target) == 0) ||
	    (!forced && s->failed_target &&
	    strcmp(target, s->failed_target) == 0)) {
		free(target);
		return;
	}
	if (access(target, R_OK) != 0) {
		free(target);
		return;
	}
	if (forced && strcmp(target, s->current_target) == 0) {
		log_event("SIGHUP: index %s opnieuw geladen", target);
	}
	switch_to(s, target);
}

static void *
watcher_main(void *arg)
{
	struct store *s = arg;
	struct timespec ts = { 0, WATCH_INTERVAL_MS * 1000000L };

	for (;;) {
		int stop, forced;

		pthread_mutex_lock(&s->mu);
		stop = s->stop;
		forced = s->reload_requested;
		s->reload_requested = 0;
		pthread_mutex_unlock(&s->mu);
		if (stop)
			break;
		watch_once(s, forced);
		nanosleep(&ts, NULL);
	}
	return NULL;
}

int
store_start_watcher(struct store *s)
{
	if (pthread_create(&s->watcher, NULL, watcher_main, s) != 0)
		return -1;
	s->watcher_running = 1;
	return 0;
}

void
store_request_reload(struct store *s)
{
	pthread_mutex_lock(&s->mu);
	s->reload_requested = 1;
	pthread_mutex_unlock(&s->mu);
}

void
store_close(struct store *s)
{
	if (s->watcher_running) {
		pthread_mutex_lock(&s->mu);
		s->stop = 1;
		pthread_mutex_unlock(&s->mu);
		pthread_join(s->watcher, NULL);
	}
	gen_free(s->current);
	expand_words_free(s->words);
	free(s->current_target);
	free(s->failed_target);
	free(s->index_path);
	pthread_mutex_destroy(&s->mu);
	memset(s, 0, sizeof(*s));
}
