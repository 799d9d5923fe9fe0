/*
 * hello.c - the HTTP ceiling: a bare libmicrohttpd server with searchd's
 * thread settings, answering every GET with a small JSON body.
 *
 *   hello --port N [--threads N]
 *
 * Same daemon flags and limits as searchd/http.c http_start (internal
 * polling thread, epoll, ITC, a pool of --threads worker threads (4; 0 =
 * a thread per connection with poll, as searchd --threads 0),
 * 512 connections, 32 per IP address, 10 s timeout, 64 KiB per
 * connection), and the same response headers on the answer, but no work:
 * what wrk measures against it is the most requests per second
 * libmicrohttpd serves on this machine with these settings.
 * Stops on SIGINT/SIGTERM.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <microhttpd.h>

static const char BODY[] =
    "{\"totaal\":1,\"pagina\":1,\"perPagina\":10,\"resultaten\":[{\"id\":"
    "\"hello\",\"naam\":\"Hallo\"}],\"facetten\":{}}";

static enum MHD_Result
handle(void *cls, struct MHD_Connection *con, const char *url,
       const char *method, const char *version, const char *upload_data,
       size_t *upload_data_size, void **con_cls)
{
	struct MHD_Response *r;
	enum MHD_Result ret;

	(void)cls;
	(void)url;
	(void)method;
	(void)version;
	(void)upload_data;
	(void)upload_data_size;
	/* As searchd: answer on the second call, when the request is
	 * complete, so the connection is kept alive. */
	if (*con_cls == NULL) {
		*con_cls = (void *)1;
		return MHD_YES;
	}
	/* searchd copies every body into a fresh buffer it hands over. */
	char *body = strdup(BODY);
	if (body == NULL)
		return MHD_NO;
	r = MHD_create_response_from_buffer(sizeof(BODY) - 1, body,
	    MHD_RESPMEM_MUST_FREE);
	if (r == NULL) {
		free(body);
		return MHD_NO;
	}
	MHD_add_response_header(r, "Content-Type", "application/json");
	MHD_add_response_header(r, "Referrer-Policy", "no-referrer");
	MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(r, "API-Version", "1.0.0");
	MHD_add_response_header(r, "Access-Control-Allow-Origin", "*");
	MHD_add_response_header(r, "Access-Control-Expose-Headers",
	    "API-Version");
	ret = MHD_queue_response(con, MHD_HTTP_OK, r);
	MHD_destroy_response(r);
	return ret;
}

int
main(int argc, char **argv)
{
	unsigned port = 0, threads = 4;
	struct sockaddr_in a4;
	struct MHD_Daemon *d;
	sigset_t set;
	int sig;

	for (int i = 1; i + 1 < argc; i += 2) {
		if (strcmp(argv[i], "--port") == 0)
			port = (unsigned)strtoul(argv[i + 1], NULL, 10);
		else if (strcmp(argv[i], "--threads") == 0)
			threads = (unsigned)strtoul(argv[i + 1], NULL, 10);
		else
			port = 0;
	}
	if (port == 0 || port > 65535 || argc % 2 == 0) {
		fputs("usage: hello --port N [--threads N]\n", stderr);
		return 64;
	}
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	memset(&a4, 0, sizeof(a4));
	a4.sin_family = AF_INET;
	a4.sin_port = htons((uint16_t)port);
	a4.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	/* as searchd: --threads 0 is a thread per connection */
	d = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ITC |
	    (threads > 0 ? MHD_USE_EPOLL : MHD_USE_THREAD_PER_CONNECTION |
	    MHD_USE_POLL), (uint16_t)port, NULL, NULL, handle, NULL,
	    MHD_OPTION_SOCK_ADDR, (const struct sockaddr *)&a4,
	    MHD_OPTION_THREAD_POOL_SIZE, threads,
	    MHD_OPTION_CONNECTION_LIMIT, 512u,
	    MHD_OPTION_PER_IP_CONNECTION_LIMIT, 32u,
	    MHD_OPTION_CONNECTION_TIMEOUT, 10u,
	    MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)64 * 1024,
	    MHD_OPTION_END);
	if (d == NULL) {
		fprintf(stderr, "hello: cannot listen on 127.0.0.1:%u\n", port);
		return 1;
	}
	sigwait(&set, &sig);
	MHD_stop_daemon(d);
	return 0;
}
