/*
 * fuzz_params.c - libFuzzer harness for params_parse() (searchd/params.c).
 *
 * The input, cut at its first NUL, is a request target as libmicrohttpd
 * hands it over. Checks:
 *   - every decoded path, name and value is valid UTF-8 without NUL
 *     (params_utf8_valid() and the harness's own decoder);
 *   - at most PARAMS_MAX pairs; *bad_name NULL or a name in the list;
 *   - the result equals a small reference decoder written from params.h
 *     (same error, same pairs in the same order).
 * On every outcome the list is freed with params_free(), so LeakSanitizer
 * sees leaks on error paths too.
 */
#include "fuzz_common.h"
#include "params.h"

static int
ref_hex(int c)
{
	if (c >= '0' && c <= '9') return c - '0';
	if (c >= 'a' && c <= 'f') return c - 'a' + 10;
	if (c >= 'A' && c <= 'F') return c - 'A' + 10;
	return -1;
}

/* Reference decoding of s[0..n) into out (room for n + 1). */
static enum params_error
ref_decode(const char *s, size_t n, int plus, char *out, size_t *outlen)
{
	size_t j = 0;

	for (size_t i = 0; i < n; i++) {
		if (s[i] == '%') {
			if (i + 2 >= n || ref_hex((unsigned char)s[i + 1]) < 0 ||
			    ref_hex((unsigned char)s[i + 2]) < 0)
				return PARAMS_BAD_ESCAPE;
			out[j++] = (char)(ref_hex((unsigned char)s[i + 1]) * 16 +
			    ref_hex((unsigned char)s[i + 2]));
			i += 2;
		} else {
			out[j++] = plus && s[i] == '+' ? ' ' : s[i];
		}
	}
	out[j] = '\0';
	*outlen = j;
	if (memchr(out, '\0', j) != NULL)
		return PARAMS_NUL;
	for (size_t i = 0; i < j;) {
		uint32_t cp;
		size_t k = fz_utf8_next((const unsigned char *)out + i, j - i, &cp);

		if (k == 0)
			return PARAMS_BAD_UTF8;
		i += k;
	}
	return PARAMS_OK;
}

static void
check_str(const char *what, const char *s, const char *want, size_t wantlen)
{
	FUZZ_CHECK(s != NULL, "%s is NULL", what);
	FUZZ_CHECK(params_utf8_valid((const unsigned char *)s, strlen(s)),
	    "%s is not valid UTF-8", what);
	FUZZ_CHECK(fz_utf8_ok(s, strlen(s)), "%s is not valid UTF-8 "
	    "(reference decoder)", what);
	FUZZ_CHECK(strlen(s) == wantlen && memcmp(s, want, wantlen) == 0,
	    "%s differs from the reference decoding", what);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *target = malloc(size + 1), *buf = malloc(size + 1);
	struct param_list pl;
	const char *bad = (const char *)&pl;
	enum params_error e, want = PARAMS_OK;
	const char *q;
	size_t plen, len, npairs = 0;

	if (target == NULL || buf == NULL) {
		free(target);
		free(buf);
		return 0;
	}
	memcpy(target, data, size);
	target[size] = '\0';

	e = params_parse(target, &pl, &bad);
	FUZZ_CHECK(e >= PARAMS_OK && e <= PARAMS_TOO_MANY, "error %d", (int)e);
	FUZZ_CHECK(pl.n <= PARAMS_MAX, "%zu pairs", pl.n);
	FUZZ_CHECK(pl.n <= pl.cap || pl.cap == 0, "n %zu cap %zu", pl.n, pl.cap);
	if (bad != NULL) {
		int found = 0;

		FUZZ_CHECK(e != PARAMS_OK, "bad_name set without an error");
		for (size_t i = 0; i < pl.n; i++)
			found |= pl.v[i].name == bad;
		FUZZ_CHECK(found, "bad_name does not point into the list");
	}

	/* The reference: path first, then the '&'-separated pairs. */
	q = strchr(target, '?');
	plen = q ? (size_t)(q - target) : strlen(target);
	want = ref_decode(target, plen, 0, buf, &len);
	if (want == PARAMS_OK) {
		FUZZ_CHECK(e == PARAMS_OK || pl.path != NULL || e == PARAMS_NOMEM,
		    "path decoded by the reference, but error %d", (int)e);
		if (pl.path != NULL)
			check_str("path", pl.path, buf, len);
	}
	for (const char *s = q ? q + 1 : NULL; want == PARAMS_OK && s && *s;) {
		const char *amp = strchr(s, '&');
		size_t n = amp ? (size_t)(amp - s) : strlen(s);
		const char *eq = memchr(s, '=', n);
		size_t nlen = eq ? (size_t)(eq - s) : n;

		if (n > 0) {
			if (npairs == PARAMS_MAX) {
				want = PARAMS_TOO_MANY;
				break;
			}
			want = ref_decode(s, nlen, 1, buf, &len);
			if (want != PARAMS_OK)
				break;
			FUZZ_CHECK(npairs < pl.n, "pair %zu missing", npairs);
			check_str("name", pl.v[npairs].name, buf, len);
			want = eq ? ref_decode(eq + 1, n - nlen - 1, 1, buf, &len) :
			    ref_decode("", 0, 1, buf, &len);
			if (want != PARAMS_OK) {
				FUZZ_CHECK(bad == pl.v[npairs].name, "bad_name is "
				    "not the name of the pair at fault");
				FUZZ_CHECK(pl.v[npairs].value == NULL,
				    "value kept after an error");
				break;
			}
			check_str("value", pl.v[npairs].value, buf, len);
			npairs++;
		}
		s += n + (amp ? 1 : 0);
	}
	if (e != PARAMS_NOMEM)
		FUZZ_CHECK(e == want, "params_parse gave %d, the reference %d",
		    (int)e, (int)want);
	if (e == PARAMS_OK)
		FUZZ_CHECK(pl.n == npairs, "%zu pairs, the reference %zu", pl.n,
		    npairs);

	params_free(&pl);
	free(buf);
	free(target);
	return 0;
}
