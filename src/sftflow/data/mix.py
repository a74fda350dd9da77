"""`sftflow data mix CONFIG --out DIR`: one training set from several datasets, each with its own templates.

The config's own train split is kept whole; each `data.mix` entry adds rows of another config's train
split, `count` rows or `weight` x the config's own row count, sampled without replacement (seeded).
Rows are rendered with their own templates, so the mix is written as system/user/assistant columns
with pass-through templates in OUT/prompts: train on it with dataset_name: OUT/mixed.jsonl and
prompts_path: OUT/prompts. OUT/mix.json records what was taken from where.
"""

import json
import random
from pathlib import Path

from sftflow import run_dir as rd
from sftflow.data.prepare import check_templates, load_splits
from sftflow.data.sources import fingerprint
from sftflow.errors import UserError

PASS_THROUGH = {"system": "{{ system }}", "user": "{{ user }}", "assistant": "{{ assistant }}"}


def run(config, out: Path) -> dict:
    rng = random.Random(config.data.mix_seed)
    own = rendered_train(config)
    parts = [{"source": config.where, "rows": own, "taken": len(own)}]
    for index, entry in enumerate(config.data.mix or []):
        other, wanted = _entry(config, entry, index, len(own))
        rows = rendered_train(other)
        if wanted > len(rows):
            print(f"[sftflow] data.mix[{index}]: {wanted} rows wanted, {other.where} has {len(rows)}: taking all")
        taken = [rows[i] for i in sorted(rng.sample(range(len(rows)), min(wanted, len(rows))))]
        parts.append({"source": other.where, "rows": taken, "taken": len(taken), "fingerprint": fingerprint(other)})
    combined = [dict(row, source=part["source"]) for part in parts for row in part["rows"]]
    rng.shuffle(combined)
    return write(out, combined, parts, config)


def _entry(config, entry: dict, index: int, own_rows: int):
    from sftflow.config import load_config

    where = f"{config.where}: data.mix[{index}]"
    if not isinstance(entry, dict) or "config" not in entry or ("weight" in entry) == ("count" in entry):
        raise UserError("each mix entry needs `config` and exactly one of `weight` or `count`", where)
    path = config.resolve_path(str(entry["config"]))
    if path is None:
        raise UserError(f"config not found: {entry['config']}", where)
    wanted = int(entry["count"]) if "count" in entry else round(float(entry["weight"]) * own_rows)
    return load_config(path), wanted


def rendered_train(config) -> list[dict]:
    """The config's train rows rendered by its own templates, as system/user/assistant text."""
    splits = load_splits(config)
    templates = check_templates(config, splits)
    rows = []
    for index, row in enumerate(splits["train"]):
        messages = {m["role"]: m["content"] for m in templates.render(row, index)}
        rows.append({role: messages.get(role, "") for role in PASS_THROUGH})
    return rows


def write(out: Path, rows: list[dict], parts: list[dict], config) -> dict:
    if out.exists() and any(out.iterdir()) and not (out / "mix.json").is_file():
        raise UserError(f"--out is not empty and holds no earlier mix: {out}", config.where)
    (out / "prompts").mkdir(parents=True, exist_ok=True)
    for role, text in PASS_THROUGH.items():
        rd.write_atomic(out / "prompts" / f"{role}.jinja", text + "\n")
    rd.write_atomic(out / "mixed.jsonl", "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows))
    record = {"rows": len(rows), "seed": config.data.mix_seed,
              "parts": [{k: v for k, v in part.items() if k != "rows"} for part in parts]}
    rd.write_json(out / "mix.json", record)
    print("\n".join(f"[sftflow] mix: {p['taken']:>6} rows from {p['source']}" for p in parts))
    return record
