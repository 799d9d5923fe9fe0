/*
 * builtin_data.c - the vocabularies of schema/ (themas.csv,
 * doelgroepen.csv, gebieden.csv) embedded in the program at build time,
 * each as one NUL-ended read-only string. vocab_load_builtin() (vocab.c)
 * parses them. Nothing here is allocated or freed.
 *
 * The .incbin paths are relative to the directory the compiler runs in:
 * the repository root (see the Makefile, which also makes this object
 * depend on the three CSV files). The symbols are defined in assembly, so the
 * sanitizers neither add red zones to them nor register them.
 */

extern const char sk_builtin_themas_csv[];
extern const char sk_builtin_doelgroepen_csv[];
extern const char sk_builtin_gebieden_csv[];

#define SK_EMBED(sym, path)                                        \
	"\t.globl " #sym "\n"                                      \
	"\t.type " #sym ", @object\n"                              \
	"\t.balign 16\n"                                           \
	#sym ":\n"                                                 \
	"\t.incbin \"" path "\"\n"                                 \
	"\t.byte 0\n"                                              \
	"\t.size " #sym ", . - " #sym "\n"

__asm__(
	"\t.pushsection .rodata, \"a\", @progbits\n"
	SK_EMBED(sk_builtin_themas_csv, "schema/themas.csv")
	SK_EMBED(sk_builtin_doelgroepen_csv, "schema/doelgroepen.csv")
	SK_EMBED(sk_builtin_gebieden_csv, "schema/gebieden.csv")
	"\t.popsection\n"
);
