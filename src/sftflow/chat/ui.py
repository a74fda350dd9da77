"""`sftflow chat`: a gradio chat UI for any OpenAI-compatible endpoint.

Answers stream as they are generated; stop closes the HTTP stream, so the server stops
generating for us. The system prompt and example questions come from the config's templates
rendered on the test split, so one chats with the model the way it was trained.
"""

import os

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")  # no analytics or version-check requests

import json
import socket
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from sftflow.data.openai_client import completions_url
from sftflow.errors import UserError

CONNECT_TIMEOUT_S = 3.0  # a down endpoint is reported after this, never a hanging UI
READ_TIMEOUT_S = 120.0  # longest wait for the next streamed token
ERROR_MARK = "**sftflow:** "  # starts the part of an assistant turn that is ours, not the model's


@dataclass
class ChatSettings:
    base_url: str
    api_key: str | None
    model: str
    system_prompt: str | None
    examples: list[str] = field(default_factory=list)
    host: str = "127.0.0.1"
    port: int = 7860
    share: bool = False
    max_tokens: int = 512  # tiny random models rarely stop: bound every answer


def chat_settings(config, base_url: str | None = None, api_key: str | None = None, model: str | None = None,
                  examples: int = 4, max_tokens: int = 512) -> ChatSettings:
    """Endpoint, key and model from flags > the config's `chat:` section > the environment > the local server."""
    chat, serve = config.chat, config.serve
    system_prompt, example_prompts = config_prompts(config, examples)
    return ChatSettings(
        base_url=base_url or chat.base_url or os.environ.get("OPENAI_API_BASE") or f"http://127.0.0.1:{serve.port}/v1",
        api_key=api_key or os.environ.get(chat.api_key_env) or os.environ.get(serve.api_key_env) or None,
        model=model or serve.served_model_name,
        system_prompt=system_prompt, examples=example_prompts,
        host=chat.host, port=chat.port, share=chat.share, max_tokens=max_tokens)


def config_prompts(config, n: int) -> tuple[str | None, list[str]]:
    """(system prompt, first n user prompts of the test split), rendered with the config's templates."""
    from sftflow.data.templates import ROLES, load_templates

    if not config.workflow.prompts_path and all(getattr(config.data, f"{r}_template") is None for r in ROLES):
        return None, []  # no templates: a plain chat
    templates = load_templates(config)
    rows = _test_rows(config, max(n, 1))
    system = templates.render(rows[0] if rows else {}, 0, roles=("system",))
    examples = [templates.render(row, i, roles=("user",))[0]["content"] for i, row in enumerate(rows[:n])]
    return (system[0]["content"] if system else None), examples


def _test_rows(config, n: int) -> list[dict]:
    """The first n test rows; none when the config names no data or its test split is unusable."""
    from sftflow.data.prepare import load_splits

    if not config.workflow.dataset_name:
        return []
    try:
        test = load_splits(config)["test"]
    except UserError as e:
        print(f"[sftflow] chat: no example prompts ({e})")
        return []
    return [test[i] for i in range(min(n, len(test)))]


def unreachable_reason(base_url: str) -> str | None:
    """Why no TCP connection to the endpoint can be made ('connection refused', ...), or None if it can."""
    url = urlsplit(base_url)
    port = url.port or (443 if url.scheme == "https" else 80)
    try:
        socket.create_connection((url.hostname, port), timeout=CONNECT_TIMEOUT_S).close()
    except ConnectionRefusedError:
        return "connection refused"
    except TimeoutError:
        return f"no answer within {CONNECT_TIMEOUT_S:.0f} s"
    except OSError as e:
        return e.strerror or str(e)
    return None


def status_line(settings: ChatSettings, problem: str | None) -> str:
    return f"Endpoint `{settings.base_url}` · model `{settings.model}` · **{problem or 'reachable'}**"


def down_message(settings: ChatSettings, reason: str) -> str:
    return (f"{ERROR_MARK}Endpoint {settings.base_url} is not reachable ({reason}). Start it with "
            "`sftflow serve CONFIG`, or point `--base-url` at a running one.")


def request_messages(message: str, history: list[dict], system_prompt: str | None) -> list[dict]:
    """The OpenAI messages for a new user message; our own error notes are left out."""
    messages = [{"role": "system", "content": system_prompt}] if system_prompt and system_prompt.strip() else []
    for turn in history:
        text = _text(turn["content"]).split(ERROR_MARK)[0].strip()
        if text and turn["role"] in ("user", "assistant"):
            messages.append({"role": turn["role"], "content": text})
    return messages + [{"role": "user", "content": message}]


def _text(content) -> str:
    """gradio hands history content as a string or as a list of {'type': 'text', 'text': ...} parts."""
    if isinstance(content, str):
        return content
    parts = content if isinstance(content, list) else [content]
    return "".join(part.get("text", "") for part in parts if isinstance(part, dict))


async def stream_answer(settings: ChatSettings, messages: list[dict]) -> AsyncIterator[str]:
    """The answer so far after each streamed chunk. Closing the generator closes the HTTP stream."""
    import httpx

    body = {"model": settings.model, "messages": messages, "max_tokens": settings.max_tokens, "stream": True}
    headers = {"Authorization": f"Bearer {settings.api_key}"} if settings.api_key else {}
    timeout = httpx.Timeout(READ_TIMEOUT_S, connect=CONNECT_TIMEOUT_S)
    url = completions_url(settings.base_url)
    async with (httpx.AsyncClient(timeout=timeout) as client,
                client.stream("POST", url, json=body, headers=headers) as response):
        if response.status_code >= 400:
            detail = (await response.aread()).decode("utf-8", "replace").strip()[:300]
            raise EndpointFailed(f"the endpoint answered HTTP {response.status_code}: {detail}")
        answer = ""
        async for line in response.aiter_lines():
            data = line.removeprefix("data:").strip() if line.startswith("data:") else ""
            if data == "[DONE]":
                break
            choices = json.loads(data).get("choices") if data else None
            if choices:  # a final usage-only chunk has none
                answer += choices[0].get("delta", {}).get("content") or ""
                yield answer


class EndpointFailed(Exception):
    """The endpoint answered, but with an error."""


def build_ui(settings: ChatSettings):
    """The chat page: status line, editable system prompt, chat with stop/retry/edit, example prompts."""
    import gradio as gr
    import httpx

    async def respond(message: str, history: list[dict], system_prompt: str):
        answer, first = "", True
        try:
            async for answer in stream_answer(settings, request_messages(message, history, system_prompt)):
                yield answer, (status_line(settings, None) if first else gr.skip())
                first = False
        except (httpx.ConnectError, httpx.ConnectTimeout) as e:
            reason = unreachable_reason(settings.base_url) or str(e) or type(e).__name__
            yield down_message(settings, reason), status_line(settings, f"not reachable ({reason})")
            return
        except (httpx.HTTPError, EndpointFailed, ValueError) as e:  # ValueError: a chunk that is not JSON
            problem = str(e) or type(e).__name__
            yield f"{answer}\n\n{ERROR_MARK}{problem}".strip(), status_line(settings, problem)
            return
        if first:  # the endpoint streamed nothing
            yield f"{ERROR_MARK}the model returned an empty answer", status_line(settings, None)

    def check_status():
        reason = unreachable_reason(settings.base_url)
        return status_line(settings, reason and f"not reachable ({reason})")

    with gr.Blocks(title="sftflow chat") as app:
        gr.Markdown("## sftflow chat")
        status = gr.Markdown(status_line(settings, "checking..."), elem_id="status")
        system = gr.Textbox(settings.system_prompt or "", label="System prompt", lines=2, elem_id="system-prompt")
        gr.ChatInterface(
            respond, additional_inputs=[system], additional_outputs=[status], editable=True,
            chatbot=gr.Chatbot(editable="user", height=480, buttons=["copy"], feedback_options=None, elem_id="chat"),
            textbox=gr.Textbox(placeholder="Ask the model...", submit_btn=True, stop_btn=True, autofocus=True,
                               elem_id="message"),
            examples=[[e, None] for e in settings.examples] or None,
            concurrency_limit=None, fill_height=False)  # the endpoint, not the UI, decides what runs at once
        app.load(check_status, outputs=status)
    return app


def launch_ui(settings: ChatSettings, block: bool = True):
    """Serve the UI on settings.host:port; returns (gradio app, local URL), after Ctrl+C if block."""
    app = build_ui(settings)
    try:
        _, local_url, share_url = app.launch(server_name=settings.host, server_port=settings.port,
                                             share=settings.share, inbrowser=False, prevent_thread_lock=True,
                                             quiet=True)
    except OSError as e:  # gradio: "Cannot find empty port in range: N-N"
        raise UserError(f"cannot serve the chat UI: port {settings.port} on {settings.host} is in use; "
                        "choose another with --chat.port N") from e
    print(f"[sftflow] chat UI on {local_url}{f' and {share_url}' if share_url else ''} -> "
          f"{settings.base_url} (model {settings.model})", flush=True)  # read through pipes by scripts
    if block:
        app.block_thread()  # until Ctrl+C
    return app, local_url


def run(config, run_dir=None, *, base_url: str | None = None, api_key: str | None = None, model: str | None = None,
        share: bool | None = None) -> None:
    """The chat stage (`sftflow chat CONFIG`, `mode: interact`): serve the UI until interrupted. `run_dir` is not
    read: the UI talks to an endpoint (sftflow.flows.serve starts one for a run directory)."""
    settings = chat_settings(config, base_url, api_key, model)
    if share is not None:
        settings.share = share
    launch_ui(settings, block=True)
