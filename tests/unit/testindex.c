/*
 * testindex.c - see testindex.h.
 */
#include "testindex.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "diag.h"
#include "index_writer.h"
#include "listing_build.h"
#include "vocab.h"
#include "xml_reader.h"

struct build_run {
	struct build_ctx *b;
	struct index_writer *w;
};

static int
on_rec(const struct raw_record *rec, void *ctx)
{
	struct build_run *run = ctx;
	struct listing l;
	char err[256];
	int rc;

	listing_init(&l);
	rc = listing_build(run->b, rec, &l);
	if (rc == 1)
		cr_assert_eq(index_writer_add(run->w, &l, err, sizeof(err)), 0, "%s",
		    err);
	listing_free(&l);
	return rc < 0 ? -1 : 0;
}

void
testindex_build(const char *xml, size_t len, char *dir, char *index)
{
	struct vocab v = { 0 };
	struct diag d = { 0 };
	struct build_run run;
	char err[256], gen[160];

	xml_reader_init();
	strcpy(dir, "/tmp/sk-unit-XXXXXX");
	cr_assert_not_null(mkdtemp(dir));
	snprintf(gen, sizeof(gen), "%s/idx.gen", dir);
	snprintf(index, 64, "%s/idx", dir);
	cr_assert_eq(vocab_load_builtin(&v, err, sizeof(err)), 0);
	d.out = fopen("/dev/null", "w");
	run.b = build_ctx_new(&v, &d);
	cr_assert_eq(index_writer_open(&run.w, gen, &v, err, sizeof(err)), 0,
	    "%s", err);
	cr_assert_eq(xml_read_mem("t.xml", xml, len, &d, on_rec, &run), 0);
	cr_assert_eq(index_writer_finish(run.w, err, sizeof(err)), 0, "%s", err);
	index_writer_close(run.w);
	build_ctx_free(run.b);
	fclose(d.out);
	vocab_free(&v);
	cr_assert_eq(symlink("idx.gen", index), 0);
}

void
testindex_remove(const char *dir)
{
	char path[200];

	snprintf(path, sizeof(path), "%s/idx", dir);
	unlink(path);
	snprintf(path, sizeof(path), "%s/idx.gen", dir);
	unlink(path);
	rmdir(dir);
}

void
test_writer_open(struct test_writer *tw)
{
	char err[256];

	strcpy(tw->dir, "/tmp/sk-tw-XXXXXX");
	cr_assert_not_null(mkdtemp(tw->dir));
	snprintf(tw->path, sizeof(tw->path), "%s/idx.tmp", tw->dir);
	cr_assert_not_null(tw->v = calloc(1, sizeof(*tw->v)));
	cr_assert_eq(vocab_load_builtin(tw->v, err, sizeof(err)), 0);
	cr_assert_eq(index_writer_open(&tw->w, tw->path, tw->v, err,
	    sizeof(err)), 0, "%s", err);
}

void
test_writer_close(struct test_writer *tw)
{
	index_writer_close(tw->w);
	tw->w = NULL;
	if (tw->v != NULL)
		vocab_free(tw->v);
	free(tw->v);
	tw->v = NULL;
	unlink(tw->path);
	rmdir(tw->dir);
}
