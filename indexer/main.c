/*
 * main.c - bin/indexer: imports XML and CSV exports into a new index and
 * makes it live at --index PATH atomically.
 *
 *   indexer [--check] [--vocab DIR] --index PATH FILE...
 *
 * Flow: for each file (in command-line order) the format is sniffed, the
 * matching reader streams raw records, listing_build() validates each one
 * and the good ones go to the index writer, which tokenizes and writes them
 * on two more threads (write_thread.h). Messages and counters live in
 * struct diag. If any file is rejected nothing is published.
 * Exit: 0 ok, 1 listings skipped, 2 file rejected or run failed, 64 usage.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "csv_reader.h"
#include "diag.h"
#include "index_writer.h"
#include "listing.h"
#include "listing_build.h"
#include "publish.h"
#include "vocab.h"
#include "write_thread.h"
#include "xml_reader.h"

enum { EXIT_OK = 0, EXIT_SKIPPED = 1, EXIT_FAILED = 2, EXIT_USAGE = 64 };

struct options {
	const char *index_path;
	const char *vocab_dir;
	int check_only;
	char **files;
	int nfiles;
};

/* State shared with the per-record callback. */
struct run {
	struct diag diag;
	struct build_ctx *build;
	struct index_writer *writer;   /* NULL with --check */
	struct write_thread *wt;       /* tokenizes and writes on two threads */
	int write_failed;
	char err[512];
};

enum file_format { FMT_XML, FMT_CSV, FMT_UTF16, FMT_UNREADABLE };

static void
usage(FILE *f)
{
	fputs("gebruik: indexer [--check] [--vocab MAP] --index PAD BESTAND...\n"
	    "  --index PAD   de index die de nieuwe gegevens krijgt (wordt in\n"
	    "                één keer vervangen)\n"
	    "  --check       alleen controleren; er verandert niets\n"
	    "  --vocab MAP   themas.csv, doelgroepen.csv en gebieden.csv uit MAP\n"
	    "                (standaard: de ingebouwde kopie)\n", f);
}

static int
parse_options(int argc, char **argv, struct options *o)
{
	static const struct option longopts[] = {
		{ "index", required_argument, NULL, 'i' },
		{ "vocab", required_argument, NULL, 'v' },
		{ "check", no_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	memset(o, 0, sizeof(*o));
	opterr = 0;
	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (c) {
		case 'i': o->index_path = optarg; break;
		case 'v': o->vocab_dir = optarg; break;
		case 'c': o->check_only = 1; break;
		case 'h': usage(stdout); exit(EXIT_OK);
		default:
			fprintf(stderr, "indexer: onbekende of onvolledige optie "
			    "%s\n", argv[optind - 1]);
			return -1;
		}
	}
	o->files = argv + optind;
	o->nfiles = argc - optind;
	if (o->nfiles == 0) {
		fputs("indexer: geen bestanden opgegeven\n", stderr);
		return -1;
	}
	if (o->index_path == NULL && !o->check_only) {
		fputs("indexer: --index PAD ontbreekt\n", stderr);
		return -1;
	}
	if (o->index_path != NULL && o->index_path[0] == '\0') {
		fputs("indexer: --index PAD is leeg\n", stderr);
		return -1;
	}
	if (o->vocab_dir != NULL && o->vocab_dir[0] == '\0') {
		fputs("indexer: --vocab MAP is leeg\n", stderr);
		return -1;
	}
	return 0;
}

/* XML when the first byte after a BOM and white space is '<'; UTF-16 (a
 * spreadsheet's "Unicode text"), which neither reader takes, by its BOM. */
static enum file_format
sniff_format(const char *path)
{
	unsigned char buf[512];
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;
	size_t i = 0;

	if (fd < 0)
		return FMT_UNREADABLE;
	n = read(fd, buf, sizeof(buf));
	close(fd);
	if (n < 0)
		return FMT_UNREADABLE;
	if (n >= 2 && ((buf[0] == 0xFF && buf[1] == 0xFE) ||
	    (buf[0] == 0xFE && buf[1] == 0xFF)))
		return FMT_UTF16;       /* a byte order mark of UTF-16 */
	if (n >= 3 && buf[0] == 0xEF && buf[1] == 0xBB && buf[2] == 0xBF)
		i = 3;
	while (i < (size_t)n && (buf[i] == ' ' || buf[i] == '\t' ||
	    buf[i] == '\r' || buf[i] == '\n'))
		i++;
	return i < (size_t)n && buf[i] == '<' ? FMT_XML : FMT_CSV;
}

static int
on_record(const struct raw_record *rec, void *ctx)
{
	struct run *run = ctx;
	struct listing l;
	int rc;

	listing_init(&l);
	rc = listing_build(run->build, rec, &l);
	if (rc < 0) {
		fprintf(stderr, "indexer: geen geheugen\n");
		return -1;
	}
	if (rc == 1) {
		if (run->wt != NULL && write_thread_put(run->wt, &l) != 0) {
			run->write_failed = 1;   /* message: write_thread_finish */
			return -1;
		}
		run->diag.imported++;
	}
	listing_free(&l);
	return 0;
}

/* Reads one file; returns 0, -1 rejected, -2 fatal. */
static int
read_one(struct run *run, const char *path)
{
	switch (sniff_format(path)) {
	case FMT_XML:
		return xml_read_file(path, &run->diag, on_record, run);
	case FMT_CSV:
		return csv_read_file(path, &run->diag, on_record, run);
	case FMT_UTF16:
		diag_reject(&run->diag, path, 0, "het bestand is in UTF-16 "
		    "opgeslagen; sla het op als UTF-8 (XML of CSV)");
		return -1;
	default:
		diag_reject(&run->diag, path, 0, "kan bestand niet lezen: %s",
		    strerror(errno));
		return -1;
	}
}

static int
load_vocab(const struct options *o, struct vocab *v)
{
	char err[256];
	int rc;

	if (o->vocab_dir != NULL)
		rc = vocab_load_dir(v, o->vocab_dir, err, sizeof(err));
	else
		rc = vocab_load_builtin(v, err, sizeof(err));
	if (rc != 0)
		fprintf(stderr, "indexer: vocabulaire: %s\n", err);
	return rc;
}

/* Stores the list of source files in the index's meta table. */
static int
store_sources(struct run *run, const struct options *o)
{
	size_t len = 1;
	char *s;
	int rc;

	for (int i = 0; i < o->nfiles; i++)
		len += strlen(o->files[i]) + 1;
	if ((s = calloc(1, len)) == NULL)
		return -1;
	for (int i = 0; i < o->nfiles; i++) {
		if (i > 0)
			strcat(s, "\n");
		strcat(s, o->files[i]);
	}
	rc = index_writer_meta(run->writer, "sources", s, run->err,
	    sizeof(run->err));
	free(s);
	return rc;
}

/* Waits for the pipeline's threads to write everything queued. Returns 0,
 * or -1 after printing the first error. */
static int
stop_writer(struct run *run)
{
	struct write_thread *t = run->wt;

	run->wt = NULL;
	if (write_thread_finish(t, run->err, sizeof(run->err)) != 0) {
		fprintf(stderr, "indexer: %s\n", run->err);
		return -1;
	}
	return 0;
}

/* Finishes the new index and makes it live. Returns 0, -1 (nothing
 * published) or PUBLISH_NOT_SYNCED (published, reported). */
static int
finish_and_publish(struct run *run, const struct options *o,
                   const char *tmp_path, const char *gen_path)
{
	struct index_writer *w;
	int rc;

	if (store_sources(run, o) != 0) {
		fprintf(stderr, "indexer: %s\n", run->err);
		return -1;
	}
	w = run->writer;
	run->writer = NULL;
	rc = index_writer_finish(w, run->err, sizeof(run->err));
	if (rc == 0)
		rc = publish_commit(o->index_path, tmp_path, gen_path, run->err,
		    sizeof(run->err));
	index_writer_close(w);
	if (rc != 0)
		fprintf(stderr, "indexer: %s\n", run->err);
	return rc;
}

int
main(int argc, char **argv)
{
	struct options o;
	struct vocab v = { 0 };
	struct run run = { 0 };
	char *tmp_path = NULL, *gen_path = NULL;
	int status = EXIT_FAILED, failed = 0, published = -1;

	if (parse_options(argc, argv, &o) != 0) {
		usage(stderr);
		return EXIT_USAGE;
	}
	/* SQLite's memory statistics take a process-wide mutex on every
	 * allocation; nothing here reads them. */
	sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
	xml_reader_init();
	if (load_vocab(&o, &v) != 0)
		return EXIT_FAILED;
	if ((run.build = build_ctx_new(&v, &run.diag)) == NULL)
		goto out;
	if (!o.check_only) {
		if (publish_prepare(o.index_path, &tmp_path, &gen_path, run.err,
		    sizeof(run.err)) != 0 ||
		    index_writer_open(&run.writer, tmp_path, &v, run.err,
		    sizeof(run.err)) != 0) {
			fprintf(stderr, "indexer: %s\n", run.err);
			goto out;
		}
	}
	if (run.writer != NULL && write_thread_start(&run.wt, run.writer) != 0) {
		fprintf(stderr, "indexer: kan geen schrijfthread starten\n");
		goto out;
	}
	for (int i = 0; i < o.nfiles && !failed; i++)
		if (read_one(&run, o.files[i]) == -2)
			failed = 1;
	if (stop_writer(&run) != 0)
		failed = 1;
	if (failed || run.diag.rejected > 0) {
		run.diag.imported = 0;
		goto out;
	}
	if (!o.check_only &&
	    (published = finish_and_publish(&run, &o, tmp_path, gen_path)) != 0) {
		if (published < 0)
			run.diag.imported = 0;
		goto out;
	}
	status = run.diag.skipped > 0 ? EXIT_SKIPPED : EXIT_OK;
out:
	stop_writer(&run);
	if (status == EXIT_FAILED && published != PUBLISH_NOT_SYNCED) {
		if (run.diag.rejected > 0 && !o.check_only)
			fputs("indexer: een bestand is afgekeurd; de index is niet "
			    "veranderd\n", stderr);
		else if (!o.check_only)
			fputs("indexer: de index is niet veranderd\n", stderr);
	}
	index_writer_close(run.writer);
	if (status == EXIT_FAILED && published != PUBLISH_NOT_SYNCED)
		publish_discard(tmp_path);
	printf("read %ld, imported %ld, skipped %ld, warnings %ld\n",
	    run.diag.read, run.diag.imported, run.diag.skipped,
	    run.diag.warnings);
	if (fflush(stdout) != 0 || ferror(stdout)) {
		/* scripts read this line: without it the run has failed */
		fprintf(stderr, "indexer: kan de samenvatting niet schrijven: %s\n",
		    strerror(errno));
		status = EXIT_FAILED;
	}
	build_ctx_free(run.build);
	vocab_free(&v);
	free(tmp_path);
	free(gen_path);
	return status;
}
