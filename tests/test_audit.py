"""tools/audit.py's server: the output folder served as a static host serves
it, so that Lighthouse times the bytes a reader downloads."""

import functools
import gzip
import http.client
import http.server
import sys
import threading

import pytest
from conftest import ROOT

sys.path.insert(0, str(ROOT / "tools"))
import audit


@pytest.fixture
def served(tmp_path):
    (tmp_path / "paesi").mkdir()
    page = "<!DOCTYPE html><title>Paesi</title>" + "<p>Russia</p>" * 200
    (tmp_path / "paesi" / "index.html").write_text(page, encoding="utf-8")
    (tmp_path / "favicon.ico").write_bytes(b"\x00\x01icon")
    handler = functools.partial(audit.QuietHandler, directory=str(tmp_path))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server.server_address[1], page.encode()
    server.shutdown()
    server.server_close()


def _get(port, path, gzip_ok=True):
    connection = http.client.HTTPConnection("127.0.0.1", port)
    headers = {"Accept-Encoding": "gzip, deflate"} if gzip_ok else {}
    connection.request("GET", path, headers=headers)
    response = connection.getresponse()
    return response, response.read()


def test_text_is_compressed_for_a_browser_that_accepts_it(served):
    port, page = served
    response, body = _get(port, "/paesi/")
    assert response.status == 200
    assert response.getheader("Content-Encoding") == "gzip"
    assert response.getheader("Content-Type") == "text/html"
    assert gzip.decompress(body) == page and len(body) < len(page) / 10


def test_anything_else_is_served_as_python_serves_it(served):
    port, page = served
    response, body = _get(port, "/paesi/", gzip_ok=False)
    assert response.getheader("Content-Encoding") is None and body == page
    response, body = _get(port, "/favicon.ico")
    assert response.getheader("Content-Encoding") is None
    assert body == b"\x00\x01icon"
    response, _ = _get(port, "/paesi")
    assert response.status == 301 and response.getheader("Location") == "/paesi/"
    response, _ = _get(port, "/nessuna/")
    assert response.status == 404
