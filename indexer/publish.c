/*
 * publish.c - generation files and the atomic link swap; see publish.h.
 */
#include "publish.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* Splits index_path into a directory and a base name (both malloc'd). */
static int
split_path(const char *index_path, char **dir, char **base)
{
	char *a = strdup(index_path), *b = strdup(index_path);

	*dir = *base = NULL;
	if (a == NULL || b == NULL) {
		free(a);
		free(b);
		return -1;
	}
	*dir = strdup(dirname(a));
	*base = strdup(basename(b));
	free(a);
	free(b);
	if (*dir == NULL || *base == NULL) {
		free(*dir);
		free(*base);
		return -1;
	}
	return 0;
}

/* Skips a run of at least one digit at s; returns the end, or NULL. */
static const char *
skip_digits(const char *s)
{
	const char *p = s;

	while (*p >= '0' && *p <= '9')
		p++;
	return p > s ? p : NULL;
}

/*
 * Reads a name of this index's own files, exactly BASE.<time>-<pid>.EXT
 * with EXT gen, tmp or lnk (the names publish_prepare() and
 * publish_commit() make). Returns 'g' for .gen, 't' for .tmp and .lnk,
 * or 0 for every other name: another index whose name starts with BASE.
 * ("kaart.test" beside "kaart") is never taken for ours. *pid gets the
 * pid in the name.
 */
static int
own_file_kind(const char *name, const char *base, long *pid)
{
	size_t blen = strlen(base);
	const char *p = name + blen, *dash;

	if (strncmp(name, base, blen) != 0 || *p != '.')
		return 0;
	if ((dash = skip_digits(p + 1)) == NULL || *dash != '-' ||
	    (p = skip_digits(dash + 1)) == NULL || *p != '.')
		return 0;
	*pid = strtol(dash + 1, NULL, 10);
	if (strcmp(p, ".gen") == 0)
		return 'g';
	if (strcmp(p, ".tmp") == 0 || strcmp(p, ".lnk") == 0)
		return 't';
	return 0;
}

/* Name of the file the link at index_path points to (malloc'd base
 * name), or NULL. */
static char *
link_target(const char *index_path)
{
	char buf[4096];
	ssize_t n = readlink(index_path, buf, sizeof(buf) - 1);
	char *copy, *b, *res;

	if (n < 0)
		return NULL;
	buf[n] = '\0';
	if ((copy = strdup(buf)) == NULL)
		return NULL;
	b = basename(copy);
	res = strdup(b);
	free(copy);
	return res;
}

/*
 * Removes, in dir, files of this index that no run needs: .tmp and .lnk
 * files of dead processes, and .gen files other than keep1 and keep2.
 */
static void
clean_dir(const char *dir, const char *base, const char *keep1,
          const char *keep2, int remove_old_gens)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char path[4096];

	if (d == NULL)
		return;
	while ((e = readdir(d)) != NULL) {
		const char *n = e->d_name;
		long pid = -1;
		int kind = own_file_kind(n, base, &pid);

		if (kind == 't') {
			if (pid <= 0 || pid == (long)getpid() ||
			    kill((pid_t)pid, 0) == 0 || errno != ESRCH)
				continue;
		} else if (kind == 'g') {
			if (!remove_old_gens || (keep1 && strcmp(n, keep1) == 0) ||
			    (keep2 && strcmp(n, keep2) == 0))
				continue;
		} else {
			continue;
		}
		snprintf(path, sizeof(path), "%s/%s", dir, n);
		unlink(path);
	}
	closedir(d);
}

int
publish_prepare(const char *index_path, char **tmp_path, char **gen_path,
                char *err, size_t errlen)
{
	struct timespec ts;
	char *dir = NULL, *base = NULL;
	struct stat st;

	*tmp_path = *gen_path = NULL;
	if (lstat(index_path, &st) == 0 && S_ISDIR(st.st_mode)) {
		snprintf(err, errlen, "%s is een map, geen index", index_path);
		return -1;
	}
	if (split_path(index_path, &dir, &base) != 0)
		goto nomem;
	if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
		snprintf(err, errlen, "map %s bestaat niet", dir);
		free(dir);
		free(base);
		return -1;
	}
	clean_dir(dir, base, NULL, NULL, 0);
	free(dir);
	free(base);
	clock_gettime(CLOCK_REALTIME, &ts);
	if (asprintf(tmp_path, "%s.%lld%09ld-%ld.tmp", index_path,
	    (long long)ts.tv_sec, ts.tv_nsec, (long)getpid()) < 0) {
		*tmp_path = NULL;
		goto nomem;
	}
	if (asprintf(gen_path, "%s.%lld%09ld-%ld.gen", index_path,
	    (long long)ts.tv_sec, ts.tv_nsec, (long)getpid()) < 0) {
		*gen_path = NULL;
		goto nomem;
	}
	return 0;
nomem:
	free(*tmp_path);
	*tmp_path = NULL;
	snprintf(err, errlen, "geen geheugen");
	return -1;
}

int
publish_fsync(const char *path, int is_dir)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | (is_dir ? O_DIRECTORY : 0));
	int rc;

	if (fd < 0)
		return -1;
	rc = fsync(fd);
	close(fd);
	return rc;
}

int
publish_commit(const char *index_path, const char *tmp_path,
               const char *gen_path, char *err, size_t errlen)
{
	char *dir = NULL, *base = NULL, *lnk = NULL, *gen_copy = NULL;
	char *previous = link_target(index_path);
	int rc = -1, renamed = 0;

	if (split_path(index_path, &dir, &base) != 0 ||
	    (gen_copy = strdup(gen_path)) == NULL ||
	    asprintf(&lnk, "%s.%ld-%ld.lnk", index_path, (long)time(NULL),
	    (long)getpid()) < 0) {
		lnk = NULL;
		snprintf(err, errlen, "geen geheugen");
		goto fail;
	}
	if (rename(tmp_path, gen_path) != 0) {
		snprintf(err, errlen, "kan %s niet hernoemen: %s", tmp_path,
		    strerror(errno));
		goto fail;
	}
	renamed = 1;
	unlink(lnk);
	/* A relative link, so the directory can be moved as a whole. */
	if (symlink(basename(gen_copy), lnk) != 0) {
		snprintf(err, errlen, "kan link %s niet maken: %s", lnk,
		    strerror(errno));
		goto fail;
	}
	if (rename(lnk, index_path) != 0) {
		snprintf(err, errlen, "kan %s niet vervangen: %s", index_path,
		    strerror(errno));
		unlink(lnk);
		goto fail;
	}
	clean_dir(dir, base, basename(gen_copy), previous, 1);
	rc = 0;
	if (publish_fsync(dir, 1) != 0) {
		snprintf(err, errlen, "de nieuwe index is in gebruik, maar de map "
		    "%s kon niet naar schijf worden geschreven (fsync: %s)", dir,
		    strerror(errno));
		rc = PUBLISH_NOT_SYNCED;
	}
fail:
	if (rc < 0 && renamed)
		unlink(gen_path);      /* never linked: nobody reads it */
	free(previous);
	free(gen_copy);
	free(lnk);
	free(dir);
	free(base);
	return rc;
}

void
publish_discard(const char *tmp_path)
{
	if (tmp_path != NULL)
		unlink(tmp_path);
}
