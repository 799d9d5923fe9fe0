"""Encodings of the listing format (XML declared ISO-8859-1 / windows-1252 / none,
UTF-8 with BOM; CSV as UTF-8 without BOM and cp1252 with LF), CSV quoting, and
hostile text (markup, quotes, U+2028) that must round-trip in JSON and be escaped
in the HTML page. Files are written here (bytes exact) and imported in one run."""
import html.parser
import re
import urllib.parse

import pytest

from conftest import run_indexer, running_searchd

NAAM = "Café “Zon” € ëï – déjà vu"


XSS_NAAM = "xsskanarie <script>alert(1)</script> & \"dubbel\" 'enkel' \\ </title>"
XSS_SAM = "regel\u2028scheiding \"><img src=x onerror=alert(1)> {{x}} ${x}"
XSS_MAIL = "\"><img src=x onerror=alert(2)>@example.nl"
XSS_ORG = "<a href=\"javascript:alert(3)\">klik</a>"
XSS_TEL = "javascript:alert(5)"


def csvq(s):
    return '"' + s.replace('"', '""') + '"'


def xml_doc(enc, lid, naam, extra=""):
    return ('<?xml version="1.0" encoding="%s"?>\n<sociale-kaart bron="t">\n'
            '  <aanbod id="%s">\n    <naam>%s</naam>\n    <soort>informeel</soort>\n'
            '    <gemeente>GM0344</gemeente>\n%s  </aanbod>\n</sociale-kaart>\n'
            % (enc, lid, naam, extra))


@pytest.fixture(scope="module")
def enc_sd(moddir):
    files = []

    def write(name, data):
        p = moddir / name
        p.write_bytes(data)
        files.append(str(p))

    latin = "Café Zoë in de Ëikenlaan, naïef"
    write("latin1.xml", xml_doc("ISO-8859-1", "enc-latin1", latin).encode("latin-1"))
    write("cp1252.xml", xml_doc("windows-1252", "enc-cp1252", NAAM).encode("cp1252"))
    write("utf8-bom.xml", b"\xef\xbb\xbf" + xml_doc("UTF-8", "enc-utf8bom", NAAM).encode("utf-8"))
    write("noheader.xml", ('<sociale-kaart>\n  <aanbod id="enc-nodecl">\n    <naam>%s</naam>\n'
                           '    <soort>informeel</soort>\n    <gemeente>GM0344</gemeente>\n'
                           '  </aanbod>\n</sociale-kaart>\n' % NAAM).encode("utf-8"))
    write("utf8.csv", ("id,naam,soort,gemeente,samenvatting\r\n"
                       "enc-csv-utf8,%s,informeel,GM0344,\"met \"\"quotes\"\", komma's en;\"\r\n"
                       % NAAM).encode("utf-8"))
    write("cp1252.csv", ("id;naam;soort;gemeente;omschrijving\n"
                         "enc-csv-cp1252;%s;informeel;GM0344;\"regel 1\nregel 2\"\n" % NAAM
                         ).encode("cp1252"))
    write("sparse.csv", ("naam;gemeente;soort;id\r\n"
                         "Alleen verplicht;Utrecht;formeel;enc-csv-sparse\r\n").encode("utf-8"))
    write("xss.csv", ("id,naam,samenvatting,soort,gemeente,website,email,organisatie,telefoon\n"
                      "enc-xss,%s,%s,informeel,GM0344,javascript:alert(1),%s,%s,%s\n" % (
                          csvq(XSS_NAAM), csvq(XSS_SAM), csvq(XSS_MAIL), csvq(XSS_ORG),
                          csvq(XSS_TEL))
                      ).encode("utf-8"))
    idx = str(moddir / "enc.db")
    res = run_indexer("--index", idx, *files)
    assert res.rc == 0, res
    assert res.last_line == "read 8, imported 8, skipped 0, warnings 0", res
    with running_searchd(idx, moddir, "enc") as s:
        yield s


@pytest.mark.parametrize("lid", ["enc-cp1252", "enc-utf8bom", "enc-nodecl", "enc-csv-utf8",
                                 "enc-csv-cp1252"])
def test_text_decoded_exactly(enc_sd, lid):
    r = enc_sd.get("/v1/aanbod/" + lid)
    assert r.status == 200, r
    assert r.json()["naam"] == NAAM


def test_latin1_declared(enc_sd):
    assert enc_sd.get("/v1/aanbod/enc-latin1").json()["naam"] == "Café Zoë in de Ëikenlaan, naïef"


def test_csv_quoting(enc_sd):
    d = enc_sd.get("/v1/aanbod/enc-csv-utf8").json()
    assert d["samenvatting"] == "met \"quotes\", komma's en;"
    d = enc_sd.get("/v1/aanbod/enc-csv-cp1252").json()
    assert d["omschrijving"] == "regel 1\nregel 2"
    d = enc_sd.get("/v1/aanbod/enc-csv-sparse").json()
    assert d["gemeente"] == "GM0344" and d["talen"] == ["nl"] and d["status"] == "actief"


def test_hostile_text_round_trips_in_json(enc_sd):
    r = enc_sd.get("/v1/aanbod/enc-xss")
    assert r.status == 200, r
    d = r.json()
    assert d["naam"] == XSS_NAAM
    assert d["samenvatting"] == XSS_SAM
    assert d["email"] == XSS_MAIL
    ids = [x["id"] for x in enc_sd.search({"q": "xsskanarie"})["resultaten"]]
    assert "enc-xss" in ids


class _Tags(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, attrs))


def check_page(body, where):
    text = body.decode("utf-8")
    p = _Tags()
    p.feed(text)
    for tag, attrs in p.tags:
        assert tag != "script", "%s: <script> in the page" % where
        assert not (tag == "img" and ("src", "x") in attrs), "%s: injected <img>" % where
        for name, value in attrs:
            assert not name.startswith("on"), "%s: event handler %s=%r" % (where, name, value)
            if name in ("href", "src", "action") and value:
                v = value.strip().lower()
                assert not v.startswith(("javascript:", "data:", "vbscript:")), \
                    "%s: %s=%r" % (where, name, value)
    assert "<script>alert" not in text and "<img src=x" not in text, where
    return p


def test_hostile_text_is_escaped_in_html(enc_sd):
    r = enc_sd.get("/", {"q": "xsskanarie"})
    assert r.status == 200, r
    assert b"xsskanarie" in r.body, "the result is not on the HTML page"
    p = check_page(r.body, "/?q=xsskanarie")
    # follow same-origin links that mention the listing (a detail page, if any)
    for tag, attrs in p.tags:
        href = dict(attrs).get("href") or ""
        if tag == "a" and href.startswith("/") and "enc-xss" in urllib.parse.unquote(href):
            r2 = enc_sd.get(href)
            assert r2.status == 200, (href, r2)
            if r2.ctype.startswith("text/html"):
                check_page(r2.body, href)
    # the query itself is reflected escaped
    r = enc_sd.get("/", {"q": '"><script>alert(9)</script>'})
    assert r.status in (200, 400)
    check_page(r.body, "/?q=<script>")
    assert not re.search(rb"<script>alert\(9\)", r.body)


def test_contact_links_are_built_only_from_clean_values(enc_sd, sd):
    """tel: links hold only the number's digits, mailto: links only a plain
    address; anything else is shown as text (R18)."""
    hrefs = [dict(a).get("href", "") for t, a in check_page(
        enc_sd.get("/aanbod/enc-xss").body, "/aanbod/enc-xss").tags if t == "a"]
    assert not [h for h in hrefs if h.startswith(("tel:", "mailto:"))], hrefs
    r = sd.get("/aanbod/hm-woe-001")
    hrefs = [dict(a).get("href", "") for t, a in check_page(r.body, "hm-woe-001").tags
             if t == "a"]
    assert "tel:0348000000" in hrefs and "mailto:taal@example.nl" in hrefs, hrefs
