/*
 * log.c - log lines; see log.h. Each line is written with one fprintf so
 * lines of different threads do not mix.
 */
#include "log.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

static void
stamp(char *buf, size_t len)
{
	time_t now = time(NULL);
	struct tm tm;

	localtime_r(&now, &tm);
	strftime(buf, len, "%Y-%m-%dT%H:%M:%S%z", &tm);
}

void
log_event(const char *fmt, ...)
{
	char when[40], msg[1024];
	va_list ap;

	stamp(when, sizeof(when));
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	fprintf(stderr, "%s searchd: %s\n", when, msg);
}

void
log_truncate_addr(const struct sockaddr *addr, char *out, size_t outlen)
{
	snprintf(out, outlen, "-");
	if (addr == NULL)
		return;
	if (addr->sa_family == AF_INET) {
		struct in_addr a = ((const struct sockaddr_in *)addr)->sin_addr;
		a.s_addr &= htonl(0xFFFF0000u);
		inet_ntop(AF_INET, &a, out, (socklen_t)outlen);
	} else if (addr->sa_family == AF_INET6) {
		struct in6_addr a = ((const struct sockaddr_in6 *)addr)->sin6_addr;
		memset(a.s6_addr + 4, 0, 12);
		inet_ntop(AF_INET6, &a, out, (socklen_t)outlen);
	}
}

void
log_access(const char *method, const char *path, unsigned status, double ms,
           const struct sockaddr *addr)
{
	char when[40], ip[INET6_ADDRSTRLEN];
	char safe[128];
	size_t i;

	stamp(when, sizeof(when));
	log_truncate_addr(addr, ip, sizeof(ip));
	/* Only printable ASCII of the path, shortened: it is not trusted. */
	for (i = 0; path[i] != '\0' && i < sizeof(safe) - 1; i++)
		safe[i] = (path[i] > 0x20 && path[i] < 0x7f) ? path[i] : '?';
	safe[i] = '\0';
	fprintf(stderr, "%s access %s %s %s %u %.1fms\n", when, ip, method,
	    safe, status, ms);
}
