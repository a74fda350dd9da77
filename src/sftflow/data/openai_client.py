"""A tiny client for an OpenAI-compatible `/v1/chat/completions` endpoint (stdlib only).

Stdlib only so that data synthesis needs no SDK and works against any compatible server
(vLLM, llama.cpp, Ollama, OpenAI). Errors say whether trying again can help: 4xx means the
request itself is wrong (bad key, bad model, prompt too long), so retrying only wastes time;
429, 5xx, refused connections and timeouts are transient.
"""

import json
import random
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from typing import TypeVar

from sftflow.errors import UserError

T = TypeVar("T")


class EndpointError(UserError):
    """The endpoint failed; `retryable` says whether the same request may succeed later."""

    def __init__(self, message: str, retryable: bool = False, status: int | None = None):
        self.retryable = retryable
        self.status = status
        super().__init__(message)


def completions_url(base_url: str) -> str:
    """Accept 'http://host:port', '.../v1' or the full '.../v1/chat/completions'."""
    url = base_url.rstrip("/")
    if url.endswith("/chat/completions"):
        return url
    if not url.endswith("/v1"):
        url += "/v1"
    return url + "/chat/completions"


def chat(base_url: str, messages: list[dict], model: str, api_key: str | None = None, max_tokens: int = 256,
         temperature: float = 0.7, timeout: float = 60) -> str:
    """The assistant's answer text for one chat request."""
    body = {"model": model, "messages": messages, "max_tokens": max_tokens, "temperature": temperature}
    headers = {"Content-Type": "application/json"}
    if api_key:
        headers["Authorization"] = f"Bearer {api_key}"
    request = urllib.request.Request(completions_url(base_url), data=json.dumps(body).encode("utf-8"),
                                     headers=headers, method="POST")
    return _answer_text(_send(request, timeout))


def _send(request: urllib.request.Request, timeout: float) -> bytes:
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.read()
    except urllib.error.HTTPError as e:
        detail = _error_detail(e)
        transient = e.code == 429 or e.code >= 500
        raise EndpointError(f"endpoint answered HTTP {e.code}: {detail}", retryable=transient, status=e.code) from e
    except (urllib.error.URLError, TimeoutError, ConnectionError) as e:
        reason = getattr(e, "reason", e)
        raise EndpointError(f"cannot reach endpoint {request.full_url}: {reason}", retryable=True) from e


def _error_detail(error: urllib.error.HTTPError) -> str:
    """The server's own message, shortened: it usually names the real problem (model name, key)."""
    try:
        text = error.read().decode("utf-8", "replace")
    except OSError:
        text = ""
    return (text.strip() or str(error.reason))[:300]


def _answer_text(raw: bytes) -> str:
    try:
        data = json.loads(raw)
        content = data["choices"][0]["message"]["content"]
    except (ValueError, KeyError, IndexError, TypeError) as e:
        # a malformed answer is usually a proxy hiccup, so one more try is reasonable
        raise EndpointError(f"endpoint answer is not a chat completion: {raw[:200]!r}", retryable=True) from e
    return content or ""


def with_retries(fn: Callable[[], T], attempts: int = 4, base_delay: float = 0.5, seed: int = 0,
                 sleep: Callable[[float], None] = time.sleep) -> T:
    """Call fn, retrying retryable EndpointErrors with exponential backoff and seeded jitter.

    Jitter spreads the retries of concurrent workers so they do not hit a recovering server at
    the same instant; the seed keeps delays reproducible in tests.
    """
    rng = random.Random(seed)
    attempts = max(1, attempts)
    for attempt in range(attempts):
        try:
            return fn()
        except EndpointError as e:
            if not e.retryable or attempt == attempts - 1:
                raise
            sleep(base_delay * (2 ** attempt) * (0.5 + rng.random()))
    raise AssertionError("unreachable")
