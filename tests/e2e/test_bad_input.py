"""fixtures/bad: one file per rule of "What the indexer does with bad input".

Skip rules: the bad listing is reported as FILE:LINE: id=ID: reason, the other
listings of the file are imported (found by id through searchd), exit 1.
Reject rules: FILE[:LINE]: error: reason, exit 2, and the live index (symlink
target, file content, searchd's answers) is untouched, also when the bad file
comes among good files.
"""
import os
import time

import pytest

from conftest import (HANDMADE, REPO, refmodel, run_indexer, running_searchd, snapshot)

BAD = "fixtures/bad"
SKIP_FILES = sorted(f for f in os.listdir(os.path.join(REPO, BAD)) if f.startswith("skip-"))

# Hand-written expectations: file -> (imported ids, [(line, id or None)] skipped).
# id None = the listing has no usable id (any id=... text is accepted).
SKIPS = {
    "skip-required.xml": (["bad-req-ok", "bad-req-ok2"],
                          [(8, "bad-req-geen-naam"), (12, "bad-req-lege-soort"),
                           (17, "bad-req-geen-gemeente"), (21, None)]),
    "skip-required.csv": (["bad-reqcsv-ok", "bad-reqcsv-ok2"],
                          [(3, "bad-reqcsv-geen-naam"), (4, None), (5, "bad-reqcsv-geen-soort")]),
    "skip-soort.xml": (["bad-soort-ok"], [(8, "bad-soort-fout")]),
    "skip-status.xml": (["bad-status-ok"], [(9, "bad-status-fout")]),
    "skip-kosten.xml": (["bad-kosten-ok"], [(9, "bad-kosten-fout")]),
    "skip-toegang.xml": (["bad-toegang-ok"], [(9, "bad-toegang-fout")]),
    "skip-toegankelijkheid.xml": (["bad-toegankelijkheid-ok"], [(9, "bad-toegankelijkheid-fout")]),
    "skip-welzijn-op-recept.xml": (["bad-wor-ok"], [(9, "bad-wor-fout")]),
    "skip-gemeente.xml": (["bad-gem-ok"], [(8, "bad-gem-code"), (13, "bad-gem-naam")]),
    "skip-id.xml": (["bad-id-ok.A:1", "bad-id-ok-" + "x" * 54],
                    [(13, None), (18, None), (23, None), (28, None), (33, None)]),
    "skip-date.xml": (["bad-date-ok"],
                      [(9, "bad-date-30feb"), (15, "bad-date-maand13"), (21, "bad-date-nl"),
                       (27, "bad-date-schrikkel"), (33, "bad-date-kort")]),
    "skip-number.xml": (["bad-num-ok"],
                        [(9, "bad-num-leeftijd"), (15, "bad-num-wachttijd"), (21, "bad-num-lat"),
                         (27, "bad-num-max")]),
    "skip-too-long.xml": (["bad-long-naam-200", "bad-long-sam-300", "bad-long-oms-20000",
                           "bad-long-oms-html-ok"],
                          [(9, "bad-long-naam-201"), (21, "bad-long-sam-301"),
                           (33, "bad-long-oms-20001"), (45, "bad-long-oms-html-lang")]),
    "skip-fieldcount.csv": (["bad-fc-ok", "bad-fc-ok2", "bad-fc-ok3"],
                            [(3, "bad-fc-meer"), (7, "bad-fc-minder")]),
}
SKIPPED_IDS = {"bad-req-geen-naam", "bad-req-lege-soort", "bad-req-geen-gemeente",
               "bad-reqcsv-geen-naam", "bad-reqcsv-geen-soort", "bad-soort-fout",
               "bad-status-fout", "bad-kosten-fout", "bad-toegang-fout",
               "bad-toegankelijkheid-fout", "bad-wor-fout", "bad-gem-code", "bad-gem-naam",
               "bad-date-30feb", "bad-date-maand13", "bad-date-nl", "bad-date-schrikkel",
               "bad-date-kort", "bad-num-leeftijd", "bad-num-wachttijd", "bad-num-lat",
               "bad-num-max", "bad-long-naam-201", "bad-long-sam-301", "bad-long-oms-20001",
               "bad-long-oms-html-lang", "bad-fc-meer", "bad-fc-minder"}

# file -> line of the error, or None when any line (or none) is fine
REJECTS = {
    "reject-truncated.xml": None,
    "reject-dtd.xml": None,
    "reject-entity.xml": None,
    "reject-xxe.xml": None,
    "reject-xinclude.xml": None,
    "reject-billion-laughs.xml": None,
    "reject-binary.csv": None,
    "reject-header.csv": None,
    "reject-unclosed-quote.csv": 5,
    "reject-empty.xml": None,
}


def bad(f):
    return BAD + "/" + f


def test_every_bad_file_is_covered():
    on_disk = set(os.listdir(os.path.join(REPO, BAD)))
    assert on_disk == set(SKIPS) | set(REJECTS) | {"dup-1.xml", "dup-2.csv"}


def test_model_agrees_with_hand_expectations():
    """Guards the test data: the reference model finds exactly the hand-written skips."""
    for f, (ok, skipped) in SKIPS.items():
        m = refmodel.Run([os.path.join(REPO, bad(f))])
        assert m.order == ok, f
        assert [(x[2]) for x in m.messages if x[0] == "skip"] == [l for l, _ in skipped], f


# ---------------------------------------------------------------- skip rules

def check_skip_messages(res, f):
    ok, skipped = SKIPS[f]
    path = bad(f)
    diags = res.diags([path])
    for d in diags:
        assert d["kind"] is not None, "stderr line in no diagnostic form: %r\n%r" % (d["raw"], res)
        assert d["kind"] != "error", res
    skips = [d for d in diags if d["kind"] == "skip"]
    got = sorted((d["line"], d["id"]) for d in skips)
    assert [l for l, _ in got] == [l for l, _ in skipped], "skip lines: %r" % res
    for (line, want_id), (gl, gid) in zip(sorted(skipped, key=lambda x: x[0]), got):
        if want_id is not None:
            assert gid == want_id, "line %d: id=%r, want %r\n%r" % (line, gid, want_id, res)
    for d in skips:
        assert d["reason"].strip(), "a skip without a reason: %r" % d["raw"]
    assert res.last_line == "read %d, imported %d, skipped %d, warnings 0" % (
        len(ok) + len(skipped), len(ok), len(skipped)), res


@pytest.mark.parametrize("f", SKIP_FILES)
def test_skip_rule_check_mode(f):
    res = run_indexer("--check", bad(f))
    assert res.rc == 1, res
    check_skip_messages(res, f)


@pytest.fixture(scope="module")
def skip_index(moddir):
    """One index of all skip-* files together (exit 1: some listings skipped)."""
    idx = str(moddir / "skips.db")
    files = [bad(f) for f in SKIP_FILES]
    res = run_indexer("--index", idx, *files)
    assert res.rc == 1, res
    n_ok = sum(len(v[0]) for v in SKIPS.values())
    n_bad = sum(len(v[1]) for v in SKIPS.values())
    assert res.last_line == "read %d, imported %d, skipped %d, warnings 0" % (
        n_ok + n_bad, n_ok, n_bad), res
    for f in SKIP_FILES:
        check_skip_messages_subset(res, f)
    return idx


def check_skip_messages_subset(res, f):
    path = bad(f)
    lines = sorted(d["line"] for d in res.diags([path]) if d["kind"] == "skip" and d["file"] == path)
    assert lines == sorted(l for l, _ in SKIPS[f][1]), "%s: %r" % (f, res)


@pytest.fixture(scope="module")
def skip_sd(skip_index, moddir):
    with running_searchd(skip_index, moddir, "skips") as s:
        yield s


@pytest.mark.parametrize("f", SKIP_FILES)
def test_skip_rule_other_listings_imported(f, skip_sd):
    ok, _ = SKIPS[f]
    for i in ok:
        r = skip_sd.get("/v1/aanbod/" + i)
        assert r.status == 200, "good listing %s of %s not imported: %r" % (i, f, r)
        assert r.json()["id"] == i
    skip_sd.check_health()


def test_skipped_listings_are_not_in_the_index(skip_sd):
    for i in sorted(SKIPPED_IDS):
        r = skip_sd.get("/v1/aanbod/" + i)
        assert r.status == 404, "skipped listing %s is served: %r" % (i, r)
    ids, body = skip_sd.search_all({})
    assert not (set(ids) & SKIPPED_IDS)
    # all imported listings are active except bad-status-ok (gepauzeerd)
    want = {i for ok, _ in SKIPS.values() for i in ok} - {"bad-status-ok"}
    assert set(ids) == want
    assert body["totaal"] == len(want)


def test_length_limits_count_characters_not_bytes(skip_sd):
    r = skip_sd.get("/v1/aanbod/bad-long-naam-200")
    assert r.status == 200, r
    assert r.json()["naam"] == "ë" * 200
    r = skip_sd.get("/v1/aanbod/bad-long-sam-300")
    assert r.status == 200, r
    assert r.json()["samenvatting"] == "é" * 300
    r = skip_sd.get("/v1/aanbod/bad-long-oms-20000")
    assert r.json()["omschrijving"] == "o" * 20000
    oms = skip_sd.get("/v1/aanbod/bad-long-oms-html-ok").json()["omschrijving"]
    assert "<" not in oms and oms.count("h") == 15000


def test_valid_edge_values_of_skip_files(skip_sd):
    d = skip_sd.get("/v1/aanbod/bad-date-ok").json()
    assert (d["bijgewerkt"], d["gecontroleerd"]) == ("2024-02-29", "2026-12-31")
    d = skip_sd.get("/v1/aanbod/bad-num-ok").json()
    assert (d["leeftijdMin"], d["leeftijdMax"], d["wachttijdDagen"]) == (4, 12, 7)
    assert abs(d["lat"] - 52.09) < 1e-9 and abs(d["lon"] - 5.12) < 1e-9
    d = skip_sd.get("/v1/aanbod/bad-fc-ok2").json()
    assert d["omschrijving"] == "regel 1\nregel 2\nregel 3"
    d = skip_sd.get("/v1/aanbod/bad-fc-ok3").json()
    assert d["omschrijving"] == "x, y"
    d = skip_sd.get("/v1/aanbod/bad-req-ok2").json()
    assert d["gemeente"] == "GM0307"
    d = skip_sd.get("/v1/aanbod/bad-status-ok").json()
    assert d["status"] == "gepauzeerd"


def test_skip_run_publishes(tmp_path):
    idx = str(tmp_path / "i.db")
    res = run_indexer("--index", idx, bad("skip-fieldcount.csv"))
    assert res.rc == 1, res
    check_skip_messages(res, "skip-fieldcount.csv")
    assert os.path.islink(idx)


# ---------------------------------------------------------------- duplicates

def test_duplicate_ids_first_occurrence_wins(moddir):
    a, b = bad("dup-1.xml"), bad("dup-2.csv")
    idx = str(moddir / "dup.db")
    res = run_indexer("--index", idx, a, b)
    assert res.rc == 1, res
    assert res.last_line == "read 5, imported 3, skipped 2, warnings 0", res
    got = sorted((d["kind"], d["file"], d["line"], d["id"]) for d in res.diags([a, b]))
    assert got == sorted([("skip", a, 13, "bad-dup-002"), ("skip", b, 3, "bad-dup-001")]), res
    with running_searchd(idx, moddir, "dup") as s:
        assert s.get("/v1/aanbod/bad-dup-001").json()["naam"] == "Eerste versie uit XML"
        assert s.get("/v1/aanbod/bad-dup-002").json()["naam"] == "Twee keer in dit bestand, eerste"
        assert s.get("/v1/aanbod/bad-dup-003").status == 200
        # files in the other order: the CSV's listing comes first now
        res = run_indexer("--index", idx, b, a)
        assert res.rc == 1, res
        assert res.last_line == "read 5, imported 3, skipped 2, warnings 0", res
        got = sorted((d["kind"], d["file"], d["line"], d["id"]) for d in res.diags([a, b]))
        assert got == sorted([("skip", a, 3, "bad-dup-001"), ("skip", a, 13, "bad-dup-002")]), res
        s.wait_for(lambda: s.get("/v1/aanbod/bad-dup-001").json()["naam"] == "Tweede versie uit CSV",
                   what="the re-published index")
        s.check_health()


# ---------------------------------------------------------------- reject rules

@pytest.fixture(scope="module")
def live(moddir):
    """A live index of the handmade files, served by searchd."""
    idx = str(moddir / "live.db")
    res = run_indexer("--index", idx, *HANDMADE)
    assert res.rc == 0, res
    with running_searchd(idx, moddir, "live") as s:
        yield idx, s


def state(idx, s):
    body = s.search({"perPagina": 100})
    return (snapshot(idx), body["totaal"], tuple(r["id"] for r in body["resultaten"]),
            s.get("/v1/aanbod/hm-amf-001").status)


def check_reject(res, path, line):
    assert res.rc == 2, res
    errs = [d for d in res.diags([path]) if d["kind"] == "error" and d["file"] == path]
    assert errs, "no 'FILE[:LINE]: error: reason' line for %s: %r" % (path, res)
    if line is not None:
        assert errs[0]["line"] == line, "error reported at line %r, want %d: %r" % (
            errs[0]["line"], line, res)
    assert all(e["reason"].strip() for e in errs)


@pytest.mark.parametrize("f", sorted(REJECTS))
def test_reject_rule(f, live, tmp_path):
    idx, s = live
    before = state(idx, s)
    path = bad(f)
    # alone
    res = run_indexer("--index", idx, path, timeout=60)
    check_reject(res, path, REJECTS[f])
    # among good files: the whole run publishes nothing
    res2 = run_indexer("--index", idx, *(HANDMADE[:2] + [path] + HANDMADE[2:]), timeout=60)
    check_reject(res2, path, REJECTS[f])
    # --check says the same
    res3 = run_indexer("--check", path, timeout=60)
    check_reject(res3, path, REJECTS[f])
    # the live index is untouched, also after searchd had time to look again
    time.sleep(1.2)
    assert state(idx, s) == before
    # no fresh index appears where there was none
    fresh = str(tmp_path / "fresh.db")
    res4 = run_indexer("--index", fresh, path, timeout=60)
    assert res4.rc == 2, res4
    assert not os.path.lexists(fresh)
    s.check_health()


def test_xxe_and_xinclude_do_not_leak(live):
    for f in ("reject-xxe.xml", "reject-xinclude.xml"):
        res = run_indexer("--check", bad(f))
        assert res.rc == 2, res
        assert "root:x:0:0" not in res.out + res.err, "contents of /etc/passwd were read"


def test_billion_laughs_is_fast():
    res = run_indexer("--check", bad("reject-billion-laughs.xml"), timeout=30)
    assert res.rc == 2, res
    assert res.seconds < 10, "billion laughs took %.1f s" % res.seconds
    assert len(res.err) < 100000


def test_header_without_id_and_naam_names_line_1():
    path = bad("reject-header.csv")
    res = run_indexer("--check", path)
    check_reject(res, path, None)
    errs = [d for d in res.diags([path]) if d["kind"] == "error"]
    assert errs[0]["line"] in (None, 1), res
