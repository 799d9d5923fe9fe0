/*
 * fuzz_csv.c - libFuzzer harness: the input is a CSV export, read with
 * csv_read_mem() (indexer/csv_reader.c) and every row is validated with
 * listing_build(). Invariants of the readers and of accepted listings:
 * fuzz_common.h.
 */
#define FZ_READER_HARNESS
#include "csv_reader.h"
#include "fuzz_common.h"

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fz_reader_init();
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fz_run_reader(csv_read_mem, "fuzz.csv", data, size);
}
