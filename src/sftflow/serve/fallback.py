"""The fallback server, where vLLM is not installed: `python -m sftflow.serve.fallback MODEL --name NAME --host
HOST --port PORT [--max-model-len N] [--kv-cache-gib G]`, started by `sftflow serve` in a child process.

Requests are batched continuously by transformers' public continuous-batching API (`init_continuous_batching`:
a paged KV cache of a fixed size, requests join and leave the running batch at every step), behind a small
OpenAI-compatible app (Starlette, uvicorn): /v1/chat/completions and /v1/completions (streamed or not),
/v1/models, /health. Greedy answers take the one most likely token (top_k 1); temperature and top_p are per
request. The one thing the shared batch cannot do is a request's own random stream: a sampled request with a
`seed` is generated beside the batch by `generate`, drawing from a generator of its own, so the same seed gives the
same answer whatever else is running.

Every prompt is counted in tokens before anything is generated: a prompt + max_tokens beyond the context is a 400
within milliseconds, whatever its size, so no request can hold the server for long or grow its memory; more than
MAX_REQUESTS at once is a 503; a client that goes away, or a stop string, takes its request out of the batch.
The API key comes in the environment (KEY_ENV), never on the command line, where `ps` would show it to everyone.
"""

import argparse
import json
import os
import sys
import threading
import time
import traceback
import uuid

from sftflow.serve.requests import (
    MAX_BODY,
    MIN_TEMPERATURE,
    RequestError,
    check_key,
    check_request,
    message_text,
    stop_strings,
)
from sftflow.serve.streams import BatchStream, SideStream

KEY_ENV = "SFTFLOW_SERVE_KEY"
LOAD_FAILED = "[sftflow] cannot load the model"  # the line the parent shows when the server gives up
DEFAULT_CONTEXT = 8192  # when the model says nothing, and the most a request may use unless --max-model-len
DEFAULT_MAX_TOKENS = 1024  # an answer without max_tokens must not hold a slot for long
KV_CACHE_GIB = 1.0  # the paged KV cache, allocated once: requests beyond it wait for pages
PAGE_TOKENS = 64  # tokens per page of the KV cache
BATCH_TOKENS = 512  # the most tokens one forward pass takes (prompts are cut into chunks of it)
MAX_REQUESTS = 256  # requests in the server at once (running and waiting); more are a 503
# The batch's attention mask is BATCH_TOKENS x the cache's tokens: past this many tokens a small model's cache
# (1 GiB of a tiny model is millions of tokens) would cost more in the mask than in the cache itself
MAX_CACHE_TOKENS = 131072


class Engine:
    """The model, its tokenizer and the continuous-batching manager (one background thread runs the batch)."""

    def __init__(self, model: str, max_model_len: int | None, kv_cache_gib: float = KV_CACHE_GIB,
                 max_requests: int = MAX_REQUESTS, max_batch_requests: int | None = None,
                 databases: dict[str, str] | None = None):
        from transformers import ContinuousBatchingConfig, GenerationConfig

        from sftflow.models.loading import load, load_tokenizer

        self.tokenizer = load_tokenizer(model, chat=False)  # a model without a chat template still completes
        self.model = load(model, "serve")
        self.context = max_model_len or min(context_length(self.model), DEFAULT_CONTEXT)
        # a token never spells more characters than its longest vocabulary entry: a bound on tokens from length
        self.token_chars = max((len(token) for token in self.tokenizer.get_vocab()), default=1) or 1
        self.vocab = len(self.tokenizer)
        self.eos = self.tokenizer.eos_token_id
        self.seeded = threading.Lock()  # seeded sampled requests: one at a time, beside the batch
        self.active, self.max_requests = 0, max_requests  # requests in the server (the event loop's thread only)
        # The generation config only makes the per-request processors exist (a processor is built only for a
        # value other than the neutral one); every request sets its own temperature, top_p and top_k.
        defaults = GenerationConfig(do_sample=True, temperature=0.5, top_p=0.5, top_k=self.vocab,
                                    max_new_tokens=DEFAULT_MAX_TOKENS, eos_token_id=self.eos,
                                    pad_token_id=self.pad_id())
        self.pages = max(2, min(int(kv_cache_gib * 2**30 // (PAGE_TOKENS * kv_bytes_per_token(self.model))),
                                MAX_CACHE_TOKENS // PAGE_TOKENS))
        batching = ContinuousBatchingConfig(page_size=PAGE_TOKENS, num_blocks=self.pages,
                                            max_batch_tokens=BATCH_TOKENS, per_request_processors=True,
                                            use_cuda_graph=False, max_requests_per_batch=max_batch_requests)
        self.manager = self.model.init_continuous_batching(generation_config=defaults,
                                                           continuous_batching_config=batching)
        self.manager.start()
        self.databases = self.compile_databases(databases or {})

    def compile_databases(self, databases: dict[str, str]) -> dict[str, tuple[str, str]]:
        """{name: (SQLite file, its schema's grammar compiled for this tokenizer)}; ValueError naming a database
        whose schema cannot be constrained."""
        from sftflow.metrics.sql import DATABASE, row_grammars
        from sftflow.models.constrained import CompiledGrammars

        self.grammars = CompiledGrammars(self.tokenizer)
        compiled = {}
        for name, path in databases.items():
            (grammar,), skipped = row_grammars([{DATABASE: path}])
            compiled[name] = (path, None if skipped else self.grammars.get(grammar))
            if compiled[name][1] is None:
                reason = next(iter(skipped), None) or self.grammars.errors.get(grammar, "")
                raise ValueError(f"the database {name} ({path}) cannot be constrained: {reason}")
        return compiled

    def chat_ids(self, messages: list[dict]) -> list[int]:
        text = [{"role": m["role"], "content": message_text(m["content"])} for m in messages]
        self.check_size(sum(len(m["content"]) for m in text) + len(messages), "messages")
        rendered = self.tokenizer.apply_chat_template(text, tokenize=False, add_generation_prompt=True)
        return self.tokenizer(rendered, add_special_tokens=False)["input_ids"]

    def prompt_ids(self, prompt: str) -> list[int]:
        self.check_size(len(prompt), "prompt")
        return self.tokenizer(prompt)["input_ids"]

    def check_size(self, chars: int, param: str) -> None:
        """Refuse text that cannot fit before tokenizing it: it has more tokens than characters / token_chars."""
        if chars > self.context * self.token_chars:
            raise RequestError(400, f"the prompt is at least {chars // self.token_chars} tokens long; this server's "
                               f"context is {self.context} tokens", param, "context_length_exceeded")

    def budget(self, ids: list[int], body: dict) -> int:
        """max_tokens for this prompt: asked for, or what the context leaves (at most DEFAULT_MAX_TOKENS)."""
        if not ids:
            raise RequestError(400, "the prompt is empty", "prompt")
        left = self.context - len(ids)
        asked = body.get("max_completion_tokens") or body.get("max_tokens")
        if left < 1 or (asked is not None and asked > left):
            raise RequestError(400, f"the prompt has {len(ids)} tokens and asks for {asked or 1} more; this server's "
                               f"context is {self.context} tokens", "messages" if "messages" in body else "prompt",
                               "context_length_exceeded")
        return asked or min(left, DEFAULT_MAX_TOKENS)

    def generate(self, ids: list[int], max_tokens: int, body: dict):
        """A Stream of this request's text: from the running batch, or beside it for a seeded sampled request."""
        if self.active >= self.max_requests:
            raise RequestError(503, f"the server has {self.max_requests} requests in progress; try again shortly",
                               code="server_busy")
        temperature = body.get("temperature", 1.0)
        greedy = temperature < MIN_TEMPERATURE  # 1e-39 would overflow the logits: greedy is what it means
        if body.get("sftflow") is not None:
            return SideStream(self, ids, max_tokens, None if greedy else temperature, body.get("top_p", 1.0),
                              body.get("seed"), self.sql_request(body["sftflow"]))
        if body.get("seed") is not None and not greedy:
            return SideStream(self, ids, max_tokens, temperature, body.get("top_p", 1.0), body["seed"])
        sampling = {"temperature": 1.0, "top_p": 1.0, "top_k": 1} if greedy else \
            {"temperature": float(temperature), "top_p": float(body.get("top_p", 1.0)), "top_k": self.vocab}
        return BatchStream(self, ids, max_tokens, sampling)

    def sql_request(self, extension: dict) -> dict:
        """The database a request names (sftflow's extension field), with its grammar, candidates and rule."""
        name = extension["database"]
        if name not in self.databases:
            known = ", ".join(sorted(self.databases)) or "none (sftflow serve --database NAME=FILE.sqlite)"
            raise RequestError(400, f"this server has no database '{name[:64]}'; its databases: {known}",
                               "sftflow.database", "database_not_found")
        path, grammar = self.databases[name]
        return {"database": path, "grammar": grammar, "candidates": extension.get("candidates", 1),
                "select": extension.get("select", "executes")}

    def pad_id(self):
        return self.tokenizer.pad_token_id if self.tokenizer.pad_token_id is not None else self.tokenizer.eos_token_id


def kv_bytes_per_token(model) -> int:
    """The KV cache's bytes for one token across the layers (keys and values, the model's dtype)."""
    config = model.config.get_text_config()
    heads = getattr(config, "num_key_value_heads", None) or config.num_attention_heads
    head_dim = getattr(config, "head_dim", None) or config.hidden_size // config.num_attention_heads
    return 2 * config.num_hidden_layers * heads * head_dim * model.dtype.itemsize


def context_length(model) -> int:
    """The model's maximum positions."""
    config = model.config.get_text_config()
    for key in ("max_position_embeddings", "n_positions", "max_seq_len", "seq_length"):
        value = getattr(config, key, None)
        if isinstance(value, int) and value > 0:
            return value
    return DEFAULT_CONTEXT


def build_app(engine: Engine, name: str, api_key: str | None):
    from starlette.applications import Starlette
    from starlette.responses import JSONResponse, StreamingResponse
    from starlette.routing import Route

    created = int(time.time())

    async def health(request):
        return JSONResponse({"status": "ok", "requests_in_progress": engine.active})

    async def models(request):
        check_key(request.headers.get("authorization", ""), api_key)
        return JSONResponse({"object": "list", "data": [{"id": name, "object": "model", "created": created,
                                                         "owned_by": "sftflow"}]})

    async def completions(request):
        chat = request.url.path.endswith("/chat/completions")
        check_key(request.headers.get("authorization", ""), api_key)
        body = check_request(await read_json(request), name, chat)
        ids = engine.chat_ids(body["messages"]) if chat else engine.prompt_ids(body["prompt"])
        max_tokens = engine.budget(ids, body)
        stream = engine.generate(ids, max_tokens, body)
        answer = Answer(name, chat, len(ids), max_tokens, engine.eos, stream, stop_strings(body))
        if body.get("stream"):
            async def events():
                try:
                    async for piece in stream:
                        text = answer.add(piece)
                        if text:
                            yield answer.event(text)
                        if answer.stopped:
                            break
                    yield answer.event(answer.rest()) + answer.event("", final=True) + b"data: [DONE]\n\n"
                finally:
                    stream.cancel()  # the client went away, a stop string ended it, or the answer is complete

            return StreamingResponse(events(), media_type="text/event-stream")
        try:
            async for piece in stream:
                answer.add(piece)
                if answer.stopped or await request.is_disconnected():
                    break
        finally:
            stream.cancel()
        return JSONResponse(answer.whole())

    async def refused(request, error: RequestError):
        return JSONResponse(error.body(), status_code=error.status,
                            headers={"www-authenticate": "Bearer"} if error.status == 401 else None)

    async def not_found(request, error):
        return await refused(request, RequestError(404, f"no route {request.method} {request.url.path} on this "
                                                   "server", code="not_found"))

    routes = [Route("/health", health), Route("/v1/models", models),
              Route("/v1/chat/completions", completions, methods=["POST"]),
              Route("/v1/completions", completions, methods=["POST"])]
    return Starlette(routes=routes, exception_handlers={RequestError: refused, 404: not_found, 405: not_found})


class Answer:
    """The OpenAI shape of one answer, whole or as stream events."""

    def __init__(self, name: str, chat: bool, prompt_tokens: int, max_tokens: int, eos: int | None, stream,
                 stops: list[str]):
        self.name, self.chat, self.prompt_tokens, self.max_tokens = name, chat, prompt_tokens, max_tokens
        self.eos, self.streamer, self.stops, self.first = eos, stream, stops, True
        self.text, self.sent, self.stopped = "", 0, False  # generated text, characters sent, a stop string seen
        self.id = f"{'chatcmpl' if chat else 'cmpl'}-{uuid.uuid4().hex}"
        self.created = int(time.time())

    def add(self, piece: str) -> str:
        """Take a generated piece; returns the text that may be sent now. The answer ends before a stop string,
        and what could still begin one is held back until the next piece says."""
        if self.stopped:
            return ""
        self.text += piece
        cuts = [i for i in (self.text.find(stop) for stop in self.stops) if i >= 0]
        if cuts:
            self.text, self.stopped = self.text[:min(cuts)], True
        hold = 0 if self.stopped else max((len(stop) - 1 for stop in self.stops), default=0)
        end = max(self.sent, len(self.text) - hold)
        out, self.sent = self.text[self.sent:end], end
        return out

    def rest(self) -> str:
        out, self.sent = self.text[self.sent:], len(self.text)
        return out

    def finish_reason(self) -> str:
        stopped = self.stopped or (self.streamer.last is not None and self.streamer.last == self.eos)
        return "length" if self.streamer.tokens >= self.max_tokens and not stopped else "stop"

    def head(self, kind: str) -> dict:
        return {"id": self.id, "object": kind, "created": self.created, "model": self.name}

    def whole(self) -> dict:
        text, reason = self.text, self.finish_reason()
        choice = ({"index": 0, "message": {"role": "assistant", "content": text}, "finish_reason": reason}
                  if self.chat else {"index": 0, "text": text, "finish_reason": reason})
        usage = {"prompt_tokens": self.prompt_tokens, "completion_tokens": self.streamer.tokens,
                 "total_tokens": self.prompt_tokens + self.streamer.tokens}
        return {**self.head("chat.completion" if self.chat else "text_completion"), "choices": [choice],
                "usage": usage}

    def event(self, piece: str, final: bool = False) -> bytes:
        reason = self.finish_reason() if final else None
        if self.chat:
            delta = {"role": "assistant", "content": piece} if self.first else {"content": piece}
            choice = {"index": 0, "delta": {} if final else delta, "finish_reason": reason}
        else:
            choice = {"index": 0, "text": piece, "finish_reason": reason}
        self.first = False
        chunk = {**self.head("chat.completion.chunk" if self.chat else "text_completion"), "choices": [choice]}
        return f"data: {json.dumps(chunk, ensure_ascii=False)}\n\n".encode()


# Past MAX_BODY the rest of a body is read and dropped, up to this much more, before the 413 goes out: a socket
# closed with unread data resets the connection, and the client would see that reset instead of the answer.
DRAIN_LIMIT = 4 * MAX_BODY


async def read_json(request):
    """The body as JSON, refused past MAX_BODY bytes while it arrives (never held whole first)."""
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_BODY + DRAIN_LIMIT:
            break
        if size <= MAX_BODY:
            chunks.append(chunk)
    if size > MAX_BODY:
        raise RequestError(413, f"the request body is larger than {MAX_BODY // 2 ** 20} MiB")
    try:
        return json.loads(b"".join(chunks))
    except ValueError as e:
        raise RequestError(400, f"the request body is not valid JSON: {e}") from None
    except RecursionError:
        raise RequestError(400, "the request body is nested too deeply") from None


def exit_with_parent() -> None:
    """A killed `sftflow serve` (SIGKILL, crash) must not leave its server running: exit when orphaned."""
    parent = os.getppid()

    def watch():
        while os.getppid() == parent:
            time.sleep(1)
        os._exit(1)

    threading.Thread(target=watch, daemon=True, name="parent-watch").start()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m sftflow.serve.fallback")
    parser.add_argument("model", help="model folder or Hub id")
    parser.add_argument("--name", required=True)
    parser.add_argument("--host", required=True)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--max-model-len", type=int)
    parser.add_argument("--kv-cache-gib", type=float, default=KV_CACHE_GIB,
                        help="the paged KV cache's size, allocated at start (default %(default)s)")
    parser.add_argument("--max-batch-requests", type=int, default=None,
                        help="requests generated together at most (default: transformers' choice; 1 answers one "
                        "request at a time, the baseline of bench/serve_load.py)")
    parser.add_argument("--max-requests", type=int, default=MAX_REQUESTS,
                        help="requests in the server at once, running and waiting; more are a 503")
    parser.add_argument("--database", action="append", default=[], metavar="NAME=FILE",
                        help="a SQLite file requests may name in sftflow's extension field (SQL constrained to its "
                        "schema)")
    args = parser.parse_args(argv)
    exit_with_parent()
    try:
        engine = Engine(args.model, args.max_model_len, args.kv_cache_gib, args.max_requests,
                        args.max_batch_requests, dict(d.split("=", 1) for d in args.database))
    except Exception as e:  # noqa: BLE001 - any load failure: the parent shows this log's last lines
        traceback.print_exc()
        first = str(e).strip().splitlines()[0] if str(e).strip() else ""
        print(f"{LOAD_FAILED} {args.model}: {type(e).__name__}: {first}", file=sys.stderr)
        return 3
    import uvicorn

    app = build_app(engine, args.name, os.environ.get(KEY_ENV) or None)
    try:
        uvicorn.run(app, host=args.host, port=args.port, log_level="info", timeout_graceful_shutdown=5)
    finally:  # the batch's thread is not a daemon: the process would not end while it runs
        engine.manager.stop(block=True, timeout=5, hard_stop=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
