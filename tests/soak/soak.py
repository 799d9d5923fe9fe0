#!/usr/bin/python3
"""Soak test for searchd and the indexer (issue 5): `make soak`.

Runs the ASan/UBSan builds (SK_BIN, default bin; `make soak` passes
build/asan/bin) for SOAK_SECONDS (default 120) and at least SOAK_MIN_QUERIES
queries (default 10000): SOAK_CLIENTS client threads (default 6; half keep
their connection open, half open one per request) send a realistic query mix
(the graded corpus queries, filters, paging, detail pages, HTML pages) with
hostile requests in between (quotes, *, NEAR, AND, parentheses, a 500-byte q,
too long or too many words, invalid %-escapes and UTF-8, control characters,
unknown parameters and values, odd ids), while the index is re-published every
SOAK_REINDEX seconds (default 10), every fourth time with a rejected file.

Pass: every answer is 200, 400, 404 or 503 as expected for its request, with
a proper body (JSON or HTML for 200, problem+json or an HTML page for errors,
Retry-After with 503); unfiltered searches count one of the published data
sets; no transport errors; the indexer runs end as expected; searchd survives,
exits 0 on SIGTERM, and no sanitizer or leak report appears in any stderr.
Prints one summary line (requests, errors, p50/p99 latency); exit 0 on pass.
Standard library only; all traffic goes to 127.0.0.1.
"""
import http.client
import json
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BIN = os.path.join(REPO, os.environ.get("SK_BIN", "bin"))
INDEXER = os.path.join(BIN, "indexer")
SEARCHD = os.path.join(BIN, "searchd")
SECONDS = float(os.environ.get("SOAK_SECONDS", "120"))
MIN_QUERIES = int(os.environ.get("SOAK_MIN_QUERIES", "10000"))
CLIENTS = int(os.environ.get("SOAK_CLIENTS", "6"))
REINDEX_EVERY = float(os.environ.get("SOAK_REINDEX", "10"))

ENV = dict(os.environ)
ENV.setdefault("ASAN_OPTIONS", "detect_leaks=1:abort_on_error=0:halt_on_error=1")
ENV.setdefault("UBSAN_OPTIONS", "print_stacktrace=1:halt_on_error=1")
ENV.setdefault("LC_ALL", "C.UTF-8")

SANITIZER_TEXT = ("LeakSanitizer", "AddressSanitizer", "UndefinedBehaviorSanitizer",
                  "runtime error")

HANDMADE = sorted(os.path.join("fixtures/handmade", f)
                  for f in os.listdir(os.path.join(REPO, "fixtures/handmade"))
                  if f.endswith((".xml", ".csv")))
CORPUS = ["fixtures/corpus/eemland.xml", "fixtures/corpus/utrecht.xml",
          "fixtures/corpus/woerden.csv"]
EEMLAND = CORPUS[0]
REJECT = "fixtures/bad/reject-truncated.xml"

# The data sets the index alternates between; every fourth run is rejected.
SETS = [HANDMADE + CORPUS, CORPUS, HANDMADE + [EEMLAND]]


def fail(msg):
    print("soak: FAILED: " + msg, flush=True)
    sys.exit(1)


def sanitizer(text):
    return [m for m in SANITIZER_TEXT if m in text]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run_indexer(index, files, expect):
    p = subprocess.run([INDEXER, "--index", index] + files, cwd=REPO, env=ENV,
                       capture_output=True, timeout=300)
    err = p.stderr.decode("utf-8", "replace")
    if sanitizer(err):
        fail("sanitizer report from the indexer:\n" + err[-4000:])
    if p.returncode not in expect:
        fail("indexer %s: exit %d, expected %s\n%s" % (" ".join(files), p.returncode,
                                                       expect, err[-2000:]))
    return p.returncode


def q(params):
    return urllib.parse.urlencode(params, quote_via=urllib.parse.quote)


# ---------------------------------------------------------------- the query mix

def load_graded():
    out = []
    with open(os.path.join(REPO, "fixtures/corpus/queries.jsonl"), encoding="utf-8") as f:
        for line in f:
            if line.strip():
                d = json.loads(line)
                params = [("q", d["q"])] if d["q"] else []
                for k, v in d["params"].items():
                    for x in (v if isinstance(v, list) else [v]):
                        params.append((k, x))
                out.append(params)
    return out


OK = {200, 503}            # a good request: answered, or the time budget ran out
BAD = {400}
GONE = {404}
MAYBE = {200, 404, 503}    # detail of a listing that not every data set has

HOSTILE_Q = [
    '"koffie', 'koffie"', '""', '"', "'--", '" OR 1=1 --', "'; DROP TABLE aanbod; --",
    "*", "a*", "koff*", "NEAR(koffie hulp)", "NEAR(koffie, 2)", "koffie AND hulp",
    "koffie OR", "NOT hulp", "(koffie", "koffie)", "((()))", "naam:schulden",
    "{naam}: hulp", "^hulp", "koffie-ochtend", "e-mail", "it's", "info@example.org",
    "\\", "%", "a\u00a0b", "caf\u00e9 \u20ac \u201cx\u201d",
    "\U0001F600 hulp", "a" * 300, "x " * 16,
]


def hostile_requests():
    """(path, allowed statuses) for hostile or malformed requests."""
    out = [("/v1/aanbod?" + q([("q", s)]), OK) for s in HOSTILE_Q]
    out.append(("/?" + q([("q", '"><script>alert(1)</script>')]), OK))
    # The limits: 500 bytes and 16 words pass, more is a 400.
    words16 = " ".join(["koffieochtend%02d" % i for i in range(15)] + ["x" * 50])
    q500 = (words16 + "y" * 500)[:500]
    out.append(("/v1/aanbod?" + q([("q", q500)]), OK))
    out.append(("/v1/aanbod?" + q([("q", q500 + "y")]), BAD))
    out.append(("/v1/aanbod?" + q([("q", " ".join(["hulp"] * 17))]), BAD))
    out.append(("/v1/aanbod?" + q([("q", "\u00e9" * 250)]), OK))
    out.append(("/v1/aanbod?" + q([("q", "\u00e9" * 251)]), BAD))
    for raw in ["q=%ZZ", "q=%", "q=koffie%2", "q=%C3%28", "q=%FF%FE", "q=%ED%A0%80",
                "q=%01", "q=koffie%00hulp", "q=%7F", "q=a%C2%85b", "foo",
                "thema=%ZZ", "q=a&q=b", "pagina=0", "pagina=2147483648", "pagina=x",
                "perPagina=0", "perPagina=-1", "foo=1", "thema=onbekend",
                "gemeente=GM9999", "wijk=WK99", "taal=xxxx", "welzijnOpRecept=nee",
                "kosten=duur", "soort=%E2%80%A8"]:
        out.append(("/v1/aanbod?" + raw, BAD))
    for raw in ["", "thema=", "q=", "q=%20%20", "pagina=9999", "taal=zz",
                "wijk=WK034499", "q=koffie&pagina=50", "pagina=100001",
                "q=a%0Ab", "q=koffie%09hulp"]:          # tab, LF: white space
        out.append(("/v1/aanbod?" + raw, OK))
    for i in ["bestaat-niet", "..%2F..%2Fetc%2Fpasswd", "a" * 65, "dev-amf-001%20",
              "%27%20OR%201%3D1", "%3Cscript%3E"]:
        out.append(("/v1/aanbod/" + i, GONE))
        out.append(("/aanbod/" + i, GONE))
    out.append(("/v1/aanbod/%00", {400, 404}))
    out.append(("/v1/aanbod/%ZZ", {400, 404}))
    out.append(("/v1/bestaat-niet", GONE))
    out.append(("/v1/", GONE))
    out.append(("/bestaat-niet", GONE))
    return out


def realistic_requests():
    out = []
    for params in load_graded():
        out.append(("/v1/aanbod?" + q(params), OK))
        out.append(("/v1/aanbod?" + q(params + [("pagina", "2"), ("perPagina", "5")]), OK))
        if params and params[0][0] == "q":
            out.append(("/?" + q(params), OK))
    for params in [[("thema", "ontmoeting")], [("doelgroep", "ouderen"), ("gemeente", "GM0307")],
                   [("kosten", "gratis"), ("toegang", "vrije-inloop")],
                   [("welzijnOpRecept", "ja")], [("taal", "en")],
                   [("thema", "geld"), ("thema", "wonen")], [("perPagina", "100")],
                   [("wijk", "WK034401")], [("gemeente", "Utrecht"), ("soort", "formeel")]]:
        out.append(("/v1/aanbod?" + q(params), OK))
    for i in ["dev-amf-001", "dev-amf-002", "dev-amf-010"]:        # in every data set
        out.append(("/v1/aanbod/" + i, OK))
        out.append(("/aanbod/" + i, OK))
    for i in ["dev-utr-010", "dev-woe-001", "hm-amf-001", "hm-utr-001"]:
        out.append(("/v1/aanbod/" + i, MAYBE))
    out += [("/v1", OK), ("/v1/openapi.json", OK), ("/", OK), ("/style.css", OK)]
    return out


# ---------------------------------------------------------------- checking answers

def no_constant(name):
    raise ValueError("not JSON: " + name)


def check(path, status, headers, body, allowed, totals):
    """None if the answer is right for the request, else why not."""
    if status not in (200, 400, 404, 503):
        return "unexpected status %d" % status
    if status not in allowed:
        return "status %d, expected %s" % (status, sorted(allowed))
    ctype = headers.get("content-type", "")
    api = path == "/v1" or path.startswith("/v1/") or path.startswith("/v1?")
    if status == 503 and "retry-after" not in headers:
        return "503 without Retry-After"
    if status == 200:
        if path.startswith("/style.css"):
            return None if ctype.startswith("text/css") else "css as %r" % ctype
        if not api:
            if not ctype.startswith("text/html") or not body.rstrip().endswith(b"</html>"):
                return "page is not complete HTML (%r)" % ctype
            body.decode("utf-8")
            return None
        if not ctype.startswith("application/json"):
            return "200 with content type %r" % ctype
        doc = json.loads(body.decode("utf-8"), parse_constant=no_constant)
        if path.startswith("/v1/aanbod?") or path == "/v1/aanbod":
            if not isinstance(doc.get("resultaten"), list) \
                    or not isinstance(doc.get("totaal"), int):
                return "search answer without resultaten/totaal"
            if path in ("/v1/aanbod?", "/v1/aanbod?perPagina=100", "/v1/aanbod?thema=") \
                    and doc["totaal"] not in totals:
                return "totaal %d is no published data set's (%s)" % (doc["totaal"], totals)
        elif path.startswith("/v1/aanbod/"):
            if not isinstance(doc.get("id"), str):
                return "detail without id"
        return None
    # errors
    if api:
        if not ctype.startswith("application/problem+json"):
            return "%d with content type %r" % (status, ctype)
        doc = json.loads(body.decode("utf-8"))
        if doc.get("status") != status or not doc.get("title"):
            return "problem body %r" % doc
    else:
        if not ctype.startswith("text/html") or not body.rstrip().endswith(b"</html>"):
            return "%d page is not complete HTML" % status
    return None


# ---------------------------------------------------------------- clients

class Client(threading.Thread):
    def __init__(self, port, mix, totals, keepalive, seed):
        super().__init__(daemon=True)
        self.port = port
        self.mix = mix
        self.totals = totals
        self.keepalive = keepalive
        self.rnd = random.Random(seed)
        self.stop = threading.Event()
        self.lat = []
        self.count = 0
        self.errors = []
        self.status = {}

    def run(self):
        conn = None
        realistic, hostile = self.mix
        while not self.stop.is_set():
            path, allowed = self.rnd.choice(hostile if self.rnd.random() < 0.3 else realistic)
            t0 = time.monotonic()
            try:
                if conn is None:
                    conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=20)
                conn.request("GET", path)
                r = conn.getresponse()
                body = r.read()
                dt = time.monotonic() - t0
                headers = {k.lower(): v for k, v in r.getheaders()}
                if not self.keepalive or r.will_close:
                    conn.close()
                    conn = None
                try:
                    why = check(path, r.status, headers, body, allowed, self.totals)
                except (ValueError, UnicodeDecodeError) as e:
                    why = "bad body: %r" % e
                self.lat.append(dt)
                self.status[r.status] = self.status.get(r.status, 0) + 1
                if why:
                    self.errors.append((path, r.status, why, body[:200]))
            except Exception as e:  # noqa: BLE001 - every failure counts
                self.errors.append((path, None, "transport: %r" % e, b""))
                if conn is not None:
                    conn.close()
                conn = None
            self.count += 1
        if conn is not None:
            conn.close()


def main():
    for b in (INDEXER, SEARCHD):
        if not os.access(b, os.X_OK):
            fail("program not built: %s (make build/asan/bin/indexer "
                 "build/asan/bin/searchd, or set SK_BIN)" % b)
    work = tempfile.mkdtemp(prefix="sk-soak-")
    index = os.path.join(work, "index.db")
    logpath = os.path.join(work, "searchd.log")
    proc = None
    try:
        # The totaal of each data set, from searchd itself.
        run_indexer(index, SETS[0], (0, 1))
        port = free_port()
        with open(logpath, "ab") as logf:
            proc = subprocess.Popen([SEARCHD, "--index", index, "--port", str(port)],
                                    cwd=REPO, env=ENV, stdout=logf, stderr=logf,
                                    stdin=subprocess.DEVNULL)

        def log():
            with open(logpath, "rb") as f:
                return f.read().decode("utf-8", "replace")

        def get(path):
            c = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            try:
                c.request("GET", path)
                r = c.getresponse()
                return r.status, r.read()
            finally:
                c.close()

        deadline = time.monotonic() + 20
        while True:
            try:
                if get("/v1")[0] == 200:
                    break
            except OSError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                fail("searchd did not start:\n" + log()[-3000:])
            time.sleep(0.1)

        def wait_switch(target, what):
            name = os.path.basename(target)
            end = time.monotonic() + 10
            while time.monotonic() < end:
                if any("nieuwe index in gebruik" in l and name in l for l in log().splitlines()):
                    return
                time.sleep(0.05)
            fail("searchd did not switch to %s (%s)" % (name, what))

        totals = set()
        for k in (0, 1, 2, 0):
            if totals:
                run_indexer(index, SETS[k], (0, 1))
                wait_switch(os.readlink(index), "set %d" % k)
            status, body = get("/v1/aanbod?perPagina=1")
            if status != 200:
                fail("searchd answers %d before the soak" % status)
            totals.add(json.loads(body)["totaal"])

        mix = (realistic_requests(), hostile_requests())
        clients = [Client(port, mix, totals, keepalive=(k % 2 == 0), seed=k)
                   for k in range(CLIENTS)]
        t0 = time.monotonic()
        for c in clients:
            c.start()
        reindex = rejected = 0
        next_index = t0 + REINDEX_EVERY
        hard_stop = t0 + 3 * SECONDS + 600
        while True:
            now = time.monotonic()
            total = sum(c.count for c in clients)
            if (now - t0 >= SECONDS and total >= MIN_QUERIES) or now > hard_stop:
                break
            if proc.poll() is not None:
                break
            if now >= next_index:
                reindex += 1
                if reindex % 4 == 0:
                    rejected += 1
                    run_indexer(index, SETS[reindex % 3] + [REJECT], (2,))
                else:
                    run_indexer(index, SETS[reindex % 3], (0, 1))
                next_index = now + REINDEX_EVERY
            if sanitizer(log()):
                break
            time.sleep(0.2)
        for c in clients:
            c.stop.set()
        for c in clients:
            c.join(30)
        elapsed = time.monotonic() - t0
        alive = proc.poll() is None
        t_term = time.monotonic()
        if alive:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(20)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
                fail("searchd did not exit within 20 s of SIGTERM")
        term_s = time.monotonic() - t_term
        text = log()
        lat = sorted(x for c in clients for x in c.lat)
        errors = [e for c in clients for e in c.errors]
        total = sum(c.count for c in clients)
        statuses = {}
        for c in clients:
            for s, n in c.status.items():
                statuses[s] = statuses.get(s, 0) + n

        def pct(p):
            return 1000 * lat[min(len(lat) - 1, int(p * len(lat)))] if lat else float("nan")

        print("soak: %.0f s, %d clients, requests %d, errors %d, status %s, reindex %d "
              "(rejected %d), p50 %.1f ms, p99 %.1f ms, max %.1f ms, exit %s after %.1f s"
              % (elapsed, CLIENTS, total, len(errors),
                 " ".join("%d:%d" % kv for kv in sorted(statuses.items())), reindex, rejected,
                 pct(0.50), pct(0.99), 1000 * lat[-1] if lat else 0, proc.returncode, term_s),
              flush=True)
        problems = []
        if not alive:
            problems.append("searchd died during the soak (exit %s):\n%s"
                            % (proc.returncode, text[-3000:]))
        elif proc.returncode != 0:
            problems.append("searchd exit code %s after SIGTERM" % proc.returncode)
        if sanitizer(text):
            problems.append("sanitizer/leak report in searchd's stderr:\n" + text[-6000:])
        if errors:
            problems.append("%d unexpected answers, e.g.:\n%s" % (
                len(errors), "\n".join("  %s -> %s: %s %r" % e for e in errors[:20])))
        if total < MIN_QUERIES:
            problems.append("only %d queries (want %d)" % (total, MIN_QUERIES))
        if problems:
            fail("\n".join(problems))
        print("soak: passed", flush=True)
    finally:
        if proc is not None and proc.poll() is None:
            proc.kill()
            proc.wait()
        if os.environ.get("SOAK_KEEP"):
            print("soak: files kept in " + work)
        else:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
