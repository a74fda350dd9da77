"""The CPU server process: `python -m sftflow.serve.worker MODEL --name NAME --host HOST --port PORT`.

Builds transformers' own OpenAI-compatible app exactly as `transformers serve` does (Serve.__init__ in
transformers/cli/serve.py), pinned to MODEL, and runs it with uvicorn behind sftflow's Guard. The API key
comes in the environment (KEY_ENV), never on the command line, where `ps` would show it to everyone.
"""

import argparse
import os
import sys
import threading
import time
import traceback

KEY_ENV = "SFTFLOW_SERVE_KEY"
LOAD_FAILED = "[sftflow] cannot load the model"  # the line the parent shows when the worker gives up


def build_app(model: str, name: str, api_key: str | None):
    """transformers' FastAPI app with `model` loaded (here, before the port opens), wrapped in the Guard."""
    import torch
    from transformers.cli.serving.chat_completion import ChatCompletionHandler
    from transformers.cli.serving.completion import CompletionHandler
    from transformers.cli.serving.model_manager import ModelManager
    from transformers.cli.serving.response import ResponseHandler
    from transformers.cli.serving.server import build_server
    from transformers.cli.serving.systemone import SystemOneHandler
    from transformers.cli.serving.transcription import TranscriptionHandler
    from transformers.cli.serving.utils import GenerationState, Modality

    from sftflow.serve.guard import Guard

    device = "auto" if torch.cuda.is_available() else "cpu"
    manager = ModelManager(device=device, dtype="auto", trust_remote_code=False, force_model=model)
    state = GenerationState(continuous_batching=False, compile=False, cb_config=None)
    app = build_server(
        manager,
        ChatCompletionHandler(model_manager=manager, generation_state=state, chat_template_kwargs={}),
        completion_handler=CompletionHandler(model_manager=manager, generation_state=state),
        response_handler=ResponseHandler(model_manager=manager, generation_state=state, chat_template_kwargs={}),
        transcription_handler=TranscriptionHandler(manager, state),
        systemone_handler=SystemOneHandler(model_manager=manager, generation_state=state, chat_template_kwargs={}),
        generation_state=state,
    )
    (loaded,) = manager.loaded_models.values()
    text_only = manager.get_model_modality(loaded.model, loaded.processor) == Modality.LLM
    return Guard(app, name, model, api_key, context_length(loaded.model), text_only)


def context_length(model) -> int:
    """The model's maximum positions: the largest max_tokens a request may ask for."""
    config = model.config.get_text_config()
    for key in ("max_position_embeddings", "n_positions", "max_seq_len", "seq_length"):
        value = getattr(config, key, None)
        if isinstance(value, int) and value > 0:
            return value
    return 4096  # unknown: some bound is needed, or one request could hold the (only) inference thread for hours


def exit_with_parent() -> None:
    """A killed `sftflow serve` (SIGKILL, crash) must not leave its server running: exit when orphaned."""
    parent = os.getppid()

    def watch():
        while os.getppid() == parent:
            time.sleep(1)
        os._exit(1)

    threading.Thread(target=watch, daemon=True, name="parent-watch").start()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m sftflow.serve.worker")
    parser.add_argument("model", help="model folder or Hub id")
    parser.add_argument("--name", required=True)
    parser.add_argument("--host", required=True)
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args(argv)
    exit_with_parent()
    try:
        app = build_app(args.model, args.name, os.environ.get(KEY_ENV) or None)
    except Exception as e:  # noqa: BLE001 - any load failure: the parent shows this log's last lines
        traceback.print_exc()
        first = str(e).strip().splitlines()[0] if str(e).strip() else ""
        print(f"{LOAD_FAILED} {args.model}: {type(e).__name__}: {first}", file=sys.stderr)
        return 3
    import uvicorn

    uvicorn.run(app, host=args.host, port=args.port, log_level="info", timeout_graceful_shutdown=5)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
