/*
 * testindex.h - builds a real index from an XML export for unit tests:
 * the export is read (xml_reader), validated (listing_build) and written
 * (index_writer) to dir/idx.gen, and dir/idx is linked to it, as the
 * indexer publishes. Failures abort the running Criterion test.
 */
#ifndef SK_TESTINDEX_H
#define SK_TESTINDEX_H

#include <stddef.h>

/* Makes a fresh temporary directory in dir (size >= 32) and builds the
 * index there from the XML text. index gets the path of the link
 * (size >= 64). */
void testindex_build(const char *xml, size_t len, char *dir, char *index);
/* Removes what testindex_build() made. */
void testindex_remove(const char *dir);

struct vocab;
struct index_writer;

/* An index_writer on a fresh file in a new temporary directory, for tests
 * that add listings themselves. */
struct test_writer {
	char dir[64], path[128];
	struct vocab *v;
	struct index_writer *w;
};
/* Opens tw->w (tw->path, not published); aborts the test on failure. */
void test_writer_open(struct test_writer *tw);
/* Closes the writer and removes the file and the directory. */
void test_writer_close(struct test_writer *tw);

#endif
