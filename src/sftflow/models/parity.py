"""Parity check of a LoRA merge: the merged model must compute the adapter model's logits.

The merge runs in float32 and the model is written in the training dtype. Why: in bfloat16 the rounding of
a forward pass moves logits as much as a typical adapter does (measured on SmolLM2-135M with a rank-16
adapter: mean |logit change| 0.31 from bfloat16 rounding vs 0.29 from the adapter), so a comparison made in
bfloat16 cannot tell a right merge from a wrong one. The check therefore has two parts: the merge itself,
merged vs adapter model in float32 (atol 1e-4, rtol 1e-4); and the written model, reloaded without peft in
its dtype, against the same float32 logits (float32: the same tolerance; float16/bfloat16: a bound on the
mean relative logit difference).
"""

from sftflow.errors import UserError

PARITY_MESSAGES = ("Hello!", "List three colours.", "Translate 'good morning' into French.")
FLOAT32_TOLERANCE = (1e-4, 1e-4)  # (atol, rtol): merging only reorders float32 arithmetic
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


def compare(merged: list, reference: list, dtype: str) -> dict:
    """How far merged-model logits are from the float32 adapter model's, and whether that is within tolerance."""
    import torch

    diff = max((m - r).abs().max().item() for m, r in zip(merged, reference))
    finite = all(torch.isfinite(m).all() for m in merged)
    if dtype == "float32":
        atol, rtol = FLOAT32_TOLERANCE
        passed = finite and all(torch.allclose(m, r, atol=atol, rtol=rtol) for m, r in zip(merged, reference))
        return {"dtype": dtype, "max_abs_diff": diff, "atol": atol, "rtol": rtol, "passed": bool(passed)}
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
                 f"max difference {check['max_abs_diff']:.2e} (atol {check['atol']:g}, rtol {check['rtol']:g})")
        print(f"[sftflow] parity of {what} ({check['dtype']}) with the adapter model on {prompts} prompts: logit "
              f"{bound}: {'passed' if check['passed'] else 'FAILED'}")
    failed = [name for name, check in checks.items() if not check["passed"]]
    if failed:
        raise UserError(f"parity check failed ({', '.join(failed)}): the merged model's logits differ from the "
                        f"adapter model's by up to {max(c['max_abs_diff'] for c in checks.values()):.3g}; "
                        "nothing was written", where)
    return {"checked": True, "prompts": prompts, "passed": True, **checks}
