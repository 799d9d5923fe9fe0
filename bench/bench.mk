# bench/bench.mk - the benchmark suite; included by the top Makefile.
#
#   make corpus [N=10000]      synthetic corpus of N listings in bench/data/N/
#   make bench                 build, generate what is missing, measure, print
#                              one table, write bench/results/<time>.json
#   make bench BENCH_QUICK=1   only 10 000 listings, shorter runs
#   make bench BENCH_SIZES="10000 50000"
#   make bench-tokenizer       tokens/s and MB/s of the "dutch" tokenizer
#                              (build/bench/bench_tokenizer; BENCH_TOK_ARGS)
#
# Uses the top Makefile's COMMON_SRC, SEARCHD_SRC, LIBS and its rule for
# build/release/%.o (bench/*.c compile with the release flags).
# bench/data/ (corpora and indexes) and bench/results/ are not committed.

N ?= 10000
BENCH_SIZES ?= 10000 100000 250000
BENCH_QUICK ?=
BENCH_SEED ?= 6

.PHONY: corpus bench bench-tools bench-tokenizer

build/bench/bench_query: $(call objs,release,bench/bench_query.c $(SEARCHD_SRC) $(COMMON_SRC))
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS_release) $^ $(LIBS) -o $@

build/bench/bench_tokenizer: $(call objs,release,bench/bench_tokenizer.c $(COMMON_SRC))
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS_release) $^ $(LIBS) -o $@

build/bench/hello: build/release/bench/hello.o
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS_release) $^ $(LIBS) -o $@

bench-tools: bin/indexer bin/searchd build/bench/bench_query build/bench/hello

# Arguments for bench_tokenizer, e.g. "--passes 5 bench/data/100000/aanbod-001.xml".
BENCH_TOK_ARGS ?=

bench-tokenizer: build/bench/bench_tokenizer
	build/bench/bench_tokenizer $(BENCH_TOK_ARGS)

corpus:
	python3 bench/make_corpus.py -n $(N) --seed $(BENCH_SEED) -o bench/data/$(N)

bench: bench-tools
	BENCH_SIZES="$(BENCH_SIZES)" BENCH_QUICK="$(BENCH_QUICK)" \
	  BENCH_SEED="$(BENCH_SEED)" bash bench/run.sh
