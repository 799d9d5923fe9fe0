/*
 * csv_reader.c - streaming CSV reader; see csv_reader.h.
 *
 * Layers, bottom up:
 *   source  bytes from a buffer, or from read() in 64 KiB chunks. A UTF-8
 *           BOM is dropped, CR and CRLF become LF, physical lines are
 *           counted, and a NUL byte stops everything.
 *   record  an RFC 4180 state machine that collects the fields of one
 *           record in r->text (each field NUL-ended), within the limits.
 *   decode  a record that is not valid UTF-8 is read as windows-1252.
 *   header  the delimiter, and column -> spec field name.
 *   rows    each data record -> struct raw_record -> the callback.
 *
 * Where RFC 4180 is strict we are lenient, as spreadsheet programs are:
 * a quote inside an unquoted field is an ordinary character (ab"c stays
 * ab"c), and text after a closing quote is added to the field ("ab"c
 * gives abc). A line break inside a quoted field is stored as LF.
 *
 * Ownership: a struct csv_reader lives on the stack of csv_read_file()
 * or csv_read_mem(); reader_free() frees its buffers (chunk, text, conv,
 * fields) and closes its file.
 */
#include "csv_reader.h"
#include "textutil.h"

#include "fields.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#define CHUNK_SIZE (64 * 1024)
#define SHOW_MAX   80          /* bytes of a column name shown in a message */

/* next_byte() results besides a byte 0..255 */
#define SRC_EOF  (-1)
#define SRC_FAIL (-2)          /* NUL byte or read error; see r->fail */

enum src_fail { FAIL_NONE, FAIL_NUL, FAIL_READ };
enum col_note { NOTE_NONE, NOTE_UNKNOWN, NOTE_NAMELESS, NOTE_DUPLICATE };
enum rec_state { ST_START, ST_PLAIN, ST_QUOTED, ST_QUOTE_END };

/* One stored field of the current record. */
struct fld {
	size_t off, len;   /* bytes in r->text; text[off + len] == '\0' */
	long line;         /* physical line where the field starts */
	int ended_by;      /* the delimiter, '\n' or SRC_EOF */
};

struct csv_reader {
	const char *name;
	struct diag *d;

	/* source */
	int fd;                        /* -1: all input is in data already */
	const unsigned char *data;     /* current chunk */
	unsigned char *chunk;          /* owned read buffer when fd >= 0 */
	size_t pos, len;
	int after_cr;                  /* last byte was CR: drop a next LF */
	enum src_fail fail;
	int read_errno;
	long line;                     /* physical line of the next byte */

	/* current record */
	int delim;                     /* ';' or ','; 0 = either (header) */
	long rec_line;
	unsigned char *text;
	size_t tlen, tcap;
	unsigned char *conv;           /* spare buffer for windows-1252 */
	size_t ccap;
	struct fld *f;
	size_t nf, fcap;               /* stored fields, <= CSV_MAX_COLUMNS */
	long nseen;                    /* fields in the record, stored or not */
	size_t rec_bytes;              /* field bytes stored in this record */
	int field_too_long, rec_too_long;
	int bad_byte;                  /* first byte undefined in cp1252 */

	/* header */
	const char *cols[CSV_MAX_COLUMNS];  /* spec name per column or NULL */
	size_t ncols, id_col;
	char err[160];                 /* rec->error of the current row */
};

/* ---- source --------------------------------------------------------- */

/* Reads the next chunk. Returns 1, 0 at end of input, -1 on error. */
static int
fill(struct csv_reader *r)
{
	ssize_t n;

	if (r->fd < 0)
		return 0;
	do
		n = read(r->fd, r->chunk, CHUNK_SIZE);
	while (n < 0 && errno == EINTR);
	if (n < 0) {
		r->read_errno = errno;
		r->fail = FAIL_READ;
		return -1;
	}
	r->pos = 0;
	r->len = (size_t)n;
	return n > 0;
}

/* Drops a UTF-8 BOM at the start of the input. Returns 0 or -1. */
static int
skip_bom(struct csv_reader *r)
{
	while (r->fd >= 0 && r->len < 3) {
		ssize_t n = read(r->fd, r->chunk + r->len, CHUNK_SIZE - r->len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			r->read_errno = errno;
			r->fail = FAIL_READ;
			return -1;
		}
		if (n == 0)
			break;
		r->len += (size_t)n;
	}
	if (r->len >= 3 && memcmp(r->data, "\xEF\xBB\xBF", 3) == 0)
		r->pos = 3;
	return 0;
}

/* A NUL byte in the first chunk: a binary file (PNG, XLSX, UTF-16), which
 * is rejected before its first line is taken for a header. Sets r->line
 * to the line of the NUL. A later NUL is found by next_byte(). */
static int
nul_at_start(struct csv_reader *r)
{
	const unsigned char *p = r->data + r->pos;
	size_t n = r->len - r->pos;
	const unsigned char *z = memchr(p, 0, n < CHUNK_SIZE ? n : CHUNK_SIZE);

	if (z == NULL)
		return 0;
	for (const unsigned char *q = p; q < z; q++)
		if (*q == '\r' || (*q == '\n' && (q == p || q[-1] != '\r')))
			r->line++;
	r->fail = FAIL_NUL;
	return 1;
}

static int
raw_byte(struct csv_reader *r)
{
	if (r->pos == r->len) {
		int rc = fill(r);
		if (rc <= 0)
			return rc < 0 ? SRC_FAIL : SRC_EOF;
	}
	return r->data[r->pos++];
}

/* The next byte with CR and CRLF turned into LF, counting lines.
 * Returns a byte, SRC_EOF, or SRC_FAIL (NUL byte or read error). */
static int
next_byte(struct csv_reader *r)
{
	int c = raw_byte(r);

	if (c == '\n' && r->after_cr)
		c = raw_byte(r);
	r->after_cr = c == '\r';
	if (c == '\r')
		c = '\n';
	if (c == '\n') {
		r->line++;
	} else if (c == 0) {
		r->fail = FAIL_NUL;
		return SRC_FAIL;
	}
	return c;
}

/* ---- failures (the file is rejected) -------------------------------- */

static int
fail_nomem(struct csv_reader *r)
{
	diag_reject(r->d, r->name, 0, "te weinig geheugen om het bestand te lezen");
	return -1;
}

static int
fail_source(struct csv_reader *r)
{
	if (r->fail == FAIL_NUL)
		diag_reject(r->d, r->name, r->line, "bevat NUL-bytes: geen CSV");
	else
		diag_reject(r->d, r->name, 0, "lezen mislukt: %s",
		            strerror(r->read_errno));
	return -1;
}

/* ---- record --------------------------------------------------------- */

static int
text_put(struct csv_reader *r, unsigned char c)
{
	if (r->tlen == r->tcap) {
		size_t ncap = r->tcap ? r->tcap * 2 : 4096;
		unsigned char *p = realloc(r->text, ncap);
		if (p == NULL)
			return -1;
		r->text = p;
		r->tcap = ncap;
	}
	r->text[r->tlen++] = c;
	return 0;
}

static void
record_reset(struct csv_reader *r)
{
	r->tlen = 0;
	r->nf = 0;
	r->nseen = 0;
	r->rec_bytes = 0;
	r->field_too_long = 0;
	r->rec_too_long = 0;
	r->bad_byte = 0;
}

/* The last field begun is stored (not past CSV_MAX_COLUMNS). */
static int
field_stored(const struct csv_reader *r)
{
	return r->nf > 0 && (size_t)r->nseen == r->nf;
}

static int
field_begin(struct csv_reader *r)
{
	r->nseen++;
	if (r->nf == CSV_MAX_COLUMNS)
		return 0;      /* counted, not stored */
	if (r->nf == r->fcap) {
		size_t ncap = r->fcap ? r->fcap * 2 : 64;
		struct fld *p = realloc(r->f, ncap * sizeof(*p));
		if (p == NULL)
			return -1;
		r->f = p;
		r->fcap = ncap;
	}
	r->f[r->nf].off = r->tlen;
	r->f[r->nf].len = 0;
	r->f[r->nf].line = r->line;
	r->f[r->nf].ended_by = SRC_EOF;
	r->nf++;
	return 0;
}

static int
field_byte(struct csv_reader *r, int c)
{
	struct fld *f;

	if (!field_stored(r))
		return 0;
	f = &r->f[r->nf - 1];
	if (f->len == CSV_MAX_FIELD_BYTES) {
		r->field_too_long = 1;
		return 0;
	}
	if (r->rec_bytes == CSV_MAX_RECORD_BYTES) {
		r->rec_too_long = 1;
		return 0;
	}
	if (text_put(r, (unsigned char)c) < 0)
		return -1;
	f->len++;
	r->rec_bytes++;
	return 0;
}

static int
field_end(struct csv_reader *r, int c)
{
	if (!field_stored(r))
		return 0;
	r->f[r->nf - 1].ended_by = c;
	return text_put(r, '\0');
}

static int
is_delim(const struct csv_reader *r, int c)
{
	if (r->delim == 0)
		return c == ';' || c == ',';
	return c == r->delim;
}

/* Reads the next record, skipping blank lines before it. Returns 1 when
 * a record was read, 0 at the end of the input, -1 when the file is
 * rejected (reported). */
static int
read_record(struct csv_reader *r)
{
	enum rec_state st = ST_START;
	long qline = 0;
	int c;

	record_reset(r);
	do
		c = next_byte(r);
	while (c == '\n');
	if (c == SRC_EOF)
		return 0;
	r->rec_line = r->line;
	if (field_begin(r) < 0)
		return fail_nomem(r);
	for (;; c = next_byte(r)) {
		if (c == SRC_FAIL)
			return fail_source(r);
		if (st == ST_QUOTED) {
			if (c == '"') {
				st = ST_QUOTE_END;
			} else if (c == SRC_EOF) {
				diag_reject(r->d, r->name, qline,
				            "aanhalingsteken geopend op regel %ld "
				            "wordt nooit gesloten", qline);
				return -1;
			} else if (field_byte(r, c) < 0) {
				return fail_nomem(r);
			}
			continue;
		}
		if (c == '"' && (st == ST_START || st == ST_QUOTE_END)) {
			if (st == ST_QUOTE_END && field_byte(r, '"') < 0)
				return fail_nomem(r);
			if (st == ST_START)
				qline = r->line;
			st = ST_QUOTED;
			continue;
		}
		if (c == SRC_EOF || c == '\n')
			return field_end(r, c) < 0 ? fail_nomem(r) : 1;
		if (is_delim(r, c)) {
			if (field_end(r, c) < 0 || field_begin(r) < 0)
				return fail_nomem(r);
			st = ST_START;
			continue;
		}
		if (field_byte(r, c) < 0)
			return fail_nomem(r);
		st = ST_PLAIN;
	}
}

/* ---- decode --------------------------------------------------------- */

/* windows-1252 0x80-0x9F (WHATWG index); 0 = byte not defined. 0xA0-0xFF
 * are U+00A0-U+00FF. */
static const uint16_t CP1252_80[32] = {
	0x20AC, 0,      0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
	0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0,      0x017D, 0,
	0,      0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
	0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0,      0x017E, 0x0178,
};

/* Converts one field from windows-1252 to UTF-8 at o; returns the bytes
 * written. An undefined byte becomes U+FFFD and is noted in r->bad_byte. */
static size_t
cp1252_field(struct csv_reader *r, const unsigned char *s, size_t n,
             unsigned char *o)
{
	size_t w = 0;

	for (size_t i = 0; i < n; i++) {
		uint32_t cp = s[i];
		if (cp >= 0x80 && cp < 0xA0) {
			cp = CP1252_80[cp - 0x80];
			if (cp == 0) {
				if (r->bad_byte == 0)
					r->bad_byte = s[i];
				cp = 0xFFFD;
			}
		}
		w += utf8_encode(cp, (char *)o + w);
	}
	return w;
}

/* Leaves a valid UTF-8 record as it is. In any other record, each field
 * that is not valid UTF-8 is converted from windows-1252 and the others
 * are kept: one windows-1252 byte in a field (a spreadsheet that mixed
 * encodings) must not garble the UTF-8 text of the next. Returns 0, or -1
 * on ENOMEM. */
static int
decode_record(struct csv_reader *r)
{
	size_t need = r->tlen * 3, o = 0;
	unsigned char *tmp;

	if (utf8_valid((const char *)r->text, r->tlen))
		return 0;
	if (need > r->ccap) {
		tmp = realloc(r->conv, need);
		if (tmp == NULL)
			return -1;
		r->conv = tmp;
		r->ccap = need;
	}
	for (size_t i = 0; i < r->nf; i++) {
		struct fld *f = &r->f[i];
		const unsigned char *src = r->text + f->off;
		size_t off = o;

		if (utf8_valid((const char *)src, f->len)) {
			memcpy(r->conv + o, src, f->len);
			o += f->len;
		} else {
			o += cp1252_field(r, src, f->len, r->conv + o);
		}
		r->conv[o++] = '\0';
		f->off = off;
		f->len = o - 1 - off;
	}
	tmp = r->text;
	r->text = r->conv;
	r->conv = tmp;
	need = r->tcap;
	r->tcap = r->ccap;
	r->ccap = need;
	r->tlen = o;
	return 0;
}

/* ---- header --------------------------------------------------------- */

static const char *
ftext(const struct csv_reader *r, size_t i)
{
	return (const char *)r->text + r->f[i].off;
}

/* The delimiter of an Excel "sep=;" or "sep=," line, else 0. The header
 * is read with both delimiters, so "sep=;" arrives as "sep=" and "". */
static int
sep_line(const struct csv_reader *r)
{
	const char *s = ftext(r, 0);

	if (r->nseen == 2 && r->f[0].len == 4 && r->f[1].len == 0 &&
	    strncasecmp(s, "sep=", 4) == 0)
		return r->f[0].ended_by;
	if (r->nseen == 1 && r->f[0].len == 5 && strncasecmp(s, "sep=", 4) == 0 &&
	    (s[4] == ';' || s[4] == ','))
		return s[4];
	return 0;
}

/* The header was split on both ';' and ','; the more frequent one wins,
 * ';' on a tie. */
static int
pick_delim(const struct csv_reader *r)
{
	size_t semi = 0, comma = 0;

	for (size_t i = 0; i < r->nf; i++) {
		semi += r->f[i].ended_by == ';';
		comma += r->f[i].ended_by == ',';
	}
	return comma > semi ? ',' : ';';
}

/* Field i of the header ends at the delimiter that was not chosen, so the
 * next field belongs to the same column. */
static int
joins_next(const struct csv_reader *r, size_t i)
{
	int e = r->f[i].ended_by;

	return (e == ';' || e == ',') && e != r->delim && i + 1 < r->nf;
}

static int
is_space(int c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' ||
	       c == '\v' || c == '\f';
}

/* The trimmed name of the column that starts at header field *i, in a new
 * string the caller frees; *i moves to the next column. NULL on ENOMEM. */
static char *
column_name(const struct csv_reader *r, size_t *i)
{
	size_t j = *i, n = 0, a, b;
	char *s;

	do
		n += r->f[j].len + 1;
	while (joins_next(r, j++));
	s = malloc(n);
	if (s == NULL)
		return NULL;
	n = 0;
	for (j = *i;; j++) {
		memcpy(s + n, ftext(r, j), r->f[j].len);
		n += r->f[j].len;
		if (!joins_next(r, j))
			break;
		s[n++] = (char)r->f[j].ended_by;
	}
	*i = j + 1;
	for (a = 0; a < n && is_space((unsigned char)s[a]); a++)
		;
	for (b = n; b > a && is_space((unsigned char)s[b - 1]); b--)
		;
	memmove(s, s + a, b - a);
	s[b - a] = '\0';
	return s;
}

/* The spec field a column name stands for (any case), or NULL. */
static const struct field_def *
lookup_column(const char *name)
{
	char low[32];
	size_t n = strlen(name);

	if (n >= sizeof(low))
		return NULL;
	for (size_t i = 0; i <= n; i++)
		low[i] = (name[i] >= 'A' && name[i] <= 'Z') ?
		         (char)(name[i] - 'A' + 'a') : name[i];
	return field_lookup(low);
}

/* How many bytes of s to show: at most SHOW_MAX, not cutting a UTF-8
 * sequence. */
static int
shown(const char *s)
{
	size_t n = strlen(s);

	if (n <= SHOW_MAX)
		return (int)n;
	n = SHOW_MAX;
	while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
		n--;
	return (int)n;
}

static int
name_seen_before(char *const *names, size_t k)
{
	for (size_t j = 0; j < k; j++)
		if (strcasecmp(names[j], names[k]) == 0)
			return 1;
	return 0;
}

/* Maps the columns to spec fields; notes[] says what to warn about. */
static void
map_columns(struct csv_reader *r, char *const *names, enum col_note *notes,
            int *has_id, int *has_naam)
{
	size_t nall;
	const struct field_def *all = field_all(&nall);
	unsigned char used[64] = { 0 };   /* per spec field: 1 seen, 2 warned */

	*has_id = *has_naam = 0;
	for (size_t k = 0; k < r->ncols; k++) {
		const struct field_def *def = lookup_column(names[k]);
		size_t fi;

		r->cols[k] = NULL;
		notes[k] = NOTE_NONE;
		if (def == NULL) {
			if (!name_seen_before(names, k))
				notes[k] = names[k][0] ? NOTE_UNKNOWN : NOTE_NAMELESS;
			continue;
		}
		fi = (size_t)(def - all);
		if (fi >= nall || fi >= sizeof(used))
			continue;       /* cannot happen: def is from all */
		if (used[fi]) {
			if (used[fi] == 1)
				notes[k] = NOTE_DUPLICATE;
			used[fi] = 2;
			continue;
		}
		used[fi] = 1;
		r->cols[k] = def->name;
		if (strcmp(def->name, "id") == 0) {
			r->id_col = k;
			*has_id = 1;
		} else if (strcmp(def->name, "naam") == 0) {
			*has_naam = 1;
		}
	}
}

static void
warn_columns(struct csv_reader *r, char *const *names,
             const enum col_note *notes)
{
	for (size_t k = 0; k < r->ncols; k++) {
		const char *s = names[k];
		switch (notes[k]) {
		case NOTE_UNKNOWN:       /* the spec: "reported once, as FILE:1" */
			diag_warn(r->d, r->name, 1, NULL,
			          "onbekende kolom \"%.*s\" genegeerd", shown(s), s);
			break;
		case NOTE_NAMELESS:
			diag_warn(r->d, r->name, r->rec_line, NULL,
			          "kolom zonder naam genegeerd");
			break;
		case NOTE_DUPLICATE:
			diag_warn(r->d, r->name, r->rec_line, NULL,
			          "kolom \"%.*s\" staat meer dan eens in de kop; "
			          "alleen de eerste telt", shown(s), s);
			break;
		case NOTE_NONE:
			break;
		}
	}
}

/* The header record is in r->text: name the columns, check id and naam,
 * warn about the rest. Returns 0 or -1 (rejected, reported). */
static int
setup_columns(struct csv_reader *r)
{
	char *names[CSV_MAX_COLUMNS];
	enum col_note notes[CSV_MAX_COLUMNS];
	int has_id, has_naam, rc = -1;
	size_t i = 0;

	r->ncols = 0;
	while (i < r->nf) {
		names[r->ncols] = column_name(r, &i);
		if (names[r->ncols] == NULL) {
			fail_nomem(r);
			goto out;
		}
		r->ncols++;
	}
	map_columns(r, names, notes, &has_id, &has_naam);
	if (!has_id || !has_naam) {
		if (!has_id && !has_naam)
			diag_reject(r->d, r->name, r->rec_line,
			            "de kop heeft geen kolommen \"id\" en \"naam\"");
		else
			diag_reject(r->d, r->name, r->rec_line,
			            "de kop heeft geen kolom \"%s\"",
			            has_id ? "naam" : "id");
		goto out;
	}
	warn_columns(r, names, notes);
	rc = 0;
out:
	for (size_t k = 0; k < r->ncols; k++)
		free(names[k]);
	return rc;
}

/* Reads the header (after an optional sep= line) and sets r->delim and
 * r->cols. Returns 0 or -1 (rejected, reported). */
static int
read_header(struct csv_reader *r)
{
	int rc, sep;

	r->delim = 0;
	rc = read_record(r);
	if (rc == 1 && (sep = sep_line(r)) != 0) {
		r->delim = sep;
		rc = read_record(r);
	}
	if (rc < 0)
		return -1;
	if (rc == 0) {
		diag_reject(r->d, r->name, 0, "leeg bestand: er is geen kop met "
		            "veldnamen");
		return -1;
	}
	if (r->delim == 0)
		r->delim = pick_delim(r);
	if (r->field_too_long || r->rec_too_long) {
		diag_reject(r->d, r->name, r->rec_line, "de kop is te lang");
		return -1;
	}
	if (r->nseen > CSV_MAX_COLUMNS) {
		diag_reject(r->d, r->name, r->rec_line,
		            "de kop heeft meer dan %d kolommen", CSV_MAX_COLUMNS);
		return -1;
	}
	if (decode_record(r) < 0)
		return fail_nomem(r);
	return setup_columns(r);
}

/* ---- rows ----------------------------------------------------------- */

/* The reader's own verdict on the current row, or NULL. */
static const char *
row_error(struct csv_reader *r)
{
	if (r->field_too_long)
		return "veld te lang (meer dan 1 MiB)";
	if (r->rec_too_long)
		return "rij te lang (meer dan 4 MiB)";
	if ((size_t)r->nseen != r->ncols) {
		snprintf(r->err, sizeof(r->err), "rij heeft %ld velden, de kop "
		         "heeft %zu", r->nseen, r->ncols);
		return r->err;
	}
	if (r->bad_byte) {
		snprintf(r->err, sizeof(r->err), "tekst is geen UTF-8 en ook geen "
		         "windows-1252 (byte 0x%02X)", (unsigned)r->bad_byte);
		return r->err;
	}
	return NULL;
}

/* Trims the id field in place (r->text). */
static void
trim_id(struct csv_reader *r)
{
	struct fld *f = &r->f[r->id_col];
	const unsigned char *s = r->text + f->off;
	size_t a = 0, b = f->len;

	while (a < b && is_space(s[a]))
		a++;
	while (b > a && is_space(s[b - 1]))
		b--;
	f->off += a;
	f->len = b - a;
	r->text[f->off + f->len] = '\0';
}

/* Passes the current record to cb. Returns 0, -1 (rejected, reported) or
 * -2 (cb said stop). */
static int
emit_row(struct csv_reader *r, struct raw_record *rec, record_cb cb,
         void *ctx)
{
	size_t n = r->nf < r->ncols ? r->nf : r->ncols;
	int rc;

	if (decode_record(r) < 0)
		return fail_nomem(r);
	if (r->id_col < r->nf)
		trim_id(r);
	rec->line = r->rec_line;
	rec->error = row_error(r);
	for (size_t k = 0; k < n; k++) {
		if (r->cols[k] == NULL)
			continue;
		if (raw_record_addn(rec, r->cols[k], ftext(r, k), r->f[k].len,
		                    r->f[k].line) < 0)
			goto nomem;
	}
	if (r->id_col < r->nf && r->f[r->id_col].len > 0 &&
	    raw_record_set_id(rec, ftext(r, r->id_col)) < 0)
		goto nomem;
	rc = cb(rec, ctx);
	raw_record_clear(rec);
	return rc < 0 ? -2 : 0;
nomem:
	raw_record_clear(rec);
	return fail_nomem(r);
}

/* ---- driver --------------------------------------------------------- */

static void
reader_init(struct csv_reader *r, const char *name, struct diag *d)
{
	memset(r, 0, sizeof(*r));
	r->name = name;
	r->d = d;
	r->fd = -1;
	r->line = 1;
}

static void
reader_free(struct csv_reader *r)
{
	if (r->fd >= 0)
		close(r->fd);
	free(r->chunk);
	free(r->text);
	free(r->conv);
	free(r->f);
}

static int
run(struct csv_reader *r, record_cb cb, void *ctx)
{
	struct raw_record rec;
	int rc;

	if (skip_bom(r) < 0 || nul_at_start(r))
		return fail_source(r);
	if (read_header(r) < 0)
		return -1;
	memset(&rec, 0, sizeof(rec));
	rec.file = r->name;
	rec.multi_joined = 1;
	rec.html_allowed = 0;
	while ((rc = read_record(r)) == 1) {
		rc = emit_row(r, &rec, cb, ctx);
		if (rc != 0)
			break;
	}
	raw_record_free(&rec);
	return rc;
}

int
csv_read_mem(const char *name, const char *buf, size_t len, struct diag *d,
             record_cb cb, void *ctx)
{
	struct csv_reader r;
	int rc;

	reader_init(&r, name, d);
	r.data = (const unsigned char *)buf;
	r.len = len;
	rc = run(&r, cb, ctx);
	reader_free(&r);
	return rc;
}

int
csv_read_file(const char *path, struct diag *d, record_cb cb, void *ctx)
{
	struct csv_reader r;
	int rc = -1;

	reader_init(&r, path, d);
	r.chunk = malloc(CHUNK_SIZE);
	if (r.chunk == NULL) {
		fail_nomem(&r);
		goto out;
	}
	r.data = r.chunk;
	r.fd = open(path, O_RDONLY | O_CLOEXEC);
	if (r.fd < 0) {
		diag_reject(d, path, 0, "kan het bestand niet openen: %s",
		            strerror(errno));
		goto out;
	}
	rc = run(&r, cb, ctx);
out:
	reader_free(&r);
	return rc;
}
