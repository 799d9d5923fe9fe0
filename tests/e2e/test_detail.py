"""GET /v1/aanbod/{id}: every field, lowerCamelCase, after normalisation.

Absent scalars are null, absent lists []; talen defaults to ["nl"]; the postcode
is "1234 AB"; HTML in an XML omschrijving is reduced to text with line breaks as
\\n; `beëindigd` is stored as "beeindigd"; paused and ended listings are served
with their status; the first name read for a wijk code is kept.
"""
import os
import re
import urllib.parse

import pytest

from conftest import HANDMADE, refmodel

DETAIL_KEYS = ["id", "naam", "samenvatting", "omschrijving", "soort", "status", "organisatie",
               "themas", "doelgroepen", "trefwoorden", "gemeente", "wijken", "wijkNamen",
               "werkgebied", "adres", "postcode", "plaats", "lat", "lon", "tijden", "tijdsloten",
               "tijdenToelichting", "kosten", "kostenToelichting", "toegang", "toegankelijkheid",
               "talen", "leeftijdMin", "leeftijdMax", "welzijnOpRecept", "wachttijdDagen",
               "telefoon", "email", "website", "contactpersoon", "bijgewerkt", "gecontroleerd"]
UNORDERED = {"themas", "doelgroepen", "trefwoorden", "toegankelijkheid", "talen"}
ALL_GM = sorted(refmodel.GEMEENTE_CODES)


def detail(sd, lid):
    r = sd.get("/v1/aanbod/" + urllib.parse.quote(lid, safe=":"))
    assert r.status == 200, "GET /v1/aanbod/%s -> %r" % (lid, r)
    assert r.ctype.startswith("application/json"), r.ctype
    d = r.json()
    assert isinstance(d, dict)
    return d


def check_reduced(got, want):
    """`got` is `want` (the model's reduction: one line per block) give or take bullets,
    link targets and spacing: no tags or entities, the words in order, a line break
    between blocks and none inside one."""
    assert isinstance(got, str), got
    assert not re.search(r"</?\s*(p|br|ul|ol|li|strong|em|a)\b", got, re.I), got
    for ent in ("&lt;", "&gt;", "&amp;", "&nbsp;"):
        assert ent not in got, got
    pos = 0
    for i, line in enumerate(want.split("\n")):
        words = [w.strip(".,!?;:") for w in line.split()]
        words = [w for w in words if w]
        first = got.find(words[0], pos)
        assert first >= 0, "%r not found after %d in %r" % (words[0], pos, got)
        if i > 0:
            assert "\n" in got[pos:first], "no line break before %r in %r" % (line, got)
        p = first
        for w in words:
            j = got.find(w, p)
            assert j >= 0, "%r missing (in order) in %r" % (w, got)
            p = j + len(w)
        assert "\n" not in got[first:p], "line break inside %r in %r" % (line, got)
        pos = p


def compare(d, want):
    missing = [k for k in DETAIL_KEYS if k not in d]
    assert not missing, "detail lacks keys %s: %r" % (missing, d)
    for k in DETAIL_KEYS:
        g, w = d[k], want[k]
        where = "%s.%s" % (want["id"], k)
        if k in UNORDERED:
            assert isinstance(g, list) and sorted(g) == sorted(w), "%s: %r != %r" % (where, g, w)
        elif k in ("wijken", "wijkNamen"):
            assert isinstance(g, list)
            assert sorted(zip(d["wijken"], d["wijkNamen"])) == sorted(zip(want["wijken"], want["wijkNamen"])), \
                "%s: %r / %r" % (where, d["wijken"], d["wijkNamen"])
        elif k == "werkgebied":
            assert isinstance(g, list)
            if want.get("_regio"):
                assert sorted(g) in (["regio"], ALL_GM), "%s: %r" % (where, g)
            else:
                assert sorted(g) == sorted(w), "%s: %r != %r" % (where, g, w)
        elif k == "tijdsloten":
            assert isinstance(g, list)
            assert sorted(g, key=refmodel.slot_key) == sorted(w, key=refmodel.slot_key), \
                "%s: %r != %r" % (where, g, w)
        elif k in ("lat", "lon"):
            if w is None:
                assert g is None, where
            else:
                assert isinstance(g, (int, float)) and abs(g - w) < 1e-6, "%s: %r" % (where, g)
        elif k == "omschrijving" and want.get("_html"):
            check_reduced(g, w)
        else:
            assert g == w and type(g) is type(w), "%s: %r != %r" % (where, g, w)


# ---------------------------------------------------------------- by hand

HM_AMF_001 = {
    "id": "hm-amf-001", "naam": "Eetcafé De Ontmoeting & Co",
    "samenvatting": "Samen koken en eten voor buurtbewoners met weinig geld.",
    "omschrijving": "Elke dinsdag koken vrijwilligers een warme maaltijd.\nSoep & brood\n"
                    "Hoofdgerecht\nMeer op onze site.\nTot ziens!",
    "soort": "informeel", "status": "actief", "organisatie": "Stichting Samen Eten Amersfoort",
    "themas": ["maaltijden", "ontmoeting"], "doelgroepen": ["minima", "eenzamen"],
    "trefwoorden": ["eetcafé", "warme maaltijd"], "gemeente": "GM0307",
    "wijken": ["WK030712"], "wijkNamen": ["Kruiskamp"], "werkgebied": ["GM0307", "GM0308"],
    "adres": "Kruiskamp 12", "postcode": "3817 AB", "plaats": "Amersfoort",
    "lat": 52.16521, "lon": 5.40833, "tijden": "di 17:00-19:30",
    "tijdsloten": [{"dag": "di", "start": "17:00", "eind": "19:30", "frequentie": "wekelijks"}],
    "tijdenToelichting": "Niet in de schoolvakanties.", "kosten": "vrijwillige-bijdrage",
    "kostenToelichting": "€ 3,50 per maaltijd, met U-pas € 1,-", "toegang": "aanmelden",
    "toegankelijkheid": ["rolstoel", "invalidentoilet", "ringleiding"],
    "talen": ["nl", "ar", "pap"], "leeftijdMin": 18, "leeftijdMax": 99,
    "welzijnOpRecept": True, "wachttijdDagen": 0, "telefoon": "033 765 43 21",
    "email": "eten@example.nl", "website": "https://www.example.nl/eetcafe",
    "contactpersoon": "Fatima el Idrissi", "bijgewerkt": "2026-10-30",
    "gecontroleerd": "2026-10-01", "_html": True,
}

HM_WOE_001 = {
    "id": "hm-woe-001", "naam": "Taalcafé “Praat mee” Woerden",
    "samenvatting": "Nederlands oefenen met vrijwilligers; alle niveaus welkom.",
    "omschrijving": "Iedere donderdagavond in de bibliotheek.\nNeem gerust iemand mee; koffie en "
                    "thee staan klaar.\nWij zeggen: \"oefening baart kunst\".",
    "soort": "informeel", "status": "actief", "organisatie": "Bibliotheek Het Groene Hart",
    "themas": ["leren", "ontmoeting"], "doelgroepen": ["anderstaligen", "nieuwkomers"],
    "trefwoorden": ["taalcafé", "NT2", "conversatie"], "gemeente": "GM0632",
    "wijken": ["WK063201"], "wijkNamen": ["Woerden-Centrum"],
    "werkgebied": ["GM0632"],                  # none given: the spec's default
    "adres": "Kerkstraat 8", "postcode": "3441 BG", "plaats": "Woerden",
    "lat": 52.0853, "lon": 4.8836, "tijden": "do 19:00-21:00; za 10:00-12:00",
    "tijdsloten": [{"dag": "do", "start": "19:00", "eind": "21:00", "frequentie": "wekelijks"},
                   {"dag": "za", "start": "10:00", "eind": "12:00", "frequentie": "wekelijks"}],
    "tijdenToelichting": "Niet op feestdagen – kijk op de website.",
    "kosten": "vrijwillige-bijdrage", "kostenToelichting": "€ 2,50 per keer, met Woerdenpas gratis",
    "toegang": "vrije-inloop", "toegankelijkheid": ["rolstoel", "ringleiding"],
    "talen": ["nl", "ar", "tzm"], "leeftijdMin": 16, "leeftijdMax": None,
    "welzijnOpRecept": True, "wachttijdDagen": None, "telefoon": "0348 000 000",
    "email": "taal@example.nl", "website": "https://www.example.nl/taalcafe",
    "contactpersoon": "Noëlle Bakker", "bijgewerkt": "2026-10-20", "gecontroleerd": "2026-10-01",
}

HM_AMF_006 = {k: None for k in DETAIL_KEYS}
HM_AMF_006.update({
    "id": "hm-amf-006", "naam": "Minimale vermelding", "soort": "informeel", "status": "actief",
    "gemeente": "GM0307", "themas": [], "doelgroepen": [], "trefwoorden": [], "wijken": [],
    "wijkNamen": [], "werkgebied": ["GM0307"], "tijdsloten": [], "toegankelijkheid": [],
    "talen": ["nl"], "welzijnOpRecept": False,
})


@pytest.mark.parametrize("want", [HM_AMF_001, HM_WOE_001, HM_AMF_006], ids=lambda w: w["id"])
def test_detail_by_hand(sd, want):
    compare(detail(sd, want["id"]), want)


def test_detail_csv_does_not_leak_unknown_column(sd):
    r = sd.get("/v1/aanbod/hm-woe-001")
    assert b"niet publiceren" not in r.body and b"interne-notitie" not in r.body


def test_detail_line_breaks_kept(sd):
    assert detail(sd, "hm-amf-004")["omschrijving"] == \
        "Ballen zijn er genoeg.\nNa afloop drinken we samen koffie."
    assert detail(sd, "hm-utr-002")["omschrijving"] == (
        "Acht bijeenkomsten over somberheid, piekeren en herstel.\n\n"
        "U heeft een verwijzing van de huisarts nodig.")
    # CSV with LF, quotes doubled inside a quoted field
    assert detail(sd, "hm-hou-002")["omschrijving"] == (
        'Wij helpen met:\npost openen en ordenen\nformulieren, zoals "toeslagen"\n\n'
        'Bel gerust, ook als het "te laat" voelt.')
    # CSV with CRLF: line breaks as \n
    assert detail(sd, "hm-woe-003")["omschrijving"] == (
        "Een begeleider komt bij u thuis.\nSamen maken we een weekplanning.")


def test_detail_status_of_paused_and_ended(sd):
    for lid, st in (("hm-amf-002", "gepauzeerd"), ("hm-ijs-001", "gepauzeerd"),
                    ("hm-amf-003", "beeindigd"), ("hm-zei-001", "beeindigd"),
                    ("hm-woe-002", "beeindigd"), ("dev-amf-049", "gepauzeerd"),
                    ("dev-woe-029", "beeindigd")):
        assert detail(sd, lid)["status"] == st, lid


def test_detail_normalisation(sd):
    assert detail(sd, "hm-amf-004")["postcode"] == "3816 BC"            # 1234AB
    assert detail(sd, "hm-amf-002")["postcode"] == "3811 LM"            # 1234 AB
    assert detail(sd, "hm-soe-001")["postcode"] == "B-2018"             # not Dutch: as given
    assert detail(sd, "hm-amf-002")["gemeente"] == "GM0307"             # by name
    assert detail(sd, "hm-nwg-001")["gemeente"] == "GM0356"
    assert sorted(detail(sd, "hm-leu-001")["werkgebied"]) == ["GM0308", "GM0351"]
    assert sorted(detail(sd, "hm-woe-003")["werkgebied"]) == ["GM0589", "GM0632", "GM0736"]
    d = detail(sd, "hm-amf-004")
    assert sorted(d["themas"]) == ["bewegen"]
    assert "jeu de boules" in d["trefwoorden"]                          # unknown thema
    assert "studenten" in detail(sd, "hm-utr-004")["trefwoorden"]       # unknown doelgroep
    assert sorted(detail(sd, "hm-utr-004")["doelgroepen"]) == ["jongvolwassenen", "lhbti"]
    assert detail(sd, "hm-amf:005.B")["themas"] == ["geld"]             # code + name: once
    assert detail(sd, "hm-woe-004")["talen"] == ["nl"]                  # empty taal
    assert detail(sd, "hm-amf-001")["talen"].count("pap") == 1


def test_detail_first_wijk_name_is_kept(sd):
    d = detail(sd, "hm-baa-002")
    assert d["wijken"] == ["WK030801"] and d["wijkNamen"] == ["Baarn-Centrum"]
    d = detail(sd, "hm-hou-002")
    assert d["wijken"] == ["WK032101"] and d["wijkNamen"] == ["Houten-Noord"]


def test_detail_tijdsloten(sd):
    def slots(lid):
        return sorted(detail(sd, lid)["tijdsloten"], key=refmodel.slot_key)
    assert slots("hm-amf-002") == [
        {"dag": d, "start": "09:00", "eind": "12:30", "frequentie": "wekelijks"}
        for d in ("ma", "di", "wo", "do", "vr")]
    assert slots("hm-utr-001") == [
        {"dag": "di", "start": "14:00", "eind": "16:00", "frequentie": "2-wekelijks"},
        {"dag": "za", "start": "10:00", "eind": "12:00", "frequentie": "wekelijks"}]
    assert slots("hm-amf-004") == [
        {"dag": "ma", "start": "09:30", "eind": "12:00", "frequentie": "wekelijks"},
        {"dag": "wo", "start": "09:30", "eind": "12:00", "frequentie": "wekelijks"}]
    assert slots("hm-baa-001") == [
        {"dag": "di", "start": "10:00", "eind": "11:30", "frequentie": "wekelijks"},
        {"dag": "do", "start": "10:00", "eind": "11:30", "frequentie": "wekelijks"}]
    assert slots("hm-baa-002") == [
        {"dag": "za", "start": "10:00", "eind": "13:00", "frequentie": "maandelijks"}]
    assert slots("hm-hou-004") == [
        {"dag": "vr", "start": "09:00", "eind": "10:30", "frequentie": "wekelijks"}]
    # outside the grammar: no slots, text shown as written
    for lid, text in (("hm-leu-001", "elke eerste dinsdag van de maand"),
                      ("hm-zei-001", "ma 16:00-14:00"),
                      ("hm-drv-001", "op afspraak, meestal 's middags")):
        d = detail(sd, lid)
        assert d["tijdsloten"] == [] and d["tijden"] == text, lid


# ---------------------------------------------------------------- against the model

HANDMADE_IDS = refmodel.Run([os.path.join(refmodel.REPO, f) for f in HANDMADE]).order


@pytest.mark.parametrize("lid", HANDMADE_IDS)
def test_detail_handmade_vs_model(sd, full_model, lid):
    compare(detail(sd, lid), full_model.listings[lid])


def test_detail_corpus_sample_vs_model(sd, full_model):
    ids = [i for i in full_model.order if i.startswith("dev-")]
    assert len(ids) == 195
    for lid in ids[::3]:
        compare(detail(sd, lid), full_model.listings[lid])


def test_detail_unknown_id_is_404(sd):
    for lid in ("bestaat-niet", "hm-amf-999", "HM-AMF-001", "hm-amf-001x"):
        r = sd.get("/v1/aanbod/" + lid)
        assert r.status == 404, (lid, r)
        assert r.ctype.startswith("application/problem+json"), r
        body = r.json()
        assert body.get("status") == 404 and body.get("title") and "detail" in body, body
