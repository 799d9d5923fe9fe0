/*
 * bench_query.c - in-process query latency of searchd's search path.
 *
 *   bench_query --index PATH --queries FILE [--min-runs N] [--max-seconds S]
 *               [--passes N] [--class NAME] [--budget MS] [--json OUT] [-v]
 *
 * FILE has one query per line: "class<TAB>query string", the query string
 * URL-encoded as a client sends it ("q=koffie&gemeente=GM0307"). Each query
 * runs exactly as searchd's route_search runs it (http.c): store_acquire,
 * gen_conn_get, params_parse of "/v1/aanbod?<query string>",
 * search_req_build, expand_plan (query expansion), search_run, json_search
 * of page 1, then everything is freed and given back. (run_one() below
 * must follow route_search when that changes.) A line "class<TAB>/v1/suggesties?q=..." runs
 * route_suggest's work instead (suggest_json; its "hits" are the number
 * of suggestions). The timed span is all of
 * that (only the HTTP layer is missing), on one thread, with a warm cache
 * (one untimed pass first).
 *
 * The queries of a class run round-robin until the class has --min-runs
 * samples (default 300) or --max-seconds (default 20) have passed (at
 * least --passes passes, default 3; --passes 1 --min-runs 0 runs each
 * query once after the warm-up, e.g. under valgrind). Prints, per class: queries, samples, median totaal,
 * p50/p95/p99/max in ms. --json writes the same figures as JSON.
 * -v prints each query's time and totaal in the first pass; -vv also
 * prints the JSON answers of the warm-up pass (on stderr).
 * --budget MS gives each search the time budget searchd gives it (its
 * --query-ms); the default 0 measures the full cost. Exit 1 when a query
 * failed (non-200), 2 on bad usage or when the index cannot be opened.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "expand.h"
#include "params.h"
#include "problem.h"
#include "render_json.h"
#include "search.h"
#include "store.h"
#include "suggest.h"

struct query {
	char *cls;
	char *target;            /* "/v1/aanbod?..." */
};

struct klass {
	char *name;
	size_t *qidx;            /* queries of this class */
	size_t nq;
	double *ms;              /* samples */
	size_t n, cap;
	unsigned *totals;        /* totaal per query (last run) */
	double *qsum;            /* summed ms per query */
	size_t bytes;            /* JSON bytes of the last pass */
	unsigned errors;
};

static double
now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

static void *
xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n);

	if (q == NULL) {
		fputs("bench_query: out of memory\n", stderr);
		exit(2);
	}
	return q;
}

static char *
xstrdup(const char *s)
{
	char *d = strdup(s);

	if (d == NULL) {
		fputs("bench_query: out of memory\n", stderr);
		exit(2);
	}
	return d;
}

/* One search as route_search does it. Returns the HTTP status; *total and
 * *bytes receive the totaal and the body size. */
static unsigned
run_one(struct store *s, const char *target, unsigned budget_ms,
        unsigned *total, size_t *bytes, int print)
{
	struct param_list pl;
	const char *bad = NULL;
	struct gen *g;
	struct conn *c;
	struct search_req req;
	struct search_res res;
	struct problem p;
	char *body;
	unsigned status = 200;

	*total = 0;
	*bytes = 0;
	if (params_parse(target, &pl, &bad) != PARAMS_OK) {
		params_free(&pl);
		return 400;
	}
	g = store_acquire(s);
	if ((c = gen_conn_get(g)) == NULL) {
		store_release(s, g);
		params_free(&pl);
		return 503;
	}
	if (strcmp(pl.path, "/v1/suggesties") == 0) {
		const char *q = "";
		for (size_t i = 0; i < pl.n; i++)
			if (strcmp(pl.v[i].name, "q") == 0)
				q = pl.v[i].value;
		conn_set_budget(c, budget_ms);
		body = suggest_json(&g->suggest, &g->model, c, q, &p);
		conn_set_budget(c, 0);
		if (body == NULL) {
			status = p.status ? p.status : 500;
		} else {
			*bytes = strlen(body);
			/* "hits" of a suggestion answer: its suggestions */
			for (const char *t = body; (t = strstr(t, "\"tekst\":"));
			    t++)
				(*total)++;
		}
		if (print && body != NULL)
			fprintf(stderr, "%s\n", body);
		free(body);
		goto out;
	}
	if (search_req_build(&g->model, &pl, &req, &p) != 0) {
		status = p.status;
		goto out;
	}
	if (req.q != NULL && expand_plan(g->expand, c->tok, &req.plan) != 0) {
		search_req_free(&req);
		status = 500;
		goto out;
	}
	conn_set_budget(c, budget_ms);
	if (search_run(&g->model, c, &req, &res, &p) != 0) {
		conn_set_budget(c, 0);
		status = p.status;
		search_req_free(&req);
		goto out;
	}
	conn_set_budget(c, 0);
	body = json_search(&g->model, c, &req, &res);
	if (body == NULL)
		status = 500;
	else
		*bytes = strlen(body);
	*total = res.total;
	if (print && body != NULL)
		fprintf(stderr, "%s\n", body);
	free(body);
	search_res_free(&res);
	search_req_free(&req);
out:
	gen_conn_put(g, c);
	store_release(s, g);
	params_free(&pl);
	return status;
}

/* The query as written in the file. */
static const char *
shown(const char *target)
{
	return strncmp(target, "/v1/aanbod?", 11) == 0 ? target + 11 : target;
}

/* Passes a class made (every query runs once per pass). */
static size_t
pass_of(const struct klass *K)
{
	return K->nq ? K->n / K->nq : 1;
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static int
cmp_unsigned(const void *a, const void *b)
{
	unsigned x = *(const unsigned *)a, y = *(const unsigned *)b;

	return x < y ? -1 : x > y;
}

/* Nearest-rank percentile of sorted v[0..n). */
static double
pct(const double *v, size_t n, double p)
{
	size_t k;

	if (n == 0)
		return 0;
	k = (size_t)(p / 100.0 * (double)n + 0.999999);
	if (k < 1)
		k = 1;
	if (k > n)
		k = n;
	return v[k - 1];
}

static long
rss_kb(void)
{
	FILE *f = fopen("/proc/self/status", "r");
	char line[256];
	long kb = -1;

	if (f == NULL)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (strncmp(line, "VmRSS:", 6) == 0)
			kb = strtol(line + 6, NULL, 10);
	fclose(f);
	return kb;
}

static void
usage(void)
{
	fputs("usage: bench_query --index PATH --queries FILE [--min-runs N] "
	    "[--max-seconds S] [--passes N] [--class NAME] [--budget MS] "
	    "[--json OUT] [-v]\n",
	    stderr);
	exit(2);
}

static void
json_str(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			fprintf(f, "\\%c", *s);
		else if ((unsigned char)*s < 0x20)
			fprintf(f, "\\u%04x", (unsigned char)*s);
		else
			fputc(*s, f);
	}
	fputc('"', f);
}

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "index", required_argument, NULL, 'i' },
		{ "queries", required_argument, NULL, 'q' },
		{ "min-runs", required_argument, NULL, 'n' },
		{ "max-seconds", required_argument, NULL, 's' },
		{ "class", required_argument, NULL, 'c' },
		{ "budget", required_argument, NULL, 'b' },
		{ "passes", required_argument, NULL, 'p' },
		{ "json", required_argument, NULL, 'j' },
		{ NULL, 0, NULL, 0 },
	};
	const char *index = NULL, *qfile = NULL, *only = NULL, *json = NULL;
	unsigned min_runs = 300, budget = 0, min_passes = 3;
	double max_s = 20;
	int verbose = 0, o, failed = 0;
	struct query *qs = NULL;
	size_t nq = 0, capq = 0;
	struct klass *ks = NULL;
	size_t nk = 0;
	struct store store;
	char err[512], line[8192];
	double t0, load_ms;
	long rss0, rss1;
	FILE *f;

	while ((o = getopt_long(argc, argv, "v", opts, NULL)) != -1) {
		switch (o) {
		case 'i': index = optarg; break;
		case 'q': qfile = optarg; break;
		case 'n': min_runs = (unsigned)strtoul(optarg, NULL, 10); break;
		case 's': max_s = strtod(optarg, NULL); break;
		case 'c': only = optarg; break;
		case 'b': budget = (unsigned)strtoul(optarg, NULL, 10); break;
		case 'p': min_passes = (unsigned)strtoul(optarg, NULL, 10); break;
		case 'j': json = optarg; break;
		case 'v': verbose++; break;
		default: usage();
		}
	}
	if (index == NULL || qfile == NULL || optind != argc)
		usage();
	if (min_passes < 1)
		min_passes = 1;

	if ((f = fopen(qfile, "r")) == NULL) {
		fprintf(stderr, "bench_query: %s: %s\n", qfile, strerror(errno));
		return 2;
	}
	while (fgets(line, sizeof(line), f)) {
		char *tab = strchr(line, '\t');
		size_t n;

		line[strcspn(line, "\r\n")] = '\0';
		if (line[0] == '#' || tab == NULL)
			continue;
		*tab = '\0';
		if (only != NULL && strcmp(line, only) != 0)
			continue;
		if (nq == capq) {
			capq = capq ? capq * 2 : 64;
			qs = xrealloc(qs, capq * sizeof(*qs));
		}
		qs[nq].cls = xstrdup(line);
		n = strlen(tab + 1) + sizeof("/v1/aanbod?");
		qs[nq].target = xrealloc(NULL, n);
		snprintf(qs[nq].target, n, "%s%s", tab[1] == '/' ? "" :
		    "/v1/aanbod?", tab + 1);
		nq++;
	}
	fclose(f);
	if (nq == 0) {
		fprintf(stderr, "bench_query: no queries in %s\n", qfile);
		return 2;
	}
	/* Classes in order of first appearance. */
	for (size_t i = 0; i < nq; i++) {
		size_t k;
		for (k = 0; k < nk; k++)
			if (strcmp(ks[k].name, qs[i].cls) == 0)
				break;
		if (k == nk) {
			ks = xrealloc(ks, (nk + 1) * sizeof(*ks));
			memset(&ks[nk], 0, sizeof(*ks));
			ks[nk].name = qs[i].cls;
			nk++;
		}
		ks[k].qidx = xrealloc(ks[k].qidx, (ks[k].nq + 1) * sizeof(size_t));
		ks[k].qidx[ks[k].nq++] = i;
	}

	rss0 = rss_kb();
	t0 = now_ms();
	if (store_open(&store, index, err, sizeof(err)) != 0) {
		fprintf(stderr, "bench_query: %s\n", err);
		return 2;
	}
	load_ms = now_ms() - t0;
	rss1 = rss_kb();

	for (size_t k = 0; k < nk; k++) {
		struct klass *K = &ks[k];
		double start;
		unsigned pass = 0;

		K->totals = xrealloc(NULL, K->nq * sizeof(unsigned));
		K->qsum = xrealloc(NULL, K->nq * sizeof(double));
		memset(K->qsum, 0, K->nq * sizeof(double));
		for (size_t j = 0; j < K->nq; j++) {      /* warm-up, untimed */
			size_t b;
			unsigned st = run_one(&store, qs[K->qidx[j]].target, budget,
			    &K->totals[j], &b, verbose > 1);
			if (st != 200) {
				fprintf(stderr, "bench_query: %s: status %u for %s\n",
				    K->name, st, qs[K->qidx[j]].target);
				K->errors++;
			}
		}
		start = now_ms();
		while (pass < min_passes || (K->n < min_runs &&
		    now_ms() - start < max_s * 1e3)) {
			K->bytes = 0;
			for (size_t j = 0; j < K->nq; j++) {
				unsigned total;
				size_t b;
				double a = now_ms(), ms;
				unsigned st = run_one(&store, qs[K->qidx[j]].target,
				    budget, &total, &b, 0);
				ms = now_ms() - a;
				if (st != 200 && pass == 0)
					K->errors++;
				if (K->n == K->cap) {
					K->cap = K->cap ? K->cap * 2 : 256;
					K->ms = xrealloc(K->ms, K->cap * sizeof(double));
				}
				K->ms[K->n++] = ms;
				K->qsum[j] += ms;
				K->bytes += b;
				if (verbose && pass == 0)
					fprintf(stderr, "%-10s %8.3f ms  totaal %7u  %6zu B  %s\n",
					    K->name, ms, total, b, shown(qs[K->qidx[j]].target));
			}
			pass++;
		}
		qsort(K->ms, K->n, sizeof(double), cmp_double);
		if (K->errors)
			failed = 1;
	}

	printf("# index %s: loaded in %.0f ms, RSS +%ld kB after load (%ld kB)\n",
	    index, load_ms, rss1 - rss0, rss1);
	printf("%-10s %4s %6s %8s %8s %8s %8s %8s %8s %s\n", "class", "q", "runs",
	    "hits", "p50_ms", "p95_ms", "p99_ms", "max_ms", "mean_ms", "errors");
	for (size_t k = 0; k < nk; k++) {
		struct klass *K = &ks[k];
		double sum = 0;
		unsigned *t = xrealloc(NULL, K->nq * sizeof(unsigned));

		for (size_t i = 0; i < K->n; i++)
			sum += K->ms[i];
		memcpy(t, K->totals, K->nq * sizeof(unsigned));
		qsort(t, K->nq, sizeof(unsigned), cmp_unsigned);
		printf("%-10s %4zu %6zu %8u %8.3f %8.3f %8.3f %8.3f %8.3f %u\n",
		    K->name, K->nq, K->n, t[K->nq / 2], pct(K->ms, K->n, 50),
		    pct(K->ms, K->n, 95), pct(K->ms, K->n, 99), K->ms[K->n - 1],
		    sum / (double)K->n, K->errors);
		free(t);
	}
	if (json != NULL) {
		FILE *out = fopen(json, "w");
		if (out == NULL) {
			fprintf(stderr, "bench_query: %s: %s\n", json, strerror(errno));
			return 2;
		}
		fprintf(out, "{\"index\": ");
		json_str(out, index);
		fprintf(out, ", \"load_ms\": %.1f, \"rss_after_load_kb\": %ld, "
		    "\"budget_ms\": %u, \"classes\": [", load_ms, rss1, budget);
		for (size_t k = 0; k < nk; k++) {
			struct klass *K = &ks[k];
			unsigned *t = xrealloc(NULL, K->nq * sizeof(unsigned));
			double sum = 0;

			for (size_t i = 0; i < K->n; i++)
				sum += K->ms[i];
			memcpy(t, K->totals, K->nq * sizeof(unsigned));
			qsort(t, K->nq, sizeof(unsigned), cmp_unsigned);
			fprintf(out, "%s\n {\"class\": ", k ? "," : "");
			json_str(out, K->name);
			fprintf(out, ", \"queries\": %zu, \"runs\": %zu, "
			    "\"median_hits\": %u, \"max_hits\": %u, \"p50_ms\": %.3f, "
			    "\"p95_ms\": %.3f, \"p99_ms\": %.3f, \"max_ms\": %.3f, "
			    "\"mean_ms\": %.3f, \"mean_json_bytes\": %zu, \"errors\": %u, "
			    "\"per_query\": [", K->nq, K->n, t[K->nq / 2],
			    t[K->nq - 1], pct(K->ms, K->n, 50), pct(K->ms, K->n, 95),
			    pct(K->ms, K->n, 99), K->ms[K->n - 1], sum / (double)K->n,
			    K->bytes / K->nq, K->errors);
			for (size_t j = 0; j < K->nq; j++) {
				fprintf(out, "%s{\"q\": ", j ? ", " : "");
				json_str(out, shown(qs[K->qidx[j]].target));
				fprintf(out, ", \"totaal\": %u, \"mean_ms\": %.3f}",
				    K->totals[j], K->qsum[j] / (double)pass_of(K));
			}
			fprintf(out, "]}");
			free(t);
		}
		fprintf(out, "\n]}\n");
		fclose(out);
	}

	store_close(&store);
	for (size_t k = 0; k < nk; k++) {
		free(ks[k].qidx);
		free(ks[k].ms);
		free(ks[k].totals);
		free(ks[k].qsum);
	}
	free(ks);
	for (size_t i = 0; i < nq; i++) {
		free(qs[i].cls);
		free(qs[i].target);
	}
	free(qs);
	return failed;
}
