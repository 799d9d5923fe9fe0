"""The HTTP contract of searchd: routes, headers, errors, methods, limits, hostile input."""
import http.client
import json
import re
import threading
import urllib.parse

import pytest

V1_PATHS = ["/v1", "/v1/aanbod", "/v1/aanbod/hm-amf-001", "/v1/openapi.json"]


def raw_status(answer):
    line = answer.split(b"\r\n", 1)[0]
    parts = line.split()
    assert len(parts) >= 2 and parts[0].startswith(b"HTTP/"), answer[:200]
    return int(parts[1])


def check_v1_headers(r, where):
    assert r.headers.get("api-version"), "%s: no API-Version header: %r" % (where, r.headers)
    assert r.headers.get("access-control-allow-origin") == "*", \
        "%s: Access-Control-Allow-Origin: %r" % (where, r.headers.get("access-control-allow-origin"))


def check_problem(r, status, param=None, where=""):
    assert r.status == status, "%s: %r" % (where, r)
    assert r.ctype.split(";")[0].strip() == "application/problem+json", "%s: %r" % (where, r)
    body = r.json()
    assert body.get("status") == status, "%s: %r" % (where, body)
    assert isinstance(body.get("title"), str) and body["title"], "%s: %r" % (where, body)
    assert isinstance(body.get("detail"), str), "%s: %r" % (where, body)
    if param is not None:
        ip = body.get("invalidParams")
        assert isinstance(ip, list) and ip, "%s: no invalidParams: %r" % (where, body)
        for p in ip:
            assert isinstance(p, dict) and isinstance(p.get("name"), str) \
                and isinstance(p.get("reason"), str), "%s: %r" % (where, ip)
        assert param in [p["name"] for p in ip], "%s: invalidParams does not name %s: %r" % (
            where, param, ip)
    return body


# ---------------------------------------------------------------- routes

def test_landing(sd):
    r = sd.get("/v1")
    assert r.status == 200, r
    assert r.ctype.startswith("application/json"), r
    body = r.json()
    text = json.dumps(body)
    assert "/v1/aanbod" in text and "/v1/openapi.json" in text, body


def test_html_page(sd):
    r = sd.get("/")
    assert r.status == 200, r
    assert r.ctype.replace(" ", "").lower() == "text/html;charset=utf-8", r.ctype
    assert b"<html" in r.body.lower()
    r.body.decode("utf-8")


def test_openapi(sd):
    r = sd.get("/v1/openapi.json")
    assert r.status == 200, r
    assert r.ctype.startswith("application/json") or r.ctype.startswith("application/vnd.oai"), r
    doc = r.json()
    assert str(doc.get("openapi", "")).startswith("3."), doc.get("openapi")
    version = r.headers.get("api-version", "")
    assert re.fullmatch(r"\d+\.\d+\.\d+", version), "API-Version %r is no full version" % version
    assert doc.get("info", {}).get("version") == version, (doc.get("info"), version)
    paths = doc.get("paths", {})
    assert any(p.endswith("/aanbod") for p in paths), list(paths)
    assert any(p.endswith("/aanbod/{id}") for p in paths), list(paths)


@pytest.mark.parametrize("path", V1_PATHS + ["/v1/aanbod?thema=onzin", "/v1/aanbod/bestaat-niet",
                                             "/v1/onbekend"])
def test_v1_headers_everywhere(sd, path):
    r = sd.get(path)
    check_v1_headers(r, path)
    r = sd.request("POST", path, body=b"x=1")
    check_v1_headers(r, "POST " + path)


def test_json_content_types(sd):
    for p in ("/v1", "/v1/aanbod", "/v1/aanbod/hm-amf-001"):
        r = sd.get(p)
        assert r.ctype.split(";")[0].strip() == "application/json", (p, r.ctype)
        r.json()


@pytest.mark.parametrize("path", ["/v1/onbekend", "/v2/aanbod", "/v1/aanbodx", "/onbekend",
                                  "/v1/aanbod/hm-amf-001/extra", "/v1/openapi.yaml",
                                  "/v1/aanbod/"])
def test_unknown_path_404(sd, path):
    r = sd.get(path)
    assert r.status == 404, (path, r)
    if path.startswith("/v1"):
        check_problem(r, 404, where=path)


# ---------------------------------------------------------------- methods

@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE", "PATCH", "OPTIONS"])
@pytest.mark.parametrize("path", ["/v1/aanbod", "/v1/aanbod/hm-amf-001", "/v1",
                                  "/v1/aanbod?thema=onzin&perPagina=0", "/v1/onbekend"])
def test_other_methods_405(sd, method, path):
    r = sd.request(method, path, body=b'{"naam": "x"}',
                   headers={"Content-Type": "application/json"})
    assert r.status == 405, (method, path, r)
    check_problem(r, 405, where=method + " " + path)
    r = sd.request(method, path)
    assert r.status == 405, (method, path, r)


def test_head_is_get_without_body(sd):
    for path, status in (("/v1/aanbod", 200), ("/v1/aanbod?thema=geld", 200),
                         ("/v1/aanbod/hm-amf-001", 200), ("/v1", 200),
                         ("/v1/aanbod/bestaat-niet", 404), ("/v1/aanbod?thema=onzin", 400)):
        g = sd.get(path)
        h = sd.request("HEAD", path)
        assert h.status == g.status == status, (path, h, g)
        assert h.body == b"", (path, h.body[:100])
        assert h.ctype == g.ctype, path
        if "content-length" in h.headers:
            assert int(h.headers["content-length"]) == len(g.body), path
        check_v1_headers(h, "HEAD " + path)


# ---------------------------------------------------------------- 400s

BAD_PARAMS = [
    ("onbekend=1", "onbekend"),
    ("Thema=ontmoeting", "Thema"),
    ("per_pagina=10", "per_pagina"),
    ("thema=onzin", "thema"),
    ("thema=ontmoeting&thema=onzin", "thema"),
    ("doelgroep=katten", "doelgroep"),
    ("gemeente=GM9999", "gemeente"),
    ("gemeente=Amsterdam", "gemeente"),
    ("wijk=WK99", "wijk"),
    ("wijk=XX034403", "wijk"),
    ("wijk=WK034403999", "wijk"),
    ("wijk=WK999901", "wijk"),
    ("wijk=Overvecht", "wijk"),
    ("soort=vrijwillig", "soort"),
    ("kosten=duur", "kosten"),
    ("toegang=open", "toegang"),
    ("toegankelijkheid=lift", "toegankelijkheid"),
    ("taal=123", "taal"),
    ("welzijnOpRecept=nee", "welzijnOpRecept"),
    ("welzijnOpRecept=true", "welzijnOpRecept"),
    ("pagina=0", "pagina"),
    ("pagina=-1", "pagina"),
    ("pagina=abc", "pagina"),
    ("pagina=1.5", "pagina"),
    ("perPagina=0", "perPagina"),
    ("perPagina=101", "perPagina"),
    ("perPagina=tien", "perPagina"),
    ("perPagina=-5", "perPagina"),
    ("q=%C3%28", "q"),
    ("q=%FF%FE", "q"),
    ("thema=%FF", "thema"),
    ("q=" + "+".join(["woord"] * 17), "q"),
    ("q=" + "a" * 501, "q"),
]


@pytest.mark.parametrize("query,param", BAD_PARAMS, ids=[q[:40] for q, _ in BAD_PARAMS])
def test_bad_parameter_400(sd, query, param):
    r = sd.request("GET", "/v1/aanbod?" + query)
    check_problem(r, 400, param, where=query)
    check_v1_headers(r, query)


# ---------------------------------------------------------------- q limits and encoding

def test_q_limits(sd):
    sixteen = " ".join("woord%02d" % i for i in range(16))
    assert sd.get("/v1/aanbod", {"q": sixteen}).status == 200
    assert sd.get("/v1/aanbod", {"q": "a" * 500}).status == 200
    assert sd.get("/v1/aanbod", {"q": "é" * 250}).status == 200          # 500 bytes
    long16 = " ".join(["x" * 30] * 16)                                      # 16 words, 495 bytes
    assert len(long16) == 495
    assert sd.get("/v1/aanbod", {"q": long16}).status == 200
    for q in ("é" * 251, " ".join(["woord"] * 17), "a" * 10000, long16 + " yyyyy"):
        r = sd.get("/v1/aanbod", {"q": q})
        check_problem(r, 400, "q", where="q of %d bytes" % len(q.encode()))


def test_plus_and_percent20_are_spaces(sd):
    a = sd.request("GET", "/v1/aanbod?q=koffie+drinken&perPagina=100")
    b = sd.request("GET", "/v1/aanbod?q=koffie%20drinken&perPagina=100")
    assert a.status == b.status == 200
    assert [x["id"] for x in a.json()["resultaten"]] == [x["id"] for x in b.json()["resultaten"]]
    a = sd.request("GET", "/v1/aanbod?gemeente=De+Ronde+Venen&perPagina=100")
    b = sd.request("GET", "/v1/aanbod?gemeente=De%20Ronde%20Venen&perPagina=100")
    c = sd.request("GET", "/v1/aanbod?gemeente=GM0736&perPagina=100")
    assert a.status == b.status == c.status == 200, (a, b)
    assert a.json()["resultaten"] == b.json()["resultaten"] == c.json()["resultaten"]
    assert a.json()["totaal"] > 0


def test_percent_encoded_utf8_q(sd):
    r = sd.request("GET", "/v1/aanbod?q=" + urllib.parse.quote("gebarentaalcafé"))
    assert r.status == 200
    assert "hm-soe-001" in [x["id"] for x in r.json()["resultaten"]]


HOSTILE_Q = ['"', '""', '"koffie', 'koffie"', "*", "a*", "koffie*", "NEAR(a b)", "NEAR(koffie",
             "AND", "OR", "NOT", "koffie AND", "OR koffie", "NOT koffie", "-", "-koffie",
             "koffie-ochtend", "e-mail", ":", "naam:koffie", "{naam}:x", "{naam omschrijving}:koffie",
             "^", "^koffie", "(", ")", "(koffie", "koffie)", "((((((((((", "it's", "'--",
             "' OR 1=1 --", "\"; DROP TABLE aanbod; --", "\\", "%", "_", "!!!", "...", "?!,.;:",
             "😀", "koffie\u00a0thee", "koffie\tthee", "\u2028", "a" * 300,
             "x" * 10000, "* * * *", "+", "&", "=", "#", "<script>alert(1)</script>"]
HOSTILE_RAW = ["%00", "koffie%00thee", "%C3%28", "%E2%80%A8", "%C0%AF", "%ED%A0%80", "%F4%90%80%80",
               "%01%02%03", "%7F", "%", "%G1", "%2", "a%", "%25", "koffie%3Bthee", "%0D%0A"]


def test_hostile_q(sd):
    for q in HOSTILE_Q:
        r = sd.get("/v1/aanbod", {"q": q})
        assert r.status in (200, 400), "q=%r -> %r" % (q[:50], r)
        if r.status == 200:
            body = r.json()
            assert isinstance(body["resultaten"], list)
        else:
            check_problem(r, 400, where="q=%r" % q[:50])
        assert sd.alive(), "searchd died on q=%r" % q[:50]
    for raw in HOSTILE_RAW:
        r = sd.request("GET", "/v1/aanbod?q=" + raw)
        assert r.status in (200, 400), "q=%s -> %r" % (raw, r)
        if r.status == 200:
            r.json()
        assert sd.alive(), "searchd died on q=%s" % raw
    # invalid UTF-8 and NUL after decoding are 400 (not 200)
    for raw in ("%C3%28", "%FF", "%C0%AF", "%ED%A0%80"):
        r = sd.request("GET", "/v1/aanbod?q=" + raw)
        check_problem(r, 400, "q", where="q=" + raw)
    assert sd.get("/v1/aanbod", {"q": "koffie"}).status == 200


def test_invalid_utf8_parameter_name(sd):
    r = sd.request("GET", "/v1/aanbod?%FF=1")
    check_problem(r, 400, where="%FF=1")


def test_no_results_gives_empty_facets(sd):
    body = sd.search({"q": "zzqqxxwwvv"})
    assert body["totaal"] == 0 and body["resultaten"] == []
    assert body["facetten"] == {"thema": {}, "doelgroep": {}, "wijk": {}, "gemeente": {}, "soort": {}}


def test_hostile_other_parameters(sd):
    for query in ("pagina=99999999999999999999999", "perPagina=1e2", "pagina=%00",
                  "thema=%00", "gemeente=' OR 1=1 --", "wijk=WK0344%00", "taal=" + "a" * 5000,
                  "q=koffie&q=thee", "pagina=1&pagina=2", "&&&", "=", "=koffie", "q",
                  "thema", "x=" + "%" * 10):
        r = sd.request("GET", "/v1/aanbod?" + query.replace(" ", "%20"))
        assert r.status in (200, 400), (query, r)
        if r.status == 400:
            check_problem(r, 400, where=query)
        assert sd.alive()


def test_request_line_limits(sd):
    # ~14 KiB request line of repeated (valid) parameters is read and answered
    part = "&thema=ontmoeting"
    path = "/v1/aanbod?perPagina=1" + part * (14000 // len(part))
    assert len(path) > 13900
    try:
        r = sd.request("GET", path)
    except OSError as e:
        pytest.fail("GET with a %d-byte request line: %r; searchd log tail:\n%s"
                    % (len(path), e, sd.log()[-1500:]))
    assert r.status == 200, r
    # > 16 KiB: 414
    path = "/v1/aanbod?perPagina=1" + part * (17 * 1024 // len(part) + 10)
    ans = sd.raw(("GET %s HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n" % path).encode())
    assert raw_status(ans) == 414, ans[:300]
    # the limit is on the whole request line: "GET " + target + " HTTP/1.1"
    for target_len, status in ((16384 - 13, 200), (16384 - 12, 414)):   # 13 = "GET  HTTP/1.1"
        head = "/v1/aanbod?soort=" + "&soort=" * 2000 + "&perPagina="
        path = head + "0" * (target_len - len(head) - 1) + "1"    # 000…01 is 1
        assert len(path) == target_len
        ans = sd.raw(("GET %s HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
                      % path).encode())
        assert raw_status(ans) == status, (target_len, ans[:300])
    # huge headers: 431
    hdrs = "".join("X-Opvulling-%03d: %s\r\n" % (i, "h" * 200) for i in range(200))
    ans = sd.raw(("GET /v1/aanbod HTTP/1.1\r\nHost: localhost\r\n%sConnection: close\r\n\r\n"
                  % hdrs).encode())
    assert raw_status(ans) == 431, ans[:300]
    assert sd.get("/v1/aanbod").status == 200


def test_malformed_requests_do_not_kill_searchd(sd):
    for data in (b"GARBAGE\r\n\r\n", b"GET /v1/aanbod HTTP/1.1\n\n", b"GET /v1/aanbod HTTP/2.0\r\n\r\n",
                 b"GET /v1/aanbod\x00x HTTP/1.1\r\nHost: x\r\n\r\n",
                 b"GET /v1/aanbod HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nContent-Length: 7\r\n\r\nabcde",
                 b"GET /v1/aanbod HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
                 b"\r\n\r\n\r\n", b"GET " + b"/" * 20000 + b" HTTP/1.1\r\n\r\n"):
        ans = sd.raw(data, timeout=5)
        if ans:
            assert raw_status(ans) < 500 or raw_status(ans) == 505, ans[:200]
        assert sd.alive()
    assert sd.get("/v1/aanbod").status == 200


def test_sixteen_concurrent_connections(sd):
    n = 16
    barrier = threading.Barrier(n)
    results = [None] * n

    def worker(i):
        try:
            conn = http.client.HTTPConnection("127.0.0.1", sd.port, timeout=20)
            conn.connect()
            barrier.wait(10)
            for _ in range(3):
                conn.request("GET", "/v1/aanbod?thema=ontmoeting&perPagina=5")
                r = conn.getresponse()
                r.read()
                if r.status != 200:
                    results[i] = r.status
                    return
            results[i] = 200
            conn.close()
        except Exception as e:  # noqa: BLE001
            results[i] = repr(e)

    ts = [threading.Thread(target=worker, args=(i,)) for i in range(n)]
    for t in ts:
        t.start()
    for t in ts:
        t.join(60)
    assert results == [200] * n, results


def test_strict_json_everywhere(sd):
    for path in ("/v1", "/v1/aanbod?perPagina=100", "/v1/aanbod/hm-utr-001",
                 "/v1/aanbod/hm-woe-001", "/v1/openapi.json", "/v1/aanbod?thema=onzin"):
        r = sd.get(path)
        r.json()
        r.body.decode("utf-8")
