#!/usr/bin/env bash
# bench/run.sh - the benchmark run behind `make bench` (see bench/README.md).
#
# Expects bin/indexer, bin/searchd, build/bench/bench_query and
# build/bench/hello to be built (make bench does that). Environment:
#   BENCH_SIZES        corpus sizes (default "10000 100000 250000")
#   BENCH_QUICK=1      only 10 000 listings, shorter runs
#   BENCH_SEED         corpus seed (default 6)
#   BENCH_QUERY_SIZES  sizes for the in-process query benchmark
#                      (default: the smallest and the largest size)
#   BENCH_CONNS        wrk connections (default 8: libmicrohttpd with a pool of 4
#                      threads resets connections from one address well below
#                      the per-IP limit of 32, from about 16 on; see README)
#   BENCH_DURATION     seconds of each wrk measurement (default 10, quick 5)
#   BENCH_MAX_SECONDS  time cap per query class in bench_query (default 20, quick 5)
#   BENCH_INDEX_RUNS   indexing runs per size; the median is reported
#                      (default 3, quick 1)
#   BENCH_WAIT_IDLE    before each measured phase, wait up to this many seconds
#                      for other processes to leave the CPUs idle (default 0)
# Corpora and indexes go to bench/data/N/, raw outputs to bench/results/<time>/,
# the figures to bench/results/<time>.json; the table goes to stdout.
set -euo pipefail

cd "$(dirname "$0")/.."

QUICK=${BENCH_QUICK:-}
SIZES=${BENCH_SIZES:-"10000 100000 250000"}
[ -n "$QUICK" ] && SIZES=10000
SEED=${BENCH_SEED:-6}
CONNS=${BENCH_CONNS:-8}
DURATION=${BENCH_DURATION:-$([ -n "$QUICK" ] && echo 5 || echo 10)}
MAX_SECONDS=${BENCH_MAX_SECONDS:-$([ -n "$QUICK" ] && echo 5 || echo 20)}
MIN_RUNS=$([ -n "$QUICK" ] && echo 100 || echo 300)
WRK_THREADS=${BENCH_WRK_THREADS:-2}
WAIT_IDLE=${BENCH_WAIT_IDLE:-0}
INDEX_RUNS=${BENCH_INDEX_RUNS:-$([ -n "$QUICK" ] && echo 1 || echo 3)}

SIZES=$(printf '%s\n' $SIZES | sort -n | uniq | tr '\n' ' ')
SMALLEST=$(printf '%s\n' $SIZES | head -1)
LARGEST=$(printf '%s\n' $SIZES | tail -1)
QUERY_SIZES=${BENCH_QUERY_SIZES:-$(printf '%s\n' $SMALLEST $LARGEST | uniq | tr '\n' ' ')}
HTTP_SIZES=$(printf '%s\n' $SMALLEST $LARGEST | uniq | tr '\n' ' ')

if [ "$CONNS" -gt 31 ]; then
	echo "bench: BENCH_CONNS=$CONNS is above searchd's 32 connections per IP address" >&2
	exit 64
fi

STAMP=$(date -u +%Y%m%dT%H%M%SZ)
OUT=bench/results/$STAMP
mkdir -p "$OUT"
log() { printf 'bench: %s\n' "$*" >&2; }

for b in bin/indexer bin/searchd build/bench/bench_query build/bench/hello; do
	[ -x "$b" ] || { echo "bench: $b is missing; run make bench" >&2; exit 2; }
done

# wrk (Debian package), installed like `make deps` installs.
if ! command -v wrk >/dev/null 2>&1; then
	log "installing wrk"
	SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO=sudo
	$SUDO apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends wrk
fi

PIDS=()
cleanup() {
	for p in "${PIDS[@]:-}"; do
		[ -n "$p" ] && kill "$p" 2>/dev/null && wait "$p" 2>/dev/null
	done
	return 0
}
trap cleanup EXIT INT TERM

# ---- helpers -------------------------------------------------------------------

# measure OUT.json CMD...: wall time, peak RSS (getrusage of the child), exit
# status; stdout and stderr of CMD go to OUT.out and OUT.err.
measure() {
	local out=$1; shift
	python3 - "$out" "$@" <<'PY'
import json, resource, subprocess, sys, time
out, argv = sys.argv[1], sys.argv[2:]
base = out[:-5] if out.endswith(".json") else out
with open(base + ".out", "wb") as o, open(base + ".err", "wb") as e:
    t = time.monotonic()
    rc = subprocess.call(argv, stdout=o, stderr=e)
    sec = time.monotonic() - t
ru = resource.getrusage(resource.RUSAGE_CHILDREN)
json.dump({"rc": rc, "seconds": round(sec, 3), "maxrss_kb": ru.ru_maxrss,
           "user_s": round(ru.ru_utime, 2), "sys_s": round(ru.ru_stime, 2)},
          open(out, "w"))
PY
}

free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# wait_ready URL START_NS: prints ms from START_NS (CLOCK_MONOTONIC ns,
# from now_ns) to the first 200 answer of URL; 60 s at most.
now_ns() { python3 -c 'import time; print(time.monotonic_ns())'; }
wait_ready() {
	python3 - "$1" "$2" <<'PY'
import sys, time, urllib.request
url, start = sys.argv[1], int(sys.argv[2])
deadline = time.monotonic() + 60
while time.monotonic() < deadline:
    try:
        with urllib.request.urlopen(url, timeout=5) as r:
            if r.status == 200:
                r.read()
                print(round((time.monotonic_ns() - start) / 1e6, 1))
                sys.exit(0)
    except Exception:
        pass
    time.sleep(0.002)
print("-1")
sys.exit(1)
PY
}

# background PHASE: CPU use of everything else on the machine (nothing of
# ours runs between phases), over 1 s, appended to $OUT/background.txt;
# with BENCH_WAIT_IDLE, first waits for it to drop below 10 %.
cpu_busy() {
	python3 - <<'PY'
import os, time
def snap():
    v = [int(x) for x in open("/proc/stat").readline().split()[1:]]
    procs = {}
    for pid in os.listdir("/proc"):
        if pid.isdigit():
            try:
                st = open("/proc/%s/stat" % pid).read()
                name = st[st.index("(") + 1:st.rindex(")")]
                f = st[st.rindex(")") + 2:].split()
                procs[pid] = (name, int(f[11]) + int(f[12]))
            except (OSError, ValueError, IndexError):
                pass
    return sum(v[:8]), v[3] + v[4], procs
t0, i0, p0 = snap(); time.sleep(1); t1, i1, p1 = snap()
busy = 100.0 * (1 - (i1 - i0) / max(1, t1 - t0))
hz = os.sysconf("SC_CLK_TCK")
d = sorted(((p1[k][1] - p0[k][1], p1[k][0]) for k in p1 if k in p0), reverse=True)[:3]
print("%.1f\t%s" % (busy, " ".join("%s(%d%%)" % (n, 100 * t / hz) for t, n in d if t > 0)))
PY
}
background() {
	local busy line waited=0
	line=$(cpu_busy)
	busy=${line%%$'\t'*}
	while [ "$WAIT_IDLE" -gt 0 ] && [ "$waited" -lt "$WAIT_IDLE" ] && \
	    python3 -c "import sys; sys.exit(0 if float('$busy') >= 10 else 1)"; do
		[ "$waited" -eq 0 ] && log "waiting for the CPUs to be idle (busy $busy %)"
		sleep 4
		waited=$((waited + 5))
		line=$(cpu_busy)
		busy=${line%%$'\t'*}
	done
	printf '%s\t%s\n' "$1" "$line" >>"$OUT/background.txt"
}

rss_kb() { awk '/^VmRSS:/ {print $2}' "/proc/$1/status" 2>/dev/null || echo 0; }
anon_kb() { awk '/^RssAnon:/ {print $2}' "/proc/$1/status" 2>/dev/null || echo 0; }
file_kb() { awk '/^RssFile:/ {print $2}' "/proc/$1/status" 2>/dev/null || echo 0; }
hwm_kb() { awk '/^VmHWM:/ {print $2}' "/proc/$1/status" 2>/dev/null || echo 0; }

# point_link LINK FILE: swaps LINK to FILE (same folder) in one rename, as
# the indexer publishes a generation.
point_link() {
	ln -sfn "$(basename "$2")" "$1.bench-link"
	mv -T "$1.bench-link" "$1"
}

# The wrk script: rotates over the paths in $1, prints the figures as JSON.
make_wrk_script() {
	local paths=$1 lua=$2
	{
		echo 'local paths = {'
		sed 's/.*/  "&",/' "$paths"
		echo '}'
		cat <<'LUA'
local i = 0
init = function(args) i = math.random(#paths) end
request = function()
  i = i % #paths + 1
  return wrk.format("GET", paths[i])
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format('WRKJSON {"requests": %d, "duration_us": %d, ' ..
    '"rps": %.1f, "errors": %d, "non2xx": %d, "p50_ms": %.3f, "p90_ms": %.3f, ' ..
    '"p99_ms": %.3f, "max_ms": %.3f, "mean_ms": %.3f}\n',
    summary.requests, summary.duration, summary.requests / (summary.duration / 1e6),
    e.connect + e.read + e.write + e.timeout, e.status,
    latency:percentile(50) / 1e3, latency:percentile(90) / 1e3,
    latency:percentile(99) / 1e3, latency.max / 1e3, latency.mean / 1e3))
end
LUA
	} >"$lua"
}

# run_wrk NAME PORT LUA: a 2 s warm-up, then DURATION seconds; JSON to $OUT/NAME.json.
run_wrk() {
	local name=$1 port=$2 lua=$3
	wrk -t"$WRK_THREADS" -c"$CONNS" -d2s -s "$lua" "http://127.0.0.1:$port" >/dev/null 2>&1 || true
	wrk -t"$WRK_THREADS" -c"$CONNS" -d"${DURATION}s" --latency -s "$lua" \
	    "http://127.0.0.1:$port" >"$OUT/$name.wrk.txt" 2>&1
	sed -n 's/^WRKJSON //p' "$OUT/$name.wrk.txt" >"$OUT/$name.json"
}

# ---- corpora ---------------------------------------------------------------------
for n in $SIZES; do
	if [ ! -f "bench/data/$n/manifest.json" ]; then
		log "generating a corpus of $n listings (bench/data/$n)"
		python3 bench/make_corpus.py -n "$n" --seed "$SEED" -o "bench/data/$n" >&2
	else    # the query mix of the current generator
		python3 bench/make_corpus.py -n "$n" --seed "$SEED" -o "bench/data/$n" --queries-only
	fi
done

# ---- indexing --------------------------------------------------------------------
# Each size is indexed INDEX_RUNS times; the run with the median wall time is
# reported (this VM's speed varies by 10-15 % from minute to minute), with
# every run's seconds beside it and the highest peak RSS of all runs.
for n in $SIZES; do
	d=bench/data/$n
	files=("$d"/aanbod-*.xml)
	[ -f "$d/aanbod.csv" ] && files+=("$d/aanbod.csv")
	for r in $(seq "$INDEX_RUNS"); do
		background "indexing-$n-run$r"
		log "indexing $n listings (run $r of $INDEX_RUNS)"
		rm -rf "$d/index"
		mkdir -p "$d/index"
		measure "$OUT/index-$n-run$r.json" bin/indexer --index "$d/index/index.db" "${files[@]}"
		gen=$(readlink -f "$d/index/index.db" || true)
		size=$( [ -f "$gen" ] && stat -c %s "$gen" || echo 0 )
		last=$(tail -1 "$OUT/index-$n-run$r.out" || true)
		python3 - "$OUT/index-$n-run$r.json" "$size" "$last" "$n" <<'PY'
import json, re, sys
p, size, last, n = sys.argv[1], int(sys.argv[2]), sys.argv[3], int(sys.argv[4])
d = json.load(open(p))
d["index_bytes"] = size
d["summary"] = last
m = re.search(r"imported (\d+)", last)
d["imported"] = int(m.group(1)) if m else 0
d["listings"] = n
d["listings_per_s"] = round(n / d["seconds"], 1) if d["seconds"] > 0 else 0
json.dump(d, open(p, "w"))
if d["rc"] > 1 or d["imported"] != n:
    sys.stderr.write("bench: indexing %d listings: exit %d, %s\n" % (n, d["rc"], last))
PY
	done
	python3 - "$OUT" "$n" "$INDEX_RUNS" <<'PY'
import json, sys
out, n, runs = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
all_runs = [json.load(open("%s/index-%d-run%d.json" % (out, n, r)))
            for r in range(1, runs + 1)]
by_time = sorted(all_runs, key=lambda d: d["seconds"])
d = dict(by_time[(len(by_time) - 1) // 2])
d["runs_seconds"] = [x["seconds"] for x in all_runs]
d["runs_listings_per_s"] = [x["listings_per_s"] for x in all_runs]
d["maxrss_kb"] = max(x["maxrss_kb"] for x in all_runs)
d["rc"] = max(x["rc"] for x in all_runs)
json.dump(d, open("%s/index-%d.json" % (out, n), "w"))
PY
done

# ---- in-process queries ----------------------------------------------------------
for n in $QUERY_SIZES; do
	d=bench/data/$n
	background "queries-$n"
	log "in-process queries at $n listings"
	build/bench/bench_query --index "$d/index/index.db" --queries "$d/queries.tsv" \
	    --min-runs "$MIN_RUNS" --max-seconds "$MAX_SECONDS" \
	    --json "$OUT/query-$n.json" >"$OUT/query-$n.txt" 2>"$OUT/query-$n.err" || \
	    log "bench_query at $n: some queries failed (see $OUT/query-$n.err)"
done

# ---- HTTP: searchd and the hello ceiling -----------------------------------------
for n in $HTTP_SIZES; do
	d=bench/data/$n
	grep -P '^http\t' "$d/queries.tsv" | cut -f2 | sed 's|^|/v1/aanbod?|' >"$OUT/http-paths-$n.txt"
	make_wrk_script "$OUT/http-paths-$n.txt" "$OUT/search-$n.lua"
	first=$(head -1 "$OUT/http-paths-$n.txt")
	background "http-$n"
	port=$(free_port)
	log "searchd at $n listings on port $port"
	start=$(now_ns)
	bin/searchd --index "$d/index/index.db" --port "$port" >/dev/null 2>"$OUT/searchd-$n.err" &
	spid=$!
	PIDS+=("$spid")
	startup=$(wait_ready "http://127.0.0.1:$port$first" "$start") || {
		log "searchd did not answer (see $OUT/searchd-$n.err)"; exit 1; }
	sleep 1
	idle=$(rss_kb "$spid")
	idle_hwm=$(hwm_kb "$spid")
	idle_anon=$(anon_kb "$spid")
	idle_file=$(file_kb "$spid")
	( peak=0; apeak=0; while kill -0 "$spid" 2>/dev/null; do
		r=$(rss_kb "$spid"); [ "${r:-0}" -gt "$peak" ] && peak=$r && echo "$peak" >"$OUT/rss-$n.peak"
		a=$(anon_kb "$spid"); [ "${a:-0}" -gt "$apeak" ] && apeak=$a && echo "$apeak" >"$OUT/anon-$n.peak"
		sleep 0.2; done ) &
	mon=$!
	run_wrk "searchd-$n" "$port" "$OUT/search-$n.lua"
	kill "$mon" 2>/dev/null; wait "$mon" 2>/dev/null || true
	load=$(cat "$OUT/rss-$n.peak" 2>/dev/null || echo 0)
	load_anon=$(cat "$OUT/anon-$n.peak" 2>/dev/null || echo 0)
	hwm=$(hwm_kb "$spid")
	end_file=$(file_kb "$spid")
	# A generation switch, idle: the same file published again under a new
	# name (as the indexer publishes), so searchd loads it beside the one
	# it serves; VmHWM then is the peak of the two together.
	gen=$(readlink -f "$d/index/index.db")
	copy="$d/index/index.db.$(date +%s%N)-$$.gen"
	cp "$gen" "$copy"
	point_link "$d/index/index.db" "$copy"
	switch_hwm=0; switch_after=0
	for _ in $(seq 600); do
		grep -q "nieuwe index in gebruik" "$OUT/searchd-$n.err" && break
		sleep 0.1
	done
	if grep -q "nieuwe index in gebruik" "$OUT/searchd-$n.err"; then
		sleep 1
		switch_hwm=$(hwm_kb "$spid")
		switch_after=$(rss_kb "$spid")
	else
		log "searchd did not switch to $copy"
	fi
	kill "$spid"; wait "$spid" 2>/dev/null || true
	point_link "$d/index/index.db" "$gen"
	rm -f "$copy"
	printf '{"startup_ms": %s, "rss_idle_kb": %s, "rss_startup_peak_kb": %s, "rss_load_kb": %s, "rss_hwm_kb": %s, "anon_idle_kb": %s, "file_idle_kb": %s, "anon_load_kb": %s, "file_end_kb": %s, "switch_hwm_kb": %s, "switch_after_kb": %s}\n' \
	    "$startup" "${idle:-0}" "${idle_hwm:-0}" "${load:-0}" "${hwm:-0}" \
	    "${idle_anon:-0}" "${idle_file:-0}" "${load_anon:-0}" "${end_file:-0}" \
	    "${switch_hwm:-0}" "${switch_after:-0}" >"$OUT/searchd-mem-$n.json"

	if [ "$n" = "$SMALLEST" ]; then
		# the same query mix with the answer cache off: every request
		# is a full search
		port=$(free_port)
		log "searchd at $n listings without answer cache on port $port"
		bin/searchd --index "$d/index/index.db" --port "$port" --cache-mb 0 \
		    >/dev/null 2>"$OUT/searchd-nocache-$n.err" &
		spid=$!
		PIDS+=("$spid")
		wait_ready "http://127.0.0.1:$port$first" "$(now_ns)" >/dev/null
		run_wrk "searchd-nocache-$n" "$port" "$OUT/search-$n.lua"
		kill "$spid"; wait "$spid" 2>/dev/null || true

		port=$(free_port)
		log "hello ceiling on port $port"
		build/bench/hello --port "$port" &
		hpid=$!
		PIDS+=("$hpid")
		wait_ready "http://127.0.0.1:$port/v1/aanbod" "$(now_ns)" >/dev/null
		run_wrk "hello" "$port" "$OUT/search-$n.lua"
		kill "$hpid"; wait "$hpid" 2>/dev/null || true

		# the other thread model of libmicrohttpd: a thread per
		# connection (--threads 0), searchd with and without its answer
		# cache and the hello ceiling
		for what in searchd-tpc searchd-tpc-nocache hello-tpc; do
			port=$(free_port)
			log "$what (a thread per connection) on port $port"
			case $what in
			searchd-tpc) bin/searchd --index "$d/index/index.db" \
			    --port "$port" --threads 0 >/dev/null 2>"$OUT/$what.err" & ;;
			searchd-tpc-nocache) bin/searchd --index "$d/index/index.db" \
			    --port "$port" --threads 0 --cache-mb 0 \
			    >/dev/null 2>"$OUT/$what.err" & ;;
			hello-tpc) build/bench/hello --port "$port" --threads 0 & ;;
			esac
			tpid=$!
			PIDS+=("$tpid")
			wait_ready "http://127.0.0.1:$port$first" "$(now_ns)" >/dev/null
			run_wrk "$what" "$port" "$OUT/search-$n.lua"
			kill "$tpid"; wait "$tpid" 2>/dev/null || true
		done
	fi
done

background "end"

# ---- the table and the JSON --------------------------------------------------------
python3 - "$OUT" "$STAMP" "$SIZES" "$QUERY_SIZES" "$HTTP_SIZES" "$CONNS" "$WRK_THREADS" \
    "$DURATION" "${QUICK:-0}" <<'PY'
import json, os, platform, re, subprocess, sys

out, stamp = sys.argv[1], sys.argv[2]
sizes = [int(x) for x in sys.argv[3].split()]
qsizes = [int(x) for x in sys.argv[4].split()]
hsizes = [int(x) for x in sys.argv[5].split()]
conns, wthreads, duration, quick = int(sys.argv[6]), int(sys.argv[7]), int(sys.argv[8]), sys.argv[9]

def load(name):
    p = os.path.join(out, name)
    try:
        with open(p) as f:
            return json.load(f)
    except (OSError, ValueError):
        return None

def sh(cmd):
    try:
        return subprocess.run(cmd, shell=True, capture_output=True, text=True).stdout.strip()
    except OSError:
        return ""

cpu = ""
for line in open("/proc/cpuinfo"):
    if line.startswith("model name"):
        cpu = line.split(":", 1)[1].strip()
        break
mem_kb = 0
for line in open("/proc/meminfo"):
    if line.startswith("MemTotal:"):
        mem_kb = int(line.split()[1])
machine = {
    "nproc": os.cpu_count(), "cpu": cpu, "mem_gib": round(mem_kb / 1048576, 1),
    "kernel": platform.release(),
    "sqlite": sh("pkg-config --modversion sqlite3"),
    "libmicrohttpd": sh("pkg-config --modversion libmicrohttpd"),
    "wrk": sh("dpkg-query -W -f='${Version}' wrk"),
    "commit": sh("git rev-parse --short HEAD") + ("+dirty" if sh("git status --porcelain --untracked-files=no") else ""),
}
res = {"time": stamp, "machine": machine, "quick": quick not in ("", "0"),
       "settings": {"sizes": sizes, "query_sizes": qsizes, "http_sizes": hsizes,
                    "wrk_connections": conns, "wrk_threads": wthreads,
                    "wrk_seconds": duration},
       "corpus": {}, "indexing": {}, "queries": {}, "http": {}, "searchd": {}}
for n in sizes:
    man = json.load(open("bench/data/%d/manifest.json" % n))
    res["corpus"][n] = {"bytes": man["bytes"], "files": len(man["files"]),
                        "generate_s": man.get("seconds")}
    res["indexing"][n] = load("index-%d.json" % n)
for n in qsizes:
    res["queries"][n] = load("query-%d.json" % n)
for n in hsizes:
    res["searchd"][n] = load("searchd-mem-%d.json" % n)
    res["http"]["searchd-%d" % n] = load("searchd-%d.json" % n)
res["http"]["hello"] = load("hello.json")
res["http"]["searchd-nocache-%d" % sizes[0]] = load("searchd-nocache-%d.json" % sizes[0])
s0, h = res["http"].get("searchd-%d" % sizes[0]), res["http"]["hello"]
ratio = s0["rps"] / h["rps"] if s0 and h and h["rps"] else None
res["http"]["ratio_searchd_hello"] = round(ratio, 3) if ratio is not None else None
s1 = res["http"].get("searchd-nocache-%d" % sizes[0])
ratio_nc = s1["rps"] / h["rps"] if s1 and h and h["rps"] else None
res["http"]["ratio_nocache_hello"] = round(ratio_nc, 3) if ratio_nc is not None else None
for what in ("searchd-tpc", "searchd-tpc-nocache", "hello-tpc"):
    res["http"][what] = load(what + ".json")

# ---- bars (issue 6) ----
big = max(sizes)
bars = []
def bar(name, ok, value):
    bars.append({"bar": name, "pass": ok, "value": value})
for n in sizes:       # the bar holds at every size, not only the largest
    ixn = res["indexing"].get(n)
    if ixn:
        bar("indexing >= 20000 listings/s (at %d, median of %d runs)" %
            (n, len(ixn.get("runs_seconds", [1]))), ixn["listings_per_s"] >= 20000,
            ixn["listings_per_s"])
ix = res["indexing"].get(big)
if ix:
    if big >= 250000:
        bar("250k indexed in < 60 s", ix["seconds"] < 60, ix["seconds"])
        bar("250k indexing peak RSS < 500 MB", ix["maxrss_kb"] < 500 * 1024,
            round(ix["maxrss_kb"] / 1024, 1))
if ratio is not None:
    bar("HTTP searchd >= 50 %% of hello (at %d, answer cache on)" % sizes[0],
        ratio >= 0.5, round(ratio * 100, 1))
if ratio_nc is not None:
    bar("HTTP searchd >= 50 %% of hello (at %d, answer cache off)" % sizes[0],
        ratio_nc >= 0.5, round(ratio_nc * 100, 1))
q = res["queries"].get(big)
if q:
    for c in q["classes"]:
        if c["class"] == "http":
            continue
        bar("p99 < 20 ms in process at %d: %s" % (big, c["class"]), c["p99_ms"] < 20, c["p99_ms"])
sm = res["searchd"].get(big)
if sm and big >= 250000:
    peak = max(sm["rss_idle_kb"], sm["rss_load_kb"], sm["rss_hwm_kb"])
    bar("searchd RSS < 200 MB at 250k (peak, VmHWM)", peak < 200 * 1024, round(peak / 1024, 1))
res["bars"] = bars
bg = []
try:
    for line in open(os.path.join(out, "background.txt")):
        ph, busy, top = (line.rstrip("\n").split("\t") + ["", ""])[:3]
        bg.append({"phase": ph, "busy_pct": float(busy), "top": top.strip()})
except OSError:
    pass
res["background_cpu"] = bg

with open(out + ".json", "w") as f:
    json.dump(res, f, indent=1, sort_keys=False)

# ---- the table ----
def num(x, d=0):
    if x is None:
        return "-"
    if isinstance(x, str):
        return x
    return "{:,.{}f}".format(x, d).replace(",", " ")

rows = []
def row(label, vals, note=""):
    rows.append((label, vals, note))

cols = sizes
row("corpus: MB of XML+CSV (generated in s)",
    {n: "%s (%s)" % (num(res["corpus"][n]["bytes"] / 1e6), num(res["corpus"][n]["generate_s"], 0)) for n in cols})
row("indexing: listings/s", {n: num(res["indexing"][n] and res["indexing"][n]["listings_per_s"]) for n in cols}, ">= 20 000")
row("indexing: wall time s", {n: num(res["indexing"][n] and res["indexing"][n]["seconds"], 1) for n in cols}, "250k < 60 s")
row("indexing: every run's listings/s", {n: " / ".join(num(x) for x in (res["indexing"][n] or {}).get("runs_listings_per_s", [])) or "-" for n in cols}, "median above")
row("indexing: peak RSS MB", {n: num(res["indexing"][n] and res["indexing"][n]["maxrss_kb"] / 1024) for n in cols}, "250k < 500 MB")
row("index size on disk MB", {n: num(res["indexing"][n] and res["indexing"][n]["index_bytes"] / 1e6) for n in cols})
classes = []
for n in qsizes:
    for c in (res["queries"][n] or {}).get("classes", []):
        if c["class"] not in classes:
            classes.append(c["class"])
for cl in classes:
    vals = {}
    for n in qsizes:
        for c in (res["queries"][n] or {}).get("classes", []):
            if c["class"] == cl:
                vals[n] = "%s/%s/%s" % (num(c["p50_ms"], 2), num(c["p95_ms"], 2), num(c["p99_ms"], 2))
    row("query p50/p95/p99 ms: %s" % cl, vals, "p99 < 20 @250k" if cl != "http" else "")
for cl in classes:
    vals = {}
    for n in qsizes:
        for c in (res["queries"][n] or {}).get("classes", []):
            if c["class"] == cl:
                vals[n] = num(c["median_hits"])
    row("  median hits: %s" % cl, vals)
for n in hsizes:
    pass
row("HTTP searchd req/s (%d conn)" % conns,
    {n: num((res["http"].get("searchd-%d" % n) or {}).get("rps")) for n in hsizes})
row("HTTP searchd latency p50/p99 ms",
    {n: "%s/%s" % (num((res["http"].get("searchd-%d" % n) or {}).get("p50_ms"), 2),
                   num((res["http"].get("searchd-%d" % n) or {}).get("p99_ms"), 2)) for n in hsizes})
row("HTTP searchd errors / non-2xx",
    {n: "%s / %s" % (num((res["http"].get("searchd-%d" % n) or {}).get("errors")),
                     num((res["http"].get("searchd-%d" % n) or {}).get("non2xx"))) for n in hsizes})
if h:
    row("HTTP hello req/s (same run, %d conn)" % conns, {sizes[0]: num(h["rps"])})
    row("HTTP hello latency p50/p99 ms", {sizes[0]: "%s/%s" % (num(h["p50_ms"], 2), num(h["p99_ms"], 2))})
if ratio is not None:
    row("HTTP ratio searchd/hello", {sizes[0]: "%.1f %%" % (ratio * 100)}, ">= 50 %")
if s1:
    row("HTTP searchd req/s, answer cache off", {sizes[0]: num(s1["rps"])})
    row("HTTP searchd p50/p99 ms, answer cache off", {sizes[0]: "%s/%s" % (num(s1["p50_ms"], 2), num(s1["p99_ms"], 2))})
if ratio_nc is not None:
    row("HTTP ratio searchd (cache off)/hello", {sizes[0]: "%.1f %%" % (ratio_nc * 100)})
tpc = [res["http"].get(w) for w in ("searchd-tpc", "searchd-tpc-nocache", "hello-tpc")]
if any(tpc):
    row("HTTP thread per connection req/s: searchd / cache off / hello",
        {sizes[0]: " / ".join(num((t or {}).get("rps")) for t in tpc)})
row("searchd start-up to first answer ms", {n: num((res["searchd"][n] or {}).get("startup_ms")) for n in hsizes})
row("searchd RSS idle MB", {n: num((res["searchd"][n] or {}).get("rss_idle_kb", 0) / 1024, 1) for n in hsizes})
row("searchd RSS peak during start-up MB", {n: num((res["searchd"][n] or {}).get("rss_startup_peak_kb", 0) / 1024, 1) for n in hsizes})
row("searchd RSS under load MB (max sampled)", {n: num((res["searchd"][n] or {}).get("rss_load_kb", 0) / 1024, 1) for n in hsizes})
row("  of which private (RssAnon) idle / load MB", {n: "%s / %s" % (
    num((res["searchd"][n] or {}).get("anon_idle_kb", 0) / 1024, 1),
    num((res["searchd"][n] or {}).get("anon_load_kb", 0) / 1024, 1)) for n in hsizes})
row("  of which index pages (RssFile) idle / end MB", {n: "%s / %s" % (
    num((res["searchd"][n] or {}).get("file_idle_kb", 0) / 1024, 1),
    num((res["searchd"][n] or {}).get("file_end_kb", 0) / 1024, 1)) for n in hsizes})
row("searchd RSS peak MB (VmHWM at the end)", {n: num((res["searchd"][n] or {}).get("rss_hwm_kb", 0) / 1024, 1) for n in hsizes}, "250k < 200 MB")
row("searchd RSS peak / after, idle generation switch MB", {n: "%s / %s" % (
    num((res["searchd"][n] or {}).get("switch_hwm_kb", 0) / 1024, 1),
    num((res["searchd"][n] or {}).get("switch_after_kb", 0) / 1024, 1)) for n in hsizes})

w0 = max(len(r[0]) for r in rows)
colw = {n: max([len(num(n))] + [len(str(r[1].get(n, "-"))) for r in rows]) for n in cols}
print()
print("Sociale Kaart benchmark %s  commit %s%s" % (stamp, machine["commit"], "  (quick)" if res["quick"] else ""))
print("machine: %d x %s, %.1f GiB, Linux %s; SQLite %s, libmicrohttpd %s; wrk -t%d -c%d %ds" % (
    machine["nproc"], cpu, machine["mem_gib"], machine["kernel"], machine["sqlite"],
    machine["libmicrohttpd"], wthreads, conns, duration))
print()
head = "%-*s  " % (w0, "listings") + "  ".join("%*s" % (colw[n], num(n)) for n in cols) + "  bar"
print(head)
print("-" * len(head))
for label, vals, note in rows:
    print("%-*s  " % (w0, label) + "  ".join("%*s" % (colw[n], vals.get(n, "-")) for n in cols)
          + ("  " + note if note else ""))
print()
busy = [b for b in bg if b["busy_pct"] >= 10]
if busy:
    print("WARNING: other processes used the CPUs during this run; the figures are not reliable:")
    for b in busy:
        print("  before %s: %.0f %% busy  (%s)" % (b["phase"], b["busy_pct"], b["top"]))
    print()
fails = [b for b in bars if not b["pass"]]
print("bars: %d of %d met" % (len(bars) - len(fails), len(bars)))
for b in fails:
    print("  MISSED  %s: %s" % (b["bar"], b["value"]))
print()
print("figures: %s.json   raw outputs: %s/" % (out, out))
PY
