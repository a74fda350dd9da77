"""The static server of the in-browser build: WASM MIME type and cross-origin isolation (threads), loopback only."""

import socket
import urllib.request

import pytest

from sftflow.errors import UserError
from sftflow.export.serve import serving


@pytest.fixture
def build(tmp_path):
    (tmp_path / "lib").mkdir()
    (tmp_path / "index.html").write_text("<!doctype html><title>t</title>")
    (tmp_path / "page.json").write_text("{}")
    (tmp_path / "app.js").write_text("export {};")
    (tmp_path / "lib" / "ort.wasm").write_bytes(b"\0asm\1\0\0\0")
    return tmp_path


def test_files_are_served_with_the_types_and_headers_the_page_needs(build):
    with serving(build) as url:
        assert url.startswith("http://127.0.0.1:")
        for path, kind in [("lib/ort.wasm", "application/wasm"), ("app.js", "text/javascript"),
                           ("page.json", "application/json"), ("", "text/html; charset=utf-8")]:
            with urllib.request.urlopen(url + path, timeout=5) as response:
                assert response.headers["Content-Type"] == kind
                assert response.headers["Cross-Origin-Opener-Policy"] == "same-origin"
                assert response.headers["Cross-Origin-Embedder-Policy"] == "require-corp"
        assert urllib.request.urlopen(url + "lib/ort.wasm", timeout=5).read() == b"\0asm\1\0\0\0"


def test_a_folder_that_is_no_build_and_a_busy_port_are_user_errors(build, tmp_path):
    with pytest.raises(UserError, match="not an in-browser build"), serving(tmp_path / "lib"):
        pass
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        with pytest.raises(UserError, match="choose another --port"), serving(build, taken.getsockname()[1]):
            pass


def test_symbolic_links_out_of_the_folder_are_not_followed(build, tmp_path_factory):
    import os
    import urllib.error

    secret = tmp_path_factory.mktemp("outside") / "id_rsa"
    secret.write_text("PRIVATE KEY")
    os.symlink(secret, build / "key.txt")
    os.symlink(secret.parent, build / "home")
    (build / "inside.txt").write_text("ok")
    os.symlink(build / "inside.txt", build / "alias.txt")  # a link that stays inside is served
    with serving(build) as url:
        for path in ("key.txt", "home/id_rsa"):
            with pytest.raises(urllib.error.HTTPError) as refused:
                urllib.request.urlopen(url + path, timeout=5)
            assert refused.value.code == 404
        assert urllib.request.urlopen(url + "alias.txt", timeout=5).read() == b"ok"
