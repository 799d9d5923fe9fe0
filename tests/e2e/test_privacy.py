"""Privacy: searchd never logs query text (api.md / threats-and-tests.md T15, R20)."""
import random
import time
import urllib.parse


def test_query_text_never_logged(sd):
    canary = "kanariezorg%06d" % random.randrange(10 ** 6)
    words = ["schuldhulpverlening", "depressie", "huiselijk geweld", canary]
    for w in words:
        assert sd.get("/v1/aanbod", {"q": w}).status == 200
        assert sd.get("/v1/aanbod", {"q": w, "gemeente": "GM0344", "perPagina": 3}).status == 200
        sd.request("HEAD", "/v1/aanbod?q=" + urllib.parse.quote(w))
        sd.request("GET", "/v1/aanbod?q=" + urllib.parse.quote(w) + "&thema=onzin")   # a 400
        sd.request("POST", "/v1/aanbod?q=" + urllib.parse.quote(w))                   # a 405
    sd.get("/v1/aanbod", {"q": canary + " " + "x" * 600})                             # too long
    time.sleep(0.3)
    log = sd.log().lower()
    for w in words:
        for form in (w, urllib.parse.quote(w), urllib.parse.quote_plus(w)):
            assert form.lower() not in log, "searchd logged the query text %r" % form
    assert sd.alive()


def test_text_in_paths_is_never_logged(sd):
    """A path is typed text too (an id, a mistyped word): the access log names the
    route, never the text (R20)."""
    canary = "kanariepad%06d" % random.randrange(10 ** 6)
    assert sd.get("/v1/aanbod/" + canary).status == 404
    assert sd.get("/aanbod/" + canary).status == 404
    assert sd.get("/" + canary).status == 404
    assert sd.get("/v1/" + canary + "?q=x").status == 404
    assert sd.get("/v1/aanbod/hm-amf-001").status == 200
    time.sleep(0.3)
    log = sd.log()
    assert canary not in log, "searchd logged text from a path"
    assert "/v1/aanbod/{id}" in log and "/aanbod/{id}" in log


def test_answers_are_not_kept_in_caches(sd):
    """Search results say what someone looked for: Cache-Control: no-store on every
    answer (JSON, HTML, errors), only the style sheet may be cached (R19)."""
    for path in ("/v1/aanbod?q=schulden", "/?q=schulden", "/v1/suggesties?q=schul",
                 "/v1/aanbod/hm-amf-001", "/aanbod/hm-amf-001", "/v1/aanbod?thema=onzin",
                 "/v1", "/bestaat-niet"):
        r = sd.get(path)
        assert r.headers.get("cache-control") == "no-store", (path, r.headers)
    assert "no-store" not in sd.get("/style.css").headers.get("cache-control", "")
