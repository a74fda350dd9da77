"""A streaming LoRA merge: the base's safetensors files are read and written one tensor at a time, so that peak
memory is about one tensor in float32 plus the adapter, whatever the model's size (peft's `merge_and_unload`
needs the whole model in float32, and the earlier merge peaked at 2.05x the model's size on disk).

What streams: a LoRA adapter (plain or rsLoRA) on linear layers of a base stored as local safetensors files, whose
module names are the checkpoint's tensor names. Everything else (DoRA, IA3, AdaLoRA, rank or alpha patterns,
embedding LoRA, modules_to_save, a Hub id, a checkpoint whose names transformers renames when loading) is merged
in memory by peft; `plan()` says which, and why.

Each output shard keeps the base's shard name (and the index its names). safetensors' `save_file` takes a whole
shard's tensors at once (a shard in memory; Hub checkpoints have shards of 5 GB and more), so each file is written
in the documented safetensors layout (8-byte header length, JSON header, little-endian data) tensor by tensor,
its header from safetensors' own reading of the base shard, and read back with safetensors' reader for the parity
check.

Parity, streamed (`ProbeCheck`): for every merged weight, its output on a few random input vectors is compared
with the adapter module's output W x + s B (A x), computed in float64 from the base and adapter files. The
tolerance is an a-priori rounding bound, not a fixed number: merging in float32 rounds each element by at most
(r + 2) u32 (|W| + s |B||A|) (r terms in B A, the scale and the sum; u32 = 2^-24), and writing in dtype d adds
u_d of the element (u_bf16 = 2^-8, u_f16 = 2^-11); summed over the layer's width against |x|, that bounds each
output element. A wrong merge (a dropped adapter, a wrong scale, a transposed product) misses it by the
adapter's whole effect. Tensors that no adapter touches must equal the base's cast to the output dtype, bit for
bit.
"""

import json
import struct
from dataclasses import dataclass, field
from pathlib import Path

from sftflow.errors import UserError

ADAPTER_FILE = "adapter_model.safetensors"
PREFIX = "base_model.model."
# adapter_config.json keys that change what the merge computes; where one is set, peft merges in memory
UNSTREAMED = ("use_dora", "rank_pattern", "alpha_pattern", "fan_in_fan_out", "target_parameters", "lora_bias",
              "layer_replication", "use_qalora", "megatron_config", "trainable_token_indices",
              "alora_invocation_tokens", "use_bdlora")
DTYPE_NAMES = {"float32": "F32", "bfloat16": "BF16", "float16": "F16", "float64": "F64", "int64": "I64",
               "int32": "I32", "int16": "I16", "int8": "I8", "uint8": "U8", "bool": "BOOL"}
UNIT_ROUNDOFF = {"float32": 2.0 ** -24, "bfloat16": 2.0 ** -8, "float16": 2.0 ** -11}
PROBES = 4
ROW_BLOCK = 1024  # rows of a weight checked at once: float64 copies of 1,024 x width, not of the whole weight


@dataclass
class StreamPlan:
    """What a streamed merge reads: base shards, adapter modules, and the LoRA scale."""

    shards: list[Path]                                  # the base's safetensors files, in index order
    index: Path | None                                  # model.safetensors.index.json, when sharded
    pairs: dict[str, tuple[str, str]] = field(default_factory=dict)  # base weight name -> (lora_A, lora_B) keys
    scale: float = 1.0
    rank: int = 0


def plan(adapter_dir: Path, base: str) -> tuple[StreamPlan | None, str]:
    """A plan for a streamed merge, or None and the reason the merge must load the whole model."""
    from safetensors import safe_open

    config_path, weights = adapter_dir / "adapter_config.json", adapter_dir / ADAPTER_FILE
    try:
        config = json.loads(config_path.read_text())
    except (OSError, ValueError):
        return None, "the adapter's config cannot be read here"
    if config.get("peft_type") != "LORA":
        return None, f"{config.get('peft_type')} adapters are merged by peft"
    special = [key for key in UNSTREAMED if config.get(key) not in (None, False, {}, [], "none")]
    if special:
        return None, f"the adapter sets {', '.join(special)}"
    if not weights.is_file():
        return None, f"the adapter has no {ADAPTER_FILE}"
    folder = Path(base)
    index = folder / "model.safetensors.index.json"
    if index.is_file():
        try:
            weight_map = json.loads(index.read_text())["weight_map"]
        except (OSError, ValueError, KeyError, TypeError):
            return None, "the base's shard index cannot be read"
        shards = list(dict.fromkeys(folder / name for name in weight_map.values()))
    elif (folder / "model.safetensors").is_file():
        index, shards = None, [folder / "model.safetensors"]
    else:
        return None, "the base is not a local folder of safetensors files"
    if not all(shard.is_file() for shard in shards):
        return None, "a shard named in the base's index is missing"
    names = set()
    for shard in shards:
        with safe_open(str(shard), "pt") as handle:
            names.update(handle.keys())
    with safe_open(str(weights), "pt") as handle:
        keys = list(handle.keys())
    pairs, others = {}, []
    for key in keys:
        if key.endswith(".lora_A.weight"):
            module = key[:-len(".lora_A.weight")]
            pairs[module.removeprefix(PREFIX) + ".weight"] = (key, module + ".lora_B.weight")
        elif not key.endswith(".lora_B.weight"):
            others.append(key)
    if others:
        return None, f"the adapter holds more than LoRA pairs ({others[0]})"
    if not pairs:
        return None, "the adapter holds no LoRA weights"
    missing = [name for name, (_, b) in pairs.items() if name not in names or b not in keys]
    if missing:
        return None, f"the base's checkpoint names differ from the adapter's modules ({missing[0]})"
    rank, alpha = int(config.get("r") or 8), float(config.get("lora_alpha") or 8)
    scale = alpha / rank ** 0.5 if config.get("use_rslora") else alpha / rank
    return StreamPlan(shards=shards, index=index, pairs=pairs, scale=scale, rank=rank), ""


def read_tensor(path: Path, name: str):
    """One tensor, with the file mapped only while it is copied (a mapping kept open would count the whole shard
    as resident memory)."""
    from safetensors import safe_open

    with safe_open(str(path), "pt") as handle:
        return handle.get_tensor(name)


def read_header(path: Path) -> dict:
    """What a safetensors file holds: name -> {dtype, shape}, read by safetensors without loading any tensor."""
    from safetensors import safe_open

    with safe_open(str(path), "pt") as handle:
        return {name: {"dtype": handle.get_slice(name).get_dtype(), "shape": list(handle.get_slice(name).get_shape())}
                for name in handle.keys()}  # noqa: SIM118 (safe_open, not a dict)


def merge_stream(source_plan: StreamPlan, adapter_dir: Path, out: Path, dtype: str, check: bool) -> dict:
    """Write the merged weights of every shard into `out` (a partial folder); returns the parity result, or
    {"checked": False}."""
    import torch
    from safetensors.torch import load_file
    from tqdm import tqdm

    adapter = load_file(str(adapter_dir / ADAPTER_FILE))
    target = getattr(torch, dtype)
    probe = ProbeCheck(dtype, source_plan.rank) if check else None
    weight_map, total, done = {}, 0, set()
    for shard in tqdm(source_plan.shards, desc="[sftflow] merging shards", unit="shard",
                      disable=len(source_plan.shards) < 2):
        header = read_header(shard)
        with ShardWriter(out / shard.name, header, DTYPE_NAMES[dtype]) as writer:
            for name in header:
                tensor = read_tensor(shard, name)
                if name in source_plan.pairs:
                    a_key, b_key = source_plan.pairs[name]
                    tensor = merged_weight(tensor, adapter[a_key], adapter[b_key], source_plan.scale, name)
                    done.add(name)
                writer.write(name, tensor.to(target) if tensor.is_floating_point() else tensor)
                del tensor
        total += writer.size
        weight_map.update(dict.fromkeys(header, shard.name))
        if probe:
            probe.check_shard(shard, out / shard.name, header, source_plan, adapter)
    left = set(source_plan.pairs) - done
    if left:
        raise RuntimeError(f"adapter weights not merged: {sorted(left)[:3]}")
    if source_plan.index:
        (out / source_plan.index.name).write_text(json.dumps(
            {"metadata": {"total_size": total}, "weight_map": weight_map}, indent=2, sort_keys=True) + "\n")
    return probe.result() if probe else {"checked": False}


def delta(lora_a, lora_b, scale: float):
    """The adapter's weight change s B A, in float32."""
    return (lora_b.float() @ lora_a.float()) * scale


def merged_weight(weight, lora_a, lora_b, scale: float, name: str):
    """W + s B A in float32."""
    change = delta(lora_a, lora_b, scale)
    if change.shape != weight.shape:
        raise UserError(f"the adapter does not fit the base model: {name} is {tuple(weight.shape)} in the base "
                        f"and {tuple(change.shape)} in the adapter")
    return weight.float() + change


FLOAT_NAMES = {"F64", "F32", "F16", "BF16"}
ITEM_SIZE = {"F64": 8, "F32": 4, "F16": 2, "BF16": 2, "I64": 8, "I32": 4, "I16": 2, "I8": 1, "U8": 1, "BOOL": 1,
             "U16": 2, "U32": 4, "U64": 8, "F8_E4M3": 1, "F8_E5M2": 1}


class ShardWriter:
    """A safetensors file written tensor by tensor. The header (names, dtypes, shapes, offsets) is known before
    any data: the source shard's, with floating tensors in the output dtype. Each tensor's bytes follow in the
    header's order; a tensor that does not match its header entry stops the write."""

    def __init__(self, path: Path, source_header: dict, float_dtype: str):
        header, offset = {}, 0
        for name, entry in source_header.items():
            dtype = float_dtype if entry["dtype"] in FLOAT_NAMES else entry["dtype"]
            if dtype not in ITEM_SIZE:
                raise UserError(f"{name} is stored as {dtype}, which the streaming merge does not copy")
            count = 1
            for size in entry["shape"]:
                count *= size
            header[name] = {"dtype": dtype, "shape": list(entry["shape"]),
                            "data_offsets": [offset, offset + count * ITEM_SIZE[dtype]]}
            offset += count * ITEM_SIZE[dtype]
        self.entries, self.size, self.written = header, offset, []
        text = json.dumps({"__metadata__": {"format": "pt"}, **header}, separators=(",", ":")).encode()
        text += b" " * (-len(text) % 8)
        self.handle = open(path, "wb")  # noqa: SIM115 (closed by __exit__)
        self.handle.write(struct.pack("<Q", len(text)) + text)

    def __enter__(self):
        return self

    def write(self, name: str, tensor) -> None:
        import torch

        names = list(self.entries)
        entry = self.entries.get(name)
        expected = names[len(self.written)] if len(self.written) < len(names) else None
        if name != expected or list(tensor.shape) != entry["shape"] or DTYPE_NAMES.get(
                str(tensor.dtype).removeprefix("torch.")) != entry["dtype"]:
            raise RuntimeError(f"shard writer: {name} {tuple(tensor.shape)} {tensor.dtype} does not match the header "
                               f"entry {expected}")
        data = tensor.contiguous().view(torch.uint8).reshape(-1).numpy()
        self.handle.write(memoryview(data))
        self.written.append(name)

    def __exit__(self, kind, value, traceback) -> None:
        import os

        try:
            if kind is None:
                if len(self.written) != len(self.entries):
                    raise RuntimeError(f"shard writer: {len(self.written)} of {len(self.entries)} tensors written")
                self.handle.flush()
                os.fsync(self.handle.fileno())
        finally:
            self.handle.close()


class ProbeCheck:
    """The streamed parity check (the module docstring gives its bound)."""

    def __init__(self, dtype: str, rank: int):
        self.dtype, self.rank = dtype, rank
        self.merged = self.copied = 0
        self.worst = {"merge": (0.0, 0.0), "written": (0.0, 0.0)}  # (ratio to the bound, absolute difference)
        self.mismatched: list[str] = []

    def check_shard(self, shard: Path, written: Path, header: dict, source_plan: StreamPlan, adapter) -> None:
        import torch

        generator = torch.Generator().manual_seed(0)
        target = getattr(torch, self.dtype)
        for name in header:
            base, out = read_tensor(shard, name), read_tensor(written, name)
            if name not in source_plan.pairs:
                self.copied += 1
                expected = base.to(target) if base.is_floating_point() else base
                if expected.dtype != out.dtype or not torch.equal(expected, out):
                    self.mismatched.append(name)
                continue
            self.merged += 1
            a_key, b_key = source_plan.pairs[name]
            probes = torch.randn(base.shape[1], PROBES, generator=generator, dtype=torch.float64)
            for rows in range(0, base.shape[0], ROW_BLOCK):  # float64 copies of a block of rows at a time
                self._check_rows(base[rows:rows + ROW_BLOCK], out[rows:rows + ROW_BLOCK], adapter[a_key],
                                 adapter[b_key][rows:rows + ROW_BLOCK], source_plan.scale, probes, name)

    def _check_rows(self, base, out, lora_a, lora_b, scale: float, probes, name: str) -> None:
        lora_a64, lora_b64 = lora_a.double(), lora_b.double()
        exact = base.double() @ probes + scale * (lora_b64 @ (lora_a64 @ probes))
        size = base.double().abs() @ probes.abs() + scale * (lora_b64.abs() @ (lora_a64.abs() @ probes.abs()))
        merged = merged_weight(base, lora_a, lora_b, scale, name)
        merge_bound = (self.rank + 2) * UNIT_ROUNDOFF["float32"] * size * 1.01 + 1e-300
        self._record("merge", (merged.double() @ probes - exact).abs(), merge_bound)
        written_bound = merge_bound + UNIT_ROUNDOFF[self.dtype] * size * 1.01
        self._record("written", (out.double() @ probes - exact).abs(), written_bound)

    def _record(self, check: str, error, bound) -> None:
        ratio = (error / bound).max().item()
        if ratio >= self.worst[check][0]:
            self.worst[check] = (ratio, error.max().item())

    def result(self) -> dict:
        checks = {}
        for check, (ratio, diff) in self.worst.items():
            dtype = "float32" if check == "merge" else self.dtype
            checks[check] = {"dtype": dtype, "max_abs_diff": diff, "max_ratio_to_bound": ratio,
                             "margin": (1 / ratio) if ratio else None, "passed": ratio <= 1.0}
        passed = all(c["passed"] for c in checks.values()) and not self.mismatched
        return {"checked": True, "method": "streamed: every merged weight on random probes against W x + s B A x "
                "in float64, within its rounding bound; other tensors equal to the base's", "probes": PROBES,
                "merged_tensors": self.merged, "copied_tensors": self.copied, "copied_mismatched": self.mismatched[:5],
                "passed": passed, **checks}


def report(parity: dict, where: str) -> dict:
    """Print the streamed check; a failed one is a user error (and the output folder is not kept)."""
    for check in ("merge", "written"):
        entry = parity[check]
        what = "the merge (float32)" if check == "merge" else f"the written weights ({entry['dtype']})"
        margin = f"{entry['margin']:.0f}x inside" if entry["margin"] else "exact,"
        print(f"[sftflow] parity of {what} with the adapter's layers on {PROBES} random inputs, "
              f"{parity['merged_tensors']} merged weights: max difference {entry['max_abs_diff']:.2e}, {margin} "
              f"its rounding bound: {'passed' if entry['passed'] else 'FAILED'}")
    if parity["copied_mismatched"]:
        print(f"[sftflow] tensors no adapter touches differ from the base's: {', '.join(parity['copied_mismatched'])}")
    if not parity["passed"]:
        worst = max(parity["merge"]["max_abs_diff"], parity["written"]["max_abs_diff"])
        raise UserError(f"parity check failed: the merged weights' outputs differ from the adapter's layers by up to "
                        f"{worst:.3g}, beyond float rounding; nothing was written", where)
    return parity


def write_config(base: str, dtype: str, trust_remote_code: bool, folder: Path):
    """Write the base's config.json with the output dtype beside the streamed weights; returns the base's
    generation config (the caller adds the end-of-turn token and writes it)."""
    from transformers import AutoConfig, GenerationConfig

    config = AutoConfig.from_pretrained(base, trust_remote_code=trust_remote_code)
    config.dtype = dtype
    config.save_pretrained(folder)
    try:
        generation = GenerationConfig.from_pretrained(base)
    except OSError:
        generation = GenerationConfig.from_model_config(config)
    return generation
