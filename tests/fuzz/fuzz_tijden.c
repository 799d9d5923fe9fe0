/*
 * fuzz_tijden.c - libFuzzer harness for tijden_parse() (common/tijden.c).
 *
 * The input, cut at its first NUL, is parsed; the result must keep the
 * contract of tijden.h (0 with rows, or -1/-2 with *out NULL and *n 0) and
 * every row must be a real slot: dag 1..7, 0 <= start < eind <= 1440, a
 * known frequency. Parsing is also checked to be deterministic.
 */
#include "fuzz_common.h"
#include "tijden.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1);
	struct slot *rows = (struct slot *)&rows, *again = NULL;
	size_t n = 12345, n2 = 0;
	int rc, rc2;

	if (text == NULL)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';

	rc = tijden_parse(text, &rows, &n);
	FUZZ_CHECK(rc == 0 || rc == -1 || rc == -2, "tijden_parse returned %d",
	    rc);
	if (rc != 0) {
		FUZZ_CHECK(rows == NULL && n == 0, "rc %d but out %p n %zu", rc,
		    (void *)rows, n);
	} else {
		fz_check_slots(rows, n);
		/* One row per day of a slot: a slot names at most 7 days and
		 * takes at least "ma 0:00-0:01" (12 bytes). */
		FUZZ_CHECK(n <= 7 * (strlen(text) / 12 + 1), "%zu rows from "
		    "%zu bytes", n, strlen(text));
		for (size_t i = 0; i < n; i++) {
			FUZZ_CHECK(tijden_dag_naam(rows[i].dag) != NULL,
			    "no name for dag %d", rows[i].dag);
			FUZZ_CHECK(tijden_freq_naam(rows[i].freq) != NULL,
			    "no name for freq %d", rows[i].freq);
		}
		rc2 = tijden_parse(text, &again, &n2);
		FUZZ_CHECK(rc2 == 0 && n2 == n && (n == 0 ||
		    memcmp(rows, again, n * sizeof(*rows)) == 0),
		    "second parse differs");
		free(again);
	}
	/* Empty or blank text has no rows and is no error (tijden.h). */
	if (text[strspn(text, " \t\r\n")] == '\0')
		FUZZ_CHECK(rc == 0 && n == 0, "blank text gave rc %d, %zu rows",
		    rc, n);
	free(rows);
	free(text);
	return 0;
}
