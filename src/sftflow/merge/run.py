"""The merge stage: `sftflow merge CONFIG` folds the config's LoRA adapter into its base;
`sftflow merge RECIPE.yaml` (a file with a top-level `merge_method`) merges models with mergekit."""

from pathlib import Path

import yaml

from sftflow import run_dir as rd
from sftflow.errors import UserError


def read_recipe(path: str | Path) -> dict | None:
    """The model-merging recipe in `path` (a YAML mapping with a top-level `merge_method` key), else None."""
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError):
        return None  # load_config reports the problem
    return data if isinstance(data, dict) and "merge_method" in data else None


def run(config, run_dir: Path | None = None) -> Path:
    """Merge the adapter named by peft_peft_model_path (else the run directory: `run_dir`, by default the config's)
    into its base (peft_base_model_path, else the adapter's own); returns the merged model folder."""
    from sftflow.models.lora_merge import merge_adapter

    config = config.at(run_dir)
    adapter = adapter_path(config)
    base = config.workflow.peft_base_model_path
    if base:
        local = config.resolve_path(base)
        base = str(local) if local is not None else base  # else a Hub id (checked when merging)
    out = output_path(config, adapter)
    result = merge_adapter(adapter, base, out, config.merge.overwrite, config.merge.parity_check, config.where)
    run_dir = result["sources"]["run_dir"]
    if run_dir:
        rd.update_manifest(Path(run_dir), merged_model=result["path"], merge_parity=result["parity"])
    return out


def adapter_path(config) -> Path:
    named = config.workflow.peft_peft_model_path
    if named:
        path = config.resolve_path(named)
        if path is None:
            raise UserError(f"peft_peft_model_path does not exist: {named}", config.where)
        return path
    path = config.output_dir()
    if not path.is_dir():
        raise UserError(f"nothing to merge: the run directory {path} does not exist; train first or set "
                        "peft_peft_model_path", config.where)
    return path


def output_path(config, adapter: Path) -> Path:
    """merge.output_dir or peft_output_model_path; by default `merged/` in the adapter's run directory."""
    named = {v for v in (config.merge.output_dir, config.workflow.peft_output_model_path) if v}
    if len(named) > 1:
        raise UserError(f"merge.output_dir and peft_output_model_path name different folders ({', '.join(named)}); "
                        "set one of them", config.where)
    if named:
        return Path(named.pop()).expanduser().resolve()
    for folder in (adapter, adapter.parent):
        if rd.read_manifest(folder) is not None:
            return folder / "merged"
    return config.output_dir() / "merged"


def run_recipe(path: str | Path, overwrite: bool, recipe: dict | None = None) -> tuple[Path, dict]:
    """Merge models as the recipe (read from `path` unless given) says (see sftflow.merge.recipes); returns the
    merged model folder and the recipe (its `evaluate:` tasks are run by sftflow.flows.merge_recipe)."""
    from sftflow.merge.recipes import check_recipe, load_recipe, merge_models

    path = Path(path)
    recipe = recipe if recipe is not None else load_recipe(path)
    check_recipe(recipe, str(path))
    out = Path(recipe.get("output_dir") or f"runs/{path.stem}").expanduser().resolve()
    merge_models(recipe, out, overwrite, str(path), path.parent)
    return out, recipe
