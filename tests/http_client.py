"""A JSON request to a server under test, for the test modules that start one (`from http_client import
http_json`). Not in conftest.py: a test module importing `conftest` gets whichever conftest was imported first
under that name, tests/unit/demo/conftest.py included."""

import json
import urllib.error
import urllib.request


def http_json(url: str, body=None, key: str | None = None, method: str | None = None,
              timeout: float = 60) -> tuple[int, dict | str]:
    """(status, JSON or text) of one request to a server under test; `body` as bytes is sent as it is, and the
    key, if any, as a bearer token."""
    data = body if isinstance(body, bytes) or body is None else json.dumps(body).encode()
    headers = {"Content-Type": "application/json", **({"Authorization": f"Bearer {key}"} if key else {})}
    request = urllib.request.Request(url, data=data, headers=headers, method=method or ("POST" if data else "GET"))
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            status, text = response.status, response.read().decode()
    except urllib.error.HTTPError as e:
        status, text = e.code, e.read().decode()
    try:
        return status, json.loads(text)
    except ValueError:
        return status, text
