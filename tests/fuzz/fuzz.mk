# tests/fuzz/fuzz.mk - libFuzzer harnesses (tests/fuzz/README.md).
#
# Included from the top Makefile (`-include tests/fuzz/fuzz.mk`), or used
# as `make -f Makefile -f tests/fuzz/fuzz.mk ...`; make runs in the
# repository root either way (the .incbin paths need it).
#
#   make fuzz                  build, then fuzz each harness FUZZ_SECONDS
#   make -j2 fuzz              the same, two harnesses at a time
#   make fuzz FUZZ_TARGETS="xml csv" FUZZ_SECONDS=600
#   make fuzz FUZZ_TARGETS=snippet FUZZ_SECONDS=300
#   make fuzz-regress          replay tests/fuzz/regress/ and the seeds once
#   make fuzz-build            only build build/fuzz/fuzz_*
#
# The project's sources are compiled again with clang into build/fuzz/obj/
# (sanitizers + libFuzzer coverage, the top Makefile's warning flags) and
# put in an archive, so each harness links only what it uses and never a
# program's main.c. Working corpora live in build/fuzz/corpus/<harness>/,
# crashes in build/fuzz/artifacts/<harness>/, logs in build/fuzz/logs/.

# Whatever goal the including Makefile has (or will have) stays the default.
FUZZ_SAVED_GOAL := $(.DEFAULT_GOAL)

FUZZ_CC      ?= clang-14
FUZZ_SECONDS ?= 60
FUZZ_TIMEOUT ?= 10
FUZZ_ALL     := xml csv tijden params query
# fuzz_expand (query expansion) only where searchd has it.
ifneq ($(wildcard searchd/expand.h),)
FUZZ_ALL     += expand
endif
# fuzz_snippet (marked snippets without FTS5) only where searchd has it.
ifneq ($(wildcard searchd/snippet.h),)
FUZZ_ALL     += snippet
endif
FUZZ_TARGETS ?= $(FUZZ_ALL)
FUZZ_DIR     := build/fuzz
FUZZ_SRCDIR  := tests/fuzz

# Largest input per harness (bytes). params: searchd takes request
# targets up to 16 KiB.
FUZZ_MAXLEN_xml    := 65536
FUZZ_MAXLEN_csv    := 65536
FUZZ_MAXLEN_tijden := 4096
FUZZ_MAXLEN_params := 16384
FUZZ_MAXLEN_query  := 4096
FUZZ_MAXLEN_expand := 512
FUZZ_MAXLEN_snippet := 8192

# Files the reader harnesses start from (on top of tests/fuzz/seeds/<h>/).
FUZZ_FIXTURES_xml := $(wildcard fixtures/handmade/*.xml fixtures/corpus/*.xml \
                     fixtures/bad/*.xml tests/data/xml/*.xml)
FUZZ_FIXTURES_csv := $(wildcard fixtures/handmade/*.csv fixtures/corpus/*.csv \
                     fixtures/bad/*.csv tests/data/csv/*.csv)

# The source lists of the top Makefile; computed here too so that the
# fragment works wherever it is included (prerequisites expand at once).
FUZZ_LIB_SRC := $(sort $(or $(COMMON_SRC),$(wildcard common/*.c)) \
                  $(or $(INDEXER_SRC),$(filter-out indexer/main.c,$(wildcard indexer/*.c))) \
                  $(or $(SEARCHD_SRC),$(filter-out searchd/main.c,$(wildcard searchd/*.c))))
FUZZ_LIB_OBJ := $(patsubst %.c,$(FUZZ_DIR)/obj/%.o,$(FUZZ_LIB_SRC))
FUZZ_BINS    := $(patsubst %,$(FUZZ_DIR)/fuzz_%,$(FUZZ_ALL))

# Flags (recursive: the top Makefile's WARN, CSTD, INCS, LIBS may be
# defined after this file is read; the fallbacks are for standalone use).
FUZZ_WARN = $(or $(WARN),-Wall -Wextra -Werror -Wshadow -Wstrict-prototypes \
            -Wmissing-prototypes -Wpointer-arith -Wformat=2)
FUZZ_CSTD = $(or $(CSTD),-std=c11 -D_GNU_SOURCE)
FUZZ_INCS = $(or $(INCS),-Icommon -Iindexer -Isearchd \
            $(shell pkg-config --cflags sqlite3 libmicrohttpd libxml-2.0 jansson libutf8proc 2>/dev/null))
FUZZ_LIBS = $(or $(LIBS),$(shell pkg-config --libs sqlite3 libmicrohttpd libxml-2.0 jansson libutf8proc 2>/dev/null) \
            -lstemmer -lcsv -lpthread -lm)
FUZZ_SAN  = -fsanitize=address,undefined -fno-sanitize-recover=undefined
FUZZ_CFLAGS = -g -O1 -fno-omit-frame-pointer $(FUZZ_SAN) $(FUZZ_WARN) \
              $(FUZZ_CSTD) $(FUZZ_INCS)
FUZZ_ENV  = ASAN_OPTIONS=detect_leaks=1:halt_on_error=1:abort_on_error=0 \
            UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1

.PHONY: fuzz fuzz-build fuzz-regress fuzz-seeds fuzz-clean \
        $(patsubst %,fuzz-run-%,$(FUZZ_ALL))

# ---- building ----------------------------------------------------------------
fuzz-build: $(FUZZ_BINS)

$(FUZZ_DIR)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link $(FUZZ_CFLAGS_$<) \
	  -MMD -MP -c $< -o $@

# The embedded files (.incbin) of the top Makefile.
$(FUZZ_DIR)/obj/common/builtin_data.o: $(wildcard schema/*.csv)
$(FUZZ_DIR)/obj/indexer/schema_data.o: schema/schema.sql
$(FUZZ_DIR)/obj/searchd/assets.o: $(wildcard searchd/*.json searchd/*.html searchd/*.css)

$(FUZZ_DIR)/libsk.a: $(FUZZ_LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

# Keep the harness objects (make would delete them as intermediates).
.SECONDARY: $(patsubst %,$(FUZZ_DIR)/harness/fuzz_%.o,$(FUZZ_ALL))

$(FUZZ_DIR)/harness/%.o: $(FUZZ_SRCDIR)/%.c
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -I$(FUZZ_SRCDIR) \
	  -MMD -MP -c $< -o $@

$(FUZZ_DIR)/fuzz_%: $(FUZZ_DIR)/harness/fuzz_%.o $(FUZZ_DIR)/libsk.a
	$(FUZZ_CC) -fsanitize=fuzzer $(FUZZ_SAN) $^ $(FUZZ_LIBS) -o $@

-include $(wildcard $(FUZZ_DIR)/obj/*/*.d $(FUZZ_DIR)/harness/*.d)

# ---- seeds -------------------------------------------------------------------
# build/fuzz/seeds/<h>/: tests/fuzz/seeds/<h>/ plus, for the readers, the
# fixtures; file names get their directory as prefix (no clashes).
fuzz-seeds:
	@for h in $(FUZZ_ALL); do \
	  d=$(FUZZ_DIR)/seeds/$$h; rm -rf $$d; mkdir -p $$d; \
	  case $$h in xml) fx="$(FUZZ_FIXTURES_xml)";; csv) fx="$(FUZZ_FIXTURES_csv)";; \
	    expand) fx="$$(ls $(FUZZ_SRCDIR)/seeds/query/*)";; *) fx="";; esac; \
	  for f in $$fx $(FUZZ_SRCDIR)/seeds/$$h/*; do \
	    [ -f "$$f" ] && cp "$$f" "$$d/$$(printf '%s' "$$f" | tr / _)"; \
	  done; \
	done; true

# ---- fuzzing -----------------------------------------------------------------
# Each run writes build/fuzz/logs/<h>.log and <h>.status (libFuzzer's exit
# status) and never fails itself, so that with -j2 every harness gets its
# time; `fuzz` then prints one line per harness and fails on any finding.
$(patsubst %,fuzz-run-%,$(FUZZ_ALL)): fuzz-run-%: $(FUZZ_DIR)/fuzz_% fuzz-seeds
	@mkdir -p $(FUZZ_DIR)/corpus/$* $(FUZZ_DIR)/artifacts/$* $(FUZZ_DIR)/logs
	@echo "fuzz $*: $(FUZZ_SECONDS) s (log: $(FUZZ_DIR)/logs/$*.log)"
	@dict=""; d=$(FUZZ_SRCDIR)/dict/$(if $(filter expand,$*),query,$*).dict; \
	[ -f $$d ] && dict=-dict=$$d; \
	$(FUZZ_ENV) $(FUZZ_DIR)/fuzz_$* $(FUZZ_DIR)/corpus/$* $(FUZZ_DIR)/seeds/$* \
	  -max_total_time=$(FUZZ_SECONDS) -max_len=$(FUZZ_MAXLEN_$*) \
	  -timeout=$(FUZZ_TIMEOUT) $$dict -print_final_stats=1 \
	  -artifact_prefix=$(FUZZ_DIR)/artifacts/$*/ \
	  > $(FUZZ_DIR)/logs/$*.log 2>&1; \
	echo $$? > $(FUZZ_DIR)/logs/$*.status

fuzz: $(patsubst %,fuzz-run-%,$(FUZZ_TARGETS))
	@fail=0; for h in $(FUZZ_TARGETS); do \
	  log=$(FUZZ_DIR)/logs/$$h.log; st=$$(cat $(FUZZ_DIR)/logs/$$h.status 2>/dev/null || echo 1); \
	  runs=$$(sed -n 's/^stat::number_of_executed_units: *//p' $$log | tail -1); \
	  secs=$$(sed -n 's/^Done [0-9]* runs in \([0-9]*\) second.*/\1/p' $$log | tail -1); \
	  files=$$(ls $(FUZZ_DIR)/corpus/$$h | wc -l); \
	  if [ "$$st" = 0 ]; then \
	    echo "fuzz $$h: ok, $${runs:-?} runs in $${secs:-$(FUZZ_SECONDS)} s, corpus $$files files"; \
	  else \
	    fail=1; art=$$(sed -n 's/.*Test unit written to \(.*\)$$/\1/p' $$log | tail -1); \
	    echo "fuzz $$h: FOUND A CRASH (exit $$st) after $${runs:-?} runs: $${art:-see log}"; \
	    grep -m1 -E '^(==[0-9]+== ?ERROR|SUMMARY|fuzz invariant|.*runtime error)' $$log | sed 's/^/    /'; \
	    echo "    log: $$log; reproduce: $(FUZZ_DIR)/fuzz_$$h $${art:-FILE}"; \
	  fi; \
	done; exit $$fail

# ---- replaying known inputs (for make test) -------------------------------------
# Runs each harness once on every committed reproducer in
# tests/fuzz/regress/<h>/ and every seed (no fuzzing; a few seconds).
fuzz-regress: $(FUZZ_BINS) fuzz-seeds
	@mkdir -p $(FUZZ_DIR)/logs; fail=0; for h in $(FUZZ_ALL); do \
	  files=$$(find $(FUZZ_SRCDIR)/regress/$$h $(FUZZ_DIR)/seeds/$$h -type f ! -name '.*' 2>/dev/null | sort); \
	  [ -n "$$files" ] || continue; \
	  n=$$(printf '%s\n' $$files | wc -l); \
	  if $(FUZZ_ENV) $(FUZZ_DIR)/fuzz_$$h $$files > $(FUZZ_DIR)/logs/regress-$$h.log 2>&1; then \
	    echo "fuzz-regress $$h: $$n inputs ok"; \
	  else \
	    fail=1; echo "fuzz-regress $$h: FAILED (log: $(FUZZ_DIR)/logs/regress-$$h.log)"; \
	    grep -E '^(Running:|==[0-9]+== ?ERROR|SUMMARY|fuzz invariant|.*runtime error)' \
	      $(FUZZ_DIR)/logs/regress-$$h.log | tail -4 | sed 's/^/    /'; \
	  fi; \
	done; exit $$fail

fuzz-clean:
	rm -rf $(FUZZ_DIR)

.DEFAULT_GOAL := $(FUZZ_SAVED_GOAL)
