/*
 * textutil.h - pure text helpers for validating listings: UTF-8 checks,
 * windows-1252 conversion, trimming, ASCII case folding, Dutch postcodes,
 * dates, strict numbers, ids, and reducing simple HTML to plain text.
 *
 * Ownership: functions returning char * return a new NUL-ended heap string
 * that the caller frees with free(); they return NULL only when out of
 * memory. Everything else works on caller memory and allocates nothing.
 * No function keeps state between calls.
 */
#ifndef SK_TEXTUTIL_H
#define SK_TEXTUTIL_H

#include <stddef.h>
#include <stdint.h>

/* 1 when s[0..n) is well-formed UTF-8 (no overlong forms, no surrogates,
 * nothing above U+10FFFF), else 0. NUL bytes count as valid. */
int utf8_valid(const char *s, size_t n);
/* Decodes the code point at s[0..n) (n > 0) into *cp and returns its
 * length in bytes (1-4), or 0 when the bytes there are no well-formed
 * UTF-8. */
size_t utf8_decode(const char *s, size_t n, uint32_t *cp);
/* Number of code points in s[0..n), which must be valid UTF-8. */
size_t utf8_count(const char *s, size_t n);
/* Writes cp (<= U+10FFFF, no surrogate) as UTF-8 into out; returns the
 * number of bytes (1-4), or 0 for a value that is no scalar value. */
size_t utf8_encode(uint32_t cp, char out[4]);

/* Converts windows-1252 bytes to UTF-8 (WHATWG mapping; the undefined
 * bytes 0x81 0x8D 0x8F 0x90 0x9D become the C1 code point of the same
 * value). The result is NUL-ended; *outlen (may be NULL) gets its length.
 * Caller frees. */
char *cp1252_to_utf8(const char *s, size_t n, size_t *outlen);

/* Whitespace for trimming: ASCII space, \t \n \v \f \r and U+00A0. */
/* Returns a pointer into s at the first non-space byte and stores in
 * *outlen the length of s[0..n) without leading and trailing space. */
const char *text_trim_span(const char *s, size_t n, size_t *outlen);
/* A trimmed copy of the NUL-ended string s. Caller frees. */
char *text_trim_dup(const char *s);

/* Locale-independent ASCII case-insensitive comparison (bytes >= 0x80
 * compare as themselves). Like strcmp: <0, 0, >0. */
int ascii_casecmp(const char *a, const char *b);
int ascii_ncasecmp(const char *a, const char *b, size_t n);
/* Lower-cases ASCII letters of s in place. */
void ascii_lower(char *s);

/* Dutch postcode: "1234 AB", "1234AB", "1234ab", "1234 ab" (first digit
 * 1-9, at most one space). Writes "1234 AB" (8 bytes with NUL) to out and
 * returns 0, or returns -1 (out untouched) when s is no Dutch postcode. */
int postcode_normalize(const char *s, char out[8]);

/* 1 when s is exactly "YYYY-MM-DD" and a real date of the Gregorian
 * calendar (year 0001-9999, leap years included), else 0. */
int date_valid(const char *s);

/* Strict integer: optional '-', then one or more ASCII digits, nothing
 * else (no spaces, no '+'). Returns 0 with *out set, or -1 for junk or a
 * value outside long. */
int parse_long(const char *s, long *out);
/* Strict decimal number: optional '-', digits, optionally '.' or ','
 * followed by digits ("52.1652", "-0,5", "7"). No exponent, no spaces.
 * Returns 0 with *out set, or -1 (junk, or more than 15 integer digits). */
int parse_decimal(const char *s, double *out);

/* 1 when s is a listing id: 1-64 bytes of [A-Za-z0-9._:-], else 0. */
int id_valid(const char *s);

/* 1 when s[0..n) holds at least one HTML tag: "<" or "</" followed by an
 * ASCII letter, or "<!--", with a ">" somewhere after it. */
int html_has_tag(const char *s, size_t n);
/* Reduces the HTML in s[0..n) to plain text. p, div, ul, ol and other
 * block elements end paragraphs ("\n\n"), br is "\n", every li is a line
 * starting with "- ", script and style are dropped with their content,
 * all other tags are dropped and their text kept. Character references
 * are decoded and whitespace is collapsed as HTML does. The result is
 * trimmed and never has three newlines in a row. When s holds no tag
 * (html_has_tag() == 0) it is plain text: only trimmed. Linear in n.
 * Caller frees. */
char *html_to_text(const char *s, size_t n);

#endif
