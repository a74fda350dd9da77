"""Peak memory and time of merging a LoRA adapter: sftflow's streaming merge against peft's merge_and_unload.

    .venv/bin/python bench/merge_memory.py [--model demo|llama-1.5b] [--adapter RUN_DIR_OR_ADAPTER] [--in-memory]

--model demo: SmolLM2-135M-Instruct (the demo's model, one float32 file); llama-1.5b: a Llama of random weights
(hidden 2048, 24 layers, MLP 7168, 8 key-value heads, vocabulary 32,000: 1.49 billion parameters) saved in
bfloat16 in shards of at most 1 GB, as Hub checkpoints are. Without --adapter, a LoRA adapter (r=16, all linear
layers, random A, B scaled to 1%) is made on it first. Each merge runs in a fresh process; its peak RSS is the
kernel's high-water mark of that process (VmHWM in /proc/self/status: ru_maxrss would not do, Linux keeps it
across exec, so a child started by a parent that held the model reports the parent's peak); the baseline is the
same mark after imports.
  sftflow: `merge_adapter` with its parity check (streamed, shard by shard, tensor by tensor);
  sftflow-in-memory (--in-memory): the same call made to take its in-memory path (peft's merge in float32 and
    the logit parity check), what sftflow did before the streaming merge;
  peft: what a user writes with peft alone: the base loaded in its stored dtype, PeftModel, merge_and_unload,
    save_pretrained (no parity check).
"""

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HWM = """
def hwm():
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024
"""

SFTFLOW = HWM + """
import json, sys, time
from pathlib import Path
import sftflow.models.lora_merge as lora, sftflow.models.lora_stream as stream, torch, transformers, peft
baseline = hwm()
if sys.argv[3] == "in-memory":
    stream.plan = lambda adapter, base: (None, "the bench asked for the in-memory merge")
start = time.perf_counter()
result = lora.merge_adapter(Path(sys.argv[1]), None, Path(sys.argv[2]), True, True, "bench")
seconds = time.perf_counter() - start
peak = hwm()
print(json.dumps({"baseline": baseline, "peak": peak, "seconds": seconds, "parity": result["parity"]}, default=str))
"""

PEFT = HWM + """
import json, sys, time
from pathlib import Path
import torch, transformers, peft
from peft import PeftModel
from transformers import AutoModelForCausalLM
baseline = hwm()
start = time.perf_counter()
config = json.loads((Path(sys.argv[1]) / "adapter_config.json").read_text())
base = AutoModelForCausalLM.from_pretrained(config["base_model_name_or_path"], dtype="auto")
PeftModel.from_pretrained(base, sys.argv[1]).merge_and_unload().save_pretrained(sys.argv[2])
seconds = time.perf_counter() - start
peak = hwm()
print(json.dumps({"baseline": baseline, "peak": peak, "seconds": seconds, "parity": None}))
"""

GIB = 1024 ** 3


def random_llama(out: Path) -> Path:
    """A 1.49B-parameter Llama of random weights, bfloat16, shards of at most 1 GB."""
    import torch
    from transformers import AutoTokenizer, LlamaConfig, LlamaForCausalLM

    from sftflow.demo.run import demo_model

    torch.manual_seed(0)
    config = LlamaConfig(vocab_size=32000, hidden_size=2048, intermediate_size=7168, num_hidden_layers=24,
                         num_attention_heads=16, num_key_value_heads=8, tie_word_embeddings=False)
    model = LlamaForCausalLM._from_config(config, dtype=torch.bfloat16)
    print(f"[bench] random Llama: {sum(p.numel() for p in model.parameters()) / 1e9:.2f}B parameters", flush=True)
    model.save_pretrained(out, max_shard_size="1GB")
    tokenizer = AutoTokenizer.from_pretrained(demo_model(download=False))  # any tokenizer: parity prompts only
    tokenizer.save_pretrained(out)
    return out


def make_adapter(model_dir: Path, out: Path) -> Path:
    import torch
    from peft import LoraConfig, get_peft_model
    from transformers import AutoModelForCausalLM, AutoTokenizer

    torch.manual_seed(0)
    model = AutoModelForCausalLM.from_pretrained(model_dir, dtype="auto")
    config = LoraConfig(r=16, lora_alpha=32, target_modules="all-linear", init_lora_weights=False)
    peft_model = get_peft_model(model, config)
    with torch.no_grad():  # a trained adapter's size: B small next to A (peft's random B is as large as A)
        for name, param in peft_model.named_parameters():
            if "lora_B" in name:
                param.mul_(0.01)
    peft_model.save_pretrained(out)
    AutoTokenizer.from_pretrained(model_dir).save_pretrained(out)
    return out


def disk_size(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.glob("*.safetensors"))


def run(kind: str, adapter: Path, out: Path) -> dict:
    code, args = (PEFT, []) if kind == "peft" else (SFTFLOW, ["in-memory" if kind == "sftflow-in-memory" else "stream"])
    start = time.perf_counter()
    child = subprocess.run([sys.executable, "-c", code, str(adapter), str(out), *args], capture_output=True,
                           text=True)
    if child.returncode:
        sys.exit(f"{kind} failed:\n{child.stderr[-3000:]}")
    figures = json.loads(child.stdout.strip().splitlines()[-1])
    return {**figures, "process_seconds": time.perf_counter() - start, "output": disk_size(out)}


def main() -> None:
    from sftflow.demo.run import demo_model

    parser = argparse.ArgumentParser()
    parser.add_argument("--model", choices=["demo", "llama-1.5b"], default="demo")
    parser.add_argument("--adapter", help="a run directory or adapter folder (default: a random LoRA adapter)")
    parser.add_argument("--in-memory", action="store_true", help="also run sftflow's in-memory merge")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(dir=Path.home()) as tmp:
        tmp = Path(tmp)
        model_dir = demo_model(download=False) if args.model == "demo" else random_llama(tmp / "base")
        adapter = Path(args.adapter) if args.adapter else make_adapter(model_dir, tmp / "adapter")
        shards = sorted(model_dir.glob("*.safetensors"), key=lambda p: p.stat().st_size)
        largest, size = shards[-1].stat().st_size, disk_size(model_dir)
        adapter_size = sum(p.stat().st_size for p in adapter.rglob("adapter_model.safetensors"))
        print(f"model: {args.model}, {size / GIB:.3f} GiB in {len(shards)} safetensors file(s), largest "
              f"{largest / GIB:.3f} GiB; adapter {adapter_size / 2 ** 20:.1f} MiB")
        budget = 1.5 * largest + adapter_size
        kinds = ["sftflow"] + (["sftflow-in-memory"] if args.in_memory else []) + ["peft"]
        print(f"{'merge':20} {'imports GiB':>11} {'peak GiB':>9} {'peak/model':>10} {'peak/(shard+adapter)':>21} "
              f"{'merge s':>8} {'process s':>9}")
        for kind in kinds:
            figures = run(kind, adapter, tmp / kind)
            print(f"{kind:20} {figures['baseline'] / GIB:11.3f} {figures['peak'] / GIB:9.3f} "
                  f"{figures['peak'] / size:10.2f} {figures['peak'] / (largest + adapter_size):21.2f} "
                  f"{figures['seconds']:8.1f} {figures['process_seconds']:9.1f}", flush=True)
            if figures["parity"]:
                print(f"  parity: {json.dumps(figures['parity'], default=str)}")
            if kind == "sftflow":
                verdict = "met" if figures["peak"] <= budget else "NOT met"
                print(f"  goal: peak <= 1.5 x largest shard + adapter = {budget / GIB:.3f} GiB: {verdict}")


if __name__ == "__main__":
    main()
