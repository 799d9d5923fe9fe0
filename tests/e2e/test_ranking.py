"""Ranking details visible to clients: score, markering, freshness order."""
import re

from conftest import qs


def results(sd, **params):
    r = sd.get("/v1/aanbod?" + qs(params))
    assert r.status == 200, r
    return r.json()


def test_score_is_the_share_of_the_query_matched(sd):
    d = results(sd, q="wandelen", perPagina=20)
    scores = [r["score"] for r in d["resultaten"]]
    # one word: 1.0 when found as typed, 0.5 when only an expansion
    # (a compound such as wandelgroep, a synonym) matched
    assert scores and scores[0] == 1.0
    assert set(scores) <= {1.0, 0.5}
    d = results(sd, q="wandelen xyzzyqq", perPagina=20)
    assert d["resultaten"]
    assert all(0 < r["score"] <= 0.5 for r in d["resultaten"])
    assert "score" not in results(sd, perPagina=3)["resultaten"][0]


def test_markering_marks_matched_words_and_is_html_safe(sd):
    d = results(sd, q="koffie", perPagina=10)
    marked = [r["markering"] for r in d["resultaten"] if "markering" in r]
    assert marked
    for m in marked:
        assert re.search(r"<mark>koffie", m, re.I), m
        stripped = m.replace("<mark>", "").replace("</mark>", "")
        assert "<" not in stripped and ">" not in stripped, m
    d = results(sd, q="<script> koffie", perPagina=10)
    for r in d["resultaten"]:
        assert "<script" not in r.get("markering", "")


def test_stemmed_and_folded_words_are_marked(sd):
    d = results(sd, q="wandelingen", perPagina=5)
    assert any("<mark>" in r.get("markering", "") for r in d["resultaten"])
    d = results(sd, q="cafe", perPagina=5)
    assert d["totaal"] > 0
