"""How far a float32 LoRA merge may move logits, measured against float64: the basis of merge's parity tolerance.

    .venv/bin/python bench/merge_parity.py ADAPTER_DIR [--base BASE_MODEL] [--out bench/results/merge_parity_cpu.txt]

For the parity prompts sftflow uses, logits of: the adapter model (unmerged, peft) in float64 (the reference),
the same in float32, and the merged model in float32 and float64. If the merge is right, the merged float32
logits are as far from the reference as the unmerged float32 ones: float32 rounding, not a wrong merge. Printed:
the largest differences, the logits' scale, and how they compare with the tolerance."""

import argparse
import json
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def logits_of(model, prompts):
    import torch

    with torch.no_grad():
        return [model(input_ids=torch.tensor([ids])).logits[0].double() for ids in prompts]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("adapter")
    parser.add_argument("--base", help="base model folder (default: the adapter's base_model_name_or_path)")
    parser.add_argument("--out", default=str(REPO / "bench" / "results" / "merge_parity_cpu.txt"))
    args = parser.parse_args()

    import torch
    from peft import PeftModel
    from transformers import AutoModelForCausalLM, AutoTokenizer

    from sftflow.device import cpu_class
    from sftflow.models.parity import float32_tolerance, parity_prompts

    adapter = Path(args.adapter)
    base = args.base or json.loads((adapter / "adapter_config.json").read_text())["base_model_name_or_path"]
    tokenizer = AutoTokenizer.from_pretrained(adapter if (adapter / "tokenizer.json").exists() else base)
    prompts = parity_prompts(tokenizer)
    results = {}
    for dtype in (torch.float64, torch.float32):
        model = PeftModel.from_pretrained(AutoModelForCausalLM.from_pretrained(base, dtype=dtype), adapter).eval()
        results[f"adapter {dtype}"] = logits_of(model, prompts)
        results[f"merged {dtype}"] = logits_of(model.merge_and_unload(), prompts)
    ref = results["adapter torch.float64"]

    def diff(name):
        return max((a - r).abs().max().item() for a, r in zip(results[name], ref))

    config = json.loads((Path(base) / "config.json").read_text())
    scale = max(r.abs().max().item() for r in ref)
    row_std = max(r.std(dim=-1).max().item() for r in ref)
    eps = torch.finfo(torch.float32).eps
    checked = max((m - a).abs().max().item()
                  for m, a in zip(results["merged torch.float32"], results["adapter torch.float32"]))
    tolerance = float32_tolerance([r.float() for r in results["adapter torch.float32"]],
                                  config.get("num_hidden_layers", 1))
    lines = [f"sftflow merge_parity: {cpu_class()}; torch {torch.__version__}; {time.strftime('%Y-%m-%d')}",
             f"command: {' '.join([Path(sys.argv[0]).name] + sys.argv[1:])}",
             f"model: {config.get('model_type')} hidden {config.get('hidden_size')}, {config.get('num_hidden_layers')} "
             f"layers; {len(prompts)} parity prompts of {[len(p) for p in prompts]} tokens",
             f"reference logits (adapter model, float64): max |logit| {scale:.2f}, largest per-row std {row_std:.2f}",
             f"max |merged float64 - reference|   {diff('merged torch.float64'):.2e}  (the merge's own error)",
             f"max |adapter float32 - reference|  {diff('adapter torch.float32'):.2e}  (float32 rounding, no merge)",
             f"max |merged float32 - reference|   {diff('merged torch.float32'):.2e}",
             f"max |merged float32 - adapter float32| {checked:.2e}  (what the parity check compares; the old "
             "tolerance was atol 1e-4 + rtol 1e-4 x |logit| elementwise)",
             f"tolerance now: 16 x eps32 x max|logit| x sqrt(layers) = {tolerance:.2e}; "
             f"margin {tolerance / checked:.1f}x",
             f"float32 eps {eps:.2e}; eps x max |logit| = {eps * scale:.2e}"]
    print("\n".join(lines))
    Path(args.out).write_text("\n".join(lines) + "\n")
    print(f"written: {args.out}")


if __name__ == "__main__":
    main()
