"""llama-cpp-python's OpenAI-compatible server, with OpenAI's sampling defaults. Run by path with the Python of
.venv-llamacpp (sftflow is not installed there: this file imports only llama_cpp and the standard library):

    .venv-llamacpp/bin/python .../llamacpp_server.py --model FILE.gguf --model_alias NAME --host H --port P ...

The arguments are llama-cpp-python's own (its `python -m llama_cpp.server`, built with its public create_app).
One thing differs: a request that does not say otherwise gets repeat_penalty 1.0, the value of the OpenAI
API, vLLM and sftflow's transformers engine, where llama-cpp-python's server would apply 1.1: a repeat penalty
changes even a greedy answer, and one request should get the same kind of answer from every engine. Its top_k 40
and min_p 0.05 stay: they never change a greedy answer, only cut the tail of a sampled one, and without them its
sampler is 20-100x slower (8 tokens took 23.6 s with top_k 0 and min_p 0, 0.19 s with min_p 0.05). A request body
over MAX_BODY bytes is a 413, as on the other engines.
"""

import argparse
import json

MAX_BODY = 16 * 1024 * 1024
OPENAI_DEFAULTS = {"repeat_penalty": 1.0}


class OpenAIDefaults:
    """ASGI middleware: fills OPENAI_DEFAULTS into completion requests that leave them out."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or scope["method"] != "POST" or not scope["path"].endswith("/completions"):
            return await self.app(scope, receive, send)
        body, more = b"", True
        while more:
            message = await receive()
            if message["type"] == "http.disconnect":
                return None
            body += message.get("body", b"")
            more = message.get("more_body", False)
            if len(body) > MAX_BODY:
                return await refuse(send, 413, f"the request body is larger than {MAX_BODY // 2 ** 20} MiB")
        try:
            data = json.loads(body)
        except (ValueError, RecursionError):
            data = None  # the server's own 422 says what is wrong
        if isinstance(data, dict):
            for key, value in OPENAI_DEFAULTS.items():
                data.setdefault(key, value)
            body = json.dumps(data).encode()
        replayed = False

        async def replay():
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()  # what comes later: a disconnect

        headers = [(k, v) for k, v in scope["headers"] if k != b"content-length"]
        headers.append((b"content-length", str(len(body)).encode()))
        return await self.app({**scope, "headers": headers}, replay, send)


async def refuse(send, status: int, message: str) -> None:
    body = json.dumps({"error": {"message": message, "type": "invalid_request_error", "code": None}}).encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})


def main() -> None:
    import uvicorn
    from llama_cpp.server.app import create_app
    from llama_cpp.server.cli import add_args_from_model, parse_model_from_args
    from llama_cpp.server.settings import ModelSettings, ServerSettings, Settings

    parser = argparse.ArgumentParser(description="llama-cpp-python's server with OpenAI's sampling defaults")
    add_args_from_model(parser, Settings)
    args = parser.parse_args()
    server_settings = parse_model_from_args(ServerSettings, args)
    app = create_app(server_settings=server_settings, model_settings=[parse_model_from_args(ModelSettings, args)])
    uvicorn.run(OpenAIDefaults(app), host=server_settings.host, port=server_settings.port)


if __name__ == "__main__":
    main()
