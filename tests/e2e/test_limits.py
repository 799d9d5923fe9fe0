"""Request bodies are refused on GET/HEAD; the method check comes first; how
parameters are read (many of them, unknown ones, q, pages)."""
import pytest

from test_http import check_problem, raw_status


def test_get_with_a_body_is_refused(sd):
    for req in (b"GET /v1/aanbod HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n"
                b"Connection: close\r\n\r\nabcde",
                b"GET /v1/aanbod HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
                b"Connection: close\r\n\r\n5\r\nabcde\r\n0\r\n\r\n"):
        ans = sd.raw(req)
        assert raw_status(ans) == 400, ans[:200]
        assert b"application/problem+json" in ans
    ans = sd.raw(b"GET /v1/aanbod HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n"
                 b"Connection: close\r\n\r\n")
    assert raw_status(ans) == 200


def test_method_is_checked_before_the_body(sd):
    ans = sd.raw(b"POST /v1/aanbod HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n"
                 b"Connection: close\r\n\r\nabcde")
    assert raw_status(ans) == 405
    assert b"Allow: GET, HEAD" in ans


# ---------------------------------------------------------------- parameters

def test_many_parameters_in_a_legal_target_get_an_answer(sd):
    """Every argument took ~64 bytes of libmicrohttpd's 128 KiB connection pool:
    a 16 KiB target of "soort=&soort=&..." left the connection hanging."""
    target = "/v1/aanbod?" + "soort=&" * 2300          # 16 111 bytes, empty values
    assert len(target) < 16 * 1024
    r = sd.get(target, timeout=5)
    assert r.status == 200, r
    assert r.json()["totaal"] == sd.search({})["totaal"]
    r = sd.get("/v1/aanbod?" + "&".join(["a"] * 8000), timeout=5)
    check_problem(r, 400, "a", "8000 unknown parameters")
    assert sd.search({"q": "koffie"})["totaal"] > 0, "searchd stopped answering"


@pytest.mark.parametrize("path", ["/v1/aanbod?foo", "/v1/aanbod?foo=", "/v1?x=1",
                                  "/v1/openapi.json?x", "/v1/aanbod/hm-amf-001?foo=1",
                                  "/v1/suggesties?q=koffie&foo"])
def test_unknown_parameter_is_400_also_without_a_value(sd, path):
    check_problem(sd.get(path), 400, path.rsplit("?", 1)[1].split("&")[-1].split("=")[0],
                  path)


@pytest.mark.parametrize("route", ["/v1/aanbod", "/v1/suggesties"])
def test_q_rules_are_the_same_on_search_and_suggestions(sd, route):
    check_problem(sd.get(route + "?q=koffie&q=thee"), 400, "q", route)
    for bad in ("a%01b", "a%7Fb", "a%C2%85b"):               # C0, DEL, C1 (NEL)
        check_problem(sd.get(route + "?q=" + bad), 400, "q", route + " " + bad)
    assert sd.get(route + "?q=&q=koffie").status == 200, "an empty q counts as absent"
    assert sd.get(route + "?q=koffie%09thee%0D%0Awandelen").status == 200, \
        "tab and line breaks are white space (pasted text)"


def test_a_page_far_past_the_end_is_empty_not_an_error(sd):
    first = sd.search({})
    far = sd.search({"pagina": "10001"})
    assert far["resultaten"] == [] and far["pagina"] == 10001
    assert far["totaal"] == first["totaal"]
    assert sd.search({"pagina": "2147483647", "perPagina": "100"})["resultaten"] == []
    check_problem(sd.get("/v1/aanbod?pagina=2147483648"), 400, "pagina")


def test_a_bad_parameter_name_is_named_in_invalid_params(sd):
    body = check_problem(sd.get("/v1/aanbod?=x"), 400, "", "empty name")
    assert body["invalidParams"][0]["name"] == ""
    check_problem(sd.get("/v1/aanbod?%FF=1"), 400, "%FF", "name not UTF-8")
    check_problem(sd.get("/v1/aanbod?a%ZZ=1"), 400, "a%ZZ", "bad escape in a name")


def test_http11_without_host_is_400_and_absolute_form_is_served(sd):
    """RFC 9112: a server must answer 400 to HTTP/1.1 without Host (3.2), and must
    accept a target in absolute form (3.2.2)."""
    ans = sd.raw(b"GET /v1/aanbod HTTP/1.1\r\nConnection: close\r\n\r\n")
    assert raw_status(ans) == 400, ans[:200]
    assert b"application/problem+json" in ans
    ans = sd.raw(b"GET /v1/aanbod HTTP/1.0\r\n\r\n")
    assert raw_status(ans) == 200, ans[:200]
    ans = sd.raw(("GET http://127.0.0.1:%d/v1/aanbod?q=koffie&perPagina=1 HTTP/1.1\r\n"
                  "Host: 127.0.0.1\r\nConnection: close\r\n\r\n" % sd.port).encode())
    assert raw_status(ans) == 200, ans[:200]
    assert b'"perPagina":1' in ans
