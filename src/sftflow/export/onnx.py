"""ONNX export of a causal LM with its KV cache as inputs and outputs, in the layout transformers.js and optimum load.

optimum's exporter would be the maintained tool for this, but optimum-onnx (0.1.0) requires transformers<4.58 and
sftflow runs on transformers 5, so the model goes through torch.onnx (the dynamo exporter) directly. What is written
here is only the part optimum would have done: a wrapper that turns the flat `past_key_values.N.key/value` inputs
into transformers' cache and the cache back into `present.N.key/value` outputs, the names transformers.js feeds
(an empty past on the first step), and a check that onnxruntime computes the model's logits.

Folder: config.json, generation_config.json, tokenizer.json, tokenizer_config.json (with the chat template inside,
where transformers.js reads it), onnx/model.onnx.
"""

import json
import shutil
import warnings
from pathlib import Path

import torch
from transformers import DynamicCache

from sftflow.errors import UserError

ONNX_FILE = "onnx/model.onnx"
OPSET = 18
# float32 ONNX vs torch, max |logit difference|: measured 1.1e-4 on SmolLM2-135M (30 layers, logits up to ~30)
# and 1e-7 on the 2-layer test model; a wrong graph (a missing cache step, a bad mask) is off by whole units
ONNX_TOLERANCE = 1e-3
MAX_BYTES = 2 * 1024**3  # one protobuf file, and about what a browser tab's 32-bit WASM memory can hold
TOKENIZER_FILES = ("tokenizer.json", "special_tokens_map.json")


def export_onnx(model_dir: Path, out: Path, where: str | None) -> dict:
    """Write the ONNX model folder for `model_dir` (a plain transformers model folder) into `out`; returns the
    parity figures of onnxruntime against torch."""
    model, tokenizer = load_float32(model_dir, where)
    (out / "onnx").mkdir(parents=True, exist_ok=True)
    wrapper = CachedDecoder(model).eval()  # a module in training mode would be exported as such
    inputs, shapes = example_inputs(model.config)
    print(f"[sftflow] exporting {model_dir} to ONNX (torch.onnx, opset {OPSET}; a 135M model takes about 2 min "
          "on 2 cores)")
    with torch.no_grad(), warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="# The axis name")  # input_ids and position_ids share a length
        try:
            torch.onnx.export(wrapper, inputs, str(out / ONNX_FILE), input_names=input_names(model.config),
                              output_names=output_names(model.config), dynamic_shapes=shapes, opset_version=OPSET,
                              dynamo=True, external_data=False, verbose=False)
        except Exception as e:  # torch.export raises many kinds; each means "not this architecture"
            summary = next((line for line in str(e).splitlines() if "Error" in line), str(e).splitlines()[0])
            raise UserError(f"torch.onnx could not export {model.config.model_type}: {summary}", where) from e
    copy_model_files(model_dir, tokenizer, out)
    parity = check_onnx(out / ONNX_FILE, model, tokenizer)
    if not parity["passed"]:
        raise UserError(f"the ONNX model's logits differ from the model's by {parity['max_abs_diff']:.2e} "
                        f"(tolerance {ONNX_TOLERANCE}); the export is broken for this architecture", where)
    print(f"[sftflow] ONNX parity: max |logit difference| {parity['max_abs_diff']:.2e} over "
          f"{parity['positions']} positions (tolerance {ONNX_TOLERANCE})")
    return parity


def load_float32(model_dir: Path, where: str | None):
    from sftflow.models.loading import load, load_tokenizer

    config = json.loads((model_dir / "config.json").read_text())
    size = sum(f.stat().st_size for f in model_dir.glob("*.safetensors"))
    if size * 4 / _bytes_per_weight(config) > MAX_BYTES:
        raise UserError(f"{model_dir} is too large for a one-file float32 ONNX model in a browser tab "
                        f"({size / 1e9:.1f} GB as stored; about 500M parameters at most)", where)
    return load(model_dir, "onnx", where=where), load_tokenizer(model_dir, where=where, chat=False)


def _bytes_per_weight(config: dict) -> int:
    return 2 if config.get("dtype", config.get("torch_dtype")) in ("float16", "bfloat16") else 4


class CachedDecoder(torch.nn.Module):
    """model(input_ids, attention_mask, position_ids, past keys/values...) -> (logits, present keys/values...)."""

    def __init__(self, model):
        super().__init__()
        self.model = model

    def forward(self, input_ids, attention_mask, position_ids, *past):
        cache = DynamicCache(config=self.model.config)
        for layer in range(len(past) // 2):
            cache.update(past[2 * layer], past[2 * layer + 1], layer)
        out = self.model(input_ids=input_ids, attention_mask=attention_mask, position_ids=position_ids,
                         past_key_values=cache, use_cache=True)
        present = [t for layer in out.past_key_values.layers for t in (layer.keys, layer.values)]
        return (out.logits, *present)


def kv_shape(config) -> tuple[int, int, int]:
    """(layers, key/value heads, head dim) as transformers.js computes them from config.json."""
    heads = config.num_attention_heads
    head_dim = getattr(config, "head_dim", None) or config.hidden_size // heads
    return config.num_hidden_layers, getattr(config, "num_key_value_heads", None) or heads, head_dim


def input_names(config) -> list[str]:
    layers = kv_shape(config)[0]
    return ["input_ids", "attention_mask", "position_ids"] + [
        f"past_key_values.{i}.{kind}" for i in range(layers) for kind in ("key", "value")]


def output_names(config) -> list[str]:
    layers = kv_shape(config)[0]
    return ["logits"] + [f"present.{i}.{kind}" for i in range(layers) for kind in ("key", "value")]


def example_inputs(config):
    """Inputs to trace with (batch 2, 5 new tokens behind 3 cached ones: each dynamic size distinct and > 1, so
    none is specialised to a constant) and their dynamic dimensions."""
    layers, heads, head_dim = kv_shape(config)
    batch, new, cached = 2, 5, 3
    past = tuple(torch.zeros(batch, heads, cached, head_dim) for _ in range(2 * layers))
    inputs = (torch.ones(batch, new, dtype=torch.long), torch.ones(batch, cached + new, dtype=torch.long),
              torch.arange(cached, cached + new).expand(batch, new), *past)
    dim = torch.export.Dim
    b, s, p, t = dim("batch_size"), dim("sequence_length"), dim("past_sequence_length"), dim("total_sequence_length")
    shapes = ({0: b, 1: s}, {0: b, 1: t}, {0: b, 1: s}, tuple({0: b, 2: p} for _ in past))  # *past: one tuple
    return inputs, shapes


def copy_model_files(model_dir: Path, tokenizer, out: Path) -> None:
    """config, generation config and tokenizer beside onnx/; the chat template goes inside tokenizer_config.json,
    where transformers.js looks for it (transformers 5 writes it to chat_template.jinja)."""
    for name in ("config.json", "generation_config.json", *TOKENIZER_FILES):
        if (model_dir / name).is_file():
            shutil.copy2(model_dir / name, out / name)
    source = model_dir / "tokenizer_config.json"
    settings = json.loads(source.read_text()) if source.is_file() else {}
    if tokenizer.chat_template:
        settings["chat_template"] = tokenizer.chat_template
    (out / "tokenizer_config.json").write_text(json.dumps(settings, indent=2, ensure_ascii=False) + "\n")


def check_onnx(path: Path, model, tokenizer) -> dict:
    """onnxruntime against torch on a chat prompt: the first pass with an empty cache, then three single-token steps
    fed the returned cache (as generation runs them)."""
    import numpy as np
    import onnxruntime

    session = onnxruntime.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    layers, heads, head_dim = kv_shape(model.config)
    text = tokenizer.apply_chat_template([{"role": "user", "content": "List the three largest cities."}],
                                         tokenize=False, add_generation_prompt=True)
    ids = tokenizer(text, add_special_tokens=False)["input_ids"]
    past = [np.zeros((1, heads, 0, head_dim), np.float32) for _ in range(2 * layers)]
    steps, worst, positions = [ids, [ids[-1]], [ids[0]], [ids[1]]], 0.0, 0
    seen: list[int] = []
    for step in steps:
        start = len(seen)
        seen += step
        feeds = {"input_ids": np.array([step], np.int64), "attention_mask": np.ones((1, len(seen)), np.int64),
                 "position_ids": np.arange(start, len(seen), dtype=np.int64)[None]}
        feeds.update(zip(input_names(model.config)[3:], past))
        logits, *past = session.run(None, feeds)
        with torch.no_grad():
            reference = model(torch.tensor([seen])).logits[0, start:].numpy()
        worst = max(worst, float(np.abs(logits[0] - reference).max()))
        positions += len(step)
    return {"max_abs_diff": worst, "tolerance": ONNX_TOLERANCE, "positions": positions,
            "passed": bool(np.isfinite(worst) and worst <= ONNX_TOLERANCE)}
