/*
 * http.c - libmicrohttpd glue; see http.h.
 *
 * Per request, the URI log callback (called by libmicrohttpd before any
 * parsing of ours) copies the raw request target into a struct req_state;
 * that state is the request's con_cls and is freed, after the access log
 * line, in the completion callback. Answers are built in memory and
 * handed over with MHD_RESPMEM_MUST_FREE.
 */
#include "http.h"

#include "cache.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <microhttpd.h>

#include "assets.h"
#include "html.h"
#include "log.h"
#include "params.h"
#include "problem.h"
#include "render_json.h"
#include "search.h"

struct http_server {
	struct MHD_Daemon *daemon;
	struct store *store;
	struct http_config cfg;
	struct answer_cache *cache;  /* NULL when off */
	int in_flight;             /* requests between on_uri and on_completed
	                            * (atomic builtins) */
};

struct req_state {
	char *target;              /* raw request target, or NULL if too long */
	size_t target_len;
	struct timespec start;
	unsigned status;
	char method[8];
	char log_path[96];         /* path only, never the query string */
	int answered;
	int called;                /* the handler has seen this request */
};

/* ---- request state ------------------------------------------------------ */

/*
 * searchd reads the query string itself, from the raw target (params.c),
 * and never asks libmicrohttpd for its arguments. libmicrohttpd would
 * still split them into its per-connection pool right after this
 * callback, at ~64 bytes per argument: a legal 16 KiB target of
 * "a&a&..." (8 000 arguments) exhausts the 128 KiB pool, and the
 * connection then hangs without an answer. Ending the string right after
 * the '?' (in libmicrohttpd's own, writable, request buffer; the callback
 * type only calls it const) leaves it nothing to split. The path before
 * the '?' is untouched. Must run after the target has been copied.
 */
static void
cut_library_arguments(const char *uri)
{
	char *q = strchr(uri, '?');

	if (q != NULL)
		q[1] = '\0';
}

/* The origin form of a request target: an absolute-form target
 * ("http://host:port/v1/aanbod?q=x", RFC 9112 3.2.2) without its scheme
 * and authority; any other target as it is. */
static const char *
origin_form(const char *uri)
{
	const char *p;

	if (strncasecmp(uri, "http://", 7) == 0)
		p = uri + 7;
	else if (strncasecmp(uri, "https://", 8) == 0)
		p = uri + 8;
	else
		return uri;
	p += strcspn(p, "/?");
	return *p == '/' ? p : uri;     /* "http://host?x": left as it is */
}

static void *
on_uri(void *cls, const char *raw_uri, struct MHD_Connection *con)
{
	const struct http_server *s = cls;
	struct req_state *st = calloc(1, sizeof(*st));
	const char *uri = origin_form(raw_uri);
	size_t n = strlen(uri), plen = strcspn(uri, "?");

	(void)con;
	if (st == NULL)
		return NULL;
	__atomic_add_fetch(&((struct http_server *)cls)->in_flight, 1,
	    __ATOMIC_SEQ_CST);
	clock_gettime(CLOCK_MONOTONIC, &st->start);
	st->target_len = n;
	if (n <= s->cfg.max_target)
		st->target = strdup(uri);
	snprintf(st->log_path, sizeof(st->log_path), "%.*s",
	    (int)(plen < sizeof(st->log_path) - 1 ? plen :
	    sizeof(st->log_path) - 1), uri);
	cut_library_arguments(raw_uri);
	return st;
}

/*
 * What the access log says of a path: the routes as they are, an id in a
 * detail path as "{id}" and any other path as "-". A path is typed text
 * (an id, a mistyped word) and may say something about a person; the log
 * keeps no free text.
 */
static const char *
log_route(const char *path)
{
	static const char *const fixed[] = { "/", "/v1", "/v1/aanbod",
	    "/v1/suggesties", "/v1/openapi.json", "/style.css", NULL };

	for (int i = 0; fixed[i] != NULL; i++)
		if (strcmp(path, fixed[i]) == 0)
			return fixed[i];
	if (strncmp(path, "/v1/aanbod/", 11) == 0)
		return "/v1/aanbod/{id}";
	if (strncmp(path, "/aanbod/", 8) == 0)
		return "/aanbod/{id}";
	return "-";
}

static void
on_completed(void *cls, struct MHD_Connection *con, void **con_cls,
             enum MHD_RequestTerminationCode code)
{
	struct http_server *s = cls;
	struct req_state *st = *con_cls;
	const union MHD_ConnectionInfo *ci;
	struct timespec now;
	double ms;

	if (st == NULL)
		return;
	__atomic_sub_fetch(&s->in_flight, 1, __ATOMIC_SEQ_CST);
	/* An answer the connection lost (client gone, shutdown) is logged as
	 * such, not as the status it would have had. */
	if (code != MHD_REQUEST_TERMINATED_COMPLETED_OK && st->status != 0)
		st->status = 499;
	clock_gettime(CLOCK_MONOTONIC, &now);
	ms = (double)(now.tv_sec - st->start.tv_sec) * 1e3 +
	    (double)(now.tv_nsec - st->start.tv_nsec) / 1e6;
	ci = MHD_get_connection_info(con, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	if (st->status != 0)
		log_access(st->method[0] ? st->method : "-", log_route(st->log_path),
		    st->status, ms, ci ? ci->client_addr : NULL);
	free(st->target);
	free(st);
	*con_cls = NULL;
}

/* ---- answering ---------------------------------------------------------- */

enum body_kind { BODY_JSON, BODY_PROBLEM, BODY_HTML, BODY_CSS };

static const char *
content_type(enum body_kind k)
{
	switch (k) {
	case BODY_JSON:    return "application/json";
	case BODY_PROBLEM: return "application/problem+json";
	case BODY_HTML:    return "text/html; charset=utf-8";
	default:           return "text/css; charset=utf-8";
	}
}

/* Queues body (malloc'd, taken over) with the headers every answer has. */
static enum MHD_Result
respond(struct MHD_Connection *con, struct req_state *st, unsigned status,
        enum body_kind kind, char *body, int api)
{
	struct MHD_Response *r;
	enum MHD_Result ret;

	if (body == NULL) {
		status = 500;
		kind = BODY_PROBLEM;
		body = strdup("{\"type\":\"about:blank\",\"title\":\"Interne fout\","
		    "\"status\":500,\"detail\":\"Er ging iets mis bij het maken van "
		    "het antwoord.\"}");
		if (body == NULL)
			return MHD_NO;
	}
	r = MHD_create_response_from_buffer(strlen(body), body,
	    MHD_RESPMEM_MUST_FREE);
	if (r == NULL) {
		free(body);
		return MHD_NO;
	}
	MHD_add_response_header(r, "Content-Type", content_type(kind));
	MHD_add_response_header(r, "Referrer-Policy", "no-referrer");
	MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
	if (api) {
		MHD_add_response_header(r, "API-Version", SK_API_VERSION);
		MHD_add_response_header(r, "Access-Control-Allow-Origin", "*");
		MHD_add_response_header(r, "Access-Control-Expose-Headers",
		    "API-Version");
	}
	/* Search text is about people's lives: no answer is kept in a
	 * browser or proxy cache, except the style sheet. */
	MHD_add_response_header(r, "Cache-Control", kind == BODY_CSS ?
	    "max-age=3600" : "no-store");
	if (kind == BODY_HTML)
		MHD_add_response_header(r, "Content-Security-Policy",
		    "default-src 'none'; style-src 'self'; img-src 'self'; "
		    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'");
	if (status == 405)
		MHD_add_response_header(r, "Allow", "GET, HEAD");
	if (status == 503)
		MHD_add_response_header(r, "Retry-After", "1");
	st->status = status;
	st->answered = 1;
	ret = MHD_queue_response(con, status, r);
	MHD_destroy_response(r);
	return ret;
}

static enum MHD_Result
respond_problem(struct MHD_Connection *con, struct req_state *st,
                const struct problem *p, int html)
{
	if (html)
		return respond(con, st, p->status, BODY_HTML, html_error(p), 0);
	return respond(con, st, p->status, BODY_PROBLEM,
	    json_problem(p, st->log_path), 1);
}

/* ---- routes ------------------------------------------------------------- */

static int
valid_id(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > 64)
		return 0;
	return strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	    "0123456789._:-") == n;
}

/* Runs a search for the API (html 0) or the page (html 1). */
static enum MHD_Result
route_search(struct http_server *s, struct MHD_Connection *con,
             struct req_state *st, const struct param_list *pl, int html)
{
	struct gen *g = store_acquire(s->store);
	struct conn *c;
	struct search_req req;
	struct search_res res;
	struct problem p;
	char *body = NULL;

	if (!html && cache_get(s->cache, g->file, st->target, &body)) {
		store_release(s->store, g);
		return respond(con, st, 200, BODY_JSON, body, 1);
	}
	if ((c = gen_conn_get(g)) == NULL) {
		store_release(s->store, g);
		problem_set(&p, 503, NULL, "De zoekdienst is even te druk. Probeer "
		    "het over een paar seconden opnieuw.");
		return respond_problem(con, st, &p, html);
	}
	if (search_req_build(&g->model, pl, &req, &p) != 0)
		goto problem;
	if (req.q != NULL && expand_plan(g->expand, c->tok, &req.plan) != 0) {
		search_req_free(&req);
		problem_set(&p, 500, NULL, "geen geheugen");
		goto problem;
	}
	conn_set_budget(c, s->cfg.query_ms);
	if (search_run(&g->model, c, &req, &res, &p) != 0) {
		conn_set_budget(c, 0);
		search_req_free(&req);
		goto problem;
	}
	conn_set_budget(c, 0);
	body = html ? html_search(&g->model, c, &req, &res) :
	    json_search(&g->model, c, &req, &res);
	if (!html && body != NULL)
		cache_put(s->cache, g->file, st->target, body);
	search_res_free(&res);
	search_req_free(&req);
	gen_conn_put(g, c);
	store_release(s->store, g);
	return respond(con, st, 200, html ? BODY_HTML : BODY_JSON, body, !html);
problem:
	gen_conn_put(g, c);
	store_release(s->store, g);
	return respond_problem(con, st, &p, html);
}

static enum MHD_Result
route_detail(struct http_server *s, struct MHD_Connection *con,
             struct req_state *st, const char *id, int html)
{
	struct gen *g;
	struct conn *c;
	struct problem p;
	char *body;
	int found = 0;

	if (!valid_id(id)) {
		problem_set(&p, 404, NULL, "Er is geen aanbod met dit id.");
		return respond_problem(con, st, &p, html);
	}
	g = store_acquire(s->store);
	if ((c = gen_conn_get(g)) == NULL) {
		store_release(s->store, g);
		problem_set(&p, 503, NULL, "De zoekdienst is even te druk.");
		return respond_problem(con, st, &p, html);
	}
	body = html ? html_detail(&g->model, c, id, &found) :
	    json_detail(&g->model, c, id, &found);
	gen_conn_put(g, c);
	store_release(s->store, g);
	if (!found) {
		problem_set(&p, 404, NULL, "Er is geen aanbod met id %s.", id);
		return respond_problem(con, st, &p, html);
	}
	if (body == NULL) {
		problem_set(&p, 503, NULL, "De zoekdienst kan de index nu niet "
		    "lezen. Probeer het over een paar seconden opnieuw.");
		return respond_problem(con, st, &p, html);
	}
	return respond(con, st, 200, html ? BODY_HTML : BODY_JSON, body, !html);
}

static enum MHD_Result
route_suggest(struct http_server *s, struct MHD_Connection *con,
              struct req_state *st, const struct param_list *pl)
{
	const char *q = "";
	struct problem p;
	struct gen *g;
	struct conn *c;
	char *body;
	int seen_q = 0;

	for (size_t i = 0; i < pl->n; i++) {
		const char *v = pl->v[i].value;
		int bad;

		if (strcmp(pl->v[i].name, "q") != 0)
			bad = problem_set(&p, 400, pl->v[i].name, "onbekende "
			    "parameter \"%.40s\"", pl->v[i].name);
		else if (v[0] != '\0' && seen_q++)
			bad = problem_set(&p, 400, "q", "q mag maar één keer "
			    "voorkomen");
		else
			bad = search_check_q_controls(v, &p);
		if (bad != 0)
			return respond_problem(con, st, &p, 0);
		if (v[0] != '\0')
			q = v;                  /* the one q, checked */
	}
	g = store_acquire(s->store);
	if (cache_get(s->cache, g->file, st->target, &body)) {
		store_release(s->store, g);
		return respond(con, st, 200, BODY_JSON, body, 1);
	}
	if ((c = gen_conn_get(g)) == NULL) {
		store_release(s->store, g);
		problem_set(&p, 503, NULL, "De zoekdienst is even te druk.");
		return respond_problem(con, st, &p, 0);
	}
	conn_set_budget(c, s->cfg.query_ms);
	body = suggest_json(&g->suggest, &g->model, c, q, &p);
	conn_set_budget(c, 0);
	gen_conn_put(g, c);
	if (body != NULL)
		cache_put(s->cache, g->file, st->target, body);
	store_release(s->store, g);
	if (body == NULL && p.status == 400)
		return respond_problem(con, st, &p, 0);
	return respond(con, st, 200, BODY_JSON, body, 1);
}

static enum MHD_Result
route(struct http_server *s, struct MHD_Connection *con, struct req_state *st,
      const struct param_list *pl)
{
	const char *path = pl->path;
	int api = strncmp(path, "/v1", 3) == 0 &&
	    (path[3] == '\0' || path[3] == '/');
	struct problem p;
	int takes_none = strcmp(path, "/v1") == 0 ||
	    strcmp(path, "/v1/openapi.json") == 0 ||
	    strncmp(path, "/v1/aanbod/", 11) == 0;

	/* These API routes take no parameters: one is an error, as on the
	 * search (a client must not think it filtered something). */
	if (takes_none && pl->n > 0) {
		problem_set(&p, 400, pl->v[0].name, "onbekende parameter "
		    "\"%.40s\"", pl->v[0].name);
		return respond_problem(con, st, &p, 0);
	}
	if (strcmp(path, "/v1") == 0)
		return respond(con, st, 200, BODY_JSON, json_landing(), 1);
	if (strcmp(path, "/v1/openapi.json") == 0)
		return respond(con, st, 200, BODY_JSON, strdup(sk_openapi_json), 1);
	if (strcmp(path, "/v1/aanbod") == 0)
		return route_search(s, con, st, pl, 0);
	if (strcmp(path, "/v1/suggesties") == 0)
		return route_suggest(s, con, st, pl);
	if (strncmp(path, "/v1/aanbod/", 11) == 0)
		return route_detail(s, con, st, path + 11, 0);
	if (strcmp(path, "/") == 0)
		return route_search(s, con, st, pl, 1);
	if (strncmp(path, "/aanbod/", 8) == 0)
		return route_detail(s, con, st, path + 8, 1);
	if (strcmp(path, "/style.css") == 0)
		return respond(con, st, 200, BODY_CSS, strdup(sk_style_css), 0);
	problem_set(&p, 404, NULL, "Deze pagina bestaat niet.");
	return respond_problem(con, st, &p, !api);
}

static enum MHD_Result
sum_header(void *cls, enum MHD_ValueKind kind, const char *key,
           const char *value)
{
	size_t *total = cls;

	(void)kind;
	*total += strlen(key) + (value ? strlen(value) : 0) + 4;
	return MHD_YES;
}

/* Bytes of all request headers, roughly as sent. */
static size_t
header_bytes(struct MHD_Connection *con)
{
	size_t total = 0;

	MHD_get_connection_values(con, MHD_HEADER_KIND, sum_header, &total);
	return total;
}

/* A request that announces a body (Content-Length above 0, or any
 * Transfer-Encoding): GET and HEAD have none, so it is refused. */
static int
has_body(struct MHD_Connection *con)
{
	const char *cl = MHD_lookup_connection_value(con, MHD_HEADER_KIND,
	    MHD_HTTP_HEADER_CONTENT_LENGTH);
	const char *te = MHD_lookup_connection_value(con, MHD_HEADER_KIND,
	    MHD_HTTP_HEADER_TRANSFER_ENCODING);

	if (te != NULL)
		return 1;
	return cl != NULL && strspn(cl, "0 \t") != strlen(cl);
}

static const char *
params_error_text(enum params_error e)
{
	switch (e) {
	case PARAMS_BAD_ESCAPE: return "ongeldige %-codering in het adres";
	case PARAMS_BAD_UTF8:   return "het adres bevat tekst die geen geldige "
	                               "UTF-8 is";
	case PARAMS_NUL:        return "het adres bevat een NUL-teken";
	case PARAMS_TOO_MANY:   return "te veel parameters";
	default:                return "geen geheugen";
	}
}

static enum MHD_Result
handle(void *cls, struct MHD_Connection *con, const char *url,
       const char *method, const char *version, const char *upload_data,
       size_t *upload_data_size, void **con_cls)
{
	struct http_server *s = cls;
	struct req_state *st = *con_cls;
	struct param_list pl;
	const char *bad = NULL;
	enum params_error e;
	struct problem p;
	enum MHD_Result ret;
	int api;

	(void)url;
	(void)upload_data;
	if (st == NULL)
		return MHD_NO;
	if (st->answered) {
		*upload_data_size = 0;     /* a body is read and dropped */
		return MHD_YES;
	}
	/* Answer on the second call, when the request is complete: a
	 * response queued on the first call makes libmicrohttpd close the
	 * connection after it (no keep-alive). A request with a body is
	 * refused at once, without reading the body. */
	if (!st->called) {
		st->called = 1;
		if (!has_body(con))
			return MHD_YES;
	}
	snprintf(st->method, sizeof(st->method), "%.7s", method);
	api = strncmp(st->log_path, "/v1", 3) == 0;
	if (strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0) {
		problem_set(&p, 405, NULL, "Alleen GET en HEAD zijn toegestaan.");
		return respond_problem(con, st, &p, 0);
	}
	if (has_body(con)) {
		problem_set(&p, 400, NULL, "Een GET- of HEAD-verzoek mag geen inhoud "
		    "(body) hebben.");
		return respond_problem(con, st, &p, !api);
	}
	if (header_bytes(con) > s->cfg.max_headers) {
		problem_set(&p, 431, NULL, "De kopregels van het verzoek zijn samen "
		    "groter dan %zu bytes.", s->cfg.max_headers);
		return respond_problem(con, st, &p, !api);
	}
	/* The limit is on the whole request line ("GET target HTTP/1.1"),
	 * as the spec words it. */
	if (st->target == NULL || strlen(method) + 1 + st->target_len + 1 +
	    strlen(version) > s->cfg.max_target) {
		problem_set(&p, 414, NULL, "De eerste regel van het verzoek is "
		    "langer dan %zu tekens.", s->cfg.max_target);
		return respond_problem(con, st, &p, !api);
	}
	if (strcmp(version, MHD_HTTP_VERSION_1_1) == 0 &&
	    MHD_lookup_connection_value(con, MHD_HEADER_KIND,
	    MHD_HTTP_HEADER_HOST) == NULL) {
		problem_set(&p, 400, NULL, "Een HTTP/1.1-verzoek moet een "
		    "Host-kopregel hebben.");
		return respond_problem(con, st, &p, !api);
	}
	e = params_parse(st->target, &pl, &bad);
	if (e != PARAMS_OK) {
		problem_set(&p, e == PARAMS_NOMEM ? 500 : 400, bad, "%s",
		    params_error_text(e));
		params_free(&pl);
		return respond_problem(con, st, &p, !api);
	}
	ret = route(s, con, st, &pl);
	params_free(&pl);
	return ret;
}

int
http_start(struct http_server **out, const struct http_config *cfg,
           struct store *store, char *err, size_t errlen)
{
	struct http_server *s = calloc(1, sizeof(*s));
	struct sockaddr_in6 a6;
	struct sockaddr_in a4;
	const struct sockaddr *addr;
	/* A pool of cfg->threads threads, each serving many connections with
	 * epoll; or, with 0, a thread per connection (poll). The pool is the
	 * default: measured faster with the answer cache, no slower without,
	 * and its memory does not grow with the number of connections
	 * (README, Performance). */
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ITC |
	    (cfg->threads > 0 ? MHD_USE_EPOLL :
	    MHD_USE_THREAD_PER_CONNECTION | MHD_USE_POLL);

	*out = NULL;
	if (s == NULL) {
		snprintf(err, errlen, "geen geheugen");
		return -1;
	}
	s->store = store;
	s->cfg = *cfg;
	s->cache = cache_new((size_t)cfg->cache_mb << 20);
	memset(&a4, 0, sizeof(a4));
	memset(&a6, 0, sizeof(a6));
	if (inet_pton(AF_INET, cfg->bind, &a4.sin_addr) == 1) {
		a4.sin_family = AF_INET;
		a4.sin_port = htons((uint16_t)cfg->port);
		addr = (const struct sockaddr *)&a4;
	} else if (inet_pton(AF_INET6, cfg->bind, &a6.sin6_addr) == 1) {
		a6.sin6_family = AF_INET6;
		a6.sin6_port = htons((uint16_t)cfg->port);
		addr = (const struct sockaddr *)&a6;
		flags |= MHD_USE_IPv6;
	} else {
		snprintf(err, errlen, "--bind %s is geen IP-adres", cfg->bind);
		cache_free(s->cache);
		free(s);
		return -1;
	}
	s->daemon = MHD_start_daemon(flags, (uint16_t)cfg->port, NULL, NULL,
	    handle, s,
	    MHD_OPTION_SOCK_ADDR, addr,
	    MHD_OPTION_THREAD_POOL_SIZE, (unsigned int)cfg->threads,
	    MHD_OPTION_CONNECTION_LIMIT, (unsigned int)cfg->conn_limit,
	    MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned int)cfg->per_ip_limit,
	    MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)cfg->timeout_s,
	    MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)cfg->mem_limit,
	    MHD_OPTION_URI_LOG_CALLBACK, on_uri, s,
	    MHD_OPTION_NOTIFY_COMPLETED, on_completed, s,
	    MHD_OPTION_END);
	if (s->daemon == NULL) {
		snprintf(err, errlen, "kan niet luisteren op %s poort %u (al in "
		    "gebruik?)", cfg->bind, cfg->port);
		cache_free(s->cache);
		free(s);
		return -1;
	}
	*out = s;
	return 0;
}

/*
 * Stops accepting new connections, waits (at most 5 s) until every
 * request that has started is answered and sent and no new one has come
 * for 200 ms, then stops.
 */
void
http_stop(struct http_server *s)
{
	struct timespec tick = { 0, 10 * 1000000L };
	MHD_socket lsock;

	if (s == NULL)
		return;
	lsock = MHD_quiesce_daemon(s->daemon);
	/* New connections are refused from here on. The socket itself is
	 * closed only after MHD_stop_daemon(): the pool's threads drop it
	 * from their epoll sets when they see the quiesce, and closing it
	 * before that raced with them (found by ThreadSanitizer). */
	if (lsock != MHD_INVALID_SOCKET)
		shutdown(lsock, SHUT_RDWR);
	/* Idle for 200 ms in a row: connections accepted just before the
	 * listening socket closed have had time to send their request. */
	for (int i = 0, idle = 0; i < 500 && idle < 20; i++) {
		nanosleep(&tick, NULL);
		if (__atomic_load_n(&s->in_flight, __ATOMIC_SEQ_CST) > 0)
			idle = 0;
		else
			idle++;
	}
	MHD_stop_daemon(s->daemon);
	if (lsock != MHD_INVALID_SOCKET)
		close(lsock);
	cache_free(s->cache);
	free(s);
}
