"""Suggestions while typing (GET /v1/suggesties) and prefix search (prefix=ja)."""
import unicodedata

from conftest import index_listings, qs, running_searchd


def fold(s):
    return "".join(c for c in unicodedata.normalize("NFKD", s.lower())
                   if not unicodedata.combining(c))


def suggest(sd, q):
    r = sd.get("/v1/suggesties?" + qs({"q": q}))
    assert r.status == 200, r
    assert r.headers.get("api-version")
    return r.json()["suggesties"]


def test_names_themes_and_words_start_with_the_last_word(sd):
    got = suggest(sd, "wand")
    assert 0 < len(got) <= 10
    kinds = [s["soort"] for s in got]
    assert "aanbod" in kinds and "woord" in kinds
    for s in got:
        words = fold(s["tekst"]).replace("-", " ").split()
        assert any(w.startswith("wand") for w in words), s
        if s["soort"] == "aanbod":
            detail = sd.get("/v1/aanbod/" + s["id"]).json()
            assert detail["naam"] == s["tekst"]
            assert detail["status"] == "actief"


def test_vocabulary_names_are_suggested_with_their_code(sd):
    got = suggest(sd, "mantel")
    themas = [s for s in got if s["soort"] == "thema"]
    assert {"tekst": "Mantelzorg en respijt", "soort": "thema",
            "code": "mantelzorg"} in themas
    assert any(s["soort"] == "doelgroep" and s["code"] == "mantelzorgers"
               for s in got)


def test_words_are_ordered_by_use(sd):
    words = [s["tekst"] for s in suggest(sd, "wand") if s["soort"] == "woord"]
    assert words and words[0] == "wandelen"


def test_short_empty_and_hostile_input(sd):
    assert suggest(sd, "w") == []
    assert suggest(sd, "") == []
    for q in ['"*', "NEAR(", "a AND", "naam:x", "*", "(((", "é"]:
        suggest(sd, q)
    r = sd.get("/v1/suggesties?" + qs({"q": "x" * 101}))
    assert r.status == 400 and r.json()["invalidParams"][0]["name"] == "q"
    r = sd.get("/v1/suggesties?zoek=wand")
    assert r.status == 400 and r.json()["invalidParams"][0]["name"] == "zoek"


def test_prefix_search_finds_words_being_typed(sd):
    plain = sd.get("/v1/aanbod?" + qs({"q": "wand"})).json()
    pref = sd.get("/v1/aanbod?" + qs({"q": "wand", "prefix": "ja"})).json()
    assert pref["totaal"] > plain["totaal"]
    ids = [r["id"] for r in pref["resultaten"]]
    assert "dev-amf-010" in [r["id"] for r in sd.get(
        "/v1/aanbod?" + qs({"q": "wandelgroep vathorst"})).json()["resultaten"]]
    assert ids
    r = sd.get("/v1/aanbod?" + qs({"q": "wand", "prefix": "misschien"}))
    assert r.status == 400


def test_words_only_paused_or_ended_listings_use_are_not_suggested(tmp_path):
    """A paused or ended listing is never found, so a word that only it uses
    must not be suggested (it would lead to no results)."""
    idx = index_listings(tmp_path, [
        ("s-1", "<naam>Koffieochtend Waterkant</naam>"),
        ("s-2", "<naam>Zwemclub Waterlelie</naam><status>gepauzeerd</status>"),
        ("s-3", "<naam>Waterpolo Waterkant</naam><status>beeindigd</status>")])
    with running_searchd(idx, tmp_path) as sd:
        words = {s["tekst"] for s in suggest(sd, "water") if s["soort"] == "woord"}
        assert "waterkant" in words, words
        assert "waterlelie" not in words and "waterpolo" not in words, words
        assert sd.search({"q": "waterlelie"})["totaal"] == 0
