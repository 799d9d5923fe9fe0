# Sociale Kaart - build, run and test.
#
#   make            bin/indexer and bin/searchd, optimised, no sanitizers
#   make run        install what is missing, build, index fixtures, serve :8080
#   make test       install what is missing, then every test under ASan/UBSan
#   make deps       only install missing Debian packages (apt-get)
#
# Object files go to build/<mode>/; mode "release" feeds bin/, mode "asan"
# feeds the tests. Sources are picked up by wildcard: common/*.c is linked
# into both programs, indexer/*.c and searchd/*.c into their own (each
# main.c only into its program, the rest also into the unit tests).

CC      ?= cc
PKGS    := sqlite3 libmicrohttpd libxml-2.0 jansson libutf8proc
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null)
LIBS    := $(PKG_LIBS) -lstemmer -lcsv -lpthread -lm
# The released indexer allocates with mimalloc instead of glibc's malloc:
# its pipeline allocates a listing on one thread and frees it on another,
# which glibc's arenas handle slowly (-9 % wall time at 100 000 listings,
# interleaved runs). --no-as-needed keeps the library although no symbol
# names it: it replaces malloc/free for the whole process, SQLite and
# libxml2 included. Sanitizer builds keep their own allocator.
MIMALLOC := -Wl,--no-as-needed -lmimalloc -Wl,--as-needed

WARN    := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes \
           -Wmissing-prototypes -Wpointer-arith -Wformat=2
CSTD    := -std=c11 -D_GNU_SOURCE
INCS    := -Icommon -Iindexer -Isearchd $(PKG_CFLAGS)

# Release: -O3 with link-time optimisation (the tokenizer's small helpers
# inline across files): 7 % fewer instructions for an import and for the
# bench's query mix than -O2 (cachegrind at 10 000 listings).
CFLAGS_release := -O3 -flto=auto -g $(WARN) $(CSTD) $(INCS)
CFLAGS_asan    := -O1 -g -fno-omit-frame-pointer \
                  -fsanitize=address,undefined -fno-sanitize-recover=undefined \
                  $(WARN) $(CSTD) $(INCS)
CFLAGS_tsan    := -O1 -g -fno-omit-frame-pointer -fsanitize=thread \
                  $(WARN) $(CSTD) $(INCS)
LDFLAGS_release := -O3 -flto=auto
LDFLAGS_asan    := -fsanitize=address,undefined
LDFLAGS_tsan    := -fsanitize=thread

COMMON_SRC  := $(sort $(wildcard common/*.c))
INDEXER_SRC := $(sort $(filter-out indexer/main.c,$(wildcard indexer/*.c)))
SEARCHD_SRC := $(sort $(filter-out searchd/main.c,$(wildcard searchd/*.c)))
UNIT_SRC    := $(sort $(wildcard tests/unit/*.c))

objs = $(patsubst %.c,build/$(1)/%.o,$(2))

# Debian packages the build, the tests and `make run` need.
DEB_PKGS := build-essential pkg-config libsqlite3-dev sqlite3 libmicrohttpd-dev \
            libxml2-dev libjansson-dev libutf8proc-dev libstemmer-dev \
            libcsv-dev libmimalloc-dev libcriterion-dev wdutch python3 python3-pytest curl \
            clang-14 libclang-rt-14-dev

INDEX   ?= var/index.db
PORT    ?= 8080
FIXTURES := $(sort $(wildcard fixtures/handmade/*.xml fixtures/handmade/*.csv)) \
            fixtures/corpus/eemland.xml fixtures/corpus/utrecht.xml \
            fixtures/corpus/woerden.csv

.PHONY: all deps run test unit e2e e2e-release lint check clean index relevance

all: bin/indexer bin/searchd

# ---- installing what is missing -------------------------------------------
deps:
	@missing=""; for p in $(DEB_PKGS); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "Installing:$$missing"; \
	  SUDO=""; [ "$$(id -u)" -eq 0 ] || SUDO=sudo; \
	  $$SUDO apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends $$missing; \
	fi

# ---- building ---------------------------------------------------------------
build/release/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_release) -MMD -MP -c $< -o $@

build/asan/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_asan) -MMD -MP -c $< -o $@

# Files embedded with .incbin must rebuild when the embedded file changes.
build/release/common/builtin_data.o build/asan/common/builtin_data.o build/tsan/common/builtin_data.o: $(wildcard schema/*.csv)
build/release/indexer/schema_data.o build/asan/indexer/schema_data.o build/tsan/indexer/schema_data.o: schema/schema.sql
build/release/searchd/assets.o build/asan/searchd/assets.o build/tsan/searchd/assets.o: $(wildcard searchd/*.json searchd/*.html searchd/*.css) schema/synoniemen.txt

bin/indexer: $(call objs,release,indexer/main.c $(INDEXER_SRC) $(COMMON_SRC))
	@mkdir -p bin
	$(CC) $(LDFLAGS_release) $^ $(MIMALLOC) $(LIBS) -o $@

bin/searchd: $(call objs,release,searchd/main.c $(SEARCHD_SRC) $(COMMON_SRC))
	@mkdir -p bin
	$(CC) $(LDFLAGS_release) $^ $(LIBS) -o $@

build/asan/bin/indexer: $(call objs,asan,indexer/main.c $(INDEXER_SRC) $(COMMON_SRC))
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS_asan) $^ $(LIBS) -o $@

build/asan/bin/searchd: $(call objs,asan,searchd/main.c $(SEARCHD_SRC) $(COMMON_SRC))
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS_asan) $^ $(LIBS) -o $@

# ThreadSanitizer builds of both programs (make tsan).
build/tsan/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_tsan) -MMD -MP -c $< -o $@

build/tsan/bin/indexer: $(call objs,tsan,indexer/main.c $(INDEXER_SRC) $(COMMON_SRC))
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS_tsan) $^ $(LIBS) -o $@

build/tsan/bin/searchd: $(call objs,tsan,searchd/main.c $(SEARCHD_SRC) $(COMMON_SRC))
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS_tsan) $^ $(LIBS) -o $@

build/asan/bin/unit_tests: $(call objs,asan,$(UNIT_SRC) $(INDEXER_SRC) $(SEARCHD_SRC) $(COMMON_SRC))
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS_asan) $^ $(LIBS) -lcriterion -o $@

-include $(shell find build -name '*.d' 2>/dev/null)

# ---- running ----------------------------------------------------------------
index: bin/indexer
	@mkdir -p $(dir $(INDEX))
	bin/indexer --index $(INDEX) $(FIXTURES); st=$$?; [ $$st -le 1 ] || exit $$st

run: deps
	@$(MAKE) --no-print-directory all
	@$(MAKE) --no-print-directory index
	@echo ""
	@echo "Sociale Kaart draait op http://127.0.0.1:$(PORT)/  (stoppen: Ctrl-C)"
	@echo ""
	bin/searchd --index $(INDEX) --port $(PORT)

# Search quality on the development corpus: nDCG@10 per query kind. Needs
# ../shared (the CI and developer checkout layout); a user's clone has the
# corpus in fixtures/corpus but not the scoring tool.
RELEVANCE_PORT ?= 18181
relevance: bin/indexer bin/searchd
	@test -f ../shared/tools/relevance.py || { echo "relevance: ../shared/tools/relevance.py not found"; exit 1; }
	@mkdir -p var
	bin/indexer --index var/relevance.db fixtures/corpus/eemland.xml \
	    fixtures/corpus/utrecht.xml fixtures/corpus/woerden.csv
	@bin/searchd --index var/relevance.db --port $(RELEVANCE_PORT) 2>var/relevance.log & \
	pid=$$!; sleep 1; \
	/usr/bin/python3 ../shared/tools/relevance.py --base http://127.0.0.1:$(RELEVANCE_PORT) \
	    --queries ../shared/corpus/queries.jsonl; st=$$?; kill $$pid; exit $$st

# ---- testing ----------------------------------------------------------------
# ASAN_OPTIONS/UBSAN_OPTIONS make any sanitizer report fail the test run.
export ASAN_OPTIONS  ?= detect_leaks=1:abort_on_error=0:halt_on_error=1
export UBSAN_OPTIONS ?= print_stacktrace=1:halt_on_error=1

test: deps
	@$(MAKE) --no-print-directory check

check: all unit e2e e2e-release tsan fuzz-regress lint

unit: build/asan/bin/unit_tests
	build/asan/bin/unit_tests --jobs 2

e2e: build/asan/bin/indexer build/asan/bin/searchd
	SK_BIN=build/asan/bin /usr/bin/python3 -m pytest -q tests/e2e

# The same tests against the programs users run (bin/: -O3 -flto, and the
# indexer on mimalloc), which the sanitizer builds do not exercise.
e2e-release: all
	SK_BIN=bin /usr/bin/python3 -m pytest -q tests/e2e

# The end-to-end tests that run many threads at once (the indexer's
# pipeline, generation switches under load, concurrent keep-alive clients,
# a thread per connection) under ThreadSanitizer: any data race fails them.
TSAN_TESTS := tests/e2e/test_indexer.py tests/e2e/test_switch.py \
              tests/e2e/test_keepalive_cache.py tests/e2e/test_searchd_cli.py
tsan: build/tsan/bin/indexer build/tsan/bin/searchd
	SK_BIN=build/tsan/bin TSAN_OPTIONS=halt_on_error=1 \
	    /usr/bin/python3 -m pytest -q $(TSAN_TESTS)

# The OpenAPI description against the Dutch API Design Rules (Spectral,
# fetched by npx from the npm registry; skipped where there is no npx).
lint:
	@if command -v npx >/dev/null 2>&1; then bash tests/lint_openapi.sh; \
	else echo "lint: npx not found, OpenAPI lint skipped"; fi

clean:
	rm -rf build bin var

# Longer runs, each in a fragment of its own folder.
-include tests/soak/soak.mk
-include tests/fuzz/fuzz.mk
-include bench/bench.mk
