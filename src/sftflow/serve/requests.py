"""What the fallback server accepts: OpenAI chat and completion requests, checked before any model work.

Every refusal is an OpenAI-shaped error (`{"error": {"message", "type", "param", "code"}}`) with a 4xx status
that names the field at fault, so a bad request costs the server nothing and the next one is served as usual.
"""

import hmac

ROLES = ("system", "user", "assistant", "tool")
MAX_BODY = 16 * 1024 * 1024
# transformers' stop-string tables grow with vocabulary x stop length: 4 stops of 20,000 characters took the
# server to 23 GB; 4 x 64 characters still cost 127 MiB. 128 characters in all (bench/serve_hostile.py: the peak).
MAX_STOP_CHARS = 128
MIN_TEMPERATURE = 1e-5  # below it, sampling is greedy decoding in all but overflow: logits / 1e-39 are inf
# What the fallback honours; anything else would be silently ignored, so it is refused (vLLM serves the rest).
FIELDS = {"model", "messages", "prompt", "max_tokens", "max_completion_tokens", "temperature", "top_p", "n",
          "stream", "stream_options", "stop", "user", "seed", "sftflow"}
# sftflow's extension field: {"database": NAME, "candidates": N, "select": "executes"|"majority"}, for a database
# the server was started with (serve.databases): SQL answers constrained to its schema, the candidates run on it
EXTENSION = {"database", "candidates", "select"}
MAX_CANDIDATES = 16


class RequestError(Exception):
    """A request the server refuses, with an OpenAI-style error."""

    def __init__(self, status: int, message: str, param: str | None = None, code: str | None = None):
        super().__init__(message)
        self.status, self.param, self.code = status, param, code

    def body(self) -> dict:
        kind = ("authentication_error" if self.status == 401 else
                "invalid_request_error" if self.status < 500 else "server_error")
        return {"error": {"message": str(self), "type": kind, "param": self.param, "code": self.code}}


def check_key(header: str, api_key: str | None) -> None:
    """The `Authorization: Bearer KEY` header against the server's key (none set: anyone may call)."""
    if not api_key:
        return
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not hmac.compare_digest(token.strip().encode(), api_key.encode()):
        raise RequestError(401, "missing or wrong API key: send the header 'Authorization: Bearer KEY'",
                           code="invalid_api_key")


def check_request(body, name: str, chat: bool) -> dict:
    """The request body, or a RequestError saying what is wrong with it."""
    if not isinstance(body, dict):
        raise RequestError(400, "the request body must be a JSON object")
    unsupported = sorted(set(body) - FIELDS)
    if unsupported:
        raise RequestError(400, f"'{unsupported[0]}' is not supported by sftflow's fallback server (vLLM's server "
                           "supports it: ./setup.sh --vllm)", unsupported[0])
    model = body.get("model", name)
    if model not in (name, None):
        raise RequestError(404, f"the model '{model}' does not exist; this server serves '{name}'", "model",
                           "model_not_found")
    if chat:
        check_messages(body.get("messages"))
    elif not isinstance(body.get("prompt"), str):
        raise RequestError(400, "'prompt' must be a string", "prompt")
    for key in ("max_tokens", "max_completion_tokens"):
        value = body.get(key)
        if value is not None and (type(value) is not int or value < 1):
            raise RequestError(400, f"'{key}' must be a positive integer, got {value!r}", key)
    check_number(body, "temperature", 0.0, 2.0, low_open=False)
    check_number(body, "top_p", 0.0, 1.0, low_open=True)
    if body.get("n") not in (None, 1):
        raise RequestError(400, "only n=1 is supported", "n")
    if not isinstance(body.get("stream", False), bool):
        raise RequestError(400, "'stream' must be true or false", "stream")
    stop = body.get("stop")
    if stop is not None and not (isinstance(stop, str) and stop or isinstance(stop, list) and 0 < len(stop) <= 4
                                 and all(isinstance(s, str) and s for s in stop)):
        raise RequestError(400, "'stop' must be a non-empty string or a list of up to 4 of them", "stop")
    if stop is not None and sum(map(len, stop_strings(body))) > MAX_STOP_CHARS:
        raise RequestError(400, f"the stop strings have {sum(map(len, stop_strings(body))):,} characters in all; "
                           f"this server's limit is {MAX_STOP_CHARS}", "stop")
    seed = body.get("seed")
    if seed is not None and (type(seed) is not int or not 0 <= seed < 2**63):
        raise RequestError(400, f"'seed' must be an integer in [0, 2^63), got {seed!r}", "seed")
    check_extension(body.get("sftflow"))
    return body


def check_extension(extension) -> None:
    """sftflow's extension field, if any: a database name, and optionally candidates and a selection rule."""
    if extension is None:
        return
    example = '{"database": "NAME", "candidates": 4, "select": "executes"}'
    if not isinstance(extension, dict):
        raise RequestError(400, f"'sftflow' must be an object such as {example}", "sftflow")
    unknown = sorted(set(extension) - EXTENSION)
    if unknown:
        raise RequestError(400, f"'sftflow.{unknown[0]}' is not a field of sftflow's extension; it takes {example}",
                           f"sftflow.{unknown[0]}")
    if not isinstance(extension.get("database"), str) or not extension["database"]:
        raise RequestError(400, f"'sftflow.database' must name one of the server's databases, as in {example}",
                           "sftflow.database")
    candidates = extension.get("candidates", 1)
    if type(candidates) is not int or not 1 <= candidates <= MAX_CANDIDATES:
        raise RequestError(400, f"'sftflow.candidates' must be an integer from 1 to {MAX_CANDIDATES}, got "
                           f"{candidates!r}", "sftflow.candidates")
    if extension.get("select", "executes") not in ("executes", "majority"):
        raise RequestError(400, f"'sftflow.select' must be executes or majority, got {extension['select']!r}",
                           "sftflow.select")


def stop_strings(body: dict) -> list[str]:
    stop = body.get("stop")
    return [] if stop is None else [stop] if isinstance(stop, str) else list(stop)


def check_messages(messages) -> None:
    """A non-empty list of {role, content} with text content (this server serves text-only models)."""
    if not isinstance(messages, list) or not messages:
        raise RequestError(400, "'messages' must be a non-empty list of {role, content} objects", "messages")
    for i, message in enumerate(messages):
        param = f"messages[{i}]"
        if not isinstance(message, dict) or message.get("role") not in ROLES:
            raise RequestError(400, f"{param} must be an object with a role among {', '.join(ROLES)}", param)
        content = message.get("content")
        text_parts = isinstance(content, list) and all(
            isinstance(part, dict) and part.get("type") == "text" and isinstance(part.get("text"), str)
            for part in content)
        if not isinstance(content, str) and not text_parts:
            raise RequestError(400, f"{param}.content must be a string or a list of text parts "
                               "({'type': 'text', 'text': ...}): this model reads text only", f"{param}.content")


def message_text(content) -> str:
    return content if isinstance(content, str) else "".join(part["text"] for part in content)


def check_number(body: dict, key: str, low: float, high: float, low_open: bool) -> None:
    value = body.get(key)
    if value is None:
        return
    number_ok = isinstance(value, (int, float)) and not isinstance(value, bool)
    if not number_ok or not (low < value <= high if low_open else low <= value <= high):
        bracket = "(" if low_open else "["
        raise RequestError(400, f"'{key}' must be a number in {bracket}{low:g}, {high:g}], got {value!r}", key)
