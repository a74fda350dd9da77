"""The eval stage: generate answers for a split with each model, score them, print one comparison table."""

import hashlib
import json
import math
import re
from pathlib import Path

from sftflow import run_dir as rd
from sftflow.data.prepare import check_templates, load_splits
from sftflow.data.tokenize import prompt_ids
from sftflow.errors import UserError
from sftflow.metrics import METRICS, Metric
from sftflow.models.engine import choose_eval_engine
from sftflow.models.generate import generate
from sftflow.models.loading import load_tokenizer
from sftflow.models.reference import ModelRef, resolve
from sftflow.settings import setting

ANSWERS_PARTIAL = "answers.partial.jsonl"


def run(config, run_dir: Path | None = None, *, models: list[str] | None = None, out: Path | None = None) -> list[dict]:
    """The eval stage: evaluate each model (run dir, adapter, model folder or Hub id; default: the run directory)
    on the configured split; answers and scores go to `out`, by default `run_dir`/eval (`run_dir`: by default the
    config's run directory).

    With `eval.retention` (another config: general-task data + metric) the same models are scored
    on it too, and the change against the first model (the base) is reported: the forgetting check.
    """
    config = config.at(run_dir)
    models = models or [config.workflow.evaluate_vllm_model_name_or_path or str(config.output_dir())]
    retention = _retention_config(config)
    out = Path(out) if out is not None else config.output_dir() / "eval"
    results = evaluate(config, models, out)
    print(format_table(results, config.eval.metric))
    if retention is not None:
        kept = evaluate(retention, models, out / "retention")
        print(f"\nRetention ({retention.where}):\n" + format_table(kept, retention.eval.metric, delta=True))
        rd.write_json(out / "retention.json", kept)
    return results


def _retention_config(config):
    if not config.eval.retention:
        return None
    from sftflow.config import load_config

    path = config.resolve_path(config.eval.retention)
    if path is None:
        raise UserError(f"eval.retention config not found: {config.eval.retention}", config.where)
    return load_config(path)


def evaluate(config, models: list[str], out_root: Path) -> list[dict]:
    options = config.eval
    metric = METRICS.get(options.metric, config.where)
    if options.candidates > 1 and options.metric != "sql_execution":
        raise UserError(f"eval.candidates {options.candidates} is for sql_execution (a candidate is chosen by running "
                        f"it), not {options.metric}", config.where)
    splits = load_splits(config)
    templates = check_templates(config, splits)
    if options.split not in splits:
        raise UserError(f"eval.split '{options.split}' is not one of {', '.join(splits)}", config.where)
    split = splits[options.split]
    rows = [split[i] for i in range(min(len(split), options.num_examples or len(split)))]
    metric.check(rows, options, config.where)
    messages = [templates.render(row, i, roles=("system", "user")) for i, row in enumerate(rows)]
    max_tokens = config.workflow.evaluate_vllm_sampling_params_max_tokens or options.max_new_tokens
    engine = choose_eval_engine(options.backend, len(rows), config.where)
    grammars = schema_grammars(rows, options, config.where)
    results = []
    for spec in models:
        print(f"[sftflow] evaluating {spec} on {len(rows)} {options.split} examples (backend: {engine})")
        answers = model_answers(config, spec, messages, engine, max_tokens, out_root / _slug(spec), grammars)
        candidates, picked = None, None
        if options.candidates > 1:
            from sftflow.metrics.sql import select_candidates

            candidates = answers
            answers, picked = select_candidates(rows, candidates, options)
        scored = metric(rows, answers, options)
        results.append(save_results(out_root, metric, spec, rows, answers, scored, candidates, picked))
    return results


def schema_grammars(rows: list[dict], options, where: str) -> list[str | None] | None:
    """With eval.constrain: schema, a grammar per row (sftflow.sql_grammar); rows whose schema cannot be
    expressed are answered unconstrained, counted in one warning per reason."""
    if options.constrain == "none":
        return None
    if options.metric != "sql_execution":
        raise UserError(f"eval.constrain: {options.constrain} needs eval.metric: sql_execution (it constrains "
                        "answers to the row's database schema)", where)
    from sftflow.metrics.sql import row_grammars

    grammars, skipped = row_grammars(rows, timeout_s=options.sql_timeout_s)
    for reason, indices in skipped.items():
        print(f"[sftflow] warning: {len(indices)} of {len(rows)} rows answered without the schema constraint "
              f"(first: row {indices[0]}): {reason}")
    constrained = sum(g is not None for g in grammars)
    print(f"[sftflow] answers constrained to each row's schema: {constrained} of {len(rows)} rows, "
          f"{len({g for g in grammars if g})} database grammar(s)")
    return grammars


def model_answers(config, spec: str, messages: list, engine: str, max_tokens: int, out: Path,
                  grammars: list[str | None] | None = None) -> list[str]:
    """Greedy answers of one model to the rendered messages, prompted with the training chat template; with
    eval.candidates > 1, a list per message: the greedy answer, then sampled ones; with `grammars`, each answer
    constrained to its row's grammar."""
    trust = bool(setting(config, "trust_remote_code"))
    ref = resolve(spec, spec, config.base_dir)
    tokenizer = load_tokenizer(ref.tokenizer_location(), trust, spec)
    prompts = [prompt_ids(tokenizer, m, config.workflow.fine_tuning_data_format) for m in messages]
    samples, temperature = config.eval.candidates - 1, config.eval.temperature
    seed = int(setting(config, "seed"))

    def generate_missing(todo: list[int], keep) -> None:
        missing = [prompts[i] for i in todo]
        if engine == "vllm" and todo:
            from sftflow.models.vllm_offline import generate_vllm

            keep(todo, generate_vllm(ref, missing, max_tokens, config.where, config.serve.kv_cache_gib,
                                     samples=samples, temperature=temperature,
                                     grammars=[grammars[i] for i in todo] if grammars else None))
        elif todo:
            model = load_model_for_eval(ref, trust)
            stats = {}
            generate(model, tokenizer, missing, max_tokens, config.eval.batch_size,
                     on_batch=lambda done, answers: keep([todo[i] for i in done], answers), samples=samples,
                     temperature=temperature, seed=seed,
                     grammars=[grammars[i] for i in todo] if grammars else None, stats=stats)
            if stats:
                report_constraint(stats, out)

    extra = [samples, temperature, seed] if samples else []
    if grammars:
        extra.append(hashlib.sha256(json.dumps(grammars).encode()).hexdigest())
    key = answers_key(ref, prompts, max_tokens, extra or None)
    return kept_answers(out, key, len(prompts), generate_missing)


def report_constraint(stats: dict, out: Path) -> None:
    """Print the constraint's cost (compile time per database grammar, mask time per generated token) and keep
    it beside the answers (constraint.json)."""
    print(f"[sftflow] schema constraint: {stats['grammars']} grammar(s) compiled in {stats['compile_s']:.2f} s "
          f"(longest {1000 * stats['compile_max_s']:.0f} ms); token masks {stats['mask_ms_per_step']:.2f} ms per "
          f"generation step over {stats['masked_steps']} steps")
    for error in stats["grammar_errors"].values():
        print(f"[sftflow] warning: a grammar did not compile, its rows ran unconstrained: {error}")
    rd.write_json(out / "constraint.json", stats)


def answers_key(ref: ModelRef, prompts: list[list[int]], max_tokens: int, sampling: list | None = None) -> str:
    """What decides the answers: the model, the prompt tokens and the answer length (not the engine: both are
    greedy on the same tokens), and the candidates' sampling when there are any."""
    decides = [ref.location, prompts, max_tokens] + ([sampling] if sampling else [])
    return hashlib.sha256(json.dumps(decides).encode()).hexdigest()[:16]


def kept_answers(out: Path, key: str, n: int, generate_missing) -> list[str]:
    """Answers written as they come (out/answers.partial.jsonl): a crash or Ctrl-C keeps what was generated and
    a rerun of the same eval generates only the rest. `generate_missing(indices, keep)` calls keep(indices,
    answers) as answers arrive."""
    out.mkdir(parents=True, exist_ok=True)
    path = out / ANSWERS_PARTIAL
    done = {}
    for line in path.read_text(encoding="utf-8").splitlines() if path.is_file() else []:
        try:
            record = json.loads(line)
        except (ValueError, RecursionError):
            continue  # a line cut by a crash: that answer is generated again
        if not isinstance(record, dict) or type(record.get("index")) is not int or not _answer(record.get("answer")):
            continue  # not a line this eval wrote
        if record.get("key") == key and 0 <= record["index"] < n:
            done[record["index"]] = record["answer"]
    todo = [i for i in range(n) if i not in done]
    if done:
        print(f"[sftflow] {len(done)} of {n} answers kept from an interrupted eval ({path}); generating {len(todo)}")
    with open(path, "a", encoding="utf-8") as handle:
        def keep(indices: list[int], answers: list[str]) -> None:
            for index, answer in zip(indices, answers):
                handle.write(json.dumps({"key": key, "index": index, "answer": answer}, ensure_ascii=False) + "\n")
                done[index] = answer
            handle.flush()

        generate_missing(todo, keep)
    return [done[i] for i in range(n)]


def _answer(value) -> bool:
    """An answer as kept_answers stores it: text, or candidates (a non-empty list of texts)."""
    return isinstance(value, str) or (isinstance(value, list) and bool(value) and
                                      all(isinstance(v, str) for v in value))


def load_model_for_eval(ref: ModelRef, trust_remote_code: bool):
    """The model a reference means; an adapter is loaded on its base without merging."""
    from sftflow.models.loading import load

    return load(ref, "eval", trust_remote_code=trust_remote_code)


def save_results(out_root: Path, metric: Metric, spec: str, rows: list[dict], answers: list[str], scored: dict,
                 candidates: list[list[str]] | None = None, picked: list[int] | None = None) -> dict:
    out = out_root / _slug(spec)
    out.mkdir(parents=True, exist_ok=True)
    chosen = [{"candidates": c, "chosen": k} for c, k in zip(candidates, picked)] if candidates else [{}] * len(rows)
    lines = [json.dumps({"id": row.get("id", i), "prediction": answer, **score, **extra})
             for i, (row, answer, score, extra) in enumerate(zip(rows, answers, scored.pop("per_example"), chosen))]
    rd.write_atomic(out / "predictions.jsonl", "\n".join(lines) + "\n")
    (out / ANSWERS_PARTIAL).unlink(missing_ok=True)  # scored: the predictions file holds them now
    # A binomial interval only means something when accuracy is a share of correct answers.
    ci = wilson_interval(scored["accuracy"], scored["n"]) if metric.proportion else None
    summary = {"model": spec, **scored, "ci95": ci}
    rd.write_json(out / "metrics.json", summary)
    return summary


def wilson_interval(p: float, n: int, z: float = 1.96) -> list[float]:
    """95% confidence interval of an accuracy measured on n examples (Wilson score interval)."""
    if n == 0:
        return [0.0, 0.0]
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return [round(max(0.0, centre - half), 4), round(min(1.0, centre + half), 4)]


def format_table(results: list[dict], metric: str, delta: bool = False) -> str:
    """One row per model; with delta, the change against the first model (the base) in points."""
    lines = [f"{'model':<48}{'n':>6}  {metric + ' accuracy':<28}{'95% CI':<16}{'errors':>8}"
             + ("  change vs first" if delta else "")]
    for r in results:
        correct = round(r["accuracy"] * r["n"])
        # A mean score (rouge, chrf) has no "k of n correct" and no CI.
        accuracy = f"{100 * r['accuracy']:.2f}%" + (f" ({correct}/{r['n']})" if r.get("ci95") else "")
        ci = f"{100 * r['ci95'][0]:.1f}-{100 * r['ci95'][1]:.1f}%" if r.get("ci95") else "-"
        change = f"  {100 * (r['accuracy'] - results[0]['accuracy']):+.2f} points" if delta else ""
        lines.append(f"{_short(r['model']):<48}{r['n']:>6}  {accuracy:<28}{ci:<16}"
                     f"{100 * r.get('error_rate', 0):>7.1f}%{change}")
    return "\n".join(lines)


def _short(spec: str) -> str:
    return spec if len(spec) <= 46 else "..." + spec[-43:]


def _slug(spec: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "_", spec.strip("/"))[-80:]
