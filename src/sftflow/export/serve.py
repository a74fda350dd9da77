"""`sftflow export --serve DIR`: the in-browser build served as static files on loopback.

Python's http.server with what the page needs: the WASM MIME type (browsers refuse to compile WASM served as
anything else) and cross-origin isolation headers (SharedArrayBuffer, so ONNX Runtime Web may use threads).
"""

import contextlib
import functools
import http.server
import threading
from pathlib import Path
from typing import ClassVar

from sftflow.errors import UserError

HOST = "127.0.0.1"
TYPES = {".wasm": "application/wasm", ".mjs": "text/javascript", ".js": "text/javascript",
         ".json": "application/json", ".onnx": "application/octet-stream", ".html": "text/html; charset=utf-8"}


class StaticHandler(http.server.SimpleHTTPRequestHandler):
    extensions_map: ClassVar[dict[str, str]] = {**http.server.SimpleHTTPRequestHandler.extensions_map, **TYPES}

    def end_headers(self):
        self.send_header("Cross-Origin-Opener-Policy", "same-origin")
        self.send_header("Cross-Origin-Embedder-Policy", "require-corp")
        self.send_header("Cache-Control", "no-store")  # a re-export must never meet an old cached file
        super().end_headers()

    def log_message(self, format, *args):  # the page loads dozens of files: keep the terminal for the URL
        pass

    def translate_path(self, path: str) -> str:
        """The file under the served folder, or a path that does not exist: a symbolic link that leads out of the
        folder (to ~/.ssh, to /etc) is not followed, whatever the build holds."""
        translated = super().translate_path(path)
        root = Path(self.directory).resolve()
        if not Path(translated).resolve().is_relative_to(root):
            return str(root / ".sftflow-refused-outside-link")  # answered 404
        return translated


def check_folder(folder: Path, where: str | None) -> Path:
    folder = Path(folder).expanduser().resolve()
    if not (folder / "index.html").is_file() or not (folder / "page.json").is_file():
        raise UserError(f"{folder} is not an in-browser build (no index.html and page.json); make one with "
                        "sftflow export RUN_DIR --format browser --out DIR", where)
    return folder


@contextlib.contextmanager
def serving(folder: Path, port: int = 0, where: str | None = None):
    """Serve `folder` on 127.0.0.1:`port` (0: a free port) in a thread; yields the page's URL."""
    handler = functools.partial(StaticHandler, directory=str(check_folder(folder, where)))
    try:
        server = http.server.ThreadingHTTPServer((HOST, port), handler)
    except OSError as e:
        raise UserError(f"cannot serve on {HOST}:{port}: {e.strerror}; choose another --port", where) from e
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://{HOST}:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def serve(folder: Path, port: int, where: str | None = None) -> int:
    """Serve until Ctrl-C."""
    with serving(folder, port, where) as url:
        print(f"[sftflow] the in-browser build is at {url} (loopback only; model and libraries come from {folder})")
        print("[sftflow] Ctrl-C stops the server", flush=True)
        try:
            threading.Event().wait()
        except KeyboardInterrupt:
            print("[sftflow] server stopped")
    return 0
