"""Planner vs reality on CPU: predicted peak memory against the measured peak RSS of real training steps.

    .venv/bin/python bench/plan_memory.py [--steps 2] [--cases small-full,small-lora,...]

Each case runs in a fresh subprocess (so peaks do not mix): a random-weight Llama built here (no download),
TRL's fused LM head (what SFTTrainer uses), peft LoRA on all linear layers or full fine-tuning, fused AdamW,
a padded batch of 4 x 256 tokens, a few optimizer steps (the peak comes once optimizer states exist, from
the second step on). Measured: the process's peak RSS (VmHWM, reset after a warm-up step on a throwaway
model) minus its RSS before the model is created. Predicted: the planner in CPU mode (no CUDA context)
from a config that names the same config.json.

Every case is measured twice: with glibc's default malloc, which keeps freed tensors of up to 32 MB in its
heap (and fragments it), and with MALLOC_MMAP_THRESHOLD_=65536, which returns every freed tensor to the OS
so that RSS follows the live tensors, which is what the planner counts.
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SIZES = {  # hidden, layers, intermediate, heads, kv heads, vocab, tied
    "small": dict(hidden_size=256, num_hidden_layers=4, intermediate_size=688, num_attention_heads=4,
                  num_key_value_heads=2, vocab_size=16000, tie_word_embeddings=False),
    "medium": dict(hidden_size=512, num_hidden_layers=8, intermediate_size=1376, num_attention_heads=8,
                   num_key_value_heads=4, vocab_size=32000, tie_word_embeddings=True),
    "large": dict(hidden_size=768, num_hidden_layers=12, intermediate_size=2048, num_attention_heads=12,
                  num_key_value_heads=4, vocab_size=32000, tie_word_embeddings=False),
}
METHODS = {"full": {"use_peft": False}, "lora": {"use_peft": True, "lora_r": 16, "lora_target_modules": "all-linear"},
           "full+gc": {"use_peft": False, "gradient_checkpointing": True},
           "lora+gc": {"use_peft": True, "lora_r": 16, "lora_target_modules": "all-linear",
                       "gradient_checkpointing": True}}
CASES = ["small-full", "small-lora", "medium-full", "medium-lora", "large-full", "large-lora", "medium-full+gc"]
BATCH, SEQ = 4, 256
LIVE_MALLOC = {"MALLOC_MMAP_THRESHOLD_": "65536"}  # fixed threshold: freed blocks over 64 KiB go back to the OS
RESULTS = Path(__file__).resolve().parent / "results" / "plan_memory_cpu.txt"


def case_settings(case: str) -> tuple[dict, dict]:
    size, method = case.split("-", 1)
    settings = {"dtype": "float32", "per_device_train_batch_size": BATCH, "max_length": SEQ,
                "gradient_checkpointing": False, "lora_dropout": 0.0, "optim": "adamw_torch_fused",
                **METHODS[method]}
    return SIZES[size], settings


def predict(case: str, folder: Path) -> tuple[float, int, str]:
    """(predicted bytes, parameters, peak phase) from the planner in CPU mode."""
    from sftflow.config import load_config
    from sftflow.memory.estimate import estimate, plan_inputs
    from sftflow.settings import plan_request

    model, settings = case_settings(case)
    (folder / "config.json").write_text(json.dumps({"model_type": "llama", **model}))
    overrides = {"model_name_or_path": str(folder), **{k: json.dumps(v) for k, v in settings.items()}}
    result = estimate(*plan_inputs(plan_request(load_config(None, overrides), cuda=False)))
    return result.peak, result.params, result.peak_phase


def rss(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) * 1024
    raise RuntimeError(f"{field} not in /proc/self/status")


def build(model_kw: dict, settings: dict, seed: int = 0):
    import torch
    from transformers import LlamaConfig, LlamaForCausalLM
    from trl.trainer.utils import add_fused_lm_head

    torch.manual_seed(seed)
    model = LlamaForCausalLM(LlamaConfig(**model_kw, attn_implementation="sdpa"))
    add_fused_lm_head(model, outputs=("log_probs", "entropy", "is_top1"))  # as SFTTrainer does
    if settings.get("gradient_checkpointing"):
        model.gradient_checkpointing_enable(gradient_checkpointing_kwargs={"use_reentrant": False})
    if settings["use_peft"]:
        from peft import LoraConfig, get_peft_model

        model = get_peft_model(model, LoraConfig(r=settings["lora_r"], lora_alpha=32, lora_dropout=0.0,
                                                 target_modules="all-linear", task_type="CAUSAL_LM"))
        if settings.get("gradient_checkpointing"):
            model.enable_input_require_grads()
    model.train()
    return model


def batch(vocab: int):
    """A padded batch as the SFT collator makes one: the last row is shorter, padding masked out of the loss."""
    import torch

    ids = torch.randint(0, vocab, (BATCH, SEQ))
    mask = torch.ones(BATCH, SEQ, dtype=torch.long)
    mask[-1, SEQ * 3 // 4:] = 0
    labels = ids.masked_fill(mask == 0, -100)
    return {"input_ids": ids, "attention_mask": mask, "labels": labels}


def train_steps(model, vocab: int, steps: int) -> None:
    import torch

    optimizer = torch.optim.AdamW([p for p in model.parameters() if p.requires_grad], lr=1e-4, fused=True)
    for _ in range(steps):
        loss = model(**batch(vocab), fused_lm_head=True).loss
        loss.backward()
        optimizer.step()
        optimizer.zero_grad(set_to_none=True)


def measure(case: str, steps: int) -> dict:
    """In this (fresh) process: warm up on a throwaway model, then the peak RSS increase of the real case."""
    import gc

    import torch

    torch.set_num_threads(2)
    model_kw, settings = case_settings(case)
    tiny = dict(model_kw, hidden_size=32, num_hidden_layers=1, intermediate_size=64, num_attention_heads=4,
                num_key_value_heads=2, vocab_size=256)
    train_steps(build(tiny, settings), 256, 1)  # lazy imports, thread pools, kernels' first-call caches
    gc.collect()
    before = rss("VmRSS")
    Path("/proc/self/clear_refs").write_text("5")  # resets VmHWM to the current RSS
    start = time.perf_counter()
    model = build(model_kw, settings, seed=1)
    train_steps(model, model_kw["vocab_size"], steps)
    return {"case": case, "measured": rss("VmHWM") - before, "seconds": time.perf_counter() - start}


def run_case(case: str, steps: int, env: dict) -> dict:
    """Measure one case in a fresh Python process, so that no peak or allocator state carries over."""
    done = subprocess.run([sys.executable, __file__, "--measure", case, "--steps", str(steps)],
                          capture_output=True, text=True, env={**os.environ, **env})
    if done.returncode != 0:
        raise SystemExit(f"{case} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--steps", type=int, default=2)
    parser.add_argument("--cases", default=",".join(CASES))
    parser.add_argument("--measure", help=argparse.SUPPRESS)  # internal: measure one case in this process
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(measure(args.measure, args.steps)))
        return
    rows, start = [], time.perf_counter()
    print(HEADER, flush=True)
    with tempfile.TemporaryDirectory() as tmp:
        for case in args.cases.split(","):
            predicted, params, phase = predict(case, Path(tmp))
            default, live = run_case(case, args.steps, {}), run_case(case, args.steps, LIVE_MALLOC)
            rows.append((case, params, predicted, default["measured"], live["measured"], phase))
            print(format_row(*rows[-1]), flush=True)
    report = format_table(rows, args, time.perf_counter() - start)
    print(report)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(report + "\n")


HEADER = (f"{'case':<15} {'params':>7} {'predicted':>9} {'RSS glibc':>9} {'ratio':>6} {'RSS live':>9} {'ratio':>6}"
          f"   predicted peak at")


def format_row(case, params, predicted, default, live, phase) -> str:
    mib = 2 ** 20
    return (f"{case:<15} {params / 1e6:6.1f}M {predicted / mib:9.0f} {default / mib:9.0f} {predicted / default:6.2f} "
            f"{live / mib:9.0f} {predicted / live:6.2f}   {phase}")


def format_table(rows: list, args, seconds: float) -> str:
    lines = [f"command: .venv/bin/python bench/plan_memory.py --steps {args.steps} --cases {args.cases}",
             f"batch {BATCH} x {SEQ} tokens (last row 1/4 padding), fp32, fused AdamW, TRL fused LM head, sdpa, "
             f"torch threads 2 on {os.cpu_count()} CPUs; {seconds:.0f} s in all",
             "MiB; measured = peak RSS - RSS before model creation; ratio = predicted / measured;",
             "RSS glibc: default malloc; RSS live: MALLOC_MMAP_THRESHOLD_=65536 (RSS follows live tensors)", "",
             HEADER]
    lines += [format_row(*row) for row in rows]
    for column, name in ((3, "glibc default"), (4, "live tensors")):
        ratios = [row[2] / row[column] for row in rows]
        within = sum(0.75 <= r <= 1.25 for r in ratios)
        lines.append(f"{name}: ratio {min(ratios):.2f} .. {max(ratios):.2f}, {within}/{len(ratios)} within 25%")
    return "\n".join(lines)


if __name__ == "__main__":
    main()
