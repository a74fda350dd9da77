"""The fallback server, where vLLM is not installed: `python -m sftflow.serve.fallback MODEL --name NAME --host
HOST --port PORT [--max-model-len N]`, started by `sftflow serve` in a child process.

transformers' public generation API (generate with a streamer and a stopping criterion) answers one request at a
time behind a small OpenAI-compatible app (Starlette, uvicorn): /v1/chat/completions and /v1/completions
(streamed or not), /v1/models, /health. Every prompt is counted in tokens before anything is generated: a
prompt + max_tokens beyond the context is a 400 within milliseconds, whatever its size, so no request can hold
the server for long or grow its memory; a client that goes away stops its generation. The API key comes in the
environment (KEY_ENV), never on the command line, where `ps` would show it to everyone.
"""

import argparse
import json
import os
import sys
import threading
import time
import traceback
import uuid
from functools import cache

from sftflow.serve.requests import (
    MAX_BODY,
    MIN_TEMPERATURE,
    RequestError,
    check_key,
    check_request,
    message_text,
    stop_strings,
)

KEY_ENV = "SFTFLOW_SERVE_KEY"
LOAD_FAILED = "[sftflow] cannot load the model"  # the line the parent shows when the server gives up
DEFAULT_CONTEXT = 8192  # when the model says nothing, and the most a request may use unless --max-model-len
DEFAULT_MAX_TOKENS = 1024  # one request at a time: an answer without max_tokens must not hold the server for long


class Engine:
    """The model, its tokenizer and the one generation lock."""

    def __init__(self, model: str, max_model_len: int | None):
        import torch
        from transformers import AutoModelForCausalLM, AutoTokenizer

        self.tokenizer = AutoTokenizer.from_pretrained(model)
        self.model = AutoModelForCausalLM.from_pretrained(model, dtype=torch.float32).eval()
        self.context = max_model_len or min(context_length(self.model), DEFAULT_CONTEXT)
        # a token never spells more characters than its longest vocabulary entry: a bound on tokens from length
        self.token_chars = max((len(token) for token in self.tokenizer.get_vocab()), default=1) or 1
        self.lock = threading.Lock()

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

    def generate(self, ids: list[int], max_tokens: int, body: dict, cancel: threading.Event):
        """(streamer, thread): text pieces arrive on the streamer while the thread generates under the lock."""
        import torch
        from transformers import StoppingCriteria, StoppingCriteriaList

        class Cancelled(StoppingCriteria):
            def __call__(self, input_ids, scores, **kwargs):
                return cancel.is_set()

        streamer = counting_streamer_class()(self.tokenizer, skip_prompt=True, skip_special_tokens=True)
        temperature = body.get("temperature", 1.0)
        sample = temperature >= MIN_TEMPERATURE  # 1e-39 would overflow the logits: greedy is what it means
        sampling = {"do_sample": sample, **({"temperature": temperature, "top_p": body.get("top_p", 1.0)}
                                            if sample else {})}
        seed = body.get("seed")
        kwargs = {"input_ids": torch.tensor([ids]), "attention_mask": torch.ones(1, len(ids), dtype=torch.long),
                  "max_new_tokens": max_tokens, "streamer": streamer, "pad_token_id": self.pad_id(),
                  "stopping_criteria": StoppingCriteriaList([Cancelled()]), **sampling}
        if stop_strings(body):
            kwargs.update(stop_strings=stop_strings(body), tokenizer=self.tokenizer)

        def run():
            with self.lock, torch.inference_mode():
                try:
                    if seed is not None:  # under the lock: the same seed and request give the same answer
                        torch.manual_seed(seed)
                    self.model.generate(**kwargs)
                except Exception:  # noqa: BLE001 - the client gets a cut answer; the server goes on
                    traceback.print_exc()
                    streamer.end()

        thread = threading.Thread(target=run, daemon=True)
        thread.start()
        return streamer, thread

    def pad_id(self):
        return self.tokenizer.pad_token_id if self.tokenizer.pad_token_id is not None else self.tokenizer.eos_token_id


@cache
def counting_streamer_class():
    from transformers import TextIteratorStreamer

    class CountingStreamer(TextIteratorStreamer):
        """TextIteratorStreamer that also counts the generated tokens and remembers the last one."""

        tokens, last = 0, None

        def put(self, value):
            if self.skip_prompt and self.next_tokens_are_prompt:
                return super().put(value)
            self.tokens += value.numel()
            self.last = int(value.reshape(-1)[-1])
            return super().put(value)

    return CountingStreamer


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
    from starlette.concurrency import iterate_in_threadpool
    from starlette.responses import JSONResponse, StreamingResponse
    from starlette.routing import Route

    created = int(time.time())

    async def health(request):
        return JSONResponse({"status": "ok"})

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
        cancel = threading.Event()
        streamer, thread = engine.generate(ids, max_tokens, body, cancel)
        answer = Answer(name, chat, len(ids), max_tokens, engine.tokenizer.eos_token_id, streamer, stop_strings(body))
        if body.get("stream"):
            async def events():
                try:
                    async for piece in iterate_in_threadpool(streamer):
                        text = answer.add(piece)
                        if text:
                            yield answer.event(text)
                    yield answer.event(answer.rest()) + answer.event("", final=True) + b"data: [DONE]\n\n"
                finally:
                    cancel.set()  # the client went away, or the answer is complete

            return StreamingResponse(events(), media_type="text/event-stream")
        async for piece in iterate_in_threadpool(streamer):
            answer.add(piece)
            if await request.is_disconnected():
                cancel.set()
                break
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

    def __init__(self, name: str, chat: bool, prompt_tokens: int, max_tokens: int, eos: int | None, streamer,
                 stops: list[str]):
        self.name, self.chat, self.prompt_tokens, self.max_tokens = name, chat, prompt_tokens, max_tokens
        self.eos, self.streamer, self.stops, self.first = eos, streamer, stops, True
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
    args = parser.parse_args(argv)
    exit_with_parent()
    try:
        engine = Engine(args.model, args.max_model_len)
    except Exception as e:  # noqa: BLE001 - any load failure: the parent shows this log's last lines
        traceback.print_exc()
        first = str(e).strip().splitlines()[0] if str(e).strip() else ""
        print(f"{LOAD_FAILED} {args.model}: {type(e).__name__}: {first}", file=sys.stderr)
        return 3
    import uvicorn

    app = build_app(engine, args.name, os.environ.get(KEY_ENV) or None)
    uvicorn.run(app, host=args.host, port=args.port, log_level="info", timeout_graceful_shutdown=5)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
