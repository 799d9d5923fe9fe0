/*
 * assets.c - embeds searchd/openapi.json, searchd/style.css and
 * schema/synoniemen.txt with
 * .incbin (paths relative to the repository root, where make runs).
 */
#include "assets.h"

#define SK_EMBED(sym, file) \
	".section .rodata\n" \
	".global " #sym "\n" \
	".type " #sym ", @object\n" \
	#sym ":\n" \
	".incbin \"" file "\"\n" \
	".byte 0\n" \
	".size " #sym ", . - " #sym "\n" \
	".previous\n"

__asm__(SK_EMBED(sk_openapi_json, "searchd/openapi.json"));
__asm__(SK_EMBED(sk_style_css, "searchd/style.css"));
__asm__(SK_EMBED(sk_synoniemen_txt, "schema/synoniemen.txt"));
