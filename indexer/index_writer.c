/*
 * index_writer.c - fills a new index file; see index_writer.h.
 *
 * Error pattern: every function returns 0 / -1 and writes a message into
 * the caller's err buffer; SQLite's own message is appended.
 */
#include "index_writer.h"

#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "batch_insert.h"
#include "index_format.h"
#include "publish.h"
#include "nl_tokenizer.h"
#include "postings_build.h"
#include "schema_data.h"
#include "strset.h"
#include "token_log.h"
#include "word_count.h"

enum stmt_id {
	ST_AANBOD, ST_FTS, ST_WIJK, ST_TAAL, ST_META,
	ST_COUNT
};

static const char *const STMT_SQL[ST_COUNT] = {
	[ST_AANBOD] = "INSERT INTO aanbod (rowid, id, naam, samenvatting, "
	    "omschrijving, soort, status, organisatie, gemeente, adres, postcode, "
	    "plaats, lat, lon, tijden, tijden_toelichting, kosten, "
	    "kosten_toelichting, toegang, leeftijd_min, leeftijd_max, "
	    "welzijn_op_recept, wachttijd_dagen, telefoon, email, website, "
	    "contactpersoon, bijgewerkt, gecontroleerd, bron_bestand, bron_regel, "
	    "trefwoorden, labels, tokens, themas, doelgroepen, wijken, "
	    "werkgebied, toegankelijkheid, talen, trefwoord_lijst, tijdsloten) "
	    "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,"
	    "?,?,?,?,?,?,?,?,?,?,?)",
	[ST_FTS] = "INSERT INTO aanbod_fts (rowid, naam, samenvatting, "
	    "omschrijving, organisatie, trefwoorden, labels) "
	    "VALUES (?,?,?,?,?,?,?)",
	[ST_WIJK] = ("INSERT OR IGNORE INTO wijk (code, naam, gemeente) "
	    "VALUES (?,?,?)"),  /* parentheses: one string, says clang */
	[ST_TAAL] = "INSERT OR IGNORE INTO taal (code) VALUES (?)",
	[ST_META] = "INSERT OR REPLACE INTO meta (key, value) VALUES (?,?)",
};

/* FTS5 merges its segments while rows are inserted (automerge). The
 * writer turns that incremental merging off while loading (5-10 % less
 * CPU at 250 000 listings) and back to FTS5's default before the end.
 * Crisis merges stay (FTS5 merges a level when it holds 16 segments), so
 * the index ends with ~20 segments at 250 000 listings. No final
 * 'optimize' merges them into one: that took ~0.9 s of ~15 at 250 000
 * listings on one core (6 % of the run), while searchd ranks from its own
 * postings and reads FTS5 only for its vocabulary at start-up (no slower
 * measured). FTS5 queries read the segments together, as it does anyway
 * between merges. */
#define FTS_AUTOMERGE_OFF "INSERT INTO aanbod_fts(aanbod_fts, rank) " \
	"VALUES('automerge', 0);"
#define FTS_AUTOMERGE_ON "INSERT INTO aanbod_fts(aanbod_fts, rank) " \
	"VALUES('automerge', 4);"

struct index_writer {
	sqlite3 *db;
	char *path;
	sqlite3_stmt *st[ST_COUNT];
	sqlite3_int64 next_rowid;
	const struct vocab *vocab;     /* borrowed; outlives the writer */
	struct word_count *words;      /* the woord table, written at the end */
	struct word_set *ws;           /* the words of the listing being added */
	struct postings_build *pb;     /* ranking data, written at the end */
	/* codes already in tables wijk and taal: each gets one INSERT, not
	 * one per listing that names it */
	struct strset *wijken_seen;
	struct strset *talen_seen;
	struct token_log *recording;   /* tokens of the listing being prepared */
	struct token_replay replay;    /* log armed for the FTS5 insert */
	struct nl_replay replay_hook;  /* token_log_replay over replay */
};

/* The text fields of one listing as aanbod_fts and the ranking data see
 * them (SK_BM25_WEIGHTS order); kw and labels are built, the rest
 * borrowed from the listing. */
struct fts_fields {
	const char *f[SK_FIELD_COUNT];
	char *kw, *labels;
};

/* The distinct words of one listing, collected for the woord table. */
struct word_set {
	char keys[64][NL_MAX_TOKEN];
	const char *written[64];       /* each word as written (in its field) */
	int nwritten[64];
	int n;
	const char *text;              /* the text being split */
};

static int token_seen(void *ctx, int field, const char *text, int flags,
    const char *tok, int ntok, int start, int end);
static void set_err(char *err, size_t errlen, sqlite3 *db, const char *fmt,
    ...) __attribute__((format(printf, 4, 5)));

static void
set_err(char *err, size_t errlen, sqlite3 *db, const char *fmt, ...)
{
	va_list ap;
	size_t n;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	n = strlen(err);
	if (db != NULL && n < errlen)
		snprintf(err + n, errlen - n, ": %s", sqlite3_errmsg(db));
}

static int
exec_sql(sqlite3 *db, const char *sql, char *err, size_t errlen)
{
	char *msg = NULL;

	if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		snprintf(err, errlen, "SQL-fout: %s", msg ? msg : "?");
		sqlite3_free(msg);
		return -1;
	}
	return 0;
}

/* Runs schema.sql with the tokenizer filled in. */
static int
create_schema(sqlite3 *db, char *err, size_t errlen)
{
	const char *mark = "@TOKENIZE@";
	const char *at = strstr(sk_schema_sql, mark);
	char *sql = NULL;
	int rc = -1;

	if (at == NULL) {
		snprintf(err, errlen, "schema.sql mist %s", mark);
		return -1;
	}
	if (asprintf(&sql, "%.*s%s%s", (int)(at - sk_schema_sql), sk_schema_sql,
	    SK_FTS_TOKENIZER, at + strlen(mark)) < 0) {
		snprintf(err, errlen, "geen geheugen");
		return -1;
	}
	rc = exec_sql(db, sql, err, errlen);
	free(sql);
	return rc;
}

static int
bind_text(sqlite3_stmt *st, int i, const char *s)
{
	if (s == NULL)
		return sqlite3_bind_null(st, i);
	return sqlite3_bind_text(st, i, s, -1, SQLITE_STATIC);
}

static int
bind_int_opt(sqlite3_stmt *st, int i, int v)
{
	if (v < 0)
		return sqlite3_bind_null(st, i);
	return sqlite3_bind_int(st, i, v);
}

/* Runs a fully bound statement once and resets it. */
static int
put_meta(struct index_writer *w, const char *key, const char *value)
{
	sqlite3_stmt *st = w->st[ST_META];

	bind_text(st, 1, key);
	bind_text(st, 2, value);
	return batch_step(st);
}

static int
put_vocab_table(sqlite3 *db, const char *table,
                const struct vocab_entry *e, size_t n)
{
	sqlite3_stmt *st = NULL;
	char sql[128];
	int rc = -1;

	snprintf(sql, sizeof(sql),
	    "INSERT INTO %s (code, naam, omschrijving) VALUES (?,?,?)", table);
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		goto fail;
	for (size_t i = 0; i < n; i++) {
		bind_text(st, 1, e[i].code);
		bind_text(st, 2, e[i].naam);
		bind_text(st, 3, e[i].omschrijving);
		if (batch_step(st) != 0)
			goto fail;
	}
	rc = 0;
fail:
	sqlite3_finalize(st);
	return rc;
}

static int
put_vocab(struct index_writer *w, const struct vocab *v)
{
	sqlite3_stmt *st = NULL;
	int rc = -1;

	if (put_vocab_table(w->db, "thema", v->themas, v->nthemas) != 0 ||
	    put_vocab_table(w->db, "doelgroep", v->doelgroepen,
	    v->ndoelgroepen) != 0)
		return -1;
	if (sqlite3_prepare_v2(w->db, "INSERT INTO gemeente (code, naam, regio, "
	    "provincie) VALUES (?,?,?,?)", -1, &st, NULL) != SQLITE_OK)
		goto fail;
	for (size_t i = 0; i < v->ngemeenten; i++) {
		const struct gemeente_entry *g = &v->gemeenten[i];
		bind_text(st, 1, g->code);
		bind_text(st, 2, g->naam);
		bind_text(st, 3, g->regio);
		bind_text(st, 4, g->provincie);
		if (batch_step(st) != 0)
			goto fail;
	}
	rc = 0;
fail:
	sqlite3_finalize(st);
	return rc;
}

static int
put_start_meta(struct index_writer *w)
{
	char ver[16], when[32], tok[96];
	time_t now = time(NULL);
	struct tm tm;

	snprintf(ver, sizeof(ver), "%d", SK_SCHEMA_VERSION);
	localtime_r(&now, &tm);
	strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%S%z", &tm);
	if (index_format_tokenizer_id(tok, sizeof(tok)) != 0)
		return -1;
	if (put_meta(w, "schema_version", ver) != 0 ||
	    put_meta(w, "tokenizer", tok) != 0 ||
	    put_meta(w, "bm25_weights", SK_BM25_WEIGHTS) != 0 ||
	    put_meta(w, "built_at", when) != 0)
		return -1;
	return 0;
}

int
index_writer_open(struct index_writer **out, const char *path,
                  const struct vocab *v, char *err, size_t errlen)
{
	struct index_writer *w = calloc(1, sizeof(*w));
	char pragma[96];

	*out = NULL;
	if (w == NULL || (w->path = strdup(path)) == NULL) {
		snprintf(err, errlen, "geen geheugen");
		goto fail;
	}
	w->next_rowid = 1;
	w->vocab = v;
	if (sqlite3_open_v2(path, &w->db, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_CREATE | SQLITE_OPEN_EXCLUSIVE | SQLITE_OPEN_NOMUTEX,
	    NULL) != SQLITE_OK) {
		set_err(err, errlen, w->db, "kan index %s niet maken", path);
		goto fail;
	}
	if ((w->words = word_count_new()) == NULL ||
	    (w->ws = calloc(1, sizeof(*w->ws))) == NULL ||
	    (w->wijken_seen = strset_new()) == NULL ||
	    (w->talen_seen = strset_new()) == NULL ||
	    postings_build_new(&w->pb) != 0) {
		snprintf(err, errlen, "geen geheugen");
		goto fail;
	}
	postings_build_observe(w->pb, token_seen, w);
	w->replay_hook.fn = token_log_replay;
	w->replay_hook.ctx = &w->replay;
	if (nl_tokenizer_register_replay(w->db, &w->replay_hook) != SQLITE_OK) {
		set_err(err, errlen, w->db, "tokenizer %s registreren mislukt",
		    NL_TOKENIZER_NAME);
		goto fail;
	}
	snprintf(pragma, sizeof(pragma), "PRAGMA user_version = %d;",
	    SK_SCHEMA_VERSION);
	/* 16 KiB pages: fewer B-tree splits while writing (~10 % faster) and
	 * fewer overflow pages per posting list when searchd reads them.
	 * A 16 MiB page cache: as fast as 64 MiB (interleaved runs at 10k,
	 * 100k, 250k) and 60 MB less memory at 250 000 listings; pages reach
	 * the file while the import runs instead of at its COMMIT. */
	if (exec_sql(w->db, "PRAGMA page_size = 16384; "
	    "PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF;"
	    "PRAGMA cache_size = -16384; PRAGMA temp_store = MEMORY;",
	    err, errlen) != 0 ||
	    exec_sql(w->db, pragma, err, errlen) != 0 ||
	    create_schema(w->db, err, errlen) != 0 ||
	    exec_sql(w->db, FTS_AUTOMERGE_OFF, err, errlen) != 0 ||
	    exec_sql(w->db, "BEGIN", err, errlen) != 0)
		goto fail;
	for (int i = 0; i < ST_COUNT; i++) {
		if (sqlite3_prepare_v3(w->db, STMT_SQL[i], -1,
		    SQLITE_PREPARE_PERSISTENT, &w->st[i], NULL) != SQLITE_OK) {
			set_err(err, errlen, w->db, "voorbereiden mislukt");
			goto fail;
		}
	}
	if (put_start_meta(w) != 0 || put_vocab(w, v) != 0) {
		set_err(err, errlen, w->db, "vocabulaire opslaan mislukt");
		goto fail;
	}
	*out = w;
	return 0;
fail:
	index_writer_close(w);
	return -1;
}

/* The listing's languages not yet in table taal (the listing's own list is
 * in aanbod.talen). */
static int
put_talen(struct index_writer *w, const struct listing *l)
{
	sqlite3_stmt *st = w->st[ST_TAAL];
	int added;

	for (size_t i = 0; i < l->talen.n; i++) {
		const char *code = l->talen.v[i];

		if ((added = strset_add(w->talen_seen, code, NULL)) <= 0) {
			if (added < 0)
				return -1;
			continue;
		}
		bind_text(st, 1, code);
		if (batch_step(st) != 0)
			return -1;
	}
	return 0;
}

/* The listing's wijken not yet in table wijk, with the name it gives. */
static int
put_wijken(struct index_writer *w, const struct listing *l)
{
	sqlite3_stmt *sw = w->st[ST_WIJK];
	char gm[7];
	int added;

	for (size_t i = 0; i < l->nwijken; i++) {
		const struct wijk_ref *wr = &l->wijken[i];
		if ((added = strset_add(w->wijken_seen, wr->code, NULL)) <= 0) {
			if (added < 0)
				return -1;
			continue;
		}
		snprintf(gm, sizeof(gm), "GM%.4s", wr->code + 2);
		bind_text(sw, 1, wr->code);
		bind_text(sw, 2, wr->naam);
		bind_text(sw, 3, gm);
		if (batch_step(sw) != 0)
			return -1;
	}
	return 0;
}

/* Appends part at p, after " ; " unless it is the first (*nparts 0);
 * returns the new end. */
static char *
put_part(char *p, size_t *nparts, const char *part)
{
	size_t n = strlen(part);

	if ((*nparts)++ > 0) {
		memcpy(p, " ; ", 3);
		p += 3;
	}
	memcpy(p, part, n);
	return p + n;
}

/* The trefwoorden column: keywords joined by " ; ". Caller frees. */
static char *
join_keywords(const struct strlist *l)
{
	size_t len = 1, nparts = 0;
	char *s, *p;

	for (size_t i = 0; i < l->n; i++)
		len += strlen(l->v[i]) + 3;
	if ((p = s = malloc(len)) == NULL)
		return NULL;
	for (size_t i = 0; i < l->n; i++)
		p = put_part(p, &nparts, l->v[i]);
	*p = '\0';
	return s;
}

/* The vocabulary entry of the listing's i-th thema, or after those of its
 * (i - themas.n)-th doelgroep; NULL when the vocabulary has none. */
static const struct vocab_entry *
label_entry(const struct vocab *v, const struct listing *l, size_t i)
{
	return i < l->themas.n ? vocab_thema(v, l->themas.v[i]) :
	    vocab_doelgroep(v, l->doelgroepen.v[i - l->themas.n]);
}

static size_t
label_len(const char *s)
{
	return s != NULL ? strlen(s) : 0;
}

/* The labels column: name and description of each thema and doelgroep,
 * joined by " ; ". Caller frees. */
static char *
make_labels(const struct vocab *v, const struct listing *l)
{
	const struct vocab_entry *e;
	size_t len = 1, n = l->themas.n + l->doelgroepen.n, nparts = 0;
	char *s, *p;

	for (size_t i = 0; i < n; i++)
		if ((e = label_entry(v, l, i)) != NULL)
			len += strlen(e->naam) + label_len(e->omschrijving) + 6;
	if ((p = s = malloc(len)) == NULL)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		if ((e = label_entry(v, l, i)) == NULL)
			continue;
		p = put_part(p, &nparts, e->naam);
		p = put_part(p, &nparts, e->omschrijving ? e->omschrijving : "");
	}
	*p = '\0';
	return s;
}

static void
fts_fields_free(struct fts_fields *ff)
{
	free(ff->kw);
	free(ff->labels);
	ff->kw = ff->labels = NULL;     /* a second call frees nothing */
}

/* Points ff at the six field texts of l, with kw and labels made
 * already (ff borrows all of them). */
static void
fts_fields_set(struct fts_fields *ff, const struct listing *l, char *kw,
               char *labels)
{
	ff->f[0] = l->naam;
	ff->f[1] = l->samenvatting;
	ff->f[2] = l->omschrijving;
	ff->f[3] = l->organisatie;
	ff->f[4] = ff->kw = kw;
	ff->f[5] = ff->labels = labels;
}

/* Makes kw and labels (ff owns them: fts_fields_free) and sets ff. */
static int
fts_fields_make(const struct vocab *v, const struct listing *l,
                struct fts_fields *ff)
{
	memset(ff, 0, sizeof(*ff));
	ff->kw = join_keywords(&l->trefwoorden);
	ff->labels = make_labels(v, l);
	if (ff->kw == NULL || ff->labels == NULL) {
		fts_fields_free(ff);
		return -1;
	}
	fts_fields_set(ff, l, ff->kw, ff->labels);
	return 0;
}

static int
put_fts(struct index_writer *w, sqlite3_int64 rowid,
        const struct fts_fields *ff)
{
	sqlite3_stmt *st = w->st[ST_FTS];

	sqlite3_bind_int64(st, 1, rowid);
	for (int i = 0; i < SK_FIELD_COUNT; i++)
		bind_text(st, i + 2, ff->f[i]);
	return batch_step(st);
}

static int
put_aanbod(struct index_writer *w, const struct listing *l,
           const struct prepared_listing *p, const struct fts_fields *ff)
{
	sqlite3_stmt *st = w->st[ST_AANBOD];
	int i = 1;

	sqlite3_bind_int64(st, i++, p->rowid);
	bind_text(st, i++, l->id);
	bind_text(st, i++, l->naam);
	bind_text(st, i++, l->samenvatting);
	bind_text(st, i++, l->omschrijving);
	bind_text(st, i++, l->soort);
	bind_text(st, i++, l->status);
	bind_text(st, i++, l->organisatie);
	bind_text(st, i++, l->gemeente);
	bind_text(st, i++, l->adres);
	bind_text(st, i++, l->postcode);
	bind_text(st, i++, l->plaats);
	if (l->has_coords) {
		sqlite3_bind_double(st, i++, l->lat);
		sqlite3_bind_double(st, i++, l->lon);
	} else {
		sqlite3_bind_null(st, i++);
		sqlite3_bind_null(st, i++);
	}
	bind_text(st, i++, l->tijden);
	bind_text(st, i++, l->tijden_toelichting);
	bind_text(st, i++, l->kosten);
	bind_text(st, i++, l->kosten_toelichting);
	bind_text(st, i++, l->toegang);
	bind_int_opt(st, i++, l->leeftijd_min);
	bind_int_opt(st, i++, l->leeftijd_max);
	sqlite3_bind_int(st, i++, l->welzijn_op_recept ? 1 : 0);
	bind_int_opt(st, i++, l->wachttijd_dagen);
	bind_text(st, i++, l->telefoon);
	bind_text(st, i++, l->email);
	bind_text(st, i++, l->website);
	bind_text(st, i++, l->contactpersoon);
	bind_text(st, i++, l->bijgewerkt);
	bind_text(st, i++, l->gecontroleerd);
	bind_text(st, i++, l->file);
	sqlite3_bind_int64(st, i++, l->line);
	bind_text(st, i++, ff->kw);
	bind_text(st, i++, ff->labels);
	sqlite3_bind_int64(st, i++, p->ntokens);
	for (int k = 0; k < PACK_NCODES; k++)
		bind_text(st, i++, p->packed.codes[k]);
	bind_text(st, i++, p->packed.trefwoorden);
	bind_text(st, i++, p->packed.tijdsloten);
	return batch_step(st);
}

/* Keeps the surface word of a token (not the colocated joins) at
 * ws->text[start..end), folded as key and as written, once per listing. */
static void
collect_word(struct word_set *ws, int flags, int start, int end)
{
	char key[NL_MAX_TOKEN];
	int n;

	if ((flags & (NL_TOK_COLOCATED | NL_TOK_STOPWORD)) || ws->n == 64 ||
	    end - start < 3)
		return;
	n = nl_fold_word(ws->text + start, end - start, key, sizeof(key));
	if (n < 3 || strspn(key, "0123456789") == (size_t)n)
		return;
	for (int i = 0; i < ws->n; i++)
		if (strcmp(ws->keys[i], key) == 0)
			return;
	memcpy(ws->keys[ws->n], key, (size_t)n + 1);
	ws->written[ws->n] = ws->text + start;
	ws->nwritten[ws->n] = end - start;
	ws->n++;
}

/* Postings observer: every token goes to the listing's token log (for
 * the FTS5 insert), the words of naam (0), samenvatting (1) and
 * trefwoorden (4) to its word set. */
static int
token_seen(void *ctx, int field, const char *text, int flags,
           const char *tok, int ntok, int start, int end)
{
	struct index_writer *w = ctx;

	if (w->recording != NULL && token_log_add(w->recording, field, text,
	    flags, tok, ntok, start, end) != 0)
		return -1;
	if (field != 0 && field != 1 && field != 4)
		return 0;
	w->ws->text = text;
	collect_word(w->ws, flags, start, end);
	return 0;
}

/* The listing's words count for suggestions only when it is active:
 * searchd never finds a paused or ended listing, so a word only they use
 * would be suggested and then find nothing. */
static int
put_words(struct index_writer *w, const struct listing *l)
{
	if (strcmp(l->status, "actief") != 0)
		return 0;
	for (int i = 0; i < w->ws->n; i++)
		if (word_count_add(w->words, w->ws->keys[i], w->ws->written[i],
		    (size_t)w->ws->nwritten[i]) != 0)
			return -1;
	return 0;
}

/* Bytes of token log the texts of ff will take, a little more as a rule:
 * the logs of the 100 000-listing bench corpus take 1.35 bytes per byte
 * of text (a record is ~4 bytes beside its token), and 1.75 was enough
 * for every listing there. */
static size_t
log_estimate(const struct fts_fields *ff)
{
	size_t n = 64;

	for (int f = 0; f < SK_FIELD_COUNT; f++)
		if (ff->f[f] != NULL)
			n += strlen(ff->f[f]) * 7 / 4;
	return n;
}

/* Reading side of adding a listing: its rowid, the text of the trefwoorden
 * and labels fields, its ranking data and suggestion words. */
static int
prepare_fields(struct index_writer *w, const struct listing *l,
               struct prepared_listing *p, char *err, size_t errlen)
{
	struct fts_fields ff;

	p->rowid = w->next_rowid;
	w->ws->n = 0;
	token_log_reset(&p->log);
	w->recording = &p->log;
	if (fts_fields_make(w->vocab, l, &ff) != 0 ||
	    token_log_reserve(&p->log, log_estimate(&ff)) != 0 ||
	    postings_build_add(w->pb, (uint32_t)p->rowid, ff.f, &p->ntokens) != 0 ||
	    put_words(w, l) != 0 ||
	    value_pack(l, &p->packed) != 0) {
		w->recording = NULL;
		snprintf(err, errlen, "geen geheugen voor %s", l->id);
		fts_fields_free(&ff);
		return -1;
	}
	w->recording = NULL;
	p->kw = ff.kw;
	p->labels = ff.labels;
	w->next_rowid++;
	return 0;
}

/* Writing side: the rows of one prepared listing. */
static int
store_fields(struct index_writer *w, const struct listing *l,
             const struct prepared_listing *p, char *err, size_t errlen)
{
	sqlite3_int64 rowid = p->rowid;
	struct fts_fields ff;

	fts_fields_set(&ff, l, p->kw, p->labels);
	if (put_aanbod(w, l, p, &ff) != 0 || put_talen(w, l) != 0 ||
	    put_wijken(w, l) != 0)
		goto fail;
	w->replay.log = &p->log;
	if (put_fts(w, rowid, &ff) != 0) {
		w->replay.log = NULL;
		goto fail;
	}
	w->replay.log = NULL;
	return 0;
fail:
	set_err(err, errlen, w->db, "schrijven van %s mislukt", l->id);
	return -1;
}

int
index_writer_prepare(struct index_writer *w, struct listing *l,
                     struct prepared_listing *p, char *err, size_t errlen)
{
	memset(p, 0, sizeof(*p));
	listing_init(&p->l);
	if (prepare_fields(w, l, p, err, errlen) != 0) {
		listing_free(l);
		token_log_free(&p->log);
		return -1;
	}
	p->l = *l;
	listing_init(l);
	return 0;
}

int
index_writer_prepare_done(struct index_writer *w, char *err, size_t errlen)
{
	word_count_sort(w->words);
	if (postings_build_sort(w->pb) != 0) {
		snprintf(err, errlen, "geen geheugen voor de termen");
		return -1;
	}
	return 0;
}

int
index_writer_store(struct index_writer *w, const struct prepared_listing *p,
                   char *err, size_t errlen)
{
	return store_fields(w, &p->l, p, err, errlen);
}

void
prepared_listing_free(struct prepared_listing *p)
{
	listing_free(&p->l);
	free(p->kw);
	free(p->labels);
	p->kw = p->labels = NULL;
	packed_values_free(&p->packed);
	token_log_free(&p->log);
}

int
index_writer_add(struct index_writer *w, const struct listing *l,
                 char *err, size_t errlen)
{
	struct prepared_listing p = { 0 };
	int rc;

	if (prepare_fields(w, l, &p, err, errlen) != 0) {
		token_log_free(&p.log);
		return -1;
	}
	rc = store_fields(w, l, &p, err, errlen);
	prepared_listing_free(&p);      /* p.l is empty: l is the caller's */
	return rc;
}

void
index_writer_replay_stats(const struct index_writer *w, unsigned long *hits,
                           unsigned long *misses)
{
	*hits = w->replay.hits;
	*misses = w->replay.misses;
}

int
index_writer_meta(struct index_writer *w, const char *key, const char *value,
                  char *err, size_t errlen)
{
	if (put_meta(w, key, value) != 0) {
		set_err(err, errlen, w->db, "meta %s opslaan mislukt", key);
		return -1;
	}
	return 0;
}

/* Runs a check statement whose single row must read "ok". */
static int
check_ok(sqlite3 *db, const char *sql, char *err, size_t errlen)
{
	sqlite3_stmt *st = NULL;
	int rc = -1;

	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
		set_err(err, errlen, db, "controle mislukt");
		goto fail;
	}
	if (sqlite3_step(st) != SQLITE_ROW ||
	    strcmp((const char *)sqlite3_column_text(st, 0), "ok") != 0) {
		snprintf(err, errlen, "integrity_check meldt: %s",
		    sqlite3_column_text(st, 0) ? (const char *)
		    sqlite3_column_text(st, 0) : sqlite3_errmsg(db));
		goto fail;
	}
	rc = 0;
fail:
	sqlite3_finalize(st);
	return rc;
}

/* The file's fsync, on a thread of its own while PRAGMA quick_check reads
 * the file (its pages are all written by the COMMIT before: the journal is
 * off, and closing writes nothing). While the disk works, the same thread
 * frees the ranking data and words, which are written by then (at 250 000
 * listings some 300 000 buffers). The job owns pb and words. */
struct fsync_job {
	const char *path;
	struct postings_build *pb;
	struct word_count *words;
	int rc;
};

static void *
run_fsync(void *arg)
{
	struct fsync_job *job = arg;

	job->rc = publish_fsync(job->path, 0);
	postings_build_free(job->pb);
	word_count_free(job->words);
	job->pb = NULL;
	job->words = NULL;
	return NULL;
}

/* PRAGMA quick_check of the file as the first COMMIT left it (everything
 * but the ranking and suggestion tables, which are still empty there), on
 * a read-only connection and a thread of its own while the writer's
 * connection stores those tables in a second transaction. The writer
 * cannot write the file while this connection reads it (SQLite's locks:
 * it waits, see BUSY_WAIT_MS), so the check sees one consistent file: the
 * first COMMIT's, or the second's when it started late. */
struct check_job {
	const char *path;
	int rc;
	char err[256];
};

/* How long a connection waits for the other's lock. The check and the
 * writer each hold theirs for the length of one statement or commit. */
#define BUSY_WAIT_MS (10 * 60 * 1000)

static void *
run_check(void *arg)
{
	struct check_job *job = arg;
	sqlite3 *db = NULL;

	job->rc = -1;
	if (sqlite3_open_v2(job->path, &db, SQLITE_OPEN_READONLY |
	    SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
		set_err(job->err, sizeof(job->err), db, "controle mislukt");
	} else {
		sqlite3_busy_timeout(db, BUSY_WAIT_MS);
		job->rc = check_ok(db, "PRAGMA quick_check", job->err,
		    sizeof(job->err));
	}
	sqlite3_close(db);
	return NULL;
}

/* The tables of the second transaction, checked after it as tables of
 * their own (the check of the whole file ran on the first COMMIT). */
static int
check_late_tables(sqlite3 *db, char *err, size_t errlen)
{
	static const char *const sql[] = {
		"PRAGMA quick_check(term)",
		"PRAGMA quick_check(posting)",
		"PRAGMA quick_check(woord)",
	};

	for (size_t i = 0; i < sizeof(sql) / sizeof(sql[0]); i++)
		if (check_ok(db, sql[i], err, errlen) != 0)
			return -1;
	return 0;
}

/* The second transaction: the ranking data and the suggestion words. Its
 * pages stay in memory until its COMMIT (cache_spill off: some 70 MB at
 * 250 000 listings), as writing any of them to the file earlier would
 * wait for the check to end. */
static int
store_late_tables(struct index_writer *w, char *err, size_t errlen)
{
	if (exec_sql(w->db, "PRAGMA cache_spill = OFF; BEGIN", err,
	    errlen) != 0 ||
	    postings_build_write(w->pb, w->db, err, errlen) != 0)
		return -1;
	if (word_count_write(w->words, w->db) != 0) {
		set_err(err, errlen, w->db, "woorden opslaan mislukt");
		return -1;
	}
	return exec_sql(w->db, FTS_AUTOMERGE_ON "COMMIT;", err, errlen);
}

int
index_writer_finish(struct index_writer *w, char *err, size_t errlen)
{
	struct fsync_job job = { w->path, NULL, NULL, -1 };
	struct check_job check = { w->path, -1, "" };
	pthread_t syncer, checker;
	int syncing = 0, checking = 0, stored = 0, rc = -1;

	for (int i = 0; i < ST_COUNT; i++) {
		sqlite3_finalize(w->st[i]);
		w->st[i] = NULL;
	}
	/* FTS5 writes its last segment at this COMMIT, with incremental
	 * merging still off */
	if (exec_sql(w->db, "COMMIT", err, errlen) != 0)
		return -1;
	sqlite3_busy_timeout(w->db, BUSY_WAIT_MS);
	checking = pthread_create(&checker, NULL, run_check, &check) == 0;
	if (store_late_tables(w, err, errlen) != 0)
		goto out;
	stored = 1;
	job.pb = w->pb;
	job.words = w->words;
	w->pb = NULL;
	w->words = NULL;
	syncing = pthread_create(&syncer, NULL, run_fsync, &job) == 0;
	if (!checking)
		run_check(&check);
	if (check_late_tables(w->db, err, errlen) != 0)
		goto out;
	if (sqlite3_close(w->db) != SQLITE_OK) {
		set_err(err, errlen, w->db, "sluiten mislukt");
		goto out;
	}
	w->db = NULL;
	rc = 0;
out:
	if (checking)
		pthread_join(checker, NULL);
	if (syncing)
		pthread_join(syncer, NULL);
	else if (stored)
		run_fsync(&job);
	if (rc == 0 && check.rc != 0) {
		snprintf(err, errlen, "%s", check.err);
		rc = -1;
	}
	if (rc == 0 && job.rc != 0) {
		snprintf(err, errlen, "kan %s niet naar schijf schrijven (fsync)",
		    w->path);
		rc = -1;
	}
	return rc;
}

void
index_writer_close(struct index_writer *w)
{
	if (w == NULL)
		return;
	for (int i = 0; i < ST_COUNT; i++)
		sqlite3_finalize(w->st[i]);
	if (w->db != NULL)
		sqlite3_close(w->db);
	word_count_free(w->words);
	free(w->ws);
	strset_free(w->wijken_seen);
	strset_free(w->talen_seen);
	postings_build_free(w->pb);
	free(w->path);
	free(w);
}
