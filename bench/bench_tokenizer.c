/*
 * bench_tokenizer.c - throughput of the "dutch" tokenizer
 * (common/nl_tokenizer.c) on the text of XML exports.
 *
 *   bench_tokenizer [--passes N] [--max-mb M] [FILE...]
 *
 * Reads the FILEs (default: the aanbod-NNN.xml files of bench/data/10000/
 * when that corpus exists, else the XML files of fixtures/corpus/),
 * decodes the five predefined entities, drops CDATA markers, and cuts the
 * result at every tag: each run of text between two tags is one field,
 * tokenized by one nl_tokenizer_run() call (FTS5 gets one call per column
 * value the same way). --max-mb stops reading once that many MB of text
 * are loaded.
 *
 * Each of the N passes (default 3) creates a fresh tokenizer, tokenizes
 * every field once and frees it, so every pass starts cold, as one indexer
 * run does. Prints per pass the time, tokens/s and MB/s (MB of field text,
 * 10^6 bytes), then the best pass, and a checksum of the full token stream
 * (token bytes, flags, start, end) that must be the same for any two
 * builds of the tokenizer whose output is the same.
 * Exit 1 when a file cannot be read or tokenizing fails, 2 on bad usage.
 *
 * Owns: the loaded text (one buffer, fields NUL-separated in it), freed at
 * the end.
 */
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "nl_tokenizer.h"

/* All fields, each NUL-ended, one after the other. */
struct corpus {
	char *buf;
	size_t len, cap;
	size_t nfields;
	size_t textbytes;         /* bytes of field text (no NULs) */
};

/* The stream checksum and counts of one pass. */
struct tally {
	unsigned long long hash;
	unsigned long long ntok;
};

static int
corpus_reserve(struct corpus *c, size_t more)
{
	char *p;
	size_t cap = c->cap ? c->cap : 1 << 20;

	if (c->len + more <= c->cap)
		return 0;
	while (cap < c->len + more)
		cap *= 2;
	if ((p = realloc(c->buf, cap)) == NULL)
		return -1;
	c->buf = p;
	c->cap = cap;
	return 0;
}

/* Appends the field s[0..n) when it holds anything but white space. */
static int
add_field(struct corpus *c, const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n && strchr(" \t\r\n", s[i]) != NULL; i++)
		;
	if (i == n)
		return 0;
	if (corpus_reserve(c, n + 1) != 0)
		return -1;
	memcpy(c->buf + c->len, s, n);
	c->buf[c->len + n] = '\0';
	c->len += n + 1;
	c->textbytes += n;
	c->nfields++;
	return 0;
}

/* Decodes &lt; &gt; &amp; &quot; &apos; and drops "<![CDATA[" and "]]>",
 * in place. Returns the new length. */
static size_t
decode(char *s, size_t n)
{
	static const struct { const char *ent; char c; } ents[] = {
		{ "&lt;", '<' }, { "&gt;", '>' }, { "&amp;", '&' },
		{ "&quot;", '"' }, { "&apos;", '\'' },
	};
	size_t i = 0, o = 0;

	while (i < n) {
		size_t k;

		if (s[i] == '&') {
			for (k = 0; k < 5; k++) {
				size_t el = strlen(ents[k].ent);

				if (n - i >= el &&
				    memcmp(s + i, ents[k].ent, el) == 0) {
					s[o++] = ents[k].c;
					i += el;
					break;
				}
			}
			if (k < 5)
				continue;
		} else if (n - i >= 9 && memcmp(s + i, "<![CDATA[", 9) == 0) {
			i += 9;
			continue;
		} else if (n - i >= 3 && memcmp(s + i, "]]>", 3) == 0) {
			i += 3;
			continue;
		}
		s[o++] = s[i++];
	}
	return o;
}

/* Adds the text between the tags of s[0..n) as fields. */
static int
split_fields(struct corpus *c, const char *s, size_t n)
{
	size_t i = 0, start = 0;

	while (i < n) {
		if (s[i] != '<') {
			i++;
			continue;
		}
		if (add_field(c, s + start, i - start) != 0)
			return -1;
		while (i < n && s[i] != '>')
			i++;
		start = ++i;
	}
	if (start < n)
		return add_field(c, s + start, n - start);
	return 0;
}

static int
load_file(struct corpus *c, const char *path)
{
	FILE *f = fopen(path, "rb");
	char *s = NULL;
	long sz;
	int rc = -1;

	if (f == NULL)
		goto fail;
	if (fseek(f, 0, SEEK_END) != 0 || (sz = ftell(f)) < 0 ||
	    fseek(f, 0, SEEK_SET) != 0)
		goto fail;
	if ((s = malloc((size_t)sz + 1)) == NULL)
		goto fail;
	if (fread(s, 1, (size_t)sz, f) != (size_t)sz)
		goto fail;
	rc = split_fields(c, s, decode(s, (size_t)sz));
fail:
	if (rc != 0)
		fprintf(stderr, "bench_tokenizer: cannot read %s\n", path);
	if (f != NULL)
		fclose(f);
	free(s);
	return rc;
}

static int
count_token(void *ctx, int flags, const char *tok, int ntok, int start,
            int end)
{
	struct tally *t = ctx;
	unsigned long long h = t->hash;
	int extra[3] = { flags, start, end };

	for (int i = 0; i < ntok; i++) {
		h ^= (unsigned char)tok[i];
		h *= 0x100000001b3ULL;
	}
	for (int i = 0; i < 3; i++) {
		h ^= (unsigned)extra[i];
		h *= 0x100000001b3ULL;
	}
	t->hash = h;
	t->ntok++;
	return 0;
}

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* One pass with a fresh tokenizer; the hash goes on across fields.
 * Returns 0, or -1 when tokenizing fails. */
static int
run_pass(const struct corpus *c, struct tally *t, double *secs)
{
	struct nl_tokenizer *tok;
	double t0 = now();
	size_t off = 0;
	int rc = 0;

	t->hash = 0xcbf29ce484222325ULL;
	t->ntok = 0;
	if ((tok = nl_tokenizer_new()) == NULL)
		return -1;
	while (off < c->len && rc == 0) {
		size_t n = strlen(c->buf + off);

		rc = nl_tokenizer_run(tok, c->buf + off, (int)n, count_token,
		    t);
		off += n + 1;
	}
	nl_tokenizer_free(tok);
	*secs = now() - t0;
	return rc == 0 ? 0 : -1;
}

static void
usage(void)
{
	fprintf(stderr,
	    "usage: bench_tokenizer [--passes N] [--max-mb M] [FILE...]\n");
	exit(2);
}

/* Loads the default files. Returns 0 or -1. */
static int
load_default(struct corpus *c, double max_mb)
{
	static const char *const pats[] = {
		"bench/data/10000/aanbod-*.xml", "fixtures/corpus/*.xml",
	};
	glob_t g;
	int rc = -1;

	for (size_t p = 0; p < 2 && rc != 0; p++) {
		if (glob(pats[p], 0, NULL, &g) != 0)
			continue;
		rc = 0;
		for (size_t i = 0; i < g.gl_pathc && rc == 0; i++) {
			if (max_mb > 0 && (double)c->textbytes >= max_mb * 1e6)
				break;
			printf("file %s\n", g.gl_pathv[i]);
			rc = load_file(c, g.gl_pathv[i]);
		}
		globfree(&g);
	}
	if (rc != 0)
		fprintf(stderr, "bench_tokenizer: no input files\n");
	return rc;
}

int
main(int argc, char **argv)
{
	struct corpus c = { 0 };
	struct tally t, first = { 0, 0 };
	double best = 0, secs, max_mb = 0;
	int passes = 3, i, rc = 1;

	for (i = 1; i < argc && argv[i][0] == '-'; i++) {
		if (strcmp(argv[i], "--passes") == 0 && i + 1 < argc)
			passes = atoi(argv[++i]);
		else if (strcmp(argv[i], "--max-mb") == 0 && i + 1 < argc)
			max_mb = atof(argv[++i]);
		else
			usage();
	}
	if (passes < 1)
		usage();
	if (i == argc) {
		if (load_default(&c, max_mb) != 0)
			goto out;
	}
	for (; i < argc; i++) {
		if (max_mb > 0 && (double)c.textbytes >= max_mb * 1e6)
			break;
		printf("file %s\n", argv[i]);
		if (load_file(&c, argv[i]) != 0)
			goto out;
	}
	printf("fields %zu, text %.2f MB\n", c.nfields,
	    (double)c.textbytes / 1e6);
	for (int p = 0; p < passes; p++) {
		if (run_pass(&c, &t, &secs) != 0) {
			fprintf(stderr, "bench_tokenizer: tokenizing failed\n");
			goto out;
		}
		if (p == 0)
			first = t;
		else if (t.hash != first.hash || t.ntok != first.ntok)
			fprintf(stderr, "bench_tokenizer: pass %d differs\n",
			    p + 1);
		printf("pass %d: %.3f s, %.0f tokens/s, %.2f MB/s\n", p + 1,
		    secs, (double)t.ntok / secs,
		    (double)c.textbytes / 1e6 / secs);
		if (p == 0 || secs < best)
			best = secs;
	}
	printf("best: %llu tokens in %.3f s: %.0f tokens/s, %.2f MB/s\n",
	    first.ntok, best, (double)first.ntok / best,
	    (double)c.textbytes / 1e6 / best);
	printf("checksum %016llx\n", first.hash);
	rc = 0;
out:
	free(c.buf);
	return rc;
}
