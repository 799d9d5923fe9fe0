# Soak test (issue 5), included from the top Makefile:  make soak
#
# Runs tests/soak/soak.py against the ASan/UBSan builds for SOAK_SECONDS
# (default 120) and at least 10 000 queries: several clients with a realistic
# and hostile query mix while the index is re-published every ~10 s; fails on
# any unexpected answer, a sanitizer or leak report, or an unclean exit.
# Other knobs (environment): SOAK_CLIENTS, SOAK_MIN_QUERIES, SOAK_REINDEX,
# SOAK_KEEP=1 (keep the work directory with searchd's log).

SOAK_SECONDS ?= 120

.PHONY: soak
soak: build/asan/bin/indexer build/asan/bin/searchd
	SK_BIN=build/asan/bin SOAK_SECONDS=$(SOAK_SECONDS) /usr/bin/python3 tests/soak/soak.py
