"""Peak memory of merging a LoRA adapter into SmolLM2-135M, against the model's size on disk.

    .venv/bin/python bench/merge_memory.py [--adapter RUN_DIR_OR_ADAPTER]

Without --adapter, a LoRA adapter (r=16, all linear layers, random non-zero weights) is made on the
demo model first. The merge (with its parity check) runs in a fresh process, so its whole-process peak
RSS (ru_maxrss) is the merge's own; the baseline is the same process's RSS after imports.
"""

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

CHILD = """
import json, resource, sys
from pathlib import Path
import sftflow.models.lora_merge as lora, torch, transformers, peft  # imports before the baseline
baseline = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
result = lora.merge_adapter(Path(sys.argv[1]), None, Path(sys.argv[2]), True, True, "bench")
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
print(json.dumps({"baseline": baseline, "peak": peak, "parity": result["parity"]}, default=str))
"""


def make_adapter(model_dir: Path, out: Path) -> Path:
    import torch
    from peft import LoraConfig, get_peft_model
    from transformers import AutoModelForCausalLM, AutoTokenizer

    torch.manual_seed(0)
    model = AutoModelForCausalLM.from_pretrained(model_dir, dtype=torch.float32)
    config = LoraConfig(r=16, lora_alpha=32, target_modules="all-linear", init_lora_weights=False)
    get_peft_model(model, config).save_pretrained(out)
    AutoTokenizer.from_pretrained(model_dir).save_pretrained(out)
    return out


def disk_size(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.glob("*.safetensors"))


def main() -> None:
    from sftflow.demo.run import demo_model

    parser = argparse.ArgumentParser()
    parser.add_argument("--adapter", help="a run directory or adapter folder (default: a random LoRA adapter)")
    args = parser.parse_args()
    model_dir = demo_model(download=False)
    with tempfile.TemporaryDirectory() as tmp:
        adapter = Path(args.adapter) if args.adapter else make_adapter(model_dir, Path(tmp) / "adapter")
        child = subprocess.run([sys.executable, "-c", CHILD, str(adapter), str(Path(tmp) / "merged")],
                               capture_output=True, text=True, check=True)
        figures = json.loads(child.stdout.strip().splitlines()[-1])
        merged = disk_size(Path(tmp) / "merged")
    size = disk_size(model_dir)
    gib = 1024 ** 3
    print(f"model on disk (base, safetensors): {size / gib:.3f} GiB; merged output: {merged / gib:.3f} GiB")
    print(f"merge process: RSS after imports {figures['baseline'] / gib:.3f} GiB, peak {figures['peak'] / gib:.3f} GiB")
    print(f"peak / model size on disk: {figures['peak'] / size:.2f}x "
          f"(peak above imports: {(figures['peak'] - figures['baseline']) / size:.2f}x)")
    print(f"parity check: {figures['parity']}")


if __name__ == "__main__":
    main()
