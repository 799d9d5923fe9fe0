/*
 * xml_reader.c - streaming reader for XML exports; see xml_reader.h.
 *
 * How it works: libxml2's xmlTextReader pulls the file's bytes through
 * io_read(), which also feeds them to a small line scanner. The scanner
 * notes the line of every start tag ("<name"), in document order, in a
 * queue, and next_node() pops one line for every element node the reader
 * returns. That gives the line where "<aanbod" begins, which libxml2 does
 * not keep: its node line is the line of the tag's '>' (capped at 65535)
 * and its parser line runs ahead of the node being read.
 *
 * The encoding is decided here, not by libxml2: sniff() reads the BOM and
 * the XML declaration and passes "UTF-8" or "windows-1252" to the reader
 * with XML_PARSE_IGNORE_ENC (libxml2 2.9.14 would otherwise let a declared
 * ISO-8859-1 override our windows-1252).
 *
 * All state lives in one struct xr per call (no global mutable state);
 * libxml2 errors are collected per reader by on_xml_error(). The record,
 * the value buffers and the line queue belong to the struct xr and are
 * freed by xr_free() before xml_read_*() returns.
 */
#include "xml_reader.h"
#include "textutil.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <libxml/parser.h>
#include <libxml/xmlerror.h>
#include <libxml/xmlreader.h>

#include "fields.h"

#define HEAD_BYTES   1024        /* bytes sniffed for BOM and declaration */
#define READ_BYTES   (128 * 1024) /* one read() of a file: libxml2 asks for
                                   * 4 000 bytes at a time, a system call
                                   * each without this buffer */
#define LINEQ_MAX    (1 << 20)   /* start-tag lines kept ahead of the reader */
#define NAME_SHOWN   100         /* longest element name put in a message */
#define XML_OPTIONS  (XML_PARSE_NONET | XML_PARSE_IGNORE_ENC)

static const char XI_NS_2001[] = "http://www.w3.org/2001/XInclude";
static const char XI_NS_2003[] = "http://www.w3.org/2003/XInclude";

/* Labels that mean UTF-8 and windows-1252 (WHATWG Encoding Standard;
 * ISO-8859-1 and US-ASCII are read as windows-1252 there too). */
static const char *const UTF8_LABELS[] = {
	"utf-8", "utf8", "unicode-1-1-utf-8", "unicode11utf8",
	"unicode20utf8", "x-unicode20utf8",
};
static const char *const CP1252_LABELS[] = {
	"windows-1252", "cp1252", "x-cp1252", "iso-8859-1", "iso8859-1",
	"iso88591", "iso_8859-1", "iso_8859-1:1987", "iso-ir-100", "l1",
	"latin1", "csisolatin1", "cp819", "ibm819", "us-ascii", "ascii",
	"ansi_x3.4-1968",
};

/* ---- line scanner -------------------------------------------------------- */

enum scan_state {
	SC_TEXT,        /* character data, or the rest of a tag */
	SC_LT,          /* after '<' */
	SC_BANG,        /* after "<!" */
	SC_BANG_DASH,   /* after "<!-" */
	SC_CDATA_OPEN,  /* inside "<![CDATA[" */
	SC_COMMENT,     /* inside <!-- --> */
	SC_CDATA,       /* inside <![CDATA[ ]]> */
	SC_PI,          /* inside <? ?> */
	SC_DEAD         /* after "<!DOCTYPE" or garbage: no more tag lines */
};

struct line_scan {
	long line;            /* physical line of the next byte, from 1 */
	unsigned char prev;   /* the byte before (CR LF ends one line) */
	enum scan_state state;
	int match;            /* bytes of an opener or closer matched so far */
	long tag_line;        /* line of the last '<' */
	long doctype_line;    /* line of the first "<!D" (DOCTYPE), 0 = none */
	int cp1252;           /* 1: refuse bytes windows-1252 does not define */
	long bad_line;        /* line of the first such byte, 0 = none */
	unsigned bad_byte;
	long *q;              /* ring buffer of start-tag lines not yet read */
	size_t qhead, qlen, qcap;
	int lost;             /* the queue overflowed: lines are estimates */
};

static int
scan_grow(struct line_scan *s)
{
	size_t ncap = s->qcap ? s->qcap * 2 : 64;
	long *nq;

	if (ncap > LINEQ_MAX || (nq = malloc(ncap * sizeof(*nq))) == NULL)
		return -1;
	for (size_t i = 0; i < s->qlen; i++)
		nq[i] = s->q[(s->qhead + i) % s->qcap];
	free(s->q);
	s->q = nq;
	s->qhead = 0;
	s->qcap = ncap;
	return 0;
}

static void
scan_push(struct line_scan *s, long line)
{
	if (s->lost)
		return;
	if (s->qlen == s->qcap && scan_grow(s) != 0) {
		s->lost = 1;
		s->qlen = 0;
		return;
	}
	s->q[(s->qhead + s->qlen) % s->qcap] = line;
	s->qlen++;
}

/* The line of the oldest start tag not yet read, or 0 when unknown. */
static long
scan_pop(struct line_scan *s)
{
	long line;

	if (s->qlen == 0)
		return 0;
	line = s->q[s->qhead];
	s->qhead = (s->qhead + 1) % s->qcap;
	s->qlen--;
	return line;
}

static int
is_name_start(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
	    c == ':' || c >= 0x80;
}

/* Steps over the closer of a comment ("-->") or CDATA section ("]]>"). */
static void
scan_closer(struct line_scan *s, unsigned char c, unsigned char mark)
{
	if (c == mark)
		s->match = s->match < 2 ? s->match + 1 : 2;
	else if (c == '>' && s->match == 2)
		s->state = SC_TEXT;
	else
		s->match = 0;
}

/* Markup outside comments, CDATA and PIs: only '<' matters, because a
 * '<' cannot appear in an attribute value or text of well-formed XML. */
static void
scan_markup(struct line_scan *s, unsigned char c)
{
	switch (s->state) {
	case SC_TEXT:
		if (c == '<') {
			s->state = SC_LT;
			s->tag_line = s->line;
		}
		break;
	case SC_LT:
		if (c == '!')
			s->state = SC_BANG;
		else if (c == '?') {
			s->state = SC_PI;
			s->match = 0;
		} else if (c == '<')
			s->tag_line = s->line;
		else {
			if (is_name_start(c))
				scan_push(s, s->tag_line);
			s->state = SC_TEXT;
		}
		break;
	case SC_BANG:
		if (c == '-')
			s->state = SC_BANG_DASH;
		else if (c == '[') {
			s->state = SC_CDATA_OPEN;
			s->match = 0;
		} else {
			if (c == 'D' && s->doctype_line == 0)
				s->doctype_line = s->tag_line;
			s->state = SC_DEAD;
		}
		break;
	case SC_BANG_DASH:
		s->state = c == '-' ? SC_COMMENT : SC_DEAD;
		s->match = 0;
		break;
	case SC_CDATA_OPEN:
		if (c != (unsigned char)"CDATA["[s->match])
			s->state = SC_DEAD;
		else if (++s->match == 6) {
			s->state = SC_CDATA;
			s->match = 0;
		}
		break;
	default:
		break;
	}
}

static void
scan_byte(struct line_scan *s, unsigned char c)
{
	if (c == '\r' || (c == '\n' && s->prev != '\r'))
		s->line++;
	s->prev = c;
	switch (s->state) {
	case SC_COMMENT:
		scan_closer(s, c, '-');
		break;
	case SC_CDATA:
		scan_closer(s, c, ']');
		break;
	case SC_PI:
		if (c == '?')
			s->match = 1;
		else if (c == '>' && s->match == 1)
			s->state = SC_TEXT;
		else
			s->match = 0;
		break;
	case SC_DEAD:
		break;
	default:
		scan_markup(s, c);
		break;
	}
}

static int
cp1252_undefined(unsigned char c)
{
	return c == 0x81 || c == 0x8D || c == 0x8F || c == 0x90 || c == 0x9D;
}

/* Counts the line ends in p[i..end), where s->prev is the byte before
 * p[i] (CR LF is one line end), and leaves s->prev at p[end - 1]. */
static void
count_lines(struct line_scan *s, const unsigned char *p, size_t i, size_t end)
{
	const unsigned char *q = p + i, *e = p + end;

	if (i == end)
		return;
	if (memchr(q, '\r', (size_t)(e - q)) == NULL) {
		if (*q == '\n' && s->prev == '\r')
			q++;                 /* ends the line the CR ended */
		while (q < e && (q = memchr(q, '\n', (size_t)(e - q))) != NULL) {
			s->line++;
			q++;
		}
	} else {
		for (; q < e; q++) {
			if (*q == '\r' || (*q == '\n' && s->prev != '\r'))
				s->line++;
			s->prev = *q;
		}
	}
	s->prev = p[end - 1];
}

/* In text (SC_TEXT) only '<', line ends and, for windows-1252, its
 * undefined bytes matter: returns the index of the first '<' (or such a
 * byte) in p[i..n), or n, with the lines before it counted. */
static size_t
skip_plain_text(struct line_scan *s, const unsigned char *p, size_t i,
                size_t n)
{
	const unsigned char *lt;
	size_t end;

	if (s->cp1252) {
		end = i;
		while (end < n && p[end] != '<' && !cp1252_undefined(p[end]))
			end++;
	} else {
		lt = memchr(p + i, '<', n - i);
		end = lt != NULL ? (size_t)(lt - p) : n;
	}
	count_lines(s, p, i, end);
	return end;
}

/* Inside a comment or CDATA section with no part of its closer seen yet,
 * only the closer's first byte (mark), line ends and, for windows-1252,
 * its undefined bytes matter: returns the index of the first mark in
 * p[i..n) (or n), with the lines before it counted. For windows-1252
 * nothing is skipped (the byte loop checks every byte). */
static size_t
skip_to_mark(struct line_scan *s, const unsigned char *p, size_t i, size_t n,
             unsigned char mark)
{
	const unsigned char *m;
	size_t end;

	if (s->cp1252 || s->match != 0)
		return i;
	m = memchr(p + i, mark, n - i);
	end = m != NULL ? (size_t)(m - p) : n;
	count_lines(s, p, i, end);
	return end;
}

/* Feeds bytes as libxml2 reads them. Returns -1 at a byte that is not
 * defined in windows-1252 when the file is read as windows-1252. */
static int
scan_feed(struct line_scan *s, const unsigned char *p, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (s->state == SC_TEXT &&
		    (i = skip_plain_text(s, p, i, n)) == n)
			break;
		if ((s->state == SC_CDATA || s->state == SC_COMMENT) &&
		    (i = skip_to_mark(s, p, i, n, s->state == SC_CDATA ?
		    ']' : '-')) == n)
			break;
		if (s->cp1252 && cp1252_undefined(p[i])) {
			long line = s->line;

			if (p[i] == '\n' && s->prev != '\r')
				line++;
			s->bad_line = line;
			s->bad_byte = p[i];
			return -1;
		}
		scan_byte(s, p[i]);
	}
	return 0;
}

/* ---- value buffers ------------------------------------------------------- */

struct buf {
	char *p;
	size_t len, cap;
	int over;       /* the value passed XML_MAX_VALUE_BYTES; rest dropped */
};

static void
buf_reset(struct buf *b)
{
	b->len = 0;
	b->over = 0;
	if (b->p != NULL)
		b->p[0] = '\0';
}

/* Appends n bytes. Past the limit it drops them and sets b->over.
 * Returns -1 only when out of memory. */
static int
buf_add(struct buf *b, const char *s, size_t n)
{
	if (b->over)
		return 0;
	if (n > XML_MAX_VALUE_BYTES - b->len) {
		b->over = 1;
		return 0;
	}
	if (b->len + n + 1 > b->cap) {
		size_t ncap = b->cap ? b->cap : 256;
		char *np;

		while (ncap < b->len + n + 1)
			ncap *= 2;
		if ((np = realloc(b->p, ncap)) == NULL)
			return -1;
		b->p = np;
		b->cap = ncap;
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
	return 0;
}

static int
buf_adds(struct buf *b, const char *s)
{
	return buf_add(b, s, strlen(s));
}

/* Appends s as XML text (attr = 0) or attribute value (attr = 1). */
static int
buf_add_escaped(struct buf *b, const char *s, int attr)
{
	const char *run = s, *special = attr ? "&<>\"" : "&<>";

	for (; *s != '\0'; s++) {
		const char *ent = NULL;

		s += strcspn(s, special);     /* the plain bytes at once */
		if (*s == '\0')
			break;
		if (*s == '&')
			ent = "&amp;";
		else if (*s == '<')
			ent = "&lt;";
		else if (*s == '>')
			ent = "&gt;";
		else if (*s == '"' && attr)
			ent = "&quot;";
		if (ent == NULL)
			continue;
		if (buf_add(b, run, (size_t)(s - run)) != 0 ||
		    buf_adds(b, ent) != 0)
			return -1;
		run = s + 1;
	}
	return buf_add(b, run, (size_t)(s - run));
}

/* ---- per-call state ------------------------------------------------------ */

struct xml_in {
	int fd;                          /* -1 for a buffer in memory */
	const unsigned char *mem;
	size_t memlen, mempos;
	unsigned char head[HEAD_BYTES];  /* first bytes of a file, served first */
	size_t headlen, headpos;
	unsigned char *rbuf;             /* READ_BYTES read ahead; owned; NULL:
	                                  * read() as asked (no memory) */
	size_t rlen, rpos;
	int err;                         /* errno of a failed read, 0 = none */
};

struct xr {
	const char *name;        /* file name for messages and rec.file */
	struct diag *d;
	record_cb cb;
	void *cb_ctx;
	xmlTextReaderPtr reader;
	struct xml_in in;
	struct line_scan scan;
	char enc_label[41];      /* encoding as declared, "" when none */
	int in_root;             /* between <sociale-kaart> and its end tag */

	int have_err;            /* first error libxml2 reported */
	int err_code;
	long err_line;
	char err_msg[160];

	struct raw_record rec;   /* the <aanbod> being read */
	size_t nchildren;
	char rec_err[96];        /* rec.error points here when set */
	struct buf val, markup;  /* a field's text, and its inner markup */
};

/* One node as returned by the reader. */
struct node {
	int type;                /* XML_READER_TYPE_* */
	int depth;               /* root = 0 */
	int empty;               /* <x/> */
	const char *name;        /* owned by the reader's dictionary */
	long line;               /* elements: line of "<name" */
};

static void
xr_init(struct xr *x, const char *name, struct diag *d, record_cb cb,
        void *ctx)
{
	memset(x, 0, sizeof(*x));
	x->name = name;
	x->d = d;
	x->cb = cb;
	x->cb_ctx = ctx;
	x->in.fd = -1;
	x->scan.line = 1;
	x->rec.file = name;
	x->rec.multi_joined = 0;
	x->rec.html_allowed = 1;
}

static void
xr_free(struct xr *x)
{
	raw_record_free(&x->rec);
	free(x->val.p);
	free(x->markup.p);
	free(x->scan.q);
	free(x->in.rbuf);
	if (x->in.fd >= 0)
		close(x->in.fd);
}

/* ---- input --------------------------------------------------------------- */

/* read() of up to n bytes, again after a signal. Returns the count, 0 at
 * the end, or -1 (errno kept in in->err). */
static ssize_t
read_fd(struct xml_in *in, unsigned char *p, size_t n)
{
	ssize_t got;

	do
		got = read(in->fd, p, n);
	while (got < 0 && errno == EINTR);
	if (got < 0)
		in->err = errno;
	return got;
}

/* Reads up to n bytes from the file or buffer. Returns the count, 0 at
 * the end, or -1 on a read error (errno kept in in->err). */
static long
input_read(struct xml_in *in, unsigned char *p, size_t n)
{
	ssize_t got;

	if (in->headpos < in->headlen) {
		size_t k = in->headlen - in->headpos;

		if (k > n)
			k = n;
		memcpy(p, in->head + in->headpos, k);
		in->headpos += k;
		return (long)k;
	}
	if (in->fd < 0) {
		size_t k = in->memlen - in->mempos;

		if (k > n)
			k = n;
		memcpy(p, in->mem + in->mempos, k);
		in->mempos += k;
		return (long)k;
	}
	if (in->rbuf == NULL)
		return (long)read_fd(in, p, n);
	if (in->rpos == in->rlen) {
		if ((got = read_fd(in, in->rbuf, READ_BYTES)) <= 0)
			return (long)got;
		in->rlen = (size_t)got;
		in->rpos = 0;
	}
	if (n > in->rlen - in->rpos)
		n = in->rlen - in->rpos;
	memcpy(p, in->rbuf + in->rpos, n);
	in->rpos += n;
	return (long)n;
}

/* Fills in->head with the first bytes of the file. Returns 0 or -1. */
static int
read_head(struct xml_in *in)
{
	while (in->headlen < sizeof(in->head)) {
		ssize_t got = read(in->fd, in->head + in->headlen,
		    sizeof(in->head) - in->headlen);

		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0) {
			in->err = errno;
			return -1;
		}
		if (got == 0)
			break;
		in->headlen += (size_t)got;
	}
	return 0;
}

/* libxml2 input callback: every byte passes the line scanner. */
static int
io_read(void *ctx, char *buffer, int len)
{
	struct xr *x = ctx;
	long n;

	if (len <= 0)
		return 0;
	n = input_read(&x->in, (unsigned char *)buffer, (size_t)len);
	if (n < 0)
		return -1;
	if (scan_feed(&x->scan, (const unsigned char *)buffer, (size_t)n) != 0)
		return -1;
	return (int)n;
}

/* The file is closed by xr_free(), not by libxml2. */
static int
io_close(void *ctx)
{
	(void)ctx;
	return 0;
}

/* ---- encoding ------------------------------------------------------------ */

static int
is_space(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static int
is_alpha(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int
in_list(const char *label, const char *const *list, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (strcasecmp(label, list[i]) == 0)
			return 1;
	return 0;
}

/* An encoding name as XML allows it (plus ':' for "iso_8859-1:1987"). */
static int
valid_label(const char *s)
{
	if (!is_alpha((unsigned char)*s))
		return 0;
	for (; *s != '\0'; s++)
		if (!is_alpha((unsigned char)*s) && !(*s >= '0' && *s <= '9') &&
		    strchr("._-:", *s) == NULL)
			return 0;
	return 1;
}

/* Finds encoding="..." in an XML declaration at the start of h[0..n).
 * Returns 1 (label copied), 0 (no declaration or no encoding in it; a
 * malformed declaration is left to libxml2), or -1 (a declaration that is
 * not closed within n bytes). */
static int
decl_encoding(const unsigned char *h, size_t n, char *label, size_t size)
{
	size_t i = 5;

	if (n < 6 || memcmp(h, "<?xml", 5) != 0 || !is_space(h[5]))
		return 0;
	if (memmem(h, n, "?>", 2) == NULL)
		return -1;
	for (;;) {
		size_t name, nlen, val, vlen;
		unsigned char quote;

		while (i < n && is_space(h[i]))
			i++;
		for (name = i; i < n && is_alpha(h[i]); i++)
			;
		if ((nlen = i - name) == 0)
			return 0;
		while (i < n && is_space(h[i]))
			i++;
		if (i >= n || h[i++] != '=')
			return 0;
		while (i < n && is_space(h[i]))
			i++;
		if (i >= n || (h[i] != '"' && h[i] != '\''))
			return 0;
		quote = h[i++];
		for (val = i; i < n && h[i] != quote; i++)
			;
		if (i >= n)
			return 0;
		vlen = i++ - val;
		if (nlen == 8 && memcmp(h + name, "encoding", 8) == 0) {
			if (vlen >= size)
				vlen = size - 1;
			memcpy(label, h + val, vlen);
			label[vlen] = '\0';
			return 1;
		}
	}
}

/* Checks the first bytes and picks the encoding to pass to libxml2.
 * Returns 0, or -1 when the file is rejected (reported). */
static int
sniff(struct xr *x, const unsigned char *h, size_t n, const char **enc)
{
	size_t i = 0, j;
	int found;

	if (n == 0) {
		diag_reject(x->d, x->name, 0, "het bestand is leeg");
		return -1;
	}
	if (n >= 2 && ((h[0] == 0xFF && h[1] == 0xFE) ||
	    (h[0] == 0xFE && h[1] == 0xFF) || (h[0] == 0 && h[1] == '<') ||
	    (h[0] == '<' && h[1] == 0))) {
		diag_reject(x->d, x->name, 0, "UTF-16 wordt niet ondersteund; "
		    "sla het bestand op als UTF-8");
		return -1;
	}
	if (n >= 3 && h[0] == 0xEF && h[1] == 0xBB && h[2] == 0xBF)
		i = 3;
	for (j = i; j < n && is_space(h[j]); j++)
		;
	if (j >= n || h[j] != '<') {
		diag_reject(x->d, x->name, 0,
		    "dit is geen XML-bestand: het begint niet met '<'");
		return -1;
	}
	found = decl_encoding(h + i, n - i, x->enc_label, sizeof(x->enc_label));
	if (found < 0) {
		diag_reject(x->d, x->name, 1, "de XML-declaratie (<?xml ... ?>) "
		    "is niet afgesloten of te lang");
		return -1;
	}
	*enc = "UTF-8";
	if (i == 3 || found == 0)
		return 0;          /* a BOM wins over the declaration */
	if (valid_label(x->enc_label) &&
	    in_list(x->enc_label, UTF8_LABELS,
	    sizeof(UTF8_LABELS) / sizeof(UTF8_LABELS[0])))
		return 0;
	if (valid_label(x->enc_label) &&
	    in_list(x->enc_label, CP1252_LABELS,
	    sizeof(CP1252_LABELS) / sizeof(CP1252_LABELS[0]))) {
		*enc = "windows-1252";
		x->scan.cp1252 = 1;
		return 0;
	}
	diag_reject(x->d, x->name, 1, "de codering \"%s\" wordt niet "
	    "ondersteund; gebruik UTF-8, ISO-8859-1 of windows-1252",
	    valid_label(x->enc_label) ? x->enc_label : "?");
	return -1;
}

/* ---- errors -------------------------------------------------------------- */

/* Length of s cut to at most NAME_SHOWN bytes on a UTF-8 boundary. */
static int
shown(const char *s)
{
	size_t n = strlen(s);

	if (n <= NAME_SHOWN)
		return (int)n;
	n = NAME_SHOWN;
	while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
		n--;
	return (int)n;
}

/* Copies the first line of a libxml2 message, without control bytes,
 * cut on a UTF-8 boundary. */
static void
copy_message(char *dst, size_t size, const char *msg)
{
	size_t n = 0;

	for (; msg != NULL && msg[n] != '\0' && msg[n] != '\n' &&
	    n + 1 < size; n++)
		dst[n] = (unsigned char)msg[n] < 0x20 ? ' ' : msg[n];
	if (msg != NULL && msg[n] != '\0' && msg[n] != '\n')
		while (n > 0 && ((unsigned char)dst[n] & 0xC0) == 0x80)
			n--;
	dst[n] = '\0';
}

/* Per-reader structured error handler: keeps the first error. Warnings
 * (e.g. a relative namespace URI) are ignored. */
static void
on_xml_error(void *arg, xmlErrorPtr e)
{
	struct xr *x = arg;

	if (e == NULL || e->level < XML_ERR_ERROR || x->have_err)
		return;
	x->have_err = 1;
	x->err_code = e->code;
	x->err_line = e->line;
	copy_message(x->err_msg, sizeof(x->err_msg), e->message);
}

static const char DTD_REASON[] = "bevat een DTD (<!DOCTYPE>): niet "
    "toegestaan";
static const char TRUNCATED_REASON[] = "het bestand houdt te vroeg op: niet "
    "alle elementen zijn afgesloten (is het afgebroken?)";
static const char ENTITY_REASON[] = "bevat een entiteit: niet toegestaan "
    "(alleen &amp; &lt; &gt; &quot; &apos; en tekenverwijzingen zoals "
    "&#233;)";

/* A Dutch reason for the libxml2 error kept in x. */
static const char *
error_reason(const struct xr *x)
{
	switch (x->err_code) {
	case XML_ERR_INTERNAL_ERROR:
		if (strstr(x->err_msg, "depth") != NULL)
			return "de elementen zijn te diep in elkaar genest "
			    "(meer dan 256 niveaus)";
		break;
	case XML_ERR_NO_MEMORY:
		if (strstr(x->err_msg, "huge") != NULL)
			return "een tekst in het bestand is te lang (meer dan "
			    "10 MB)";
		return "te weinig geheugen om het bestand te lezen";
	case XML_ERR_DOCUMENT_EMPTY:
		return "het bestand bevat geen XML-element";
	case XML_ERR_DOCUMENT_END:
		if (x->in_root)
			return TRUNCATED_REASON;
		return "na het einde van <sociale-kaart> staat nog tekst "
		    "of een element";
	case XML_ERR_INVALID_CHAR:
		if (strncmp(x->err_msg, "Input is not proper UTF-8", 25) != 0)
			return "bevat een teken dat niet in XML mag staan";
		if (x->enc_label[0] != '\0')
			return "bevat tekst die geen geldige UTF-8 is";
		return "bevat tekst die geen geldige UTF-8 is, en de "
		    "XML-declaratie noemt geen andere codering (zoals "
		    "<?xml version=\"1.0\" encoding=\"windows-1252\"?>)";
	case XML_ERR_UNDECLARED_ENTITY:
	case XML_WAR_UNDECLARED_ENTITY:
	case XML_ERR_ENTITY_LOOP:
	case XML_ERR_ENTITY_BOUNDARY:
	case XML_ERR_ENTITYREF_SEMICOL_MISSING:
	case XML_ERR_ENTITY_NOT_FINISHED:
	case XML_ERR_UNPARSED_ENTITY:
	case XML_ERR_ENTITY_PE_INTERNAL:
	case XML_ERR_ENTITY_PROCESSING:
	case XML_ERR_ENTITYREF_NO_NAME:
	case XML_ERR_ENTITY_IS_EXTERNAL:
	case XML_ERR_ENTITY_IS_PARAMETER:
		return ENTITY_REASON;
	case XML_ERR_TAG_NAME_MISMATCH:
		return "een eindtag past niet bij de begintag";
	case XML_ERR_TAG_NOT_FINISHED:
		return "een element wordt niet afgesloten";
	case XML_ERR_RESERVED_XML_NAME:
		return "de XML-declaratie (<?xml ... ?>) moet helemaal aan "
		    "het begin van het bestand staan";
	case XML_ERR_ATTRIBUTE_REDEFINED:
		return "een attribuut staat twee keer in hetzelfde element";
	case XML_ERR_LT_IN_ATTRIBUTE:
		return "een attribuutwaarde bevat '<'";
	case XML_ERR_DOCTYPE_NOT_FINISHED:
	case XML_ERR_EXT_SUBSET_NOT_FINISHED:
		return DTD_REASON;
	default:
		if (x->err_code >= XML_NS_ERR_XML_NAMESPACE &&
		    x->err_code <= XML_NS_ERR_COLON)
			return "fout in een namespace (xmlns)";
		break;
	}
	return "geen geldige XML";
}

/* Reports why reading stopped. Always returns -1. */
static int
reject_error(struct xr *x)
{
	if (x->scan.bad_line != 0 &&
	    strcasecmp(x->enc_label, "windows-1252") == 0)
		diag_reject(x->d, x->name, x->scan.bad_line, "bevat de byte "
		    "0x%02X; die is geen teken in de codering windows-1252",
		    x->scan.bad_byte);
	else if (x->scan.bad_line != 0)
		diag_reject(x->d, x->name, x->scan.bad_line, "bevat de byte "
		    "0x%02X; die is geen teken in de codering windows-1252 "
		    "(het bestand noemt %s; dat lezen we als windows-1252)",
		    x->scan.bad_byte, x->enc_label);
	else if (x->in.err != 0)
		diag_reject(x->d, x->name, 0, "kan het bestand niet lezen: %s",
		    strerror(x->in.err));
	else if (x->scan.doctype_line != 0 && x->have_err)
		diag_reject(x->d, x->name, x->scan.doctype_line, "%s (libxml2: "
		    "%s)", DTD_REASON, x->err_msg);
	else if (x->scan.doctype_line != 0)
		diag_reject(x->d, x->name, x->scan.doctype_line, "%s",
		    DTD_REASON);
	else if (x->have_err && x->err_code == XML_ERR_DOCUMENT_END &&
	    x->in_root)
		diag_reject(x->d, x->name, x->err_line, "%s", TRUNCATED_REASON);
	else if (x->have_err)
		diag_reject(x->d, x->name, x->err_line, "%s (libxml2: %s)",
		    error_reason(x), x->err_msg);
	else
		diag_reject(x->d, x->name, 0, "kan het bestand niet lezen "
		    "als XML");
	return -1;
}

static int
reject_nomem(struct xr *x)
{
	diag_reject(x->d, x->name, 0, "te weinig geheugen om het bestand "
	    "te lezen");
	return -1;
}

/* The document ended inside an element without a libxml2 error. */
static int
reject_truncated(struct xr *x)
{
	diag_reject(x->d, x->name, x->scan.line, "%s", TRUNCATED_REASON);
	return -1;
}

/* Marks the current record as broken (the first reason counts). */
static void __attribute__((format(printf, 2, 3)))
record_error(struct xr *x, const char *fmt, ...)
{
	va_list ap;

	if (x->rec.error != NULL)
		return;
	va_start(ap, fmt);
	vsnprintf(x->rec_err, sizeof(x->rec_err), fmt, ap);
	va_end(ap);
	x->rec.error = x->rec_err;
}

/* ---- nodes --------------------------------------------------------------- */

/* Rejects a DTD, an entity or XInclude. Returns 0, or -1 (reported). */
static int
check_node(struct xr *x, const struct node *n)
{
	const char *ns;

	switch (n->type) {
	case XML_READER_TYPE_DOCUMENT_TYPE:
		diag_reject(x->d, x->name, x->scan.doctype_line, "%s",
		    DTD_REASON);
		return -1;
	case XML_READER_TYPE_ENTITY_REFERENCE:
	case XML_READER_TYPE_ENTITY:
		diag_reject(x->d, x->name, 0, "%s", ENTITY_REASON);
		return -1;
	case XML_READER_TYPE_ELEMENT:
		ns = (const char *)xmlTextReaderConstNamespaceUri(x->reader);
		if (ns != NULL && (strcmp(ns, XI_NS_2001) == 0 ||
		    strcmp(ns, XI_NS_2003) == 0)) {
			diag_reject(x->d, x->name, n->line, "bevat XInclude "
			    "(<%.*s>): niet toegestaan", shown(n->name), n->name);
			return -1;
		}
		return 0;
	default:
		return 0;
	}
}

/* Reads the next node. Returns 1 (a node), 0 (end of the document) or
 * -1 (the file is rejected; reported). */
static int
next_node(struct xr *x, struct node *n)
{
	int rc = xmlTextReaderRead(x->reader);

	if (rc == 1) {
		n->type = xmlTextReaderNodeType(x->reader);
		n->depth = xmlTextReaderDepth(x->reader);
		n->empty = xmlTextReaderIsEmptyElement(x->reader) == 1;
		n->name = (const char *)xmlTextReaderConstName(x->reader);
		if (n->name == NULL)
			n->name = "";
		n->line = 0;
		if (n->type == XML_READER_TYPE_ELEMENT &&
		    (n->line = scan_pop(&x->scan)) == 0)
			n->line = xmlTextReaderGetParserLineNumber(x->reader);
		if (check_node(x, n) != 0)
			return -1;
	}
	if (rc < 0 || x->have_err || x->scan.bad_line != 0 || x->in.err != 0)
		return reject_error(x);
	return rc;
}

/* Reads past the end of element el (which was just read). */
static int
skip_element(struct xr *x, const struct node *el)
{
	struct node n;
	int rc;

	if (el->empty)
		return 0;
	while ((rc = next_node(x, &n)) == 1)
		if (n.type == XML_READER_TYPE_END_ELEMENT &&
		    n.depth == el->depth)
			return 0;
	return rc == 0 ? reject_truncated(x) : rc;
}

/* ---- fields -------------------------------------------------------------- */

/* Appends "<name attr="value"...>" (or "/>") for an element inside
 * omschrijving. Returns 0 or -1 (out of memory). */
static int
add_start_tag(struct xr *x, const struct node *n)
{
	struct buf *b = &x->markup;
	int rc;

	if (buf_adds(b, "<") != 0 || buf_adds(b, n->name) != 0)
		return -1;
	while ((rc = xmlTextReaderMoveToNextAttribute(x->reader)) == 1) {
		const char *name = (const char *)xmlTextReaderConstName(x->reader);
		const char *value = (const char *)xmlTextReaderConstValue(x->reader);

		if (buf_adds(b, " ") != 0 || buf_adds(b, name ? name : "") != 0 ||
		    buf_adds(b, "=\"") != 0 ||
		    buf_add_escaped(b, value ? value : "", 1) != 0 ||
		    buf_adds(b, "\"") != 0)
			return -1;
	}
	xmlTextReaderMoveToElement(x->reader);
	if (rc < 0)
		return -1;
	return buf_adds(b, n->empty ? "/>" : ">");
}

/* Adds one node inside a field to the value buffers. In markup mode
 * (omschrijving) x->markup also gets the node as XML. Returns 0, -1 on
 * ENOMEM, or -2 for text that is not UTF-8 (libxml2 2.9 lets overlong
 * forms through inside CDATA). */
static int
add_node(struct xr *x, const struct node *n, int markup, int *has_children)
{
	const char *v;

	switch (n->type) {
	case XML_READER_TYPE_TEXT:
	case XML_READER_TYPE_CDATA:
	case XML_READER_TYPE_WHITESPACE:
	case XML_READER_TYPE_SIGNIFICANT_WHITESPACE:
		v = (const char *)xmlTextReaderConstValue(x->reader);
		if (v == NULL)
			return 0;
		if (!utf8_valid(v, strlen(v)))
			return -2;
		if (buf_adds(&x->val, v) != 0)
			return -1;
		return markup ? buf_add_escaped(&x->markup, v, 0) : 0;
	case XML_READER_TYPE_ELEMENT:
		*has_children = 1;
		return markup ? add_start_tag(x, n) : 0;
	case XML_READER_TYPE_END_ELEMENT:
		if (!markup)
			return 0;
		if (buf_adds(&x->markup, "</") != 0 ||
		    buf_adds(&x->markup, n->name) != 0)
			return -1;
		return buf_adds(&x->markup, ">");
	default:
		return 0;              /* comments, PIs */
	}
}

/* For <wijk code="C">: starts the value with "C=". */
static int
add_wijk_code(struct xr *x)
{
	xmlChar *code = xmlTextReaderGetAttribute(x->reader, BAD_CAST "code");
	int rc = 0;

	if (code != NULL) {
		rc = buf_adds(&x->val, (const char *)code);
		xmlFree(code);
	}
	return rc != 0 ? rc : buf_adds(&x->val, "=");
}

/* Reads the content of field element el into x->val. The value is the
 * text with entities decoded and CDATA included; for an omschrijving
 * with child elements it is the inner markup instead. */
static int
read_value(struct xr *x, const struct node *el, const struct field_def *def)
{
	int markup = strcmp(def->name, "omschrijving") == 0;
	int has_children = 0;
	struct node n;
	int rc;

	buf_reset(&x->val);
	buf_reset(&x->markup);
	if (strcmp(def->name, "wijk") == 0 && add_wijk_code(x) != 0)
		return reject_nomem(x);
	if (el->empty)
		return 0;
	while ((rc = next_node(x, &n)) == 1) {
		if (n.type == XML_READER_TYPE_END_ELEMENT &&
		    n.depth == el->depth)
			break;
		if ((rc = add_node(x, &n, markup, &has_children)) == -2) {
			diag_reject(x->d, x->name, el->line, "bevat tekst die "
			    "geen geldige UTF-8 is");
			return -1;
		}
		if (rc != 0)
			return reject_nomem(x);
		rc = 1;
	}
	if (rc != 1)
		return rc == 0 ? reject_truncated(x) : rc;
	if (has_children && markup) {
		struct buf t = x->val;

		x->val = x->markup;
		x->markup = t;
	}
	return 0;
}

/* One child element of <aanbod>: a field, or an unknown element. */
static int
read_child(struct xr *x, const struct node *el)
{
	const struct field_def *def = field_lookup(el->name);
	int rc;

	if (++x->nchildren > XML_MAX_CHILDREN) {
		record_error(x, "te veel elementen in één <aanbod> (meer "
		    "dan %d)", XML_MAX_CHILDREN);
		return skip_element(x, el);
	}
	if (def == NULL || strcmp(def->name, "id") == 0) {
		/* the builder warns when the listing is imported */
		char mark[NAME_SHOWN + 3];

		snprintf(mark, sizeof(mark), "<%.*s>", shown(el->name),
		    el->name);
		if (raw_record_add(&x->rec, mark, "", el->line) != 0)
			return reject_nomem(x);
		return skip_element(x, el);
	}
	if ((rc = read_value(x, el, def)) != 0)
		return rc;
	if (x->val.over) {
		record_error(x, "veld <%s> is te lang (meer dan %d MB)",
		    def->name, XML_MAX_VALUE_BYTES / (1024 * 1024));
		return 0;
	}
	if (raw_record_addn(&x->rec, def->name, x->val.p ? x->val.p : "",
	    x->val.len, el->line) != 0)
		return reject_nomem(x);
	return 0;
}

/* One <aanbod>: fills x->rec and passes it to the callback. */
static int
read_aanbod(struct xr *x, const struct node *el)
{
	xmlChar *id;
	struct node n;
	int rc = 1;

	raw_record_clear(&x->rec);
	x->rec.line = el->line;
	x->nchildren = 0;
	if ((id = xmlTextReaderGetAttribute(x->reader, BAD_CAST "id")) != NULL) {
		rc = raw_record_set_id(&x->rec, (const char *)id);
		xmlFree(id);
		if (rc != 0)
			return reject_nomem(x);
		rc = 1;
	}
	if (!el->empty) {
		while ((rc = next_node(x, &n)) == 1) {
			if (n.type == XML_READER_TYPE_END_ELEMENT &&
			    n.depth == el->depth)
				break;
			if (n.type == XML_READER_TYPE_ELEMENT &&
			    (rc = read_child(x, &n)) != 0)
				return rc;
		}
		if (rc != 1)
			return rc == 0 ? reject_truncated(x) : rc;
	}
	rc = x->cb(&x->rec, x->cb_ctx);
	raw_record_clear(&x->rec);
	return rc < 0 ? -2 : 0;
}

/* The children of <sociale-kaart>, up to its end tag. */
static int
read_root(struct xr *x)
{
	struct node n;
	int rc;

	x->in_root = 1;
	while ((rc = next_node(x, &n)) == 1) {
		if (n.type == XML_READER_TYPE_END_ELEMENT && n.depth == 0) {
			x->in_root = 0;
			return 0;
		}
		if (n.type != XML_READER_TYPE_ELEMENT)
			continue;          /* text, comments, PIs */
		if (strcmp(n.name, "aanbod") == 0)
			rc = read_aanbod(x, &n);
		else {
			diag_warn(x->d, x->name, n.line, NULL,
			    "onbekend element <%.*s> genegeerd",
			    shown(n.name), n.name);
			rc = skip_element(x, &n);
		}
		if (rc != 0)
			return rc;
	}
	return rc == 0 ? reject_truncated(x) : rc;
}

static int
read_document(struct xr *x)
{
	struct node n;
	int rc;

	while ((rc = next_node(x, &n)) == 1 &&
	    n.type != XML_READER_TYPE_ELEMENT)
		;                          /* comments and PIs before the root */
	if (rc != 1) {
		if (rc == 0)
			diag_reject(x->d, x->name, 0,
			    "het bestand bevat geen XML-element");
		return -1;
	}
	if (strcmp(n.name, "sociale-kaart") != 0) {
		diag_reject(x->d, x->name, n.line, "het eerste element is "
		    "<%.*s>; dat moet <sociale-kaart> zijn",
		    shown(n.name), n.name);
		return -1;
	}
	if (!n.empty && (rc = read_root(x)) != 0)
		return rc;
	while ((rc = next_node(x, &n)) == 1)
		;                          /* after the root: finds extra content */
	return rc;
}

static int
read_xml(struct xr *x, const unsigned char *head, size_t headlen)
{
	const char *enc;
	int rc;

	if (sniff(x, head, headlen, &enc) != 0)
		return -1;
	x->reader = xmlReaderForIO(io_read, io_close, x, x->name, enc,
	    XML_OPTIONS);
	if (x->reader == NULL)
		return reject_error(x);
	xmlTextReaderSetStructuredErrorHandler(x->reader, on_xml_error, x);
	rc = read_document(x);
	xmlFreeTextReader(x->reader);
	x->reader = NULL;
	return rc;
}

/* ---- public -------------------------------------------------------------- */

int
xml_read_file(const char *path, struct diag *d, record_cb cb, void *ctx)
{
	struct xr x;
	int rc;

	xr_init(&x, path, d, cb, ctx);
	if ((x.in.fd = open(path, O_RDONLY | O_CLOEXEC)) < 0) {
		diag_reject(d, path, 0, "kan het bestand niet openen: %s",
		    strerror(errno));
		return -1;
	}
	x.in.rbuf = malloc(READ_BYTES);
	if (read_head(&x.in) != 0)
		rc = reject_error(&x);
	else
		rc = read_xml(&x, x.in.head, x.in.headlen);
	xr_free(&x);
	return rc;
}

int
xml_read_mem(const char *name, const char *buf, size_t len, struct diag *d,
             record_cb cb, void *ctx)
{
	struct xr x;
	int rc;

	xr_init(&x, name, d, cb, ctx);
	x.in.mem = (const unsigned char *)buf;
	x.in.memlen = len;
	rc = read_xml(&x, x.in.mem, len < HEAD_BYTES ? len : HEAD_BYTES);
	xr_free(&x);
	return rc;
}

static xmlParserInputPtr
deny_entity_loader(const char *url, const char *id, xmlParserCtxtPtr ctxt)
{
	(void)url;
	(void)id;
	(void)ctxt;
	return NULL;
}

static void
quiet_generic(void *ctx, const char *msg, ...)
{
	(void)ctx;
	(void)msg;
}

static void
quiet_structured(void *ctx, xmlErrorPtr e)
{
	(void)ctx;
	(void)e;
}

void
xml_reader_init(void)
{
	xmlInitParser();
	xmlSetExternalEntityLoader(deny_entity_loader);
	/* Errors with no parser context (e.g. from the encoding converter)
	 * would go to stderr; each reader reports its own errors instead. */
	xmlSetGenericErrorFunc(NULL, quiet_generic);
	xmlSetStructuredErrorFunc(NULL, quiet_structured);
}
