/*
 * publish.h - making a new index live atomically.
 *
 * The index PATH given to both programs is a symbolic link to a
 * generation file in the same directory, named PATH.<time>-<pid>.gen.
 * A run builds PATH.<time>-<pid>.tmp, renames it to .gen when it is
 * complete and checked, and then swaps the link with rename(2) of a new
 * link over PATH: a reader sees either the old or the new generation,
 * never a half-written file, and no file that searchd has open is ever
 * written again. Old generations beyond the previous one, and leftovers
 * of runs that died (their pid no longer exists), are removed.
 *
 * Strings returned through out-parameters are malloc'd; the caller frees.
 */
#ifndef SK_PUBLISH_H
#define SK_PUBLISH_H

#include <stddef.h>

/* Chooses the names of a new generation for index_path: *tmp_path (where
 * to build) and *gen_path (its name once complete). Removes leftovers of
 * dead runs first. Returns 0, or -1 with a message in err. */
int publish_prepare(const char *index_path, char **tmp_path, char **gen_path,
                    char *err, size_t errlen);
/* Renames tmp_path to gen_path and points index_path at it atomically;
 * then removes generations older than the previous one. Returns 0, -1
 * (nothing published), or PUBLISH_NOT_SYNCED: published, but the
 * directory's fsync failed, so the switch may not survive a crash (err
 * says so). */
#define PUBLISH_NOT_SYNCED 1
int publish_commit(const char *index_path, const char *tmp_path,
                   const char *gen_path, char *err, size_t errlen);
/* fsync(2) of a file, or of a directory (is_dir 1). Returns 0 or -1. */
int publish_fsync(const char *path, int is_dir);
/* Removes a generation that will not be published (ignores errors). */
void publish_discard(const char *tmp_path);

#endif
