"""GET /v1/aanbod against the reference model (tests/e2e/refmodel.py).

The index is `make run`'s: fixtures/handmade + fixtures/corpus. For many filter
combinations the set of result ids (all pages), `totaal` and the five facets must
equal what the spec's filter rules give on the ACTIVE listings:
OR within a parameter, AND across parameters; gemeente matches the place or the
werkgebied (incl. regio); wijk matches the named wijk or city-wide listings of
the wijk's gemeente; each facet ignores its own filter; counts > 0 only.
"""
import pytest

from conftest import index_listings, refmodel, running_searchd

FACETS = ("thema", "doelgroep", "wijk", "gemeente", "soort")


def norm(params):
    """API parameters -> model parameters (codes)."""
    out = {}
    for k, v in params.items():
        vals = v if isinstance(v, list) else [v]
        vals = [x for x in vals if x != ""]
        if not vals:
            continue
        if k == "gemeente":
            vals = [refmodel.gemeente_code(x) for x in vals]
        elif k == "thema":
            vals = [x.lower() for x in vals]
        elif k == "doelgroep":
            vals = [x.lower() for x in vals]
        out[k] = vals
    return out


def check_facets(model, body, mparams):
    fac = body.get("facetten")
    assert isinstance(fac, dict), body
    for name in FACETS:
        assert isinstance(fac.get(name), dict), "facet %s missing: %r" % (name, fac)
        for k, v in fac[name].items():
            assert isinstance(v, int) and v > 0, "facet %s: %s=%r (counts > 0 only)" % (name, k, v)
    want = model.facets(mparams)
    for name in ("thema", "doelgroep", "soort", "gemeente"):
        assert fac[name] == want[name], "facet %s:\n got  %s\n want %s" % (
            name, sorted(fac[name].items()), sorted(want[name].items()))
    # wijk: codes named by active listings must be there with the model's count;
    # any other key must be a wijk code with the model's count for that code.
    got = fac["wijk"]
    for code, n in want["wijk"].items():
        assert got.get(code) == n, "facet wijk %s: got %r, want %d" % (code, got.get(code), n)
    for code, n in got.items():
        assert code.startswith("WK") and len(code) == 8, code
        assert n == model.wijk_facet_count(mparams, code), "facet wijk %s=%d" % (code, n)


def check_search(sd, model, params):
    mparams = norm(params)
    ids, body = sd.search_all(params)
    assert len(ids) == len(set(ids)), "an id is returned twice: %s" % params
    want = model.search(mparams)
    got = set(ids)
    assert got == want, "GET /v1/aanbod?%s\n missing %s\n extra %s" % (
        params, sorted(want - got)[:20], sorted(got - want)[:20])
    assert body["totaal"] == len(want)
    check_facets(model, body, mparams)
    return ids, body


# ---------------------------------------------------------------- single filters

def single_cases():
    cases = [{}]
    cases += [{"thema": c} for c in refmodel.THEMA_CODES]
    cases += [{"doelgroep": c} for c in refmodel.DOELGROEP_CODES]
    cases += [{"soort": c} for c in refmodel.SOORTEN]
    cases += [{"kosten": c} for c in refmodel.KOSTEN]
    cases += [{"toegang": c} for c in refmodel.TOEGANG]
    cases += [{"toegankelijkheid": c} for c in refmodel.TOEGANKELIJKHEID]
    cases += [{"taal": c} for c in ("nl", "en", "ar", "tr", "ti", "pl", "pap", "dse", "tzm")]
    cases += [{"welzijnOpRecept": "ja"}]
    cases += [{"gemeente": c} for c in refmodel.GEMEENTE_CODES]
    cases += [{"gemeente": "Amersfoort"}, {"gemeente": "de ronde venen"}, {"gemeente": "De Bilt"},
              {"gemeente": "UTRECHT"}, {"gemeente": "gm0308"}]
    return cases


@pytest.mark.parametrize("params", single_cases(), ids=lambda p: "&".join(
    "%s=%s" % kv for kv in p.items()) or "all")
def test_single_filter(sd, full_model, params):
    check_search(sd, full_model, params)


def test_wijk_filter_every_known_wijk(sd, full_model):
    codes = sorted(full_model.all_wijk_codes(active_only=False))
    assert len(codes) > 40
    for code in codes + ["WK034499", "WK063299", "WK030899"]:
        check_search(sd, full_model, {"wijk": code})


def test_werkgebied_cities(sd, full_model):
    """Baarn, Woudenberg, Montfoort, De Ronde Venen have answers only through werkgebied."""
    for code in ("GM0308", "GM0351", "GM0335", "GM0736"):
        ids, _ = check_search(sd, full_model, {"gemeente": code})
        outside = [i for i in ids if full_model.listings[i]["gemeente"] != code]
        assert outside, "no werkgebied listing for %s" % code
    ids, _ = check_search(sd, full_model, {"gemeente": "GM0351"})
    assert "hm-leu-001" in ids          # werkgebied by name: Woudenberg
    assert "hm-baa-001" in ids          # werkgebied regio
    assert "hm-mon-001" in ids          # werkgebied regio (CSV)
    assert "dev-amf-025" in ids         # the corpus's regio listing
    ids, _ = check_search(sd, full_model, {"gemeente": "GM0736"})
    assert "hm-woe-003" in ids          # werkgebied by name: De Ronde Venen


def test_wijk_includes_city_wide_listings(sd, full_model):
    ids, _ = check_search(sd, full_model, {"wijk": "WK034403"})          # Overvecht
    assert "hm-utr-001" in ids and "hm-utr-003" in ids
    assert "hm-utr-002" in ids          # city-wide Utrecht
    assert "hm-utr-004" not in ids      # West only
    ids, _ = check_search(sd, full_model, {"wijk": "WK030712"})          # Kruiskamp
    assert {"hm-amf-001", "hm-amf-004", "hm-amf:005.B", "hm-amf-006", "dev-amf-001"} <= set(ids)
    assert "hm-amf-002" not in ids      # paused
    ids, _ = check_search(sd, full_model, {"wijk": "WK030801"})          # Baarn, two names
    assert {"hm-baa-001", "hm-baa-002"} <= set(ids)


# ---------------------------------------------------------------- combinations

COMBOS = [
    {"thema": ["ontmoeting", "bewegen"]},
    {"thema": ["ontmoeting", "bewegen"], "gemeente": "GM0344"},
    {"thema": "ontmoeting", "gemeente": "GM0344"},
    {"wijk": "WK034403", "thema": "ontmoeting"},
    {"wijk": ["WK030718", "WK030712"], "thema": "bewegen"},
    {"gemeente": "GM0344", "welzijnOpRecept": "ja", "thema": "bewegen"},
    {"gemeente": ["GM0308", "GM0351"]},
    {"gemeente": ["Baarn", "GM0736"], "soort": "informeel"},
    {"soort": "formeel", "kosten": "gratis", "toegang": "beschikking"},
    {"doelgroep": "ouderen", "toegankelijkheid": ["rolstoel", "aan-huis"]},
    {"taal": "ar", "gemeente": "GM0307"},
    {"taal": ["ar", "tr"], "soort": ["informeel", "inwonersinitiatief"]},
    {"kosten": ["gratis", "vrijwillige-bijdrage"], "soort": "inwonersinitiatief",
     "doelgroep": "iedereen"},
    {"gemeente": "GM0321", "wijk": "WK032101"},
    {"gemeente": "GM0632", "wijk": ["WK063201", "WK063203"], "welzijnOpRecept": "ja"},
    {"doelgroep": ["ouderen", "iedereen"], "thema": "ontmoeting", "kosten": "gratis"},
    {"toegang": ["vrije-inloop", "aanmelden"], "toegankelijkheid": "rolstoel",
     "gemeente": "GM0307"},
    {"thema": "ONTMOETING", "doelgroep": "Ouderen"},
    {"gemeente": "GM0307", "wijk": "WK034403"},          # AND: no Utrecht wijk in Amersfoort
    {"thema": "veiligheid", "soort": "inwonersinitiatief"},
    {"wijk": ["WK034401", "WK034408"], "taal": "en", "thema": ["ontmoeting", "leren"]},
]


@pytest.mark.parametrize("params", COMBOS, ids=lambda p: "&".join(
    "%s=%s" % (k, "+".join(v) if isinstance(v, list) else v) for k, v in p.items()))
def test_combination(sd, full_model, params):
    check_search(sd, full_model, params)


def test_empty_value_counts_as_absent(sd, full_model):
    ids_all, _ = sd.search_all({})
    for p in ({"thema": ""}, {"gemeente": "", "q": ""}, {"wijk": "", "doelgroep": ""}):
        ids, _ = sd.search_all(p)
        assert ids == ids_all, p
    ids, _ = check_search(sd, full_model, {"thema": ["", "geld"]})


def test_case_insensitive_values(sd):
    for a, b in ((("thema", "ontmoeting"), ("thema", "OnTmoeting")),
                 (("doelgroep", "ouderen"), ("doelgroep", "OUDEREN")),
                 (("gemeente", "GM0307"), ("gemeente", "amersfoort")),
                 (("gemeente", "GM0307"), ("gemeente", "gm0307")),
                 (("gemeente", "GM0736"), ("gemeente", "De Ronde Venen"))):
        assert sd.search_all(dict([a]))[0] == sd.search_all(dict([b]))[0], (a, b)


def test_paused_and_ended_never_in_results_or_facets(sd, full_model):
    inactive = {i for i, l in full_model.listings.items() if l["status"] != "actief"}
    assert {"hm-amf-002", "hm-amf-003", "hm-zei-001", "hm-ijs-001", "hm-woe-002",
            "dev-amf-049", "dev-utr-064"} <= inactive
    ids, body = sd.search_all({})
    assert not inactive & set(ids)
    # Zeist's only own listing has ended: no Zeist count except through werkgebied
    assert body["facetten"]["gemeente"].get("GM0355") == full_model.facets({})["gemeente"].get("GM0355")
    ids, body = sd.search_all({"gemeente": "GM0353"})    # IJsselstein: paused + werkgebied/regio
    assert "hm-ijs-001" not in ids


# ---------------------------------------------------------------- result items

ITEM_KEYS = ("id", "naam", "samenvatting", "soort", "themas", "doelgroepen", "gemeente",
             "wijken", "tijden", "kosten", "toegang", "gecontroleerd")


def test_result_items(sd, full_model):
    body = sd.search({"perPagina": 100, "gemeente": "GM0307"})
    assert body["pagina"] == 1 and body["perPagina"] == 100
    for item in body["resultaten"]:
        for k in ITEM_KEYS:
            assert k in item, "result item lacks %s: %r" % (k, item)
        l = full_model.listings[item["id"]]
        assert item["naam"] == l["naam"]
        assert item["samenvatting"] == l["samenvatting"]
        assert item["soort"] == l["soort"]
        assert sorted(item["themas"]) == sorted(l["themas"])
        assert sorted(item["doelgroepen"]) == sorted(l["doelgroepen"])
        assert item["gemeente"] == l["gemeente"]
        assert sorted(item["wijken"]) == sorted(l["wijken"])
        assert item["tijden"] == l["tijden"]
        assert item["kosten"] == l["kosten"]
        assert item["toegang"] == l["toegang"]
        assert item["gecontroleerd"] == l["gecontroleerd"]


def test_ids_returned_unchanged(sd):
    ids, _ = sd.search_all({"gemeente": "GM0307", "toegang": "beschikking"})
    assert "hm-amf:005.B" in ids


# ---------------------------------------------------------------- paging and order

def test_default_page(sd, full_model):
    body = sd.search({})
    assert body["pagina"] == 1 and body["perPagina"] == 10
    assert len(body["resultaten"]) == 10
    assert body["totaal"] == len(full_model.active()) == 214


def test_pages_partition_the_results(sd, full_model):
    seen = []
    page = 1
    while True:
        body = sd.search({"perPagina": 7, "pagina": page})
        assert body["pagina"] == page and body["perPagina"] == 7
        got = [r["id"] for r in body["resultaten"]]
        if not got:
            break
        assert len(got) == 7 or len(seen) + len(got) == body["totaal"]
        seen.extend(got)
        page += 1
        assert page < 100
    assert len(seen) == len(set(seen)), "pages overlap"
    assert set(seen) == full_model.search({})
    all100, _ = sd.search_all({})
    assert seen == all100, "perPagina=7 pages and perPagina=100 pages disagree on the order"


def test_page_past_the_end(sd):
    body = sd.search({"pagina": 1000, "perPagina": 100})
    assert body["resultaten"] == [] and body["totaal"] == 214
    body = sd.search({"thema": "veiligheid", "pagina": 2})
    assert body["resultaten"] == []


def test_stable_order(sd):
    for p in ({}, {"thema": "ontmoeting"}, {"q": "koffie"}, {"gemeente": "GM0344", "q": "hulp"}):
        a = sd.search_all(p)[0]
        b = sd.search_all(p)[0]
        assert a == b, p


def test_per_pagina_bounds(sd):
    assert len(sd.search({"perPagina": 1})["resultaten"]) == 1
    assert len(sd.search({"perPagina": 100})["resultaten"]) == 100


# ---------------------------------------------------------------- free text

def all_ids(sd, p):
    return set(sd.search_all(p)[0])


def test_q_finds_known_listings(sd, full_model):
    active = full_model.search({})
    for q, want in (("koffie", "dev-amf-001"), ("boules", "hm-amf-004"),
                    ("Sohbet", "hm-utr-001"), ("schuldhulpverlening", "hm-amf:005.B"),
                    ("depressie", "hm-utr-002"), ("Praat mee", "hm-woe-001"),
                    ("Batau-Noord", "hm-nwg-001"), ("gebarentaalcafé", "hm-soe-001")):
        ids = all_ids(sd, {"q": q})
        assert want in ids, "q=%s does not find %s" % (q, want)
        assert ids <= active


def test_q_never_returns_inactive(sd):
    assert "hm-amf-002" not in all_ids(sd, {"q": "rouwgroep"})
    assert "hm-amf-003" not in all_ids(sd, {"q": "schildercursus"})
    assert "hm-woe-002" not in all_ids(sd, {"q": "naaiatelier zegveld"})


def test_q_with_filters_is_a_subset(sd, full_model):
    for p in ({"q": "koffie", "gemeente": "GM0344"},
              {"q": "hulp", "thema": "geld", "soort": "formeel"},
              {"q": "taal", "taal": "ar"},
              {"q": "koffie", "wijk": "WK030712"}):
        ids, body = sd.search_all(p)
        mp = norm({k: v for k, v in p.items() if k != "q"})
        assert set(ids) <= full_model.search(mp), p
        assert body["totaal"] == len(ids)


def test_facets_with_q_are_exact_counts(sd):
    """With q and no thema filter, facet thema X equals totaal of the same request + thema=X
    (likewise soort, doelgroep, gemeente, wijk)."""
    base = {"q": "koffie"}
    body = sd.search(base)
    assert body["totaal"] > 0
    fac = body["facetten"]
    for name in ("thema", "soort", "doelgroep", "gemeente", "wijk"):
        items = sorted(fac[name].items())[:6]
        for code, n in items:
            p = dict(base)
            p[name] = code
            assert sd.search(p)["totaal"] == n, "q=koffie facet %s=%s: %d" % (name, code, n)


def test_own_facet_ignores_own_filter(sd):
    a = sd.search({"q": "koffie"})["facetten"]["thema"]
    b = sd.search({"q": "koffie", "thema": "bewegen"})["facetten"]["thema"]
    assert a == b
    a = sd.search({"thema": "ontmoeting"})["facetten"]
    b = sd.search({"thema": "ontmoeting", "wijk": "WK034403"})["facetten"]
    assert a["wijk"] == b["wijk"]


@pytest.mark.parametrize("typo", ["wandelenn", "wandeleen", "wandelingg"])
def test_typo_whose_stem_is_a_word_is_still_corrected(sd, typo):
    """"wandelenn" stems to "wandelen", a Dutch word, but no term of the index
    (that is "wandel"): it is still a typo, corrected with bedoeltU."""
    want = sd.search({"q": "wandelen"})
    got = sd.search({"q": typo})
    assert got["totaal"] > 0 and got.get("bedoeltU") == "wandelen", got
    assert got["resultaten"][0]["id"] == want["resultaten"][0]["id"]


def test_a_word_not_found_is_named_once(sd):
    got = sd.search({"q": "zzqqxxyy koffie zzqqxxyy"})
    assert got["nietGevonden"] == ["zzqqxxyy"], got["nietGevonden"]


def test_hyphenated_query_finds_the_joined_spelling(tmp_path):
    """Dutch writes compounds with or without a hyphen: "koffie-ochtend" must find
    a listing that only says "Koffieochtend", and rank the compound above a
    listing that merely uses both words somewhere; "e-mail" finds "email"."""
    idx = index_listings(tmp_path, [
        ("h-joined", "<naam>Koffieochtend</naam>"),
        ("h-hyphen", "<naam>Buurtkamer Koffie-ochtend</naam>"),
        ("h-apart", "<naam>Buurtkamer</naam><samenvatting>Koffie en thee; elke ochtend open, "
                    "ook de koffie van de ochtend is gratis.</samenvatting>"),
        ("h-mail", "<naam>Digitaal spreekuur</naam><samenvatting>Hulp bij uw email"
                   "</samenvatting>")])
    with running_searchd(idx, tmp_path) as s:
        got = [r["id"] for r in s.search({"q": "koffie-ochtend"})["resultaten"]]
        assert "h-joined" in got and "h-hyphen" in got, got
        if "h-apart" in got:                    # both words, but apart: below
            assert max(got.index("h-joined"), got.index("h-hyphen")) < got.index("h-apart"), got
        got = [r["id"] for r in s.search({"q": "e-mail"})["resultaten"]]
        assert got == ["h-mail"], got
