"""The run's text files and its summary table, from the results run.py collects (plain dicts)."""

import time

GIB = 2 ** 30
PLANNER_GOAL, MFU_GOAL, RATIO_GOAL = 0.10, 0.35, 3.0
TRL_GOAL, BARE_GOAL, LARGE_MFU_GOAL = 1.5, 2.0, 0.30  # x plain TRL; within this factor of the bare ceiling; MFU
HEADLINE, TEACHING = "gemma-defaults", "gemma-teaching"
REMEDIES = {  # what to do when a probe check fails (versions.txt has the details)
    "datasets": "datasets does not work here (versions.txt: check datasets, pyarrow): if pyarrow is the cause, "
                "carry it too, `python3 bench/gpu/fetch_wheels.py --pyarrow` (bench/gpu/README.md, plan B)",
    "bitsandbytes": "the carried bitsandbytes does not load or run on this GPU: QLoRA cases were skipped",
    "liger": "liger-kernel does not import: the defaults ran without it, its toggle was skipped",
}
FILES = "versions.txt throughput.txt planner.txt qlora.txt scale.txt summary.txt results.json cases.log"
THROUGHPUT_HEAD = ("random weights, real architecture), generated text-to-SQL rows, the teaching file's bf16 "
                   "settings")
THROUGHPUT_TERMS = ("timed: steady training after the warm-up steps (run.py GPU/DRY sizes); tok/s = non-pad tokens "
                    "through the model; trained/s = tokens in the loss; MFU = 6 x parameters x tok/s / peak; "
                    "MFU(tr): with trained/s; MFU(ex): the matmuls done, as TRL projects only trained positions "
                    "through the (tied) LM head: 6 x (non-embedding params x tok/s + embedding params x trained/s); "
                    "x base = trained/s over the teaching settings at the same global batch; x trl = trained/s over "
                    "plain TRL (SFTTrainer, its defaults) at the same batch; x bare = tok/s over the faster bare "
                    "PyTorch loop at the same batch (4 or 32 rows of 192 random tokens: about the rows' length)")
PLANNER_HEAD = ("Memory planner vs measured: Gemma-3 270M, the teaching file's bf16 settings, batches padded to "
                "exactly max_length (the planner's assumption), TRL's default optimizer (QLoRA: the shipped "
                "paged_adamw_8bit)")
PLANNER_TERMS = ("predicted = `sftflow plan` peak less its CUDA context allowance (which max_memory_allocated does "
                 "not see); measured = torch.cuda.max_memory_allocated over the run; error = predicted / measured - 1")
SCALE_HEAD = ("Scale: one process each through `sftflow train --launch MODE` (accelerate on a GPU, torchrun on "
              "CPU), SmolLM2-135M architecture (random weights), then `sftflow merge` where there is an adapter")
QLORA_HEAD = ("QLoRA -> merge -> parity: SmolLM2-135M architecture (random weights), the shipped QLoRA keys "
              "(court_headnotes/qlora.yaml), then `sftflow merge` with its parity check")


def versions(facts: dict) -> str:
    probe = facts["probe"]
    dry = " (dry run: tiny models, a few steps)" if facts["dry_run"] else ""
    lines = [f"sftflow GPU acceptance, {time.strftime('%Y-%m-%d %H:%M %Z')}{dry}", device_line(facts),
             f"carried wheels: {facts['install']}"]
    lines += [f"import {name}: {status}" for name, status in probe.get("imports", {}).items()]
    lines += [f"check {name}: {status}" for name, status in probe.get("checks", {}).items()]
    lines += ["", f"{'package':<20}{'version':<22}from"]
    lines += [f"{name:<20}{version:<22}{where}" for name, version, where in facts["versions"]]
    return "\n".join(lines)


def device_line(facts: dict) -> str:
    probe = facts["probe"]
    if not facts["cuda"]:
        return f"device: CPU (torch {probe.get('torch')}; no CUDA: MFU and GPU memory are not measured)"
    return (f"device: {probe['device']} (compute {probe['capability']}, {probe['multiprocessors']} SMs, "
            f"{probe['total_memory'] / GIB:.1f} GiB); torch {probe['torch']} (CUDA {probe['torch_cuda']}); "
            f"bf16 matmul 8192^3 measured {_num(probe.get('bf16_matmul_tflops'), '.0f')} TFLOP/s; "
            f"MFU uses the dense bf16 peak {facts['peak_tflops']:.0f} TFLOP/s (--peak-tflops)")


def rates(result: dict) -> tuple[float, float] | None:
    """(non-pad tokens/s, trained tokens/s) over the timed steps, or None when nothing was timed."""
    meter = result.get("meter") or {}
    if not meter.get("seconds"):
        return None
    return meter["real_tokens"] / meter["seconds"], meter["trained_tokens"] / meter["seconds"]


def mfu(result: dict, facts: dict, tokens: str = "real") -> float | None:
    """6 x parameters x tokens/s / peak. tokens: 'real' (every non-pad token, the usual MFU), 'trained' (tokens
    in the loss), or 'executed': TRL projects only trained positions through the LM head on CUDA, so the tied
    embedding's parameters count for trained tokens only and the others for every token."""
    speed = rates(result)
    if not speed or not facts["cuda"]:
        return None
    real, trained = speed
    if tokens == "executed":
        head = result["embedding_params"]
        flops = 6 * ((result["params"] - head) * real + head * trained)
    else:
        flops = 6 * result["params"] * (real if tokens == "real" else trained)
    return flops / (facts["peak_tflops"] * 1e12)


def ratio(result: dict, results: dict) -> float | None:
    """Trained tokens/s of a case over its baseline's (the teaching settings at the same global batch)."""
    base = results.get(result.get("baseline") or "")
    mine, theirs = rates(result), rates(base) if base else None
    return mine[1] / theirs[1] if mine and theirs and theirs[1] else None


def against(result: dict, results: dict, kind: str) -> float | None:
    """A sftflow case's speed over plain TRL's (kind 'trl': trained tokens/s, both train on completions only) or
    the faster bare loop's ('bare': tokens/s through the model; the bare loop trains on every token) at the same
    batch (cases.Case.against); None when that baseline did not run."""
    mine, which = rates(result), 1 if kind == "trl" else 0
    theirs = [rates(results[name]) for name in result.get("against") or () if name.startswith(kind)
              and name in results and rates(results[name])]
    if not mine or not theirs:
        return None
    return mine[which] / max(speed[which] for speed in theirs)


def peak(result: dict) -> str:
    if result.get("max_allocated") is not None:
        return f"{result['max_allocated'] / GIB:.2f}"
    return f"{result['max_rss'] / GIB:.2f} RSS" if result.get("max_rss") else "-"


def throughput(results: dict, facts: dict) -> str:
    rows = [r for r in results.values() if r["section"] in ("throughput", "baselines")]
    params = next((r["params"] for r in rows if r.get("params")), 0)
    lines = [f"Throughput: Gemma-3 270M full fine-tuning ({params / 1e6:.1f}M parameters, {THROUGHPUT_HEAD}",
             device_line(facts), THROUGHPUT_TERMS, "",
             (f"{'case':<32}{'status':<10}{'steps':>6}{'tok/s':>11}{'trained/s':>11}{'x base':>8}{'x trl':>7}"
              f"{'x bare':>7}{'MFU':>8}{'MFU(tr)':>9}{'MFU(ex)':>9}{'peak GiB':>11}{'loss':>8}")]
    for r in rows:
        speed, x = rates(r), ratio(r, results)
        share, share_trained, share_executed = (mfu(r, facts, tokens) for tokens in ("real", "trained", "executed"))
        lines.append(f"{r['case']:<32}{_split_status(r)[0]:<10}{(r.get('meter') or {}).get('steps', '-'):>6}"
                     f"{_num(speed and speed[0], '.1f'):>11}{_num(speed and speed[1], '.1f'):>11}"
                     f"{_num(x, '.2f'):>8}{_num(against(r, results, 'trl'), '.2f'):>7}"
                     f"{_num(against(r, results, 'bare'), '.2f'):>7}{_num(share, '.1%'):>8}"
                     f"{_num(share_trained, '.1%'):>9}{_num(share_executed, '.1%'):>9}"
                     f"{peak(r):>11}{_num(r.get('loss'), '.3f'):>8}")
    lines += ["", "what each case is, and what sftflow chose for it:"]
    for r in rows:
        lines.append(f"  {r['case']}: {r['what']}" + (f" [{r['status']}]" if r["status"] != "ok" else ""))
        lines += [f"      {line}" for line in r.get("speed", [])]
        if r.get("error"):
            lines.append("      error: " + r["error"].strip().splitlines()[-1][:300])
    return "\n".join(lines)


def planner_error(result: dict) -> float | None:
    """(planner's peak less its CUDA-context allowance) / torch.cuda.max_memory_allocated - 1."""
    plan, measured = result.get("plan"), result.get("max_allocated")
    if not plan or not measured:
        return None
    return (plan["peak"] - plan["overhead"]) / measured - 1


def planner(results: dict, facts: dict) -> str:
    rows = [r for r in results.values() if r["section"] == "planner"]
    lines = [PLANNER_HEAD, device_line(facts), PLANNER_TERMS, "",
             (f"{'case':<24}{'status':<10}{'params':>9}{'trainable':>11}{'predicted':>11}{'+context':>10}"
              f"{'measured':>10}{'error':>9}{'reserved':>10}   planner's peak phase")]
    for r in rows:
        plan = r.get("plan") or {}
        measured = r.get("max_allocated")
        lines.append(f"{r['case']:<24}{_split_status(r)[0]:<10}{_num(plan.get('params'), '.1f', 1e6, 'M'):>9}"
                     f"{_num(plan.get('trainable'), '.1f', 1e6, 'M'):>11}"
                     f"{_num(plan and plan['peak'] - plan['overhead'], '.2f', GIB):>11}"
                     f"{_num(plan.get('peak'), '.2f', GIB):>10}"
                     f"{_num(measured, '.2f', GIB) if facts['cuda'] else 'n/a (CPU)':>10}"
                     f"{_num(planner_error(r), '+.1%'):>9}{_num(r.get('max_reserved'), '.2f', GIB):>10}"
                     f"   {plan.get('phase', '')}")
    errors = [e for e in (planner_error(r) for r in rows) if e is not None]
    if errors:
        within = sum(abs(e) <= PLANNER_GOAL for e in errors)
        lines.append(f"\nwithin {PLANNER_GOAL:.0%}: {within} of {len(errors)} measured; error "
                     f"{min(errors):+.1%} .. {max(errors):+.1%} (GiB = 2^30 bytes)")
    lines += [f"  {r['case']}: {r['what']} [{r['status']}]" for r in rows if r["status"] != "ok"]
    return "\n".join(lines)


def qlora(results: dict, facts: dict, section: str = "qlora", head: str = QLORA_HEAD) -> str:
    lines = [head, device_line(facts)]
    for r in (r for r in results.values() if r["section"] == section):
        lines.append(f"\n{r['case']}: train {r['status']}, {(r.get('meter') or {}).get('steps', '-')} steps, "
                     f"loss {_num(r.get('loss'), '.3f')}, peak {peak(r)} GiB, {_num(r.get('elapsed_s'), '.0f')} s")
        lines += [f"  {line}" for line in r.get("speed", [])]
        merge = r.get("merge")
        if not merge:
            continue
        lines.append(f"merge: {merge['status']} in {_num(merge.get('elapsed_s'), '.0f')} s; "
                     f"written in {merge.get('dtype')}; "
                     f"trained on a 4-bit base: {merge.get('trained_on_4bit_base')}")
        lines += [f"  {line}" for line in parity_lines(merge.get("parity"))]
        if merge.get("error"):
            lines.append("  error: " + merge["error"].strip().splitlines()[-1][:300])
    return "\n".join(lines)


def scale(results: dict, facts: dict) -> str:
    lines = [qlora(results, facts, "scale", SCALE_HEAD)]
    for r in (r for r in results.values() if r["section"] == "scale" and r["status"] != "ok"):
        lines.append(f"{r['case']}: {r['what']} [{r['status']}]")
    return "\n".join(lines)


def parity_lines(parity: dict | None) -> list[str]:
    if not parity:
        return ["parity: not recorded"]
    lines = []
    for name in ("merge", "written"):
        check = parity.get(name)
        if check:
            limit = (f"at most {check['tolerance']:.2e}" if "tolerance" in check
                     else f"atol {check.get('atol', 0):g}, rtol {check.get('rtol', 0):g}")  # results before 2026-12
            bound = (f"mean relative difference {check['mean_rel_diff']:.2e} (at most {check['max_mean_rel_diff']:g})"
                     if "mean_rel_diff" in check else f"max |difference| {check['max_abs_diff']:.2e} ({limit})")
            lines.append(f"parity of the {'merge' if name == 'merge' else 'written model'} ({check['dtype']}): "
                         f"{bound}: {'passed' if check['passed'] else 'FAILED'}")
    return lines


def case_line(result: dict, results: dict, facts: dict) -> str:
    return f"[bench] {result['section']} {result['case']}: {result['status']} {figures(result, results, facts)}"


def figures(r: dict, results: dict, facts: dict) -> str:
    """The one-line figures of a case for the summary table."""
    if r["status"] != "ok":
        return ""
    if r["section"] in ("throughput", "baselines"):
        speed, share = rates(r), mfu(r, facts)
        if not speed:
            return "nothing timed"
        text = f"{speed[0]:,.0f} tok/s, {speed[1]:,.0f} trained tok/s"
        if share is not None:
            text += (f", MFU {share:.1%} (on trained tokens {mfu(r, facts, 'trained'):.1%}, "
                     f"executed {mfu(r, facts, 'executed'):.1%})")
        x, trl, bare = ratio(r, results), against(r, results, "trl"), against(r, results, "bare")
        text += (f", {x:.2f}x teaching" if x else "") + (f", {trl:.2f}x trl" if trl else "")
        return text + (f", {bare:.2f}x bare" if bare else "") + f", peak {peak(r)} GiB"
    if r["section"] == "planner":
        plan = r.get("plan") or {}
        text = f"predicted {_num(plan and plan['peak'] - plan['overhead'], '.2f', GIB)} GiB"
        if not facts["cuda"]:
            return text + ", measured n/a (CPU)"
        measured = _num(r.get("max_allocated"), ".2f", GIB)
        return text + f", measured {measured} GiB, error {_num(planner_error(r), '+.1%')}"
    merge = r.get("merge") or {}
    passed = (merge.get("parity") or {}).get("passed")
    if r["section"] == "scale":  # the workers are other processes: the log's loss, not the meter's steps
        merged = f", merge {merge.get('status', '-')}, parity {'passed' if passed else 'FAILED'}" if merge else ""
        return f"trained (loss {_num(r.get('loss'), '.3f')})" + merged
    return (f"trained {(r.get('meter') or {}).get('steps', '-')} steps (loss {_num(r.get('loss'), '.3f')}), merge "
            f"{merge.get('status', '-')}, parity {'passed' if passed else 'FAILED' if merge else '-'}")


def summary(results: dict, facts: dict, elapsed: float) -> str:
    dry = ", dry run: tiny models, a few steps" if facts["dry_run"] else ""
    lines = [f"sftflow GPU acceptance: summary ({elapsed / 60:.1f} min{dry})", device_line(facts), "",
             f"{'section':<12}{'case':<34}{'status':<11}figures"]
    for r in results.values():
        word, why = _split_status(r)
        lines.append(f"{r['section']:<12}{r['case']:<34}{word:<11}{figures(r, results, facts) or why}")
    lines += [f"action: {REMEDIES[name]}" for name, status in facts["probe"].get("checks", {}).items()
              if status.startswith("FAILED") and name in REMEDIES]
    lines += ["", "goals:"] + goals(results, facts) + [f"files: {FILES}"]
    return "\n".join(lines)


def goals(results: dict, facts: dict) -> list[str]:
    if facts["dry_run"]:
        return ["  none judged: a dry run proves the code path, its figures measure nothing"]
    headline, lines = results.get(HEADLINE), []
    share = mfu(headline, facts) if headline else None
    lines.append(f"  MFU of {HEADLINE} (bf16) >= {MFU_GOAL:.0%}: "
                 + (f"{share:.1%} -> {'met' if share >= MFU_GOAL else 'not met'}" if share is not None else "n/a"))
    x = ratio(headline, results) if headline else None
    lines.append(f"  {HEADLINE} / {TEACHING} (trained tok/s) >= {RATIO_GOAL:g}x: "
                 + (f"{x:.2f}x -> {'met' if x >= RATIO_GOAL else 'not met'}" if x else "n/a"))
    trl = against(headline, results, "trl") if headline else None
    lines.append(f"  {HEADLINE} / trl-plain (trained tok/s, batch 4) >= {TRL_GOAL:g}x: "
                 + (f"{trl:.2f}x -> {'met' if trl >= TRL_GOAL else 'not met'}" if trl else "n/a (baselines not run)"))
    bare = against(headline, results, "bare") if headline else None
    lines.append(f"  {HEADLINE} within {BARE_GOAL:g}x of the bare ceiling (batch 4): "
                 + (f"the bare loop is {1 / bare:.2f}x as fast -> {'met' if 1 / bare <= BARE_GOAL else 'not met'}"
                    if bare else "n/a (baselines not run)"))
    large = [(mfu(r, facts), r["case"]) for r in results.values() if r["section"] == "throughput"
             and r["case"] != HEADLINE and r["case"].startswith("gemma-defaults") and mfu(r, facts) is not None]
    best = max(large, default=None)
    lines.append(f"  MFU >= {LARGE_MFU_GOAL:.0%} at a large-batch or packed shape: "
                 + (f"{best[0]:.1%} ({best[1]}) -> {'met' if best[0] >= LARGE_MFU_GOAL else 'not met'}" if best
                    else "n/a"))
    errors = {r["case"]: planner_error(r) for r in results.values() if planner_error(r) is not None}
    if errors:
        worst = max(errors, key=lambda name: abs(errors[name]))
        within = sum(abs(e) <= PLANNER_GOAL for e in errors.values())
        lines.append(f"  planner error within {PLANNER_GOAL:.0%}: {within} of {len(errors)} cases -> "
                     f"{'met' if within == len(errors) else 'not met'} (worst {errors[worst]:+.1%}, {worst})")
    else:
        lines.append(f"  planner error within {PLANNER_GOAL:.0%}: n/a (nothing measured on CUDA)")
    return lines


def _split_status(result: dict) -> tuple[str, str]:
    """('skipped', 'needs CUDA (...)'), ('failed', '(exit 1): <the error's last line>'), ('ok', '') ..."""
    status = result["status"]
    word = next((w for w in ("skipped", "failed", "timed out") if status.startswith(w)), status)
    why = status[len(word):].lstrip(": ")
    if result.get("error"):
        why += ": " + result["error"].strip().splitlines()[-1][:200]
    return word, why


def _num(value, spec: str, scale: float = 1.0, suffix: str = "") -> str:
    if value is None or value == {}:
        return "-"
    return f"{value / scale:{spec}}{suffix}"
