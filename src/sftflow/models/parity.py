"""Parity check of a LoRA merge: the merged model must compute the adapter model's logits.

The merge runs in float32 and the model is written in the training dtype. Why: in bfloat16 the rounding of
a forward pass moves logits as much as a typical adapter does (measured on SmolLM2-135M with a rank-16
adapter: mean |logit change| 0.31 from bfloat16 rounding vs 0.29 from the adapter), so a comparison made in
bfloat16 cannot tell a right merge from a wrong one. The check therefore has two parts: the merge itself,
merged vs adapter model in float32; and the written model, reloaded without peft in its dtype, against the same
float32 logits (float32: the same tolerance; float16/bfloat16: a bound on the mean relative logit difference).

The float32 tolerance is float32 rounding, not a guess: FLOAT32_FACTOR x eps32 x max|logit| x sqrt(layers).
Measured on SmolLM2-135M (30 layers) with a trained rank-16 adapter (bench/merge_parity.py,
bench/results/merge_parity_cpu.txt): against float64, the merge itself is exact (the float64 merged model's
logits differ by under 1e-12), while float32 rounding alone moves the unmerged model's logits by 7.5e-5, 17 x
eps32 x max|logit| (36.5); merged and unmerged float32 logits differ by 9.1e-5. A fixed 1e-4 sat at that noise:
a freshly trained run failed at 2.08e-4. Rounding grows with the logits' scale and about with the square root
of the layers it passes; the factor 16 leaves 4x over what was measured (tolerance 3.8e-4 there), while a wrong
merge moves logits by the adapter's effect (mean |change| 0.29 on the same model), three orders more.
"""

from sftflow.errors import UserError

PARITY_MESSAGES = ("Hello!", "List three colours.", "Translate 'good morning' into French.")
FLOAT32_FACTOR = 16  # times eps32 x max|logit| x sqrt(layers): the module docstring says why
# mean |written - adapter| / mean |adapter| for half-precision weights; measured on SmolLM2-135M (30 layers):
# bfloat16 0.024, float16 0.003, so these bounds leave room for deeper models and still catch broken files
HALF_TOLERANCE = {"float16": 0.02, "bfloat16": 0.1}


def parity_prompts(tokenizer) -> list[list[int]]:
    """A few short prompts, tokenized as at inference (chat template with the generation prompt)."""
    from sftflow.models.loading import chat_ids

    if tokenizer.chat_template is None:
        return [tokenizer(text)["input_ids"] for text in PARITY_MESSAGES]
    return [chat_ids(tokenizer, [{"role": "user", "content": text}], add_generation_prompt=True)
            for text in PARITY_MESSAGES]


def logits(model, prompts: list[list[int]]) -> list:
    import torch

    with torch.no_grad():
        return [model(input_ids=torch.tensor([ids], device=model.device)).logits[0].float().cpu()
                for ids in prompts]


def float32_tolerance(reference: list, layers: int) -> float:
    import math

    import torch

    scale = max(r.abs().max().item() for r in reference)
    return FLOAT32_FACTOR * torch.finfo(torch.float32).eps * scale * math.sqrt(max(1, layers))


def compare(merged: list, reference: list, dtype: str, layers: int = 1) -> dict:
    """How far merged-model logits are from the float32 adapter model's, and whether that is within tolerance."""
    import torch

    diff = max((m - r).abs().max().item() for m, r in zip(merged, reference))
    finite = all(torch.isfinite(m).all() for m in merged)
    if dtype == "float32":
        tolerance = float32_tolerance(reference, layers)
        return {"dtype": dtype, "max_abs_diff": diff, "tolerance": tolerance, "layers": layers,
                "passed": bool(finite and diff <= tolerance)}
    relative = (sum((m - r).abs().sum().item() for m, r in zip(merged, reference))
                / sum(r.abs().sum().item() for r in reference))
    return {"dtype": dtype, "max_abs_diff": diff, "mean_rel_diff": relative,
            "max_mean_rel_diff": HALF_TOLERANCE[dtype], "passed": bool(finite and relative <= HALF_TOLERANCE[dtype])}


def report_parity(checks: dict, prompts: int, where: str) -> dict:
    """Print both checks; a failed one is a user error (and the output folder is not kept)."""
    for name, check in checks.items():
        what = "the merge" if name == "merge" else "the written model"
        bound = (f"mean relative difference {check['mean_rel_diff']:.2e} (at most {check['max_mean_rel_diff']:g})"
                 if "mean_rel_diff" in check else
                 f"max difference {check['max_abs_diff']:.2e} (at most {check['tolerance']:.2e}: float32 rounding "
                 f"over {check['layers']} layers)")
        print(f"[sftflow] parity of {what} ({check['dtype']}) with the adapter model on {prompts} prompts: logit "
              f"{bound}: {'passed' if check['passed'] else 'FAILED'}")
    failed = [name for name, check in checks.items() if not check["passed"]]
    if failed:
        raise UserError(f"parity check failed ({', '.join(failed)}): the merged model's logits differ from the "
                        f"adapter model's by up to {max(c['max_abs_diff'] for c in checks.values()):.3g}; "
                        "nothing was written", where)
    return {"checked": True, "prompts": prompts, "passed": True, **checks}
