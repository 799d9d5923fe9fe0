"""bin/searchd command line: --index PATH --port N [--bind ADDR] (default 127.0.0.1)."""
import socket
import subprocess
import time

import pytest

from conftest import ENV, REPO, SEARCHD, free_port, need_binaries, run_indexer, sanitizer_report


def http_get(host, port, path="/v1", timeout=3):
    s = socket.create_connection((host, port), timeout=timeout)
    try:
        s.sendall(("GET %s HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n" % path).encode())
        data = b""
        while True:
            c = s.recv(65536)
            if not c:
                break
            data += c
        return data
    finally:
        s.close()


def start(args, logpath):
    need_binaries()
    logf = open(logpath, "ab")
    p = subprocess.Popen([SEARCHD] + args, cwd=REPO, env=ENV, stdout=logf, stderr=logf,
                         stdin=subprocess.DEVNULL)
    logf.close()
    return p


def stop(p):
    if p.poll() is None:
        p.terminate()
        try:
            p.wait(5)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait(5)


def wait_up(host, port, p, secs=10):
    deadline = time.monotonic() + secs
    while time.monotonic() < deadline:
        if p.poll() is not None:
            return False
        try:
            if http_get(host, port).startswith(b"HTTP/1.1 200"):
                return True
        except OSError:
            pass
        time.sleep(0.05)
    return False


@pytest.fixture(scope="module")
def small_index(moddir):
    idx = str(moddir / "small.db")
    assert run_indexer("--index", idx, "fixtures/handmade/hm2-utrecht.xml").rc == 0
    return idx


def test_bind_address(small_index, moddir):
    port = free_port()
    log = str(moddir / "bind.log")
    p = start(["--index", small_index, "--port", str(port), "--bind", "127.0.0.2"], log)
    try:
        assert wait_up("127.0.0.2", port, p), open(log).read()[-2000:]
        with pytest.raises(OSError):
            http_get("127.0.0.1", port)
    finally:
        stop(p)
    assert not sanitizer_report(open(log).read())


def test_default_bind_is_loopback(small_index, moddir):
    port = free_port()
    log = str(moddir / "default.log")
    p = start(["--index", small_index, "--port", str(port)], log)
    try:
        assert wait_up("127.0.0.1", port, p), open(log).read()[-2000:]
        out = subprocess.run(["ss", "-ltnH", "sport = :%d" % port], capture_output=True, text=True)
        if out.returncode == 0 and out.stdout.strip():
            assert "127.0.0.1:%d" % port in out.stdout, out.stdout
    finally:
        stop(p)


@pytest.mark.parametrize("args", [[], ["--port", "{port}"], ["--index", "{idx}"],
                                  ["--index", "{idx}", "--port", "nul"],
                                  ["--index", "{idx}", "--port", "{port}", "--onzin"],
                                  ["--index", "{idx}", "--port", "{port}", "--cache-mb", "-1"],
                                  ["--index", "{idx}", "--port", "{port}", "--cache-mb", "veel"],
                                  ["--index", "{idx}", "--port", "{port}", "--threads", "65"],
                                  ["--index", "{idx}", "--port", "{port}", "--threads", "-1"],
                                  ["--index", "{idx}", "--port", "{port}", "--bind", "999.1.1.1"],
                                  ["--index", "{idx}", "--port", "{port}", "--bind", "localhost"]])
def test_bad_command_line_exits_64(small_index, moddir, args):
    port = free_port()
    args = [a.format(port=port, idx=small_index) for a in args]
    log = str(moddir / "bad.log")
    p = start(args, log)
    try:
        rc = p.wait(10)
    except subprocess.TimeoutExpired:
        stop(p)
        pytest.fail("searchd %s keeps running" % args)
    assert rc == 64, args


def test_sigterm_stops_cleanly(small_index, moddir):
    port = free_port()
    log = str(moddir / "term.log")
    p = start(["--index", small_index, "--port", str(port)], log)
    assert wait_up("127.0.0.1", port, p)
    p.terminate()
    assert p.wait(10) is not None
    assert not sanitizer_report(open(log).read()), open(log).read()[-3000:]


def test_cache_can_be_turned_off(small_index, moddir):
    """--cache-mb 0 serves the same answers, each one made anew."""
    port = free_port()
    p = start(["--index", small_index, "--port", str(port), "--cache-mb", "0"],
              str(moddir / "nocache.log"))
    try:
        deadline = time.monotonic() + 10
        body = b""
        while time.monotonic() < deadline:
            try:
                body = http_get("127.0.0.1", port, "/v1/aanbod?q=koffie")
                if body.startswith(b"HTTP/1.1 200"):
                    break
            except OSError:
                time.sleep(0.05)
        assert body.startswith(b"HTTP/1.1 200"), body[:200]
        again = http_get("127.0.0.1", port, "/v1/aanbod?q=koffie")
        assert again.split(b"\r\n\r\n", 1)[1] == body.split(b"\r\n\r\n", 1)[1]
    finally:
        stop(p)
    assert not sanitizer_report(open(str(moddir / "nocache.log"), errors="replace").read())


def test_thread_per_connection(small_index, moddir):
    """--threads 0: a thread per connection; concurrent keep-alive clients
    all get the same answers, and it stops cleanly."""
    import concurrent.futures
    import http.client

    port = free_port()
    log = str(moddir / "tpc.log")
    p = start(["--index", small_index, "--port", str(port), "--threads", "0"], log)
    try:
        assert wait_up("127.0.0.1", port, p), open(log).read()[-2000:]

        def client(k):
            c = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            bodies = []
            for q in ("koffie", "wandelen", "koffie"):
                c.request("GET", "/v1/aanbod?q=%s&pagina=1" % q)
                r = c.getresponse()
                bodies.append((r.status, r.read()))
            c.close()
            return bodies

        with concurrent.futures.ThreadPoolExecutor(6) as ex:
            results = list(ex.map(client, range(6)))
        first = results[0]
        assert first[0][0] == 200 and b'"totaal"' in first[0][1]
        assert first[0][1] == first[2][1]
        assert all(r == first for r in results)
    finally:
        p.terminate()
        assert p.wait(10) is not None
    assert not sanitizer_report(open(log, errors="replace").read())
