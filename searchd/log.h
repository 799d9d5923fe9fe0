/*
 * log.h - searchd's log lines on stderr.
 *
 * Privacy by design: an access line holds time, method, path WITHOUT the
 * query string, status and duration, and the client address truncated
 * (IPv4 to /16, IPv6 to /32). Query text is never logged.
 */
#ifndef SK_LOG_H
#define SK_LOG_H

#include <sys/socket.h>

void log_event(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_access(const char *method, const char *path, unsigned status,
                double ms, const struct sockaddr *addr);
/* Writes the truncated form of addr into out ("192.168.0.0"). */
void log_truncate_addr(const struct sockaddr *addr, char *out, size_t outlen);

#endif
