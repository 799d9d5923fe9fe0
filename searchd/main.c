/*
 * main.c - bin/searchd: serves the index at --index PATH over HTTP.
 *
 *   searchd --index PATH --port N [--bind ADDR] [limits...]
 *
 * Start-up: options, then the store (store.h) loads the index, then the
 * HTTP server (http.h) starts. The main thread then only waits for
 * signals with sigwait(): SIGHUP asks the store to re-read PATH now,
 * SIGTERM/SIGINT stop the server (requests in flight finish) and exit 0.
 * Exit 1 when the index cannot be served, 64 for a wrong command line.
 */
#include <arpa/inet.h>
#include <getopt.h>
#include <limits.h>
#include <malloc.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "http.h"
#include "log.h"
#include "store.h"

enum { EXIT_USAGE = 64 };

struct options {
	const char *index_path;
	int check_only;
	struct http_config http;
};

static void
usage(FILE *f)
{
	fputs("gebruik: searchd --index PAD --port N [--bind ADRES] [opties]\n"
	    "  --index PAD          de index (gemaakt met bin/indexer)\n"
	    "  --port N             TCP-poort\n"
	    "  --bind ADRES         IP-adres om op te luisteren (127.0.0.1)\n"
	    "  --threads N          werkthreads (4; 0 = een thread per verbinding)\n"
	    "  --max-connections N  verbindingen in totaal (512)\n"
	    "  --max-per-ip N       verbindingen per IP-adres (64; 0 = geen grens)\n"
	    "  --timeout S          sluit stille verbindingen na S seconden (10)\n"
	    "  --query-timeout MS   breek een zoekvraag af na MS milliseconden (2000)\n"
	    "  --cache-mb N         onthoud recente antwoorden, tot N MB (32; 0 = uit)\n"
	    "  --check              controleer alleen of de index te gebruiken is\n",
	    f);
}

static int
parse_uint(const char *s, unsigned min, unsigned max, unsigned *out)
{
	char *end;
	unsigned long v = strtoul(s, &end, 10);

	if (*s == '\0' || *end != '\0' || v < min || v > max)
		return -1;
	*out = (unsigned)v;
	return 0;
}

/* 1 for a numeric IPv4 or IPv6 address (no host names: searchd binds
 * exactly what it is told). */
static int
is_ip_address(const char *s)
{
	struct in6_addr a6;
	struct in_addr a4;

	return inet_pton(AF_INET, s, &a4) == 1 ||
	    inet_pton(AF_INET6, s, &a6) == 1;
}

static int
parse_options(int argc, char **argv, struct options *o)
{
	static const struct option longopts[] = {
		{ "index", required_argument, NULL, 'i' },
		{ "port", required_argument, NULL, 'p' },
		{ "bind", required_argument, NULL, 'b' },
		{ "threads", required_argument, NULL, 't' },
		{ "max-connections", required_argument, NULL, 'c' },
		{ "max-per-ip", required_argument, NULL, 'P' },
		{ "timeout", required_argument, NULL, 'T' },
		{ "query-timeout", required_argument, NULL, 'Q' },
		{ "cache-mb", required_argument, NULL, 'M' },
		{ "check", no_argument, NULL, 'C' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c, have_port = 0, bad = 0;

	memset(o, 0, sizeof(*o));
	o->http.bind = "127.0.0.1";
	o->http.threads = 4;
	o->http.conn_limit = 512;
	o->http.per_ip_limit = 64;
	o->http.timeout_s = 10;
	o->http.mem_limit = 128 * 1024;
	o->http.max_target = 16 * 1024;
	o->http.max_headers = 16 * 1024;
	o->http.query_ms = 2000;
	o->http.cache_mb = 32;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (c) {
		case 'i': o->index_path = optarg; break;
		case 'b': o->http.bind = optarg; break;
		case 'p':
			bad |= parse_uint(optarg, 1, 65535, &o->http.port);
			have_port = 1;
			break;
		case 't': bad |= parse_uint(optarg, 0, 64, &o->http.threads); break;
		case 'c':
			bad |= parse_uint(optarg, 1, 100000, &o->http.conn_limit);
			break;
		case 'P':
			bad |= parse_uint(optarg, 0, 100000, &o->http.per_ip_limit);
			break;
		case 'T': bad |= parse_uint(optarg, 1, 3600, &o->http.timeout_s); break;
		case 'Q': bad |= parse_uint(optarg, 1, 600000, &o->http.query_ms); break;
		case 'M': bad |= parse_uint(optarg, 0, 65536, &o->http.cache_mb); break;
		case 'C': o->check_only = 1; break;
		case 'h': usage(stdout); exit(0);
		default:
			fprintf(stderr, "searchd: onbekende of onvolledige optie %s\n",
			    argv[optind - 1]);
			return -1;
		}
	}
	if (bad) {
		fputs("searchd: een getal in de opties klopt niet\n", stderr);
		return -1;
	}
	if (optind != argc) {
		fprintf(stderr, "searchd: onverwacht argument %s\n", argv[optind]);
		return -1;
	}
	if (o->index_path == NULL || (!have_port && !o->check_only)) {
		fputs("searchd: --index en --port zijn verplicht\n", stderr);
		return -1;
	}
	if (!is_ip_address(o->http.bind)) {
		fprintf(stderr, "searchd: --bind %s is geen IPv4- of IPv6-adres\n",
		    o->http.bind);
		return -1;
	}
	return 0;
}

int
main(int argc, char **argv)
{
	struct options o;
	struct store store;
	struct http_server *http = NULL;
	sigset_t sigs;
	char err[512];
	int sig;

	if (parse_options(argc, argv, &o) != 0) {
		usage(stderr);
		return EXIT_USAGE;
	}
	/* A search allocates a few hundred KB of scratch (hits, facets) and
	 * frees it again; glibc would mmap and munmap each such block, and
	 * every munmap stops all threads for a TLB flush. Keep blocks up to
	 * 1 MB on the heap (larger ones, for very broad queries on big
	 * indexes, still go back at once) and return freed heap above 1 MB. */
	mallopt(M_MMAP_THRESHOLD, 1 << 20);
	mallopt(M_TRIM_THRESHOLD, 1 << 20);
	/* SQLite's memory statistics take one process-wide mutex on every
	 * allocation; nothing here reads them. */
	sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
	/* Block the signals in every thread; main collects them. */
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGHUP);
	sigaddset(&sigs, SIGTERM);
	sigaddset(&sigs, SIGINT);
	pthread_sigmask(SIG_BLOCK, &sigs, NULL);
	signal(SIGPIPE, SIG_IGN);

	if (store_open(&store, o.index_path, err, sizeof(err)) != 0) {
		fprintf(stderr, "searchd: %s\n", err);
		return 1;
	}
	if (o.check_only) {
		printf("index %s is in orde: %u vermeldingen, %u actief\n",
		    o.index_path, store.current->model.n,
		    store.current->model.nactive);
		store_close(&store);
		return 0;
	}
	if (store_start_watcher(&store) != 0 ||
	    http_start(&http, &o.http, &store, err, sizeof(err)) != 0) {
		fprintf(stderr, "searchd: %s\n", err);
		store_close(&store);
		return 1;
	}
	{
		/* the watcher runs already: read the current gen under a
		 * reference, as a request does */
		struct gen *g = store_acquire(&store);
		int v6 = strchr(o.http.bind, ':') != NULL;

		log_event("klaar: http://%s%s%s:%u/ (index %s, %u vermeldingen, "
		    "%u actief)", v6 ? "[" : "", o.http.bind, v6 ? "]" : "",
		    o.http.port, o.index_path,
		    g->model.n, g->model.nactive);
		store_release(&store, g);
	}
	for (;;) {
		if (sigwait(&sigs, &sig) != 0)
			continue;
		if (sig == SIGHUP) {
			store_request_reload(&store);
			continue;
		}
		break;
	}
	log_event("stoppen (signaal %d)", sig);
	http_stop(http);
	store_close(&store);
	return 0;
}
