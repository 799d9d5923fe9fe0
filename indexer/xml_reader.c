/*
 * xml_reader.c - streaming reader for XML exports; see xml_reader.h.
 *
 * How it works: libxml2's SAX2 push parser (xmlParseChunk) gets the
 * file's bytes from push_data(), which first feeds every byte it reads
 * to a small line scanner. The SAX callbacks only append compact events
 * (start tag with its attributes, end tag, text, comment or PI) to an
 * event log in struct xr; next_node() hands these events out one at a
 * time as "nodes" to a small recursive reader (read_document() and
 * below) and pushes more input when the log runs dry. The scanner notes
 * the line of every start tag ("<name"), in document order, in a queue,
 * and next_node() pops one line per element; that gives the line where
 * "<aanbod" begins, which libxml2 does not keep (its parser line runs
 * ahead of the element being read).
 *
 * Why it feeds libxml2 the way it does: this reader used to be built on
 * xmlTextReader, and what a broken file gives (which records reach the
 * callback before the rejection, which error is reported, at which line)
 * depends on how far that reader had let libxml2 parse. To keep that
 * exactly, push_data() and fetch() feed the parser as xmlTextReaderRead()
 * of libxml2 2.9.14 did: reads of 4096 bytes (4 to create the parser),
 * pushes of 512 bytes until a chunk held a start tag, more pushes before
 * moving on from a node that may still get a next sibling (must_push()),
 * and a text is handed out only when complete. A node is used only after
 * the push that produced it succeeded, so a libxml2 error rejects the
 * file before any node of that push counts, and no more input is pushed
 * after it. The limits that xmlTextReader's tree builder enforced (depth
 * 256, 10 MB per text node, xml:id values) are checked in the SAX
 * callbacks and reported with the same libxml2 messages.
 *
 * Hostile input: a <!DOCTYPE> stops the parser in its internalSubset
 * callback, before any entity is declared, so no entity is ever
 * expanded (xmlTextReader parsed on up to the root element first, and
 * its message could name a libxml2 error found there; now it names one
 * only when it came before the DOCTYPE); getEntity finds nothing, so an
 * entity other than the five predefined ones is a libxml2 error;
 * XInclude elements are rejected; the parser runs with XML_PARSE_NONET
 * and xml_reader_init()'s deny-all entity loader.
 *
 * The encoding is decided here, not by libxml2: sniff() reads the BOM and
 * the XML declaration and switches the parser to "UTF-8" or
 * "windows-1252" with XML_PARSE_IGNORE_ENC (libxml2 2.9.14 would
 * otherwise let a declared ISO-8859-1 override our windows-1252).
 *
 * All state lives in one struct xr per call (no global mutable state);
 * libxml2 errors are collected per parser by on_xml_error(). The record,
 * the value buffers, the event log, the input buffer and the line queue
 * belong to the struct xr and are freed by xr_free() before xml_read_*()
 * returns.
 */
#include "xml_reader.h"
#include "textutil.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <libxml/hash.h>
#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>

#include "fields.h"

#define HEAD_BYTES   1024        /* bytes sniffed for BOM and declaration */
#define READ_AHEAD   (128 * 1024) /* one read() of a file, served to the
                                   * parser's feed READ_BYTES at a time (a
                                   * system call each without it) */
#define LINEQ_MAX    (1 << 20)   /* start-tag lines kept ahead of the reader */
#define NAME_SHOWN   100         /* longest element name put in a message */
#define XML_OPTIONS  (XML_PARSE_NONET | XML_PARSE_IGNORE_ENC)
#define FIRST_BYTES  4           /* bytes the parser is created with */
#define READ_BYTES   4096        /* bytes per read */
#define CHUNK_BYTES  512         /* bytes per xmlParseChunk() */

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
	unsigned char *rbuf;             /* READ_AHEAD bytes read ahead; owned; NULL:
	                                  * read() as asked (no memory) */
	size_t rlen, rpos;
	int err;                         /* errno of a failed read, 0 = none */
};

/* Bytes read but not yet pushed to the parser (xmlTextReader's input
 * buffer): p[cur..use) waits for the next xmlParseChunk(). */
struct feed {
	unsigned char *p;
	size_t cur, use, cap;
	int eof;                 /* a read gave 0 or failed: no more reads */
};

/* The event log: events the SAX callbacks appended, p[rpos..wpos), each
 * a struct ev followed by its data. Events before rpos were handed out
 * by next_node(); their data stays valid until the next push. */
struct evlog {
	char *p;
	size_t rpos, wpos, cap;
	size_t last;             /* offset of the newest event, or NO_EVENT */
};

#define NO_EVENT ((size_t)-1)

enum ev_type {
	EV_START,                /* start tag; attributes follow */
	EV_END,                  /* end tag (none for <x/>) */
	EV_TEXT,                 /* text, entities decoded */
	EV_CDATA,                /* a CDATA section */
	EV_OTHER                 /* comment or processing instruction */
};

struct ev {
	size_t size;             /* bytes of the event, its data included */
	const char *name;        /* EV_START, EV_END: qualified name, owned
	                            by the parser's dictionary */
	size_t len;              /* EV_TEXT, EV_CDATA: bytes of text */
	int nattr;               /* EV_START: attributes that follow */
	unsigned char type;
	unsigned char empty;     /* EV_START: written as <x/> */
	unsigned char xinclude;  /* EV_START: in an XInclude namespace */
};

/* An attribute of an EV_START; its value follows, NUL-terminated. The
 * namespace declarations come first, as "xmlns" or "xmlns:p". */
struct ev_attr {
	size_t size;             /* bytes of the attribute, value included */
	const char *name;        /* qualified name (parser's dictionary) */
	int no_ns;               /* an attribute in no namespace */
};

struct xr {
	const char *name;        /* file name for messages and rec.file */
	struct diag *d;
	record_cb cb;
	void *cb_ctx;
	xmlParserCtxtPtr ctxt;
	struct xml_in in;
	struct feed feed;
	struct line_scan scan;
	char enc_label[41];      /* encoding as declared, "" when none */
	int in_root;             /* between <sociale-kaart> and its end tag */

	/* Parser side, as the SAX callbacks see it. */
	struct evlog log;
	int doc_started;         /* libxml2 called startDocument */
	int saw_start;           /* a start tag in the current push */
	int open;                /* elements the parser has open */
	int empty_end;           /* the next end tag closes an <x/> */
	int text_type;           /* EV_TEXT or EV_CDATA: the text node being
	                            parsed, -1 for none */
	size_t text_len;         /* its bytes so far */
	xmlHashTablePtr ids;     /* xml:id values seen */
	int nomem;               /* out of memory in a callback */

	/* Reader side, as next_node() hands out nodes. */
	int started;             /* the first node was asked for */
	int depth;               /* depth of the next node, root = 0 */
	int cur_kind;            /* the node handed out last (K_*) */

	int have_err;            /* first error libxml2 reported */
	int err_code;
	long err_line;
	char err_msg[160];

	struct raw_record rec;   /* the <aanbod> being read */
	size_t nchildren;
	char rec_err[96];        /* rec.error points here when set */
	struct buf val, markup;  /* a field's text, and its inner markup */
};

/* What the node handed out last was, for must_push(). */
enum cur_kind {
	K_START,                 /* a start tag, not <x/> */
	K_LEAF                   /* <x/>, an end tag, text, comment or PI */
};

/* One node as next_node() hands it out. */
enum node_type {
	N_ELEMENT,               /* a start tag */
	N_END,                   /* an end tag */
	N_TEXT,                  /* text or CDATA */
	N_OTHER                  /* comment or PI */
};

struct node {
	int type;
	int depth;               /* root = 0 */
	int empty;               /* <x/> */
	const char *name;        /* elements: qualified name; lives as long
	                            as the parser */
	long line;               /* elements: line of "<name" */
	const struct ev *ev;     /* its event; valid until the next node */
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
	x->log.last = NO_EVENT;
	x->text_type = -1;
	x->rec.file = name;
	x->rec.multi_joined = 0;
	x->rec.html_allowed = 1;
}

static void
xr_free(struct xr *x)
{
	if (x->ctxt != NULL)
		xmlFreeParserCtxt(x->ctxt);
	if (x->ids != NULL)
		xmlHashFree(x->ids, NULL);
	raw_record_free(&x->rec);
	free(x->val.p);
	free(x->markup.p);
	free(x->log.p);
	free(x->feed.p);
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
		if ((got = read_fd(in, in->rbuf, READ_AHEAD)) <= 0)
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

/* Reads up to n more bytes into the feed; every byte passes the line
 * scanner first. Returns the count, 0 at the end, or -1 on a read error
 * or a byte that windows-1252 does not define (both noted for
 * reject_error()). After 0 or -1 no more reads are made. */
static long
feed_read(struct xr *x, size_t n)
{
	struct feed *f = &x->feed;
	long got;

	if (f->eof)
		return 0;
	if (f->cur > 0) {
		memmove(f->p, f->p + f->cur, f->use - f->cur);
		f->use -= f->cur;
		f->cur = 0;
	}
	if (f->use + n > f->cap) {
		size_t ncap = f->use + n;
		unsigned char *np = realloc(f->p, ncap);

		if (np == NULL) {
			x->nomem = 1;
			f->eof = 1;
			return -1;
		}
		f->p = np;
		f->cap = ncap;
	}
	got = input_read(&x->in, f->p + f->use, n);
	if (got <= 0 || scan_feed(&x->scan, f->p + f->use, (size_t)got) != 0) {
		f->eof = 1;
		return got == 0 ? 0 : -1;
	}
	f->use += (size_t)got;
	return got;
}

/* ---- event log ----------------------------------------------------------- */

static size_t
aligned(size_t n)
{
	return (n + sizeof(void *) - 1) & ~(sizeof(void *) - 1);
}

/* Drops the events already handed out (before a push). */
static void
log_compact(struct evlog *l)
{
	if (l->rpos == 0)
		return;
	if (l->rpos == l->wpos) {
		l->rpos = l->wpos = 0;
		l->last = NO_EVENT;
		return;
	}
	memmove(l->p, l->p + l->rpos, l->wpos - l->rpos);
	l->wpos -= l->rpos;
	if (l->last != NO_EVENT)
		l->last -= l->rpos;
	l->rpos = 0;
}

/* Makes room for n more bytes at l->p + l->wpos. Returns 0 or -1. */
static int
log_room(struct evlog *l, size_t n)
{
	size_t ncap;
	char *np;

	if (n <= l->cap - l->wpos)
		return 0;
	if (n > SIZE_MAX / 2 - l->wpos)
		return -1;
	for (ncap = l->cap ? l->cap : 4096; ncap < l->wpos + n; ncap *= 2)
		;
	if ((np = realloc(l->p, ncap)) == NULL)
		return -1;
	l->p = np;
	l->cap = ncap;
	return 0;
}

static struct ev *
log_at(const struct evlog *l, size_t off)
{
	return (struct ev *)(void *)(l->p + off);
}

/* The event next_node() hands out next, or NULL. */
static struct ev *
log_head(const struct evlog *l)
{
	return l->rpos < l->wpos ? log_at(l, l->rpos) : NULL;
}

static const struct ev_attr *
first_attr(const struct ev *e)
{
	return (const void *)((const char *)e + aligned(sizeof(*e)));
}

static const struct ev_attr *
next_attr(const struct ev_attr *a)
{
	return (const void *)((const char *)a + a->size);
}

static const char *
attr_value(const struct ev_attr *a)
{
	return (const char *)a + aligned(sizeof(*a));
}

static const char *
ev_text(const struct ev *e)
{
	return (const char *)e + aligned(sizeof(*e));
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

/* Keeps the first error libxml2 reported (or would have reported). */
static void
keep_error(struct xr *x, int code, long line, const char *msg)
{
	if (x->have_err)
		return;
	x->have_err = 1;
	x->err_code = code;
	x->err_line = line;
	copy_message(x->err_msg, sizeof(x->err_msg), msg);
}

/* Per-parser structured error handler (the parser's user data is its
 * context, whose _private is the struct xr). Warnings (e.g. a relative
 * namespace URI) are ignored. */
static void
on_xml_error(void *arg, xmlErrorPtr e)
{
	xmlParserCtxtPtr ctxt = arg;

	if (ctxt == NULL || ctxt->_private == NULL || e == NULL ||
	    e->level < XML_ERR_ERROR)
		return;
	keep_error(ctxt->_private, e->code, e->line, e->message);
}

/* An error that libxml2's tree builder raised in xmlTextReader, where
 * the SAX callbacks below check the same limit: formats it as libxml2
 * did, at the parser's current line. */
static void __attribute__((format(printf, 3, 4)))
builder_error(struct xr *x, int code, const char *fmt, ...)
{
	char msg[sizeof(x->err_msg)];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	keep_error(x, code, x->ctxt->input != NULL ? x->ctxt->input->line : 0,
	    msg);
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

/* ---- SAX callbacks ------------------------------------------------------- */

/* The callbacks get the parser context (as in xmlTextReader, the user
 * data is the context itself); its _private is the struct xr. */
static struct xr *
xr_of(void *ctx)
{
	return ((xmlParserCtxtPtr)ctx)->_private;
}

static void
sax_nomem(struct xr *x)
{
	x->nomem = 1;
	xmlStopParser(x->ctxt);
}

/* Appends an event with room for n bytes of data after its header.
 * Returns it, or NULL (out of memory; the parser is stopped). */
static struct ev *
log_add(struct xr *x, int type, size_t n)
{
	struct evlog *l = &x->log;
	size_t size = aligned(sizeof(struct ev)) + aligned(n);
	struct ev *e;

	if (n > SIZE_MAX / 2 || log_room(l, size) != 0) {
		sax_nomem(x);
		return NULL;
	}
	e = log_at(l, l->wpos);
	memset(e, 0, sizeof(*e));
	e->size = size;
	e->type = (unsigned char)type;
	l->last = l->wpos;
	l->wpos += size;
	return e;
}

/* Appends text to the log: to the newest event when that is text of
 * the same type not yet handed out (libxml2's tree builder joined such
 * pieces into one node too), else as a new event. */
static void
log_text(struct xr *x, int type, const xmlChar *s, size_t n)
{
	struct evlog *l = &x->log;
	size_t hdr = aligned(sizeof(struct ev)), size;
	struct ev *e;
	char *t;

	if (l->last != NO_EVENT && l->last >= l->rpos &&
	    log_at(l, l->last)->type == type) {
		e = log_at(l, l->last);
		if (n > SIZE_MAX / 2 - e->len) {
			sax_nomem(x);
			return;
		}
		size = hdr + aligned(e->len + n + 1);
		if (log_room(l, size - e->size) != 0) {
			sax_nomem(x);
			return;
		}
		e = log_at(l, l->last);
		l->wpos += size - e->size;
		e->size = size;
	} else {
		if ((e = log_add(x, type, n + 1)) == NULL)
			return;
		e->len = 0;
	}
	t = (char *)e + hdr;
	memcpy(t + e->len, s, n);
	e->len += n;
	t[e->len] = '\0';
}

/* Ends the text node being parsed (as a new node in the tree did). */
static void
end_text(struct xr *x)
{
	x->text_type = -1;
}

static void
on_text(struct xr *x, int type, const xmlChar *s, int len)
{
	if (len <= 0)
		return;
	/* xmlSAX2Text(): a text node may not grow past 10 MB */
	if (x->text_type == type) {
		if (x->text_len + (size_t)len > XML_MAX_TEXT_LENGTH &&
		    (x->ctxt->options & XML_PARSE_HUGE) == 0) {
			builder_error(x, XML_ERR_NO_MEMORY,
			    "xmlSAX2Characters: huge text node");
			xmlStopParser(x->ctxt);
			return;
		}
		x->text_len += (size_t)len;
	} else {
		x->text_type = type;
		x->text_len = (size_t)len;
	}
	log_text(x, type, s, (size_t)len);
}

static void
on_characters(void *ctx, const xmlChar *s, int len)
{
	on_text(xr_of(ctx), EV_TEXT, s, len);
}

static void
on_cdata(void *ctx, const xmlChar *s, int len)
{
	on_text(xr_of(ctx), EV_CDATA, s, len);
}

static void
on_comment(void *ctx, const xmlChar *value)
{
	struct xr *x = xr_of(ctx);

	(void)value;
	end_text(x);
	log_add(x, EV_OTHER, 0);
}

static void
on_pi(void *ctx, const xmlChar *target, const xmlChar *data)
{
	struct xr *x = xr_of(ctx);

	(void)target;
	(void)data;
	end_text(x);
	log_add(x, EV_OTHER, 0);
}

static void
on_start_document(void *ctx)
{
	xr_of(ctx)->doc_started = 1;
}

/* A <!DOCTYPE>: stops the parser before its internal subset (and so any
 * entity declaration) is read; reject_error() reports the DTD. */
static void
on_internal_subset(void *ctx, const xmlChar *name, const xmlChar *ext_id,
                   const xmlChar *sys_id)
{
	xmlParserCtxtPtr ctxt = ctx;
	struct xr *x = xr_of(ctx);

	(void)name;
	(void)ext_id;
	(void)sys_id;
	if (x->scan.doctype_line == 0 && ctxt->input != NULL)
		x->scan.doctype_line = ctxt->input->line;
	xmlStopParser(ctxt);
}

/* No entity is declared: every entity but the predefined ones is an
 * error of the parser ("Entity 'x' not defined"). */
static xmlEntityPtr
on_get_entity(void *ctx, const xmlChar *name)
{
	(void)ctx;
	(void)name;
	return NULL;
}

/* xmlSAX2AttributeNs(): an xml:id value must be an NCName and unique
 * in the document. */
static void
check_xml_id(struct xr *x, const xmlChar *value, const xmlChar *end)
{
	xmlChar *id = xmlStrndup(value, (int)(end - value));

	if (id == NULL) {
		sax_nomem(x);
		return;
	}
	if (xmlValidateNCName(id, 1) != 0)
		builder_error(x, XML_DTD_XMLID_VALUE, "xml:id : attribute "
		    "value %s is not an NCName", (const char *)id);
	if (id[0] != '\0') {
		if (x->ids == NULL && (x->ids = xmlHashCreate(0)) == NULL)
			sax_nomem(x);
		else if (xmlHashAddEntry(x->ids, id, x) != 0)
			builder_error(x, XML_DTD_ID_REDEFINED, "ID %s already "
			    "defined", (const char *)id);
	}
	xmlFree(id);
}

/* Length of an attribute value once "&#38;" is read as '&': with
 * XML_PARSE_NOENT off, libxml2 passes every '&' in a value that way. */
static size_t
value_len(const xmlChar *v, const xmlChar *end)
{
	size_t n = (size_t)(end - v);
	const xmlChar *p = v;

	while ((p = memchr(p, '&', (size_t)(end - p))) != NULL) {
		if (end - p >= 5 && memcmp(p, "&#38;", 5) == 0)
			n -= 4;
		p++;
	}
	return n;
}

/* Copies an attribute value, "&#38;" read as '&', NUL-terminated. */
static void
copy_value(char *dst, const xmlChar *v, const xmlChar *end)
{
	while (v < end) {
		if (*v == '&' && end - v >= 5 && memcmp(v, "&#38;", 5) == 0) {
			*dst++ = '&';
			v += 5;
		} else
			*dst++ = (char)*v++;
	}
	*dst = '\0';
}

/* Writes one attribute at l->p + *pos and moves *pos past it; with
 * decode, "&#38;" is read as '&'. A namespace declaration keeps its
 * URI as the parser has it ("&#38;" included), as xmlTextReader did. */
static void
put_attr(struct evlog *l, size_t *pos, const char *name, int no_ns,
         const xmlChar *v, const xmlChar *end, int decode)
{
	struct ev_attr *a = (struct ev_attr *)(void *)(l->p + *pos);
	char *dst = (char *)a + aligned(sizeof(*a));
	size_t n = decode ? value_len(v, end) : (size_t)(end - v);

	a->size = aligned(sizeof(*a)) + aligned(n + 1);
	a->name = name;
	a->no_ns = no_ns;
	if (decode)
		copy_value(dst, v, end);
	else {
		memcpy(dst, v, n);
		dst[n] = '\0';
	}
	*pos += a->size;
}

/* A qualified name from the parser's dictionary. */
static const char *
qname(xmlParserCtxtPtr ctxt, const xmlChar *prefix, const xmlChar *local)
{
	if (prefix == NULL)
		return (const char *)local;
	return (const char *)xmlDictQLookup(ctxt->dict, prefix, local);
}

/* Logs a start tag: namespace declarations first, then the attributes
 * (what xmlTextReaderMoveToNextAttribute() went through). */
static void
log_start(struct xr *x, const char *name, const xmlChar *uri, int empty,
          int nb_ns, const xmlChar **ns, int nb_attr, const xmlChar **attrs)
{
	struct evlog *l = &x->log;
	size_t need = 0, off, pos;
	struct ev *e;
	int i;

	for (i = 0; i < nb_ns; i++)
		need += aligned(sizeof(struct ev_attr)) +
		    aligned(strlen((const char *)ns[2 * i + 1]) + 1);
	for (i = 0; i < nb_attr; i++)
		need += aligned(sizeof(struct ev_attr)) +
		    aligned((size_t)(attrs[5 * i + 4] - attrs[5 * i + 3]) + 1);
	if ((e = log_add(x, EV_START, need)) == NULL)
		return;
	e->name = name;
	e->empty = (unsigned char)empty;
	e->xinclude = uri != NULL &&
	    (strcmp((const char *)uri, XI_NS_2001) == 0 ||
	    strcmp((const char *)uri, XI_NS_2003) == 0);
	off = l->last;                /* the log does not move below */
	pos = off + aligned(sizeof(*e));
	for (i = 0; i < nb_ns; i++) {
		const xmlChar *prefix = ns[2 * i], *href = ns[2 * i + 1];
		const char *an = prefix == NULL ? "xmlns" :
		    qname(x->ctxt, BAD_CAST "xmlns", prefix);

		if (an == NULL) {
			sax_nomem(x);
			return;
		}
		put_attr(l, &pos, an, 0, href,
		    href + strlen((const char *)href), 0);
		e->nattr++;
	}
	for (i = 0; i < nb_attr; i++) {
		const xmlChar **a = attrs + 5 * i;
		const char *an = qname(x->ctxt, a[1], a[0]);

		if (an == NULL) {
			sax_nomem(x);
			return;
		}
		put_attr(l, &pos, an, a[2] == NULL, a[3], a[4], 1);
		e->nattr++;
	}
	e->size = pos - off;          /* values may have got shorter */
	l->wpos = pos;
}

static void
on_start(void *ctx, const xmlChar *local, const xmlChar *prefix,
         const xmlChar *uri, int nb_ns, const xmlChar **ns, int nb_attr,
         int nb_defaulted, const xmlChar **attrs)
{
	xmlParserCtxtPtr ctxt = ctx;
	struct xr *x = xr_of(ctx);
	const char *name;
	int empty;

	x->saw_start = 1;        /* ends xmlTextReader's push loop */
	end_text(x);
	/* nodePush() in xmlSAX2StartElementNs() */
	if ((unsigned)x->open > xmlParserMaxDepth &&
	    (ctxt->options & XML_PARSE_HUGE) == 0) {
		builder_error(x, XML_ERR_INTERNAL_ERROR, "Excessive depth in "
		    "document: %d use XML_PARSE_HUGE option",
		    (int)xmlParserMaxDepth);
		xmlStopParser(ctxt);
		return;
	}
	x->open++;
	empty = ctxt->input->cur[0] == '/' && ctxt->input->cur[1] == '>';
	x->empty_end = empty;
	if ((ctxt->loadsubset & XML_COMPLETE_ATTRS) == 0)
		nb_attr -= nb_defaulted;
	for (int i = 0; i < nb_attr; i++)
		if (attrs[5 * i + 1] == ctxt->str_xml &&
		    strcmp((const char *)attrs[5 * i], "id") == 0)
			check_xml_id(x, attrs[5 * i + 3], attrs[5 * i + 4]);
	if ((name = qname(ctxt, prefix, local)) == NULL) {
		sax_nomem(x);
		return;
	}
	log_start(x, name, uri, empty, nb_ns, ns, nb_attr, attrs);
}

static void
on_end(void *ctx, const xmlChar *local, const xmlChar *prefix,
       const xmlChar *uri)
{
	struct xr *x = xr_of(ctx);
	struct ev *e;
	const char *name;

	(void)uri;
	end_text(x);
	x->open--;
	if (x->empty_end) {
		x->empty_end = 0;        /* <x/> is one node */
		return;
	}
	if ((name = qname(x->ctxt, prefix, local)) == NULL) {
		sax_nomem(x);
		return;
	}
	if ((e = log_add(x, EV_END, 0)) != NULL)
		e->name = name;
}

static void
sax_init(xmlSAXHandler *sax)
{
	memset(sax, 0, sizeof(*sax));
	sax->initialized = XML_SAX2_MAGIC;
	sax->startDocument = on_start_document;
	sax->internalSubset = on_internal_subset;
	sax->getEntity = on_get_entity;
	sax->getParameterEntity = on_get_entity;
	sax->startElementNs = on_start;
	sax->endElementNs = on_end;
	sax->characters = on_characters;
	sax->ignorableWhitespace = on_characters;
	sax->cdataBlock = on_cdata;
	sax->comment = on_comment;
	sax->processingInstruction = on_pi;
	sax->serror = on_xml_error;
}

/* ---- feeding the parser -------------------------------------------------- */

/* One xmlParseChunk() of n bytes of the feed. Returns 0, or -1 when the
 * document is no longer well-formed (as xmlTextReader judged it). */
static int
push_chunk(struct xr *x, size_t n, int terminate)
{
	struct feed *f = &x->feed;
	int rc = xmlParseChunk(x->ctxt, (const char *)f->p + f->cur, (int)n,
	    terminate);

	f->cur += n;
	return rc != 0 || x->ctxt->wellFormed == 0 ? -1 : 0;
}

/* xmlTextReaderPushData(): pushes 512-byte chunks, reading 4096 bytes
 * when fewer than 512 wait, until a chunk held a start tag; at the end
 * of the input it pushes the rest and ends the document. initial: the
 * reader had not handed out a node yet. Returns 0, or -1 (a push broke
 * the document, or a read failed). */
static int
push_data(struct xr *x, int initial)
{
	struct feed *f = &x->feed;
	int broken = 0;
	long got;

	log_compact(&x->log);
	x->saw_start = 0;
	while (!x->saw_start) {
		if (f->use - f->cur < CHUNK_BYTES) {
			if (f->eof)
				break;
			if ((got = feed_read(x, READ_BYTES)) < 0) {
				if (!initial || x->doc_started)
					return -1;
				break;
			}
			if (got == 0)
				break;
		}
		if (f->use - f->cur < CHUNK_BYTES) {
			broken = push_chunk(x, f->use - f->cur, 0) != 0;
			break;
		}
		if (push_chunk(x, CHUNK_BYTES, 0) != 0) {
			broken = 1;
			break;
		}
	}
	if (f->eof && push_chunk(x, f->use - f->cur, 1) != 0)
		broken = 1;
	return broken ? -1 : 0;
}

/* The event after e in the log, or NULL. */
static const struct ev *
ev_after(const struct evlog *l, const struct ev *e)
{
	size_t off = (size_t)((const char *)e - l->p) + e->size;

	return off < l->wpos ? log_at(l, off) : NULL;
}

/* Whether xmlTextReaderRead() pushed more input before moving on from
 * the node it handed out last (x->cur_kind): it did so while that node
 * had no next sibling yet, had no children or just one text (not CDATA;
 * or was an end tag or no element), the parser's current element was that
 * node, its parent or none, and the parser had opened or closed no
 * element since the read began (olddepth). The events after the node
 * stand for the reader's tree: when none follow, the parser is still in
 * the node or its parent; when an end tag follows, its parent is closed
 * and only "no element open" counts. */
static int
must_push(const struct xr *x, int olddepth)
{
	const struct evlog *l = &x->log;
	const struct ev *h = log_head(l), *next;

	if (x->open != olddepth || x->ctxt->instate == XML_PARSER_EOF)
		return 0;
	if (x->cur_kind != K_START)
		next = h;
	else if (h == NULL)
		return 1;                /* open, no children yet */
	else if (h->type == EV_END)
		next = ev_after(l, h);   /* closed, no children */
	else if (h->type == EV_TEXT &&
	    ((next = ev_after(l, h)) == NULL || next->type == EV_END))
		next = next != NULL ? ev_after(l, next) : NULL;
	else
		return 0;                /* other children */
	if (next == NULL)
		return 1;
	return next->type == EV_END && x->open == 0;
}

/* A text handed out must be complete: while it is the newest event the
 * parser may still add to it (xmlTextReaderExpand()). */
static int
text_open(const struct xr *x, const struct ev *e)
{
	return (e->type == EV_TEXT || e->type == EV_CDATA) &&
	    x->log.rpos == x->log.last && !x->feed.eof &&
	    x->ctxt->instate != XML_PARSER_EOF;
}

/* Makes the next node available, pushing input when and as
 * xmlTextReaderRead() did. Returns 1 (log_head() is the next node), 0
 * (the document ended) or -1 (the parser or a read failed). */
static int
fetch(struct xr *x)
{
	const struct ev *e;
	int olddepth = x->open;

	if (!x->started) {
		/* until the root element is open, or the input ends */
		x->started = 1;
		do {
			if (push_data(x, 1) != 0)
				return -1;
		} while (x->open == 0 && !x->feed.eof);
		return log_head(&x->log) != NULL ? 1 : -1;
	}
	while (must_push(x, olddepth))
		if (push_data(x, 0) != 0)
			return -1;
	if ((e = log_head(&x->log)) == NULL)
		return x->feed.eof ? 0 : -1;
	while (text_open(x, e)) {
		if (push_data(x, 0) != 0)
			return -1;
		e = log_head(&x->log);
	}
	return 1;
}

/* ---- nodes --------------------------------------------------------------- */

/* Rejects XInclude. Returns 0, or -1 (reported). */
static int
check_node(struct xr *x, const struct node *n)
{
	if (n->type == N_ELEMENT && n->ev->xinclude) {
		diag_reject(x->d, x->name, n->line, "bevat XInclude (<%.*s>): "
		    "niet toegestaan", shown(n->name), n->name);
		return -1;
	}
	return 0;
}

/* Reads the next node. Returns 1 (a node), 0 (end of the document) or
 * -1 (the file is rejected; reported). The node's name lives as long as
 * the parser; its attributes and text only until the next call. */
static int
next_node(struct xr *x, struct node *n)
{
	int rc = fetch(x);

	if (rc == 1) {
		const struct ev *e = log_head(&x->log);

		x->log.rpos += e->size;
		n->ev = e;
		n->depth = x->depth;
		n->empty = 0;
		n->name = "";
		n->line = 0;
		switch (e->type) {
		case EV_START:
			n->type = N_ELEMENT;
			n->empty = e->empty;
			n->name = e->name;
			if (!e->empty)
				x->depth++;
			if ((n->line = scan_pop(&x->scan)) == 0 &&
			    x->ctxt->input != NULL)
				n->line = x->ctxt->input->line;
			break;
		case EV_END:
			n->type = N_END;
			n->name = e->name;
			n->depth = --x->depth;
			break;
		case EV_TEXT:
		case EV_CDATA:
			n->type = N_TEXT;
			break;
		default:
			n->type = N_OTHER;
			break;
		}
		x->cur_kind = n->type == N_ELEMENT && !n->empty ? K_START :
		    K_LEAF;
		if (check_node(x, n) != 0)
			return -1;
	}
	if (x->nomem)
		return reject_nomem(x);
	if (rc < 0 || x->have_err || x->scan.bad_line != 0 || x->in.err != 0)
		return reject_error(x);
	return rc;
}

/* The value of the attribute name (in no namespace) of element n, or
 * NULL. */
static const char *
get_attr(const struct node *n, const char *name)
{
	const struct ev_attr *a = first_attr(n->ev);

	for (int i = 0; i < n->ev->nattr; i++, a = next_attr(a))
		if (a->no_ns && strcmp(a->name, name) == 0)
			return attr_value(a);
	return NULL;
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
		if (n.type == N_END && n.depth == el->depth)
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
	const struct ev_attr *a = first_attr(n->ev);

	if (buf_adds(b, "<") != 0 || buf_adds(b, n->name) != 0)
		return -1;
	for (int i = 0; i < n->ev->nattr; i++, a = next_attr(a))
		if (buf_adds(b, " ") != 0 || buf_adds(b, a->name) != 0 ||
		    buf_adds(b, "=\"") != 0 ||
		    buf_add_escaped(b, attr_value(a), 1) != 0 ||
		    buf_adds(b, "\"") != 0)
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
	case N_TEXT:
		v = ev_text(n->ev);
		if (!utf8_valid(v, strnlen(v, n->ev->len)))
			return -2;
		if (buf_adds(&x->val, v) != 0)
			return -1;
		return markup ? buf_add_escaped(&x->markup, v, 0) : 0;
	case N_ELEMENT:
		*has_children = 1;
		return markup ? add_start_tag(x, n) : 0;
	case N_END:
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
add_wijk_code(struct xr *x, const struct node *el)
{
	const char *code = get_attr(el, "code");

	if (code != NULL && buf_adds(&x->val, code) != 0)
		return -1;
	return buf_adds(&x->val, "=");
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
	if (strcmp(def->name, "wijk") == 0 && add_wijk_code(x, el) != 0)
		return reject_nomem(x);
	if (el->empty)
		return 0;
	while ((rc = next_node(x, &n)) == 1) {
		if (n.type == N_END && n.depth == el->depth)
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
	const char *id = get_attr(el, "id");
	struct node n;
	int rc = 1;

	raw_record_clear(&x->rec);
	x->rec.line = el->line;
	x->nchildren = 0;
	if (id != NULL && raw_record_set_id(&x->rec, id) != 0)
		return reject_nomem(x);
	if (!el->empty) {
		while ((rc = next_node(x, &n)) == 1) {
			if (n.type == N_END && n.depth == el->depth)
				break;
			if (n.type == N_ELEMENT &&
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
		if (n.type == N_END && n.depth == 0) {
			x->in_root = 0;
			return 0;
		}
		if (n.type != N_ELEMENT)
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

	while ((rc = next_node(x, &n)) == 1 && n.type != N_ELEMENT)
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

/* Sets up the push parser as xmlReaderForIO() did: created with the
 * first 4 bytes, then the options, then the encoding. */
static int
read_xml(struct xr *x, const unsigned char *head, size_t headlen)
{
	xmlSAXHandler sax;
	xmlCharEncodingHandlerPtr handler;
	const char *enc;
	long got;

	if (sniff(x, head, headlen, &enc) != 0)
		return -1;
	x->feed.cap = CHUNK_BYTES + READ_BYTES;
	if ((x->feed.p = malloc(x->feed.cap)) == NULL)
		return reject_nomem(x);
	sax_init(&sax);
	got = feed_read(x, FIRST_BYTES);
	if (got == FIRST_BYTES) {
		x->ctxt = xmlCreatePushParserCtxt(&sax, NULL,
		    (const char *)x->feed.p, FIRST_BYTES, x->name);
		x->feed.cur = FIRST_BYTES;
	} else
		x->ctxt = xmlCreatePushParserCtxt(&sax, NULL, NULL, 0, x->name);
	if (x->ctxt == NULL)
		return reject_error(x);
	x->ctxt->_private = x;
	xmlCtxtUseOptions(x->ctxt, XML_OPTIONS);
	if ((handler = xmlFindCharEncodingHandler(enc)) != NULL)
		xmlSwitchToEncoding(x->ctxt, handler);
	return read_document(x);
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
	x.in.rbuf = malloc(READ_AHEAD);
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
