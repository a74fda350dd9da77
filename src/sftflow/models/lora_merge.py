"""LoRA merge: fold an adapter into its base, prove the merged model computes the adapter model's logits.

The result is a self-contained model folder that plain `AutoModelForCausalLM.from_pretrained` loads without
peft: safetensors weights, config.json, generation_config.json, the tokenizer with the chat template the
adapter was trained with, and merge_manifest.json (sources, dtype, parity result, chat template hash).
An adapter trained on a 4-bit base (QLoRA) is merged into the unquantized base, never into dequantized
4-bit weights (they would carry the quantization error into every merged weight).

The merge runs in float32 and the model is written in the training dtype (sftflow.models.parity says why).
"""

import datetime
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

import yaml

from sftflow import run_dir as rd
from sftflow.errors import UserError
from sftflow.models import lora_stream
from sftflow.models.output import MERGE_MANIFEST, atomic_dir, check_target
from sftflow.models.parity import compare, logits, parity_prompts, report_parity
from sftflow.models.reference import ModelRef, resolve, resolve_base
from sftflow.paths import cache_root

DTYPES = ("float32", "bfloat16", "float16")


@dataclass
class AdapterSource:
    """What is merged into what, decided before any weight is loaded."""

    adapter_dir: Path
    run_dir: Path | None
    base: str
    dtype: str
    trained_4bit: bool
    model_class: str
    trust_remote_code: bool
    adapter_sha256: str

    @property
    def fingerprint(self) -> str:
        """Same adapter weights on the same base in the same dtype -> the same merged model."""
        key = json.dumps([self.base, self.adapter_sha256, self.dtype])
        return hashlib.sha256(key.encode()).hexdigest()


def merge_adapter(adapter: Path, base: str | None, out: Path, overwrite: bool, parity_check: bool,
                  where: str) -> dict:
    """Merge `adapter` (run directory, checkpoint or adapter folder) into `base` (default: the adapter's own)
    and write the model to `out` atomically; returns the merge manifest plus its `path`."""
    source = describe_adapter(Path(adapter), base, where)
    out = Path(out).expanduser().resolve()
    inputs = [source.adapter_dir] + ([Path(source.base)] if Path(source.base).is_dir() else [])
    check_target(out, source.fingerprint, overwrite, where, inputs)
    if source.trained_4bit:
        print("[sftflow] the adapter was trained on a 4-bit base: merging it into the base loaded in float32 "
              f"(never into dequantized 4-bit weights); the merged model is written in {source.dtype}")
    print(f"[sftflow] merging {source.adapter_dir} into {source.base} (in float32, written in {source.dtype})")
    tokenizer = adapter_tokenizer(source, where)
    stream, why = lora_stream.plan(source.adapter_dir, source.base)
    with atomic_dir(out) as partial:
        if stream:
            parity = merge_streamed(source, stream, tokenizer, partial, parity_check, where)
        else:
            print(f"[sftflow] merging with the whole model in memory: {why}")
            parity = merge_in_memory(source, tokenizer, partial, parity_check, where)
        manifest = merge_manifest(source, parity, rd.chat_template_hash(tokenizer))
        rd.write_json(partial / MERGE_MANIFEST, manifest)
    print(f"[sftflow] merged model: {out}")
    return {**manifest, "path": str(out)}


def merge_streamed(source: "AdapterSource", stream, tokenizer, partial: Path, parity_check: bool, where: str) -> dict:
    """Shard by shard, tensor by tensor (sftflow.models.lora_stream): memory stays about one tensor plus the
    adapter."""
    count = len(stream.shards)
    print(f"[sftflow] merging {len(stream.pairs)} weights shard by shard ({count} shard{'s' * (count > 1)}), "
          "one tensor in memory at a time")
    parity = lora_stream.merge_stream(stream, source.adapter_dir, partial, source.dtype, parity_check)
    if parity_check:
        lora_stream.report(parity, where)
    generation = lora_stream.write_config(source.base, source.dtype, source.trust_remote_code, partial)
    stop_on_end_of_turn(generation, tokenizer)
    tokenizer.save_pretrained(partial)
    generation.save_pretrained(partial)
    return parity


def merge_in_memory(source: "AdapterSource", tokenizer, partial: Path, parity_check: bool, where: str) -> dict:
    """peft's merge_and_unload on the whole model in float32, with the logit parity check of
    sftflow.models.parity."""
    model = adapter_model(source, where)
    prompts = parity_prompts(tokenizer)
    reference = logits(model, prompts) if parity_check else None
    merged = model.merge_and_unload()
    layers = getattr(merged.config.get_text_config(), "num_hidden_layers", 1)
    checks = {"merge": compare(logits(merged, prompts), reference, "float32", layers)} if parity_check else {}
    save_merged(merged.to(_torch_dtype(source.dtype)), tokenizer, partial)
    del model, merged
    if parity_check:
        checks["written"] = compare(logits(_load(str(partial), source, where), prompts), reference, source.dtype,
                                    layers)
    return report_parity(checks, len(prompts), where) if parity_check else {"checked": False}


def describe_adapter(adapter: Path, base: str | None, where: str) -> AdapterSource:
    """Resolve the adapter folder, its base, dtype and precision from the adapter and its run directory."""
    ref = resolve_adapter(adapter, where)
    run_config = _run_config(ref.run_dir)
    base = (resolve_base(base, where) if base else ref.base(where)).location
    base_config = _base_config(base, bool(run_config.get("trust_remote_code")))
    quantization = base_config.get("quantization_config")
    if quantization:
        raise UserError(f"the base model {base} is stored quantized ({quantization.get('quant_method', '?')}); "
                        "merging into dequantized weights loses precision: give the original 16/32-bit model as "
                        "the base (peft_base_model_path)", where)
    manifest = rd.read_manifest(ref.run_dir) if ref.run_dir else None
    return AdapterSource(
        adapter_dir=Path(ref.location), run_dir=ref.run_dir, base=base,
        dtype=merge_dtype({**run_config, "dtype": (manifest or {}).get("train_dtype") or run_config.get("dtype")},
                          base_config),
        trained_4bit=bool(run_config.get("load_in_4bit")),
        model_class=(manifest or {}).get("model_class") or "AutoModelForCausalLM",
        trust_remote_code=bool(run_config.get("trust_remote_code")),
        adapter_sha256=adapter_hash(Path(ref.location)))


def resolve_adapter(path: Path, where: str) -> ModelRef:
    """The adapter a run directory, checkpoint or adapter folder stands for (a run directory: its best checkpoint
    when a metric chose one, else its final model)."""
    if not Path(path).expanduser().is_dir():
        raise UserError(f"adapter not found: {path}", where)
    ref = resolve(str(path), where)
    if not ref.is_adapter:
        raise UserError(f"{ref.location} holds no LoRA adapter (no adapter_config.json); a model trained with "
                        "use_peft: false is already a full model and needs no merge", where)
    return ref


def merged_adapter(adapter: Path, where: str | None) -> Path:
    """The adapter merged into its own base, in the one merged-adapter cache (keyed by the adapter's weights, the
    base and the dtype): merged and parity-checked once, reused after by serve, merge recipes and export."""
    source = describe_adapter(adapter, None, where or "")
    cached = cache_root() / "merged-adapters" / source.fingerprint[:16]
    if (cached / MERGE_MANIFEST).is_file():
        print(f"[sftflow] using the adapter merged earlier: {cached}")
        return cached
    merge_adapter(adapter, None, cached, overwrite=True, parity_check=True, where=where or "")
    return cached


def merge_dtype(run_config: dict, base_config: dict) -> str:
    """The dtype the adapter was trained in (the manifest's train_dtype: after CPU adjustments), else the base's
    stored dtype, else float32."""
    for value in (run_config.get("dtype"), base_config.get("dtype"), base_config.get("torch_dtype")):
        if value in DTYPES:
            return value
    return "float32"


def adapter_hash(adapter_dir: Path) -> str:
    digest = hashlib.sha256((adapter_dir / "adapter_config.json").read_bytes())
    for name in ("adapter_model.safetensors", "adapter_model.bin"):
        if (adapter_dir / name).is_file():
            with open(adapter_dir / name, "rb") as handle:
                for block in iter(lambda: handle.read(1 << 24), b""):
                    digest.update(block)
    return digest.hexdigest()


def _run_config(run_dir: Path | None) -> dict:
    path = run_dir / "config.yaml" if run_dir else None
    return (yaml.safe_load(path.read_text()) or {}) if path and path.is_file() else {}


def _base_config(base: str, trust_remote_code: bool) -> dict:
    local = Path(base) / "config.json"
    if local.is_file():
        return json.loads(local.read_text())
    from transformers import AutoConfig

    try:
        return AutoConfig.from_pretrained(base, trust_remote_code=trust_remote_code).to_dict()
    except (OSError, ValueError):
        return {}  # loading the model reports the problem with its own message


def adapter_tokenizer(source: AdapterSource, where: str):
    """The adapter folder's tokenizer (it holds the chat template used in training), else the base's."""
    from sftflow.models.loading import load_tokenizer

    folder = str(source.adapter_dir) if (source.adapter_dir / "tokenizer_config.json").is_file() else source.base
    if folder == source.base:
        print("[sftflow] warning: the adapter folder has no tokenizer; using the base model's (check that its "
              "chat template is the one you trained with)")
    tokenizer = load_tokenizer(folder, source.trust_remote_code, where, chat=False)
    if tokenizer.chat_template is None:
        print("[sftflow] warning: the tokenizer has no chat template; the merged model will have none")
    return tokenizer


def adapter_model(source: AdapterSource, where: str):
    """The base in float32 (never quantized) with the adapter on top: the model that was trained."""
    from peft import PeftModel

    model = _load(source.base, source, where, dtype="float32")
    try:
        return PeftModel.from_pretrained(model, str(source.adapter_dir))
    except (RuntimeError, ValueError) as e:
        raise UserError(f"the adapter {source.adapter_dir} does not fit the base model {source.base}: "
                        f"{str(e).splitlines()[0]}", where) from e


def _load(name: str, source: AdapterSource, where: str, dtype: str | None = None):
    from sftflow.models.loading import load

    return load(name, "merge", trust_remote_code=source.trust_remote_code, where=where,
                model_class=source.model_class, kwargs={"dtype": _torch_dtype(dtype or source.dtype)})


def _torch_dtype(name: str):
    import torch

    return getattr(torch, name)


def save_merged(model, tokenizer, folder: Path) -> None:
    """Weights as safetensors, config, generation config and tokenizer (with its chat template)."""
    from transformers import GenerationConfig

    leftover = [name for name in model.state_dict() if "lora_" in name]
    if leftover:
        raise RuntimeError(f"merged model still holds adapter weights: {leftover[:3]}")
    stop_on_end_of_turn(getattr(model, "generation_config", None), tokenizer)
    model.save_pretrained(folder, safe_serialization=True)
    tokenizer.save_pretrained(folder)
    if not (folder / "generation_config.json").is_file():
        GenerationConfig.from_model_config(model.config).save_pretrained(folder)


def stop_on_end_of_turn(config, tokenizer) -> None:
    """Make generation (a GenerationConfig) stop at the chat template's end-of-turn token, as it did when the
    adapter was evaluated."""
    eos = tokenizer.eos_token_id
    if config is None or eos is None:
        return
    current = config.eos_token_id
    ids = [] if current is None else list(current) if isinstance(current, (list, tuple)) else [current]
    if eos not in ids:
        config.eos_token_id = ids + [eos] if ids else eos
        print(f"[sftflow] generation stops at the end-of-turn token {tokenizer.eos_token!r} too")


def merge_manifest(source: AdapterSource, parity: dict, template_hash: str | None) -> dict:
    return {
        "kind": "lora_merge",
        "created": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "sources": {"base_model": source.base, "adapter": str(source.adapter_dir),
                    "run_dir": str(source.run_dir) if source.run_dir else None,
                    "adapter_sha256": source.adapter_sha256},
        "dtype": source.dtype,
        "trained_on_4bit_base": source.trained_4bit,
        "parity": parity,
        "chat_template_sha256": template_hash,
        "fingerprint": source.fingerprint,
        "versions": rd.versions(),
    }


def full_model(ref: ModelRef, where: str | None = None) -> str:
    """A Hub id or a folder transformers loads as a whole model: an adapter merged into its base (cached)."""
    if not ref.is_adapter:
        return ref.location
    return str(merged_adapter(Path(ref.location), where))

