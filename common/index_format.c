/*
 * index_format.c - the tokenizer identity stored in an index; see
 * index_format.h.
 */
#include "index_format.h"

#include <stdio.h>

#include "nl_tokenizer.h"

int
index_format_tokenizer_id(char *out, size_t outlen)
{
	char fp[17];

	if (nl_tokenizer_fingerprint(fp) != 0)
		return -1;
	snprintf(out, outlen, "%s %s %s", NL_TOKENIZER_NAME,
	    NL_TOKENIZER_VERSION, fp);
	return 0;
}
