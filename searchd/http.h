/*
 * http.h - the HTTP side of searchd on libmicrohttpd: limits, routing,
 * headers, problem answers and the access log.
 *
 * Routes: GET|HEAD  /v1  /v1/aanbod  /v1/aanbod/{id}  /v1/openapi.json
 * (JSON API) and  /  /aanbod/{id}  /style.css  (HTML for people).
 * The server borrows the store; http_stop() must run before the store
 * is closed.
 */
#ifndef SK_HTTP_H
#define SK_HTTP_H

#include <stddef.h>

#include "store.h"

struct http_config {
	const char *bind;          /* IPv4 or IPv6 address */
	unsigned port;
	unsigned threads;          /* worker threads (pool); 0 = a thread per
	                            * connection */
	unsigned conn_limit;       /* all connections */
	unsigned per_ip_limit;     /* connections per client address */
	unsigned timeout_s;        /* idle/slow connection timeout */
	size_t mem_limit;          /* per-connection memory (request + headers) */
	size_t max_target;         /* longest request target served (414 above) */
	size_t max_headers;        /* all request headers together (431 above) */
	unsigned query_ms;         /* time budget of one search (503 above) */
	unsigned cache_mb;         /* answer cache (cache.h), 0 = none */
};

struct http_server;

int http_start(struct http_server **out, const struct http_config *cfg,
               struct store *store, char *err, size_t errlen);
/* Stops accepting, lets requests in flight finish, frees the server. */
void http_stop(struct http_server *s);

#endif
