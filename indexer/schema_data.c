/*
 * schema_data.c - schema/schema.sql, built into the indexer so that it
 * needs no data files at run time. Read-only; nothing to free.
 */
#include "schema_data.h"

__asm__(
	".section .rodata\n"
	".global sk_schema_sql\n"
	".type sk_schema_sql, @object\n"
	"sk_schema_sql:\n"
	".incbin \"schema/schema.sql\"\n"
	".byte 0\n"
	".size sk_schema_sql, . - sk_schema_sql\n"
	".previous\n");
