/*
 * fuzz_xml.c - libFuzzer harness: the input is an XML export, read with
 * xml_read_mem() (indexer/xml_reader.c, libxml2 xmlTextReader) and every
 * record is validated with listing_build(), so the reader, the HTML
 * reduction and every validation rule get hostile input. Invariants of
 * the readers and of accepted listings: fuzz_common.h.
 */
#define FZ_READER_HARNESS
#include "fuzz_common.h"
#include "xml_reader.h"

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	xml_reader_init();
	fz_reader_init();
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fz_run_reader(xml_read_mem, "fuzz.xml", data, size);
}
