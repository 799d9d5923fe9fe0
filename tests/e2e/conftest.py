"""End-to-end test helpers for bin/indexer and bin/searchd.

Run from the repository root:

    SK_BIN=build/asan/bin /usr/bin/python3 -m pytest -q tests/e2e

SK_BIN is the directory that holds `indexer` and `searchd` (default `bin`).
Everything is standard library except pytest. The contract is
shared/spec/aanbod-formaat.md, shared/spec/api.md and the lead's decisions
(diagnostic forms, exit codes, PATH -> PATH.<x>.gen symlink, HTTP details).
"""
import contextlib
import glob
import hashlib
import http.client
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.parse

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import refmodel  # noqa: E402

REPO = refmodel.REPO
BIN = os.path.join(REPO, os.environ.get("SK_BIN", "bin"))
INDEXER = os.path.join(BIN, "indexer")
SEARCHD = os.path.join(BIN, "searchd")

# Paths as given on the command line: relative to the repository root, the way
# `make index` passes them (handmade first, sorted, then the corpus).
HANDMADE = sorted(os.path.relpath(p, REPO) for p in
                  glob.glob(os.path.join(REPO, "fixtures/handmade/*.xml")) +
                  glob.glob(os.path.join(REPO, "fixtures/handmade/*.csv")))
CORPUS = ["fixtures/corpus/eemland.xml", "fixtures/corpus/utrecht.xml",
          "fixtures/corpus/woerden.csv"]
BAD = "fixtures/bad"

SANITIZER_MARKS = ("ERROR: AddressSanitizer", "runtime error:", "ERROR: LeakSanitizer",
                   "SUMMARY: AddressSanitizer", "SUMMARY: UndefinedBehaviorSanitizer",
                   "WARNING: ThreadSanitizer")

ENV = dict(os.environ)
ENV.setdefault("ASAN_OPTIONS", "detect_leaks=1:abort_on_error=0:halt_on_error=1")
ENV.setdefault("UBSAN_OPTIONS", "print_stacktrace=1:halt_on_error=1")
ENV.setdefault("LC_ALL", "C.UTF-8")

SUMMARY_RE = re.compile(r"^read (\d+), imported (\d+), skipped (\d+), warnings (\d+)$")


def need_binaries():
    for b in (INDEXER, SEARCHD):
        if not os.access(b, os.X_OK):
            pytest.fail("program not built: %s (build it, or set SK_BIN)" % b)


def sanitizer_report(text):
    return [m for m in SANITIZER_MARKS if m in text]


# ---------------------------------------------------------------- indexer

class IndexerResult:
    def __init__(self, args, rc, out, err, seconds):
        self.args = args
        self.rc = rc
        self.out = out
        self.err = err
        self.seconds = seconds

    @property
    def summary(self):
        """(read, imported, skipped, warnings) from the last stdout line, or None."""
        lines = [l for l in self.out.splitlines() if l.strip()]
        if not lines:
            return None
        m = SUMMARY_RE.match(lines[-1])
        return tuple(int(x) for x in m.groups()) if m else None

    @property
    def last_line(self):
        lines = [l for l in self.out.splitlines() if l.strip()]
        return lines[-1] if lines else ""

    def diags(self, files):
        """Parses stderr into dicts (kind, file, line, id, reason). kind is one of
        skip, warn (listing warning), fwarn (file warning), error; unparsable lines
        get kind None. `files` are the paths as given on the command line."""
        out = []
        for raw in self.err.splitlines():
            if not raw.strip():
                continue
            d = parse_diag(raw, files)
            out.append(d)
        return out

    def __repr__(self):
        return "indexer %s -> rc=%s\nstdout:\n%s\nstderr:\n%s" % (
            " ".join(self.args), self.rc, self.out[-2000:], self.err[-4000:])


def parse_diag(raw, files):
    d = {"kind": None, "file": None, "line": None, "id": None, "reason": None, "raw": raw}
    for f in sorted(files, key=len, reverse=True):
        if raw.startswith(f + ":"):
            rest = raw[len(f) + 1:]
            d["file"] = f
            break
    else:
        return d
    m = re.match(r"^ error: (.*)$", rest)
    if m:
        d.update(kind="error", reason=m.group(1))
        return d
    m = re.match(r"^(\d+): (.*)$", rest)
    if not m:
        return d
    d["line"] = int(m.group(1))
    rest = m.group(2)
    m = re.match(r"^error: (.*)$", rest)
    if m:
        d.update(kind="error", reason=m.group(1))
        return d
    m = re.match(r"^warning: (.*)$", rest)
    if m:
        d.update(kind="fwarn", reason=m.group(1))
        return d
    m = re.match(r"^id=(.*?): warning: (.*)$", rest)
    if m:
        d.update(kind="warn", id=m.group(1), reason=m.group(2))
        return d
    m = re.match(r"^id=(.*?): (.*)$", rest)
    if m:
        d.update(kind="skip", id=m.group(1), reason=m.group(2))
    return d


def run_indexer(*args, timeout=120):
    """Runs the indexer from the repository root; returns an IndexerResult.
    Fails the test on a sanitizer report or a timeout."""
    need_binaries()
    args = [str(a) for a in args]
    t0 = time.monotonic()
    try:
        p = subprocess.run([INDEXER] + args, cwd=REPO, env=ENV, capture_output=True,
                           timeout=timeout)
    except subprocess.TimeoutExpired:
        pytest.fail("indexer %s did not finish within %d s" % (" ".join(args), timeout))
    res = IndexerResult(args, p.returncode, p.stdout.decode("utf-8", "replace"),
                        p.stderr.decode("utf-8", "replace"), time.monotonic() - t0)
    bad = sanitizer_report(res.err)
    assert not bad, "sanitizer report from the indexer (%s):\n%r" % (bad, res)
    return res


def snapshot(path):
    """What a reader of PATH sees: (symlink target, sha256 of the target), or None."""
    if not os.path.lexists(path):
        return None
    target = os.readlink(path) if os.path.islink(path) else None
    with open(path, "rb") as f:
        digest = hashlib.sha256(f.read()).hexdigest()
    return (target, digest)


def gen_files(path):
    d = os.path.dirname(os.path.abspath(path))
    base = os.path.basename(path)
    own = re.compile(re.escape(base) + r"\.[0-9]+-[0-9]+\.gen\Z")
    return sorted(f for f in os.listdir(d) if own.match(f))


# ---------------------------------------------------------------- HTTP

class Resp:
    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers          # lower-case name -> value
        self.body = body

    @property
    def ctype(self):
        return self.headers.get("content-type", "")

    def json(self):
        def no_const(c):
            raise ValueError("non-JSON constant " + c)
        return json.loads(self.body.decode("utf-8"), parse_constant=no_const)

    def __repr__(self):
        return "HTTP %s %s %r" % (self.status, self.ctype, self.body[:600])


def qs(params):
    """Query string from a dict (list values repeat) or a list of pairs; spaces as %20."""
    items = []
    if isinstance(params, dict):
        for k, v in params.items():
            for x in (v if isinstance(v, (list, tuple)) else [v]):
                items.append((k, x))
    else:
        items = list(params)
    return urllib.parse.urlencode(items, quote_via=urllib.parse.quote)


class Searchd:
    """A real searchd on a free port. Always stop() it (or use as a context manager)."""

    def __init__(self, index, logdir, name="searchd"):
        self.index = index
        self.logpath = os.path.join(logdir, name + ".log")
        self.proc = None
        self.port = None

    def start(self):
        need_binaries()
        last = ""
        for _attempt in range(6):
            port = free_port()
            logf = open(self.logpath, "ab")
            self.proc = subprocess.Popen(
                [SEARCHD, "--index", self.index, "--port", str(port)], cwd=REPO, env=ENV,
                stdout=logf, stderr=logf, stdin=subprocess.DEVNULL)
            logf.close()
            self.port = port
            deadline = time.monotonic() + 10
            while time.monotonic() < deadline:
                if self.proc.poll() is not None:
                    break
                try:
                    r = self.request("GET", "/v1", timeout=2)
                    if r.status == 200:
                        return self
                except OSError:
                    pass
                time.sleep(0.05)
            last = self.log()
            if self.proc.poll() is None:
                self.stop()
                pytest.fail("searchd did not answer GET /v1 with 200 within 10 s; log:\n" + last[-3000:])
            if "in use" not in last.lower() and "eaddrinuse" not in last.lower() \
                    and "bind" not in last.lower():
                break
        pytest.fail("searchd exited (rc=%s) before answering; log:\n%s"
                    % (self.proc.returncode, last[-3000:]))

    def stop(self):
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(5)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(5)

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()
        bad = sanitizer_report(self.log())
        if bad and exc[0] is None:
            pytest.fail("sanitizer report in searchd log: %s\n%s" % (bad, self.log()[-4000:]))

    def log(self):
        try:
            with open(self.logpath, "rb") as f:
                return f.read().decode("utf-8", "replace")
        except FileNotFoundError:
            return ""

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def check_health(self):
        bad = sanitizer_report(self.log())
        assert not bad, "sanitizer report in searchd log: %s\n%s" % (bad, self.log()[-4000:])
        assert self.alive(), "searchd died (rc=%s); log:\n%s" % (self.proc.returncode, self.log()[-3000:])

    # -- requests
    def request(self, method, path, body=None, headers=None, timeout=15):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            conn.request(method, path, body=body, headers=headers or {})
            r = conn.getresponse()
            data = r.read()
            hdrs = {k.lower(): v for k, v in r.getheaders()}
            return Resp(r.status, hdrs, data)
        finally:
            conn.close()

    def get(self, path, params=None, **kw):
        if params is not None:
            q = qs(params)
            if q:
                path = path + "?" + q
        return self.request("GET", path, **kw)

    def raw(self, data, timeout=10):
        """Sends raw bytes; returns the raw answer (bytes) until the server closes
        or `timeout` passes."""
        s = socket.create_connection(("127.0.0.1", self.port), timeout=timeout)
        chunks = []
        try:
            try:
                s.sendall(data)
            except OSError:
                pass
            try:
                s.shutdown(socket.SHUT_WR)
            except OSError:
                pass
            while True:
                try:
                    c = s.recv(65536)
                except (socket.timeout, ConnectionResetError):
                    break
                if not c:
                    break
                chunks.append(c)
        finally:
            s.close()
        return b"".join(chunks)

    def search(self, params):
        """GET /v1/aanbod; asserts 200 + JSON; returns the decoded body."""
        r = self.get("/v1/aanbod", params)
        assert r.status == 200, "GET /v1/aanbod?%s -> %r" % (qs(params), r)
        return r.json()

    def search_all(self, params):
        """All result ids over all pages (perPagina=100), in order; returns (ids, first page)."""
        p = dict(params) if isinstance(params, dict) else params
        first = None
        ids = []
        page = 1
        while True:
            q = dict(p)
            q["perPagina"] = 100
            q["pagina"] = page
            body = self.search(q)
            if first is None:
                first = body
            assert body["totaal"] == first["totaal"], "totaal changes between pages"
            got = [r["id"] for r in body["resultaten"]]
            ids.extend(got)
            if len(got) < 100 or len(ids) >= body["totaal"]:
                break
            page += 1
            assert page < 50
        return ids, first

    def wait_for(self, pred, timeout=5.0, what="condition"):
        deadline = time.monotonic() + timeout
        last = None
        while time.monotonic() < deadline:
            last = pred()
            if last:
                return last
            time.sleep(0.1)
        pytest.fail("searchd: %s not reached within %.0f s (last: %r)" % (what, timeout, last))


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def totaal(sd, params=None):
    return sd.search(params or {})["totaal"]


# ---------------------------------------------------------------- fixtures

@pytest.fixture(scope="session")
def full_model():
    """The reference model of `make run`'s index: handmade + corpus."""
    return refmodel.Run([os.path.join(REPO, p) for p in HANDMADE + CORPUS],
                        display={os.path.join(REPO, p): p for p in HANDMADE + CORPUS})


@pytest.fixture(scope="session")
def full_index(tmp_path_factory):
    d = tmp_path_factory.mktemp("full")
    path = str(d / "index.db")
    res = run_indexer("--index", path, *(HANDMADE + CORPUS))
    if res.rc not in (0, 1) or not os.path.exists(path):
        pytest.fail("indexing handmade + corpus failed: %r" % res)
    return path


@pytest.fixture(scope="session")
def _searchd_session(full_index, tmp_path_factory):
    d = tmp_path_factory.mktemp("searchd")
    sd = Searchd(full_index, str(d))
    sd.start()
    yield sd
    sd.stop()
    bad = sanitizer_report(sd.log())
    if bad:
        pytest.fail("sanitizer report in the shared searchd's log at exit: %s\n%s"
                    % (bad, sd.log()[-4000:]))


@pytest.fixture
def sd(_searchd_session):
    """The shared searchd serving handmade + corpus; after each test it must still
    run and its log must hold no sanitizer report."""
    _searchd_session.check_health()
    yield _searchd_session
    _searchd_session.check_health()


@pytest.fixture(scope="module")
def moddir(tmp_path_factory, request):
    return tmp_path_factory.mktemp(request.module.__name__.replace("test_", ""))


def index_listings(tmp_path, listings):
    """Indexes a small XML export made of listings, (id, inner XML) pairs that get
    soort informeel and gemeente GM0307 when they name none; returns the index path."""
    body = ""
    for lid, inner in listings:
        if "<soort>" not in inner:
            inner += "<soort>informeel</soort>"
        if "<gemeente>" not in inner:
            inner += "<gemeente>GM0307</gemeente>"
        body += '<aanbod id="%s">%s</aanbod>\n' % (lid, inner)
    xml = tmp_path / "export.xml"
    xml.write_text('<?xml version="1.0" encoding="UTF-8"?>\n<sociale-kaart>\n%s'
                   '</sociale-kaart>\n' % body, encoding="utf-8")
    idx = str(tmp_path / "idx.db")
    res = run_indexer("--index", idx, str(xml))
    assert res.rc == 0, res
    return idx


@contextlib.contextmanager
def running_searchd(index, logdir, name="searchd"):
    s = Searchd(index, str(logdir), name)
    with s:
        yield s
        s.check_health()
