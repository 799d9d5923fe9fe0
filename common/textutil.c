/*
 * textutil.c - pure text helpers; see textutil.h. Owns nothing: every
 * returned string is a fresh heap copy for the caller to free.
 */
#include "textutil.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

/* ---- UTF-8 -------------------------------------------------------------- */

size_t
utf8_decode(const char *str, size_t n, uint32_t *cp)
{
	const unsigned char *s = (const unsigned char *)str;
	uint32_t c = s[0], min;
	size_t len;

	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	if (c >= 0xC2 && c <= 0xDF) {
		len = 2;
		c &= 0x1F;
		min = 0x80;
	} else if (c >= 0xE0 && c <= 0xEF) {
		len = 3;
		c &= 0x0F;
		min = 0x800;
	} else if (c >= 0xF0 && c <= 0xF4) {
		len = 4;
		c &= 0x07;
		min = 0x10000;
	} else {
		return 0;
	}
	if (n < len)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return 0;
		c = (c << 6) | (s[i] & 0x3F);
	}
	if (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
		return 0;
	*cp = c;
	return len;
}

int
utf8_valid(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;
	uint32_t cp;

	while (i < n) {
		size_t len;

		if (p[i] < 0x80) {
			uint64_t w;

			i++;
			/* then 8 bytes at a time while they are all ASCII */
			while (i + 8 <= n && (memcpy(&w, p + i, 8),
			    !(w & 0x8080808080808080ull)))
				i += 8;
			continue;
		}
		len = utf8_decode(s + i, n - i, &cp);
		if (len == 0)
			return 0;
		i += len;
	}
	return 1;
}

size_t
utf8_count(const char *s, size_t n)
{
	size_t count = 0;

	for (size_t i = 0; i < n; i++)
		if (((unsigned char)s[i] & 0xC0) != 0x80)
			count++;
	return count;
}

size_t
utf8_encode(uint32_t cp, char out[4])
{
	if (cp < 0x80) {
		out[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (char)(0xC0 | (cp >> 6));
		out[1] = (char)(0x80 | (cp & 0x3F));
		return 2;
	}
	if (cp >= 0xD800 && cp <= 0xDFFF)
		return 0;
	if (cp < 0x10000) {
		out[0] = (char)(0xE0 | (cp >> 12));
		out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
		out[2] = (char)(0x80 | (cp & 0x3F));
		return 3;
	}
	if (cp <= 0x10FFFF) {
		out[0] = (char)(0xF0 | (cp >> 18));
		out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
		out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
		out[3] = (char)(0x80 | (cp & 0x3F));
		return 4;
	}
	return 0;
}

/* ---- windows-1252 ------------------------------------------------------- */

/* WHATWG windows-1252 for 0x80-0x9F; the undefined bytes keep their own
 * value (a C1 control). 0xA0-0xFF equal Latin-1. */
static const uint16_t CP1252_HIGH[32] = {
	0x20AC, 0x0081, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
	0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0x008D, 0x017D, 0x008F,
	0x0090, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
	0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x009D, 0x017E, 0x0178,
};

static uint32_t
cp1252_code_point(unsigned char b)
{
	if (b >= 0x80 && b <= 0x9F)
		return CP1252_HIGH[b - 0x80];
	return b;
}

char *
cp1252_to_utf8(const char *s, size_t n, size_t *outlen)
{
	char *out, *p;

	if (n > (SIZE_MAX - 1) / 3)
		return NULL;
	out = malloc(n * 3 + 1);
	if (out == NULL)
		return NULL;
	p = out;
	for (size_t i = 0; i < n; i++)
		p += utf8_encode(cp1252_code_point((unsigned char)s[i]), p);
	*p = '\0';
	if (outlen != NULL)
		*outlen = (size_t)(p - out);
	return out;
}

/* ---- trimming and ASCII case -------------------------------------------- */

static int
is_ascii_space(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' ||
	    c == '\r';
}

const char *
text_trim_span(const char *s, size_t n, size_t *outlen)
{
	size_t a = 0, b = n;

	for (;;) {
		if (a < b && is_ascii_space((unsigned char)s[a]))
			a++;
		else if (b - a >= 2 && (unsigned char)s[a] == 0xC2 &&
		    (unsigned char)s[a + 1] == 0xA0)
			a += 2;
		else
			break;
	}
	for (;;) {
		if (b > a && is_ascii_space((unsigned char)s[b - 1]))
			b--;
		else if (b - a >= 2 && (unsigned char)s[b - 2] == 0xC2 &&
		    (unsigned char)s[b - 1] == 0xA0)
			b -= 2;
		else
			break;
	}
	*outlen = b - a;
	return s + a;
}

char *
text_trim_dup(const char *s)
{
	size_t len;
	const char *p = text_trim_span(s, strlen(s), &len);
	char *out = malloc(len + 1);

	if (out == NULL)
		return NULL;
	memcpy(out, p, len);
	out[len] = '\0';
	return out;
}

static int
ascii_tolower(int c)
{
	return (c >= 'A' && c <= 'Z') ? c - 'A' + 'a' : c;
}

int
ascii_ncasecmp(const char *a, const char *b, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		int ca = ascii_tolower((unsigned char)a[i]);
		int cb = ascii_tolower((unsigned char)b[i]);

		if (ca != cb)
			return ca - cb;
		if (ca == '\0')
			return 0;
	}
	return 0;
}

int
ascii_casecmp(const char *a, const char *b)
{
	return ascii_ncasecmp(a, b, SIZE_MAX);
}

void
ascii_lower(char *s)
{
	for (; *s; s++)
		*s = (char)ascii_tolower((unsigned char)*s);
}

/* ---- postcodes, dates, numbers, ids ------------------------------------- */

static int
is_digit(int c)
{
	return c >= '0' && c <= '9';
}

static int
is_alpha(int c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

int
postcode_normalize(const char *s, char out[8])
{
	const char *l;

	if (s[0] < '1' || s[0] > '9' || !is_digit(s[1]) || !is_digit(s[2]) ||
	    !is_digit(s[3]))
		return -1;
	l = s + 4;
	if (*l == ' ')
		l++;
	if (!is_alpha(l[0]) || !is_alpha(l[1]) || l[2] != '\0')
		return -1;
	memcpy(out, s, 4);
	out[4] = ' ';
	out[5] = (char)(ascii_tolower(l[0]) - 'a' + 'A');
	out[6] = (char)(ascii_tolower(l[1]) - 'a' + 'A');
	out[7] = '\0';
	return 0;
}

static int
digits_value(const char *s, size_t n)
{
	int v = 0;

	for (size_t i = 0; i < n; i++) {
		if (!is_digit(s[i]))
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

int
date_valid(const char *s)
{
	static const int DAYS[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31,
	    30, 31 };
	int y, m, d, max;

	if (strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return 0;
	y = digits_value(s, 4);
	m = digits_value(s + 5, 2);
	d = digits_value(s + 8, 2);
	if (y < 1 || m < 1 || m > 12 || d < 1)
		return 0;
	max = DAYS[m - 1];
	if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		max = 29;
	return d <= max;
}

int
parse_long(const char *s, long *out)
{
	int neg = 0;
	unsigned long v = 0, limit;

	if (*s == '-') {
		neg = 1;
		s++;
	}
	if (!is_digit(*s))
		return -1;
	limit = neg ? (unsigned long)LONG_MAX + 1 : (unsigned long)LONG_MAX;
	for (; is_digit(*s); s++) {
		unsigned long dg = (unsigned long)(*s - '0');

		if (v > (limit - dg) / 10)
			return -1;
		v = v * 10 + dg;
	}
	if (*s != '\0')
		return -1;
	if (neg)
		*out = v == (unsigned long)LONG_MAX + 1 ? LONG_MIN : -(long)v;
	else
		*out = (long)v;
	return 0;
}

int
parse_decimal(const char *s, double *out)
{
	static const double POW10[] = { 1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6,
	    1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17,
	    1e18 };
	int neg = 0, intdigits = 0, fracdigits = 0;
	uint64_t mant = 0;
	double v;

	if (*s == '-') {
		neg = 1;
		s++;
	}
	if (!is_digit(*s))
		return -1;
	for (; is_digit(*s); s++) {
		if (mant == 0 && *s == '0')
			continue;	/* leading zeros do not count */
		if (++intdigits > 15)
			return -1;
		mant = mant * 10 + (uint64_t)(*s - '0');
	}
	if (*s == '.' || *s == ',') {
		s++;
		if (!is_digit(*s))
			return -1;
		for (; is_digit(*s); s++) {
			/* Digits past 18 significant ones do not change a
			 * double; they are checked and ignored. */
			if (intdigits + fracdigits >= 18)
				continue;
			mant = mant * 10 + (uint64_t)(*s - '0');
			fracdigits++;
		}
	}
	if (*s != '\0')
		return -1;
	v = (double)mant / POW10[fracdigits];
	*out = neg ? -v : v;
	return 0;
}

int
id_valid(const char *s)
{
	size_t n = 0;

	for (; s[n] != '\0'; n++) {
		int c = (unsigned char)s[n];

		if (n >= 64)
			return 0;
		if (!is_alpha(c) && !is_digit(c) && c != '.' && c != '_' &&
		    c != ':' && c != '-')
			return 0;
	}
	return n > 0;
}

/* ---- HTML to text ------------------------------------------------------- */

/* A growing output buffer; failed is set once an allocation fails, after
 * which every append is ignored. */
struct outbuf {
	char *p;
	size_t len, cap;
	int failed;
};

static void
ob_put(struct outbuf *o, const char *s, size_t n)
{
	if (o->failed)
		return;
	if (o->cap - o->len < n + 1) {
		size_t ncap = o->cap ? o->cap : 256;
		char *np;

		while (ncap - o->len < n + 1) {
			if (ncap > SIZE_MAX / 2) {
				o->failed = 1;
				return;
			}
			ncap *= 2;
		}
		np = realloc(o->p, ncap);
		if (np == NULL) {
			o->failed = 1;
			return;
		}
		o->p = np;
		o->cap = ncap;
	}
	memcpy(o->p + o->len, s, n);
	o->len += n;
	o->p[o->len] = '\0';
}

/* Reduction state: breaks and spaces are kept pending and only written
 * when more text follows, so the result never starts or ends with them. */
struct h2t {
	struct outbuf o;
	int space;   /* whitespace seen since the last text */
	int nl;      /* newlines wanted before the next text: 0, 1 or 2 */
	int bullet;  /* "- " wanted before the next text */
	int depth;   /* list nesting (ul/ol) */
};

static int
is_html_space(int c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r';
}

static void
h2t_text(struct h2t *h, const char *s, size_t n)
{
	if (h->o.len > 0) {
		if (h->nl > 0)
			ob_put(&h->o, "\n\n", (size_t)h->nl);
		else if (h->space && !h->bullet)
			ob_put(&h->o, " ", 1);
	}
	if (h->bullet)
		ob_put(&h->o, "- ", 2);
	h->nl = 0;
	h->space = 0;
	h->bullet = 0;
	ob_put(&h->o, s, n);
}

static void
h2t_break(struct h2t *h, int want)
{
	if (h->nl < want)
		h->nl = want;
}

/* A paragraph boundary: a blank line, or a line break inside a list. */
static void
h2t_para(struct h2t *h)
{
	h2t_break(h, h->depth > 0 ? 1 : 2);
}

static void
h2t_code_point(struct h2t *h, uint32_t cp)
{
	char buf[4];

	if (cp == 0 || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
		cp = 0xFFFD;
	else if (cp >= 0x80 && cp <= 0x9F) {
		/* As HTML does: references to C1 mean windows-1252. */
		cp = CP1252_HIGH[cp - 0x80];
		if (cp <= 0x9F)
			cp = 0xFFFD;
	}
	if (cp < 0x80 && is_html_space((int)cp)) {
		h->space = 1;
		return;
	}
	if (cp < 0x20 || cp == 0x7F || cp == 0xAD)
		return;	/* controls and soft hyphens are dropped */
	h2t_text(h, buf, utf8_encode(cp, buf));
}

/* Named references: the Latin-1 block U+00A0-U+00FF in order ... */
static const char *const LATIN1_NAMES[96] = {
	"nbsp", "iexcl", "cent", "pound", "curren", "yen", "brvbar", "sect",
	"uml", "copy", "ordf", "laquo", "not", "shy", "reg", "macr",
	"deg", "plusmn", "sup2", "sup3", "acute", "micro", "para", "middot",
	"cedil", "sup1", "ordm", "raquo", "frac14", "frac12", "frac34", "iquest",
	"Agrave", "Aacute", "Acirc", "Atilde", "Auml", "Aring", "AElig", "Ccedil",
	"Egrave", "Eacute", "Ecirc", "Euml", "Igrave", "Iacute", "Icirc", "Iuml",
	"ETH", "Ntilde", "Ograve", "Oacute", "Ocirc", "Otilde", "Ouml", "times",
	"Oslash", "Ugrave", "Uacute", "Ucirc", "Uuml", "Yacute", "THORN", "szlig",
	"agrave", "aacute", "acirc", "atilde", "auml", "aring", "aelig", "ccedil",
	"egrave", "eacute", "ecirc", "euml", "igrave", "iacute", "icirc", "iuml",
	"eth", "ntilde", "ograve", "oacute", "ocirc", "otilde", "ouml", "divide",
	"oslash", "ugrave", "uacute", "ucirc", "uuml", "yacute", "thorn", "yuml",
};

/* ... and a few others that Dutch text uses. */
static const struct {
	const char *name;
	uint32_t cp;
} NAMED_REFS[] = {
	{ "amp", '&' }, { "lt", '<' }, { "gt", '>' }, { "quot", '"' },
	{ "apos", '\'' }, { "euro", 0x20AC }, { "ndash", 0x2013 },
	{ "mdash", 0x2014 }, { "lsquo", 0x2018 }, { "rsquo", 0x2019 },
	{ "sbquo", 0x201A }, { "ldquo", 0x201C }, { "rdquo", 0x201D },
	{ "bdquo", 0x201E }, { "hellip", 0x2026 }, { "bull", 0x2022 },
	{ "trade", 0x2122 }, { "OElig", 0x0152 }, { "oelig", 0x0153 },
	{ "Scaron", 0x0160 }, { "scaron", 0x0161 }, { "Yuml", 0x0178 },
	{ "lsaquo", 0x2039 }, { "rsaquo", 0x203A }, { "dagger", 0x2020 },
	{ "Dagger", 0x2021 }, { "permil", 0x2030 }, { "ensp", 0x2002 },
	{ "emsp", 0x2003 }, { "thinsp", 0x2009 }, { "zwnj", 0x200C },
	{ "zwj", 0x200D },
};

/* The code point of the reference name s[0..n), or 0 when unknown. */
static uint32_t
named_ref(const char *s, size_t n)
{
	for (size_t i = 0; i < 96; i++)
		if (strlen(LATIN1_NAMES[i]) == n &&
		    memcmp(LATIN1_NAMES[i], s, n) == 0)
			return 0xA0 + (uint32_t)i;
	for (size_t i = 0; i < sizeof(NAMED_REFS) / sizeof(NAMED_REFS[0]); i++)
		if (strlen(NAMED_REFS[i].name) == n &&
		    memcmp(NAMED_REFS[i].name, s, n) == 0)
			return NAMED_REFS[i].cp;
	return 0;
}

static int
hex_value(int c)
{
	if (is_digit(c))
		return c - '0';
	c = ascii_tolower(c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* s[i] is '&'. Decodes a character reference or writes a literal '&'.
 * Returns the index after what was consumed. */
static size_t
h2t_reference(struct h2t *h, const char *s, size_t n, size_t i)
{
	size_t j = i + 1, start;

	if (j < n && s[j] == '#') {
		int hex = 0;
		uint32_t v = 0;

		j++;
		if (j < n && (s[j] == 'x' || s[j] == 'X')) {
			hex = 1;
			j++;
		}
		start = j;
		for (; j < n; j++) {
			int dv = hex ? hex_value((unsigned char)s[j]) :
			    (is_digit(s[j]) ? s[j] - '0' : -1);

			if (dv < 0)
				break;
			if (v <= 0x10FFFF)	/* saturates: stays invalid */
				v = v * (hex ? 16 : 10) + (uint32_t)dv;
		}
		if (j == start) {
			h2t_text(h, "&", 1);
			return i + 1;
		}
		if (j < n && s[j] == ';')
			j++;
		h2t_code_point(h, v);
		return j;
	}
	start = j;
	while (j < n && j - start < 32 && (is_alpha(s[j]) || is_digit(s[j])))
		j++;
	if (j > start && j < n && s[j] == ';') {
		uint32_t cp = named_ref(s + start, j - start);

		if (cp != 0) {
			h2t_code_point(h, cp);
			return j + 1;
		}
	}
	h2t_text(h, "&", 1);
	return i + 1;
}

static const char *const BLOCK_TAGS[] = {
	"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre",
	"hr", "table", "tr", "section", "article", "header", "footer", "nav",
	"aside", "main", "figure", "figcaption", "address", "dl", "dt", "dd",
	"form", "fieldset", "details", "summary", "center",
};

static int
is_block_tag(const char *name)
{
	for (size_t i = 0; i < sizeof(BLOCK_TAGS) / sizeof(BLOCK_TAGS[0]); i++)
		if (strcmp(BLOCK_TAGS[i], name) == 0)
			return 1;
	return 0;
}

/* Applies what a start or end tag means for the text (name lower case). */
static void
h2t_tag(struct h2t *h, const char *name, int end)
{
	if (strcmp(name, "br") == 0) {
		h->nl = h->nl < 2 ? h->nl + 1 : 2;
	} else if (strcmp(name, "li") == 0) {
		h2t_break(h, 1);
		h->bullet = !end;
	} else if (strcmp(name, "ul") == 0 || strcmp(name, "ol") == 0) {
		if (end && h->depth > 0)
			h->depth--;
		h->bullet = 0;
		h2t_para(h);
		if (!end)
			h->depth++;
	} else if (strcmp(name, "td") == 0 || strcmp(name, "th") == 0) {
		h->space = 1;
	} else if (is_block_tag(name)) {
		h2t_para(h);
	}
}

/* Index after the '>' that ends the tag whose attributes start at j, or
 * SIZE_MAX when the input ends first. Quoted values may hold '>'. */
static size_t
skip_attributes(const char *s, size_t n, size_t j)
{
	while (j < n) {
		if (s[j] == '>')
			return j + 1;
		if (s[j] == '=') {
			const char *q;

			j++;
			while (j < n && is_html_space((unsigned char)s[j]))
				j++;
			if (j < n && (s[j] == '"' || s[j] == '\'')) {
				q = memchr(s + j + 1, s[j], n - j - 1);
				if (q == NULL)
					return SIZE_MAX;
				j = (size_t)(q - s) + 1;
			}
			continue;
		}
		j++;
	}
	return SIZE_MAX;
}

static size_t
skip_to_gt(const char *s, size_t n, size_t j)
{
	const char *gt = memchr(s + j, '>', n - j);

	return gt ? (size_t)(gt - s) + 1 : n;
}

/* After <script> or <style>: the index of its end tag, or n. */
static size_t
skip_raw_text(const char *s, size_t n, size_t j, const char *name)
{
	size_t nl = strlen(name);

	while (j < n) {
		const char *lt = memchr(s + j, '<', n - j);
		size_t e;

		if (lt == NULL)
			return n;
		j = (size_t)(lt - s);
		e = j + 2 + nl;
		if (e <= n && s[j + 1] == '/' &&
		    ascii_ncasecmp(s + j + 2, name, nl) == 0 &&
		    (e == n || is_html_space((unsigned char)s[e]) || s[e] == '/' ||
		    s[e] == '>'))
			return j;
		j++;
	}
	return n;
}

/* s[i] is '<'. Handles a tag, comment or declaration, or writes a
 * literal '<'. Returns the index after what was consumed; an unterminated
 * tag swallows the rest of the input, as in a browser. */
static size_t
h2t_markup(struct h2t *h, const char *s, size_t n, size_t i)
{
	size_t j = i + 1, start, len;
	char name[16];
	int end = 0;

	if (j < n && s[j] == '!') {
		if (n - j >= 3 && s[j + 1] == '-' && s[j + 2] == '-') {
			const char *e;

			j += 3;
			if (j < n && s[j] == '>')		/* <!--> */
				return j + 1;
			if (n - j >= 2 && s[j] == '-' && s[j + 1] == '>')
				return j + 2;		/* <!---> */
			e = memmem(s + j, n - j, "-->", 3);
			return e ? (size_t)(e - s) + 3 : n;
		}
		return skip_to_gt(s, n, j);
	}
	if (j < n && s[j] == '?')
		return skip_to_gt(s, n, j);
	if (j < n && s[j] == '/') {
		end = 1;
		j++;
	}
	if (j >= n || !is_alpha(s[j])) {
		if (!end) {
			h2t_text(h, "<", 1);
			return i + 1;
		}
		if (j < n && s[j] == '>')		/* </> */
			return j + 1;
		return skip_to_gt(s, n, j);
	}
	start = j;
	while (j < n && !is_html_space((unsigned char)s[j]) && s[j] != '/' &&
	    s[j] != '>')
		j++;
	len = j - start;
	if (len < sizeof(name)) {
		memcpy(name, s + start, len);
		name[len] = '\0';
		ascii_lower(name);
	} else {
		name[0] = '\0';	/* too long to be a tag we know */
	}
	j = skip_attributes(s, n, j);
	if (j == SIZE_MAX)
		return n;
	h2t_tag(h, name, end);
	if (!end && (strcmp(name, "script") == 0 || strcmp(name, "style") == 0))
		j = skip_raw_text(s, n, j, name);
	return j;
}

int
html_has_tag(const char *s, size_t n)
{
	const char *gt = memrchr(s, '>', n);
	size_t last;

	if (gt == NULL)
		return 0;
	last = (size_t)(gt - s);
	for (size_t i = 0; i < last; i++) {
		if (s[i] != '<')
			continue;
		if (is_alpha(s[i + 1]))
			return 1;
		if (s[i + 1] == '/' && i + 2 < n && is_alpha(s[i + 2]))
			return 1;
		if (s[i + 1] == '!' && n - i >= 4 && s[i + 2] == '-' &&
		    s[i + 3] == '-')
			return 1;
	}
	return 0;
}

static char *
dup_span(const char *s, size_t n)
{
	char *p = malloc(n + 1);

	if (p == NULL)
		return NULL;
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *
html_to_text(const char *s, size_t n)
{
	struct h2t h;
	const char *t;
	size_t i = 0, tlen;

	if (!html_has_tag(s, n)) {
		t = text_trim_span(s, n, &tlen);
		return dup_span(t, tlen);
	}
	memset(&h, 0, sizeof(h));
	while (i < n && !h.o.failed) {
		unsigned char c = (unsigned char)s[i];
		size_t j;

		if (c == '<') {
			i = h2t_markup(&h, s, n, i);
		} else if (c == '&') {
			i = h2t_reference(&h, s, n, i);
		} else if (is_html_space(c)) {
			h.space = 1;
			i++;
		} else if (c == '\0') {
			i++;
		} else {
			for (j = i + 1; j < n; j++) {
				c = (unsigned char)s[j];
				if (c == '<' || c == '&' || c == '\0' ||
				    is_html_space(c))
					break;
			}
			h2t_text(&h, s + i, j - i);
			i = j;
		}
	}
	if (h.o.failed) {
		free(h.o.p);
		return NULL;
	}
	if (h.o.p == NULL)
		return dup_span("", 0);
	/* Only U+00A0 can still sit at either end. */
	t = text_trim_span(h.o.p, h.o.len, &tlen);
	memmove(h.o.p, t, tlen);
	h.o.p[tlen] = '\0';
	return h.o.p;
}
