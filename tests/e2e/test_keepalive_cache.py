"""Connections are kept alive between requests, and the answer cache never
serves an answer of another index or another request."""
import http.client
import json

from conftest import CORPUS, HANDMADE, run_indexer, running_searchd, qs


def test_one_connection_serves_many_requests(sd):
    conn = http.client.HTTPConnection("127.0.0.1", sd.port, timeout=10)
    try:
        paths = ["/v1", "/v1/aanbod?q=koffie", "/v1/suggesties?q=wand",
                 "/v1/aanbod/bestaat-niet", "/v1/aanbod?q=koffie",
                 "/v1/aanbod?pagina=0", "/"]
        statuses = []
        for p in paths:
            conn.request("GET", p)
            r = conn.getresponse()
            r.read()
            statuses.append(r.status)
            assert (r.getheader("Connection") or "").lower() != "close", p
        assert statuses == [200, 200, 200, 404, 200, 400, 200]
        # the same socket the whole time
        assert conn.sock is not None
    finally:
        conn.close()


def test_a_request_with_a_body_is_refused_and_closed(sd):
    conn = http.client.HTTPConnection("127.0.0.1", sd.port, timeout=10)
    try:
        conn.request("GET", "/v1/aanbod?q=koffie", body=b"x" * 100)
        r = conn.getresponse()
        assert r.status == 400
        assert r.getheader("Content-Type").startswith("application/problem+json")
    finally:
        conn.close()


def test_repeated_answers_are_equal(sd):
    a = sd.get("/v1/aanbod", {"q": "koffie ochtend", "perPagina": 5})
    b = sd.get("/v1/aanbod", {"q": "koffie ochtend", "perPagina": 5})
    assert a.status == b.status == 200
    assert a.body == b.body
    # another target is another answer, even when it looks alike
    c = sd.get("/v1/aanbod", {"q": "koffie ochtend", "perPagina": 4})
    assert len(c.json()["resultaten"]) == 4
    s1 = sd.get("/v1/suggesties", {"q": "wand"})
    s2 = sd.get("/v1/suggesties", {"q": "wand"})
    assert s1.body == s2.body


def test_cache_never_outlives_its_index(moddir):
    idx = str(moddir / "cache.db")
    res = run_indexer("--index", idx, *CORPUS)
    assert res.rc == 0, res
    with running_searchd(idx, moddir, "cache") as s:
        path = "/v1/aanbod?" + qs({"q": "koffie", "perPagina": 1})
        before = json.loads(s.get(path).body)["totaal"]
        assert json.loads(s.get(path).body)["totaal"] == before   # cached now
        res = run_indexer("--index", idx, *HANDMADE)
        assert res.rc in (0, 1), res
        s.wait_for(lambda: json.loads(s.get(path).body)["totaal"] != before,
                   what="an answer from the new index")
        after = json.loads(s.get(path).body)["totaal"]
        # what the new index alone says, without the cache
        with running_searchd(idx, moddir, "cache-off") as fresh:
            assert json.loads(fresh.get(path).body)["totaal"] == after
