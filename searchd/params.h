/*
 * params.h - splitting and decoding a raw request target.
 *
 * A target "/v1/aanbod?q=koffie+thuis&thema=ontmoeting" becomes the
 * decoded path and a list of (name, value) pairs in order, as
 * application/x-www-form-urlencoded says: '+' and %20 are spaces, %XX is
 * a byte. Decoded text must be valid UTF-8 without NUL bytes.
 * The param_list owns its strings; free it with params_free().
 */
#ifndef SK_PARAMS_H
#define SK_PARAMS_H

#include <stddef.h>

struct param {
	char *name;
	char *value;
};

struct param_list {
	char *path;            /* decoded path */
	struct param *v;
	size_t n, cap;
};

enum params_error {
	PARAMS_OK = 0,
	PARAMS_NOMEM,
	PARAMS_BAD_ESCAPE,     /* '%' not followed by two hex digits */
	PARAMS_BAD_UTF8,       /* decoded bytes are not UTF-8 */
	PARAMS_NUL,            /* decoded NUL byte */
	PARAMS_TOO_MANY,       /* more than PARAMS_MAX pairs */
};

enum { PARAMS_MAX = 8192 };   /* a 16 KiB target holds fewer */

/* Parses target. On an error *bad_name receives the name of the pair at
 * fault when known (points into out, or NULL). */
enum params_error params_parse(const char *target, struct param_list *out,
                               const char **bad_name);
void params_free(struct param_list *l);

/* Decodes src[0..n) (+ and %XX) into a new NUL-ended string in *out. */
enum params_error params_decode(const char *src, size_t n, int plus_is_space,
                                char **out);
/* 1 when s[0..n) is valid UTF-8 (no overlongs, no surrogates). */
int params_utf8_valid(const unsigned char *s, size_t n);

#endif
