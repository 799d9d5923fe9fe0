"""Request bodies are refused on GET/HEAD; the method check comes first."""
from test_http import raw_status


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
