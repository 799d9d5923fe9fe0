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
