"""A pure-ASGI guard in front of transformers' serving app: API key, request checks, OpenAI-shaped answers.

transformers' app is pinned to one model *path*, refuses any other model name, answers errors as
`{"detail": ...}`, ends event streams without `data: [DONE]` and has maintenance routes (/reset unloads
the model, /load_model loads any Hub model). The guard lets through only /health and the OpenAI routes
below, checks what would otherwise fail deep inside generation (or run for hours), sets the `model` field of
every answer to the served name (parsed JSON, never the app's bytes: the app's own value changed between
transformers releases), and turns every error into OpenAI's `{"error": {"message", "type", "param", "code"}}`.
"""

import hmac
import json
import time

ROUTES = {("POST", "/v1/chat/completions"), ("POST", "/v1/completions"), ("GET", "/v1/models"),
          ("GET", "/health")}
ROLES = ("system", "user", "assistant", "tool")
MAX_BODY = 16 * 1024 * 1024


class RequestError(Exception):
    """A request the guard answers itself, with an OpenAI-style error."""

    def __init__(self, status: int, message: str, param: str | None = None, code: str | None = None):
        super().__init__(message)
        self.status, self.param, self.code = status, param, code


class Guard:
    """Wraps `app`, which serves the model pinned as `pinned` (a path), under the client-facing `name`."""

    def __init__(self, app, name: str, pinned: str, api_key: str | None, max_tokens_limit: int,
                 text_only: bool = True):
        self.app, self.name, self.pinned, self.api_key, self.limit = app, name, pinned, api_key, max_tokens_limit
        self.text_only = text_only  # transformers silently drops image/audio parts sent to a text-only model
        self.created = int(time.time())

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)  # lifespan: lets the app unload the model on exit
        route = (scope["method"], scope["path"])
        try:
            if route not in ROUTES:
                raise RequestError(404, f"no route {route[0]} {route[1]} on this server", code="not_found")
            if route[1].startswith("/v1/") and not self.authorized(scope):
                raise RequestError(401, "missing or wrong API key: send the header 'Authorization: Bearer KEY'",
                                   code="invalid_api_key")
            if route[1] == "/v1/models":
                return await send_json(send, 200, {"object": "list", "data": [
                    {"id": self.name, "object": "model", "created": self.created, "owned_by": "sftflow"}]})
            if route[0] == "POST":
                body = json.dumps(self.checked(await read_json(receive), route[1])).encode()
                scope = {**scope, "headers": [(k, v) for k, v in scope["headers"] if k != b"content-length"]
                         + [(b"content-length", str(len(body)).encode())]}
                receive = replay(body, receive)
        except RequestError as e:
            return await send_json(send, e.status, error_body(str(e), e.status, e.param, e.code))
        await self.app(scope, receive, OpenAIAnswers(send, self.name))

    def authorized(self, scope) -> bool:
        if not self.api_key:
            return True
        header = dict(scope["headers"]).get(b"authorization", b"").decode("latin-1")
        scheme, _, token = header.partition(" ")
        return scheme.lower() == "bearer" and hmac.compare_digest(token.strip().encode(), self.api_key.encode())

    def checked(self, body, path: str) -> dict:
        """The request with `model` set to the pinned path, or a RequestError saying what is wrong."""
        if not isinstance(body, dict):
            raise RequestError(400, "the request body must be a JSON object")
        model = body.get("model", self.name)
        if model not in (self.name, None):
            raise RequestError(404, f"the model '{model}' does not exist; this server serves '{self.name}'",
                               "model", "model_not_found")
        if path == "/v1/chat/completions":
            check_messages(body.get("messages"), self.text_only)
        elif not isinstance(body.get("prompt"), str):
            raise RequestError(400, "'prompt' must be a string", "prompt")
        for key in ("max_tokens", "max_completion_tokens"):
            value = body.get(key)
            if value is not None and (type(value) is not int or not 1 <= value <= self.limit):
                raise RequestError(400, f"'{key}' must be an integer from 1 to {self.limit} (the model's context "
                                   f"length), got {value!r}", key)
        check_number(body, "temperature", 0.0, 2.0, low_open=False)
        check_number(body, "top_p", 0.0, 1.0, low_open=True)
        if body.get("n") not in (None, 1):
            raise RequestError(400, "only n=1 is supported", "n")
        if not isinstance(body.get("stream", False), bool):
            raise RequestError(400, "'stream' must be true or false", "stream")
        return {**body, "model": self.pinned}


def check_messages(messages, text_only: bool) -> None:
    if not isinstance(messages, list) or not messages:
        raise RequestError(400, "'messages' must be a non-empty list of {role, content} objects", "messages")
    for i, message in enumerate(messages):
        param = f"messages[{i}]"
        if not isinstance(message, dict) or message.get("role") not in ROLES:
            raise RequestError(400, f"{param} must be an object with a role among {', '.join(ROLES)}", param)
        content = message.get("content")
        if content is None and message["role"] == "assistant" and message.get("tool_calls"):
            continue
        parts_ok = isinstance(content, list) and all(
            isinstance(part, dict) and isinstance(part.get("type"), str)
            and (part["type"] != "text" or isinstance(part.get("text"), str)) for part in content)
        if not isinstance(content, str) and not parts_ok:
            raise RequestError(400, f"{param}.content must be a string or a list of content parts "
                               "({'type': 'text', 'text': ...})", f"{param}.content")
        if text_only and isinstance(content, list) and any(part["type"] != "text" for part in content):
            raise RequestError(400, f"{param}.content: this model reads text only (content parts of type 'text')",
                               f"{param}.content")


def check_number(body: dict, key: str, low: float, high: float, low_open: bool) -> None:
    value = body.get(key)
    if value is None:
        return
    number_ok = isinstance(value, (int, float)) and not isinstance(value, bool)
    if not number_ok or not (low < value <= high if low_open else low <= value <= high):
        bracket = "(" if low_open else "["
        raise RequestError(400, f"'{key}' must be a number in {bracket}{low:g}, {high:g}], got {value!r}", key)


async def read_json(receive):
    chunks, size = [], 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            raise RequestError(400, "the client disconnected")
        chunks.append(message.get("body", b""))
        size += len(chunks[-1])
        if size > MAX_BODY:
            raise RequestError(413, f"the request body is larger than {MAX_BODY // 2 ** 20} MiB")
        if not message.get("more_body"):
            break
    try:
        return json.loads(b"".join(chunks))
    except ValueError as e:
        raise RequestError(400, f"the request body is not valid JSON: {e}") from None


def replay(body: bytes, receive):
    """A receive() that hands the (rewritten) body to the app once, then waits for the client as usual."""
    sent = False

    async def replayed():
        nonlocal sent
        if sent:
            return await receive()
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    return replayed


def error_body(message: str, status: int, param: str | None = None, code: str | None = None) -> dict:
    kind = ("invalid_request_error" if status < 500 and status != 401 else
            "authentication_error" if status == 401 else "server_error")
    return {"error": {"message": message, "type": kind, "param": param, "code": code}}


async def send_json(send, status: int, data: dict) -> None:
    body = json.dumps(data).encode()
    extra = [(b"www-authenticate", b"Bearer")] if status == 401 else []
    await send({"type": "http.response.start", "status": status, "headers": [
        (b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()), *extra]})
    await send({"type": "http.response.body", "body": body})


class OpenAIAnswers:
    """send() for the app's response: event streams pass through event by event (each event's `model` set to the
    served name, `data: [DONE]` appended); other answers are held until complete, their `model` set, and errors
    reshaped as OpenAI's."""

    def __init__(self, send, name: str):
        self.send, self.name = send, name
        self.start, self.stream, self.held, self.pending = None, False, [], b""

    async def __call__(self, message):
        if message["type"] == "http.response.start":
            headers = dict(message.get("headers", []))
            self.stream = headers.get(b"content-type", b"").startswith(b"text/event-stream")
            self.start = message
            return await self.send(message) if self.stream else None
        if message["type"] != "http.response.body":
            return await self.send(message)
        body, more = message.get("body", b""), message.get("more_body", False)
        if self.stream:
            return await self.send({**message, "body": self.complete_events(body, more)})
        self.held.append(body)
        if not more:
            await self.send_held(b"".join(self.held))

    def complete_events(self, body: bytes, more: bool) -> bytes:
        """The events finished by this chunk, renamed; a partial event waits for the next chunk."""
        events = (self.pending + body).split(b"\n\n")
        self.pending = events.pop() if more else b""
        out = b"".join(named_event(event, self.name) + b"\n\n" for event in events if event.strip())
        return out + (b"" if more else b"data: [DONE]\n\n")

    async def send_held(self, body: bytes) -> None:
        status = self.start["status"]
        headers = [(k, v) for k, v in self.start.get("headers", []) if k != b"content-length"]
        if status >= 400:
            try:
                detail = json.loads(body)
                detail = detail.get("detail", detail.get("error", detail)) if isinstance(detail, dict) else detail
            except ValueError:
                detail = body.decode("utf-8", "replace").strip()
            message = detail if isinstance(detail, str) else json.dumps(detail)
            body = json.dumps(error_body(message, status)).encode()
            headers = [(k, v) for k, v in headers if k != b"content-type"] + [(b"content-type", b"application/json")]
        else:
            body = named_json(body, self.name)
        await self.send({**self.start, "headers": headers + [(b"content-length", str(len(body)).encode())]})
        await self.send({"type": "http.response.body", "body": body})


def named_json(body: bytes, name: str) -> bytes:
    """A JSON object answer with its `model` field set to `name`; anything else unchanged."""
    try:
        data = json.loads(body)
    except ValueError:
        return body
    if not isinstance(data, dict) or "model" not in data:
        return body
    return json.dumps({**data, "model": name}, ensure_ascii=False).encode()


def named_event(event: bytes, name: str) -> bytes:
    """One server-sent event; a `data: {json}` line gets its `model` field set to `name`."""
    lines = event.split(b"\n")
    return b"\n".join(b"data: " + named_json(line[6:], name) if line.startswith(b"data: ") else line
                       for line in lines)
