"""Atomic switch: a running searchd serves a newly published index within ~1 s
(tests allow 5 s), keeps serving the old one when a run is rejected, and no
request fails while the indexer replaces the index."""
import http.client
import json
import os
import threading
import time

from conftest import CORPUS, HANDMADE, run_indexer, running_searchd, snapshot

ACTIVE_CORPUS = 187
ACTIVE_HANDMADE = 27


class Client(threading.Thread):
    """Queries in a loop; records every totaal seen and every failure."""

    def __init__(self, port):
        super().__init__(daemon=True)
        self.port = port
        self.stop = threading.Event()
        self.seen = set()
        self.failures = []
        self.count = 0

    def run(self):
        paths = ["/v1/aanbod?perPagina=1", "/v1/aanbod?thema=ontmoeting&perPagina=3",
                 "/v1/aanbod?q=koffie&perPagina=5"]
        i = 0
        while not self.stop.is_set():
            path = paths[i % len(paths)]
            i += 1
            try:
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
                conn.request("GET", path)
                r = conn.getresponse()
                body = r.read()
                conn.close()
                if r.status != 200:
                    self.failures.append((path, r.status, body[:200]))
                    continue
                doc = json.loads(body)
                if path.endswith("perPagina=1"):
                    self.seen.add(doc["totaal"])
                self.count += 1
            except Exception as e:  # noqa: BLE001
                self.failures.append((path, repr(e)))
            time.sleep(0.005)


def test_switch_under_load(moddir):
    idx = str(moddir / "live.db")
    res = run_indexer("--index", idx, *CORPUS)
    assert res.rc == 0, res
    with running_searchd(idx, moddir, "switch") as s:
        assert s.search({})["totaal"] == ACTIVE_CORPUS
        client = Client(s.port)
        client.start()
        try:
            time.sleep(0.5)
            # A -> B
            res = run_indexer("--index", idx, *HANDMADE)
            assert res.rc == 0, res
            s.wait_for(lambda: s.search({})["totaal"] == ACTIVE_HANDMADE, 5, "index B served")
            assert s.get("/v1/aanbod/dev-amf-001").status == 404, "old listings still served (merge?)"
            assert s.get("/v1/aanbod/hm-amf-001").status == 200
            # B -> A
            res = run_indexer("--index", idx, *CORPUS)
            assert res.rc == 0, res
            s.wait_for(lambda: s.search({})["totaal"] == ACTIVE_CORPUS, 5, "index A served again")
            assert s.get("/v1/aanbod/hm-amf-001").status == 404
            # a rejected run: nothing changes
            before = snapshot(idx)
            res = run_indexer("--index", idx, *(HANDMADE + ["fixtures/bad/reject-truncated.xml"]))
            assert res.rc == 2, res
            assert snapshot(idx) == before
            time.sleep(1.5)
            assert s.search({})["totaal"] == ACTIVE_CORPUS
            assert s.get("/v1/aanbod/dev-amf-001").status == 200
            # a run with skips still publishes (exit 1)
            res = run_indexer("--index", idx, HANDMADE[0], "fixtures/bad/skip-kosten.xml")
            assert res.rc == 1, res
            s.wait_for(lambda: s.get("/v1/aanbod/bad-kosten-ok").status == 200, 5,
                       "index with skips served")
            # a few quick switches in a row
            for files in (CORPUS, HANDMADE, CORPUS):
                assert run_indexer("--index", idx, *files).rc == 0
            s.wait_for(lambda: s.search({})["totaal"] == ACTIVE_CORPUS, 5, "last index served")
            time.sleep(0.3)
        finally:
            client.stop.set()
            client.join(15)
        assert client.failures == [], client.failures[:10]
        assert client.count > 20, "the client loop hardly ran (%d requests)" % client.count
        # hm1-eemland.xml has 8 active listings, skip-kosten.xml adds 1: 9
        assert client.seen <= {ACTIVE_CORPUS, ACTIVE_HANDMADE, 9}, client.seen
        assert ACTIVE_CORPUS in client.seen


def test_searchd_starts_on_published_path_and_old_generations_are_usable(moddir):
    """searchd opened on a path that is republished many times keeps answering."""
    idx = str(moddir / "many.db")
    assert run_indexer("--index", idx, HANDMADE[1]).rc == 0
    with running_searchd(idx, moddir, "many") as s:
        for f in (HANDMADE[0], HANDMADE[1], HANDMADE[0], HANDMADE[1], HANDMADE[0]):
            assert run_indexer("--index", idx, f).rc == 0
        s.wait_for(lambda: s.get("/v1/aanbod/hm-amf-001").status == 200, 5, "last publish")
        assert s.get("/v1/aanbod/hm-utr-001").status == 404
    gens = [f for f in os.listdir(moddir) if f.startswith("many.db.") and f.endswith(".gen")]
    assert gens
