"""Model merging (linear, SLERP, task arithmetic, TIES, DARE) by mergekit, from a small recipe.

mergekit does the arithmetic; sftflow checks the recipe before anything is loaded, turns run directories
and adapters into model folders, refuses models whose vocabularies differ unless the recipe says which
tokenizer to use, and writes the result atomically with a merge_manifest.json. A recipe is mergekit's
own YAML (its `models:` form), plus two sftflow keys:

    merge_method: ties              # linear | slerp | task_arithmetic | ties | dare_linear | dare_ties
    base_model: google/gemma-3-270m-it   # Hub id, model folder, or sftflow run directory
    models:
      - model: runs/sql-lora        # a run directory or adapter folder is merged into its base first
        parameters: {weight: 0.6, density: 0.5}
      - model: runs/sql-full        # a full fine-tune's run directory: its best (else final) model
        parameters: {weight: 0.4, density: 0.5}
    parameters: {normalize: true}   # method-wide (slerp: t); per-model values override these
    dtype: float32                  # dtype the arithmetic runs in (optional)
    out_dtype: bfloat16             # dtype of the written weights (optional; default dtype)
    tokenizer_source: base          # required when vocabularies differ: base | union | one of the models
                                    # (or mergekit's `tokenizer: {source: ...}` block)
    chat_template: auto             # optional, as in mergekit: auto, a template name, or Jinja text
    output_dir: runs/sql-ties       # sftflow: where the model is written (default runs/<recipe name>)
    seed: 0                         # sftflow: seed of DARE's random drops, so a merge can be repeated
    evaluate: [sql.yaml, mcq.yaml]  # sftflow: after merging, score every input and the merged model on
                                    # each config's task, one table per task (capability preservation)

Parameters per method (mergekit's names): linear: weight (normalize); slerp: t; task_arithmetic: weight;
ties, dare_linear, dare_ties: weight, density (normalize, rescale, lambda, int8_mask).
Model paths are read from the working directory, else from the recipe's folder; output_dir from the
working directory, as a training config's output_dir is.
"""

import datetime
import difflib
import hashlib
import json
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import yaml

from sftflow import run_dir as rd
from sftflow.errors import UserError
from sftflow.models.output import MERGE_MANIFEST, atomic_dir, check_target
from sftflow.models.reference import resolve
from sftflow.paths import resolve_local
from sftflow.registry import Registry


@dataclass(frozen=True)
class MergeMethod:
    """A merge method sftflow checks and documents, with what it needs of a recipe."""

    name: str
    what: str
    needs_base: bool = True
    models: int | None = None  # exactly this many distinct models, base_model included (None: any number)


MERGE_METHODS: Registry[MergeMethod] = Registry("merge_method")
for _method in (
    MergeMethod("linear", "weighted average of the models", needs_base=False),
    MergeMethod("slerp", "spherical interpolation from base_model (t=0) to the other model (t=1)", models=2),
    MergeMethod("task_arithmetic", "base_model plus the weighted sum of task vectors (model - base)"),
    MergeMethod("ties", "task vectors trimmed to `density`, signs elected, then summed onto base_model"),
    MergeMethod("dare_linear", "task vectors randomly dropped to `density` and rescaled, then summed onto base_model"),
    MergeMethod("dare_ties", "DARE's random drops plus TIES' sign election"),
):
    MERGE_METHODS.register(_method.name)(_method)

MERGEKIT_KEYS = ("merge_method", "base_model", "models", "parameters", "dtype", "out_dtype", "tokenizer_source",
                 "tokenizer", "chat_template")
SFTFLOW_KEYS = ("output_dir", "seed", "evaluate")


def merge_models(recipe: dict, out: Path, overwrite: bool, where: str = "recipe", folder: Path | None = None) -> dict:
    """Merge the recipe's models with mergekit into `out`; returns the merge manifest plus its `path`.
    `folder`: where the recipe's relative model paths are read from (after the working directory)."""
    folder = Path(folder or Path.cwd())
    require_mergekit(where)
    check_recipe(recipe, where)
    out = Path(out).expanduser().resolve()
    names = model_names(recipe)
    # the same recipe may replace its own output; anything else in `out` needs overwrite
    key = json.dumps([recipe, str(folder.resolve())], sort_keys=True, default=str)
    fingerprint = hashlib.sha256(key.encode()).hexdigest()
    local = [path for path in (resolve_local(str(name), folder) for name in names) if path is not None]
    check_target(out, fingerprint, overwrite, where, local, hint="pass --overwrite")
    resolved = {name: resolve_model(name, folder, where) for name in names}
    config = mergekit_config(recipe, resolved)
    if not tokenizer_choice(recipe):
        check_vocabularies(resolved, where)
    print(f"[sftflow] {recipe['merge_method']} merge of {', '.join(names)} (mergekit {version('mergekit')})")
    with atomic_dir(out) as partial:
        run_mergekit(config, partial, recipe.get("seed", 0), where)
        complete_model_folder(partial)
        manifest = {
            "kind": "model_merge", "created": _now(), "merge_method": recipe["merge_method"],
            "sources": resolved, "recipe": recipe, "mergekit_config": config,
            "dtype": recipe.get("out_dtype") or recipe.get("dtype"),
            "chat_template_sha256": _template_hash(partial), "fingerprint": fingerprint,
            "versions": {**rd.versions(), "mergekit": version("mergekit")},
        }
        rd.write_json(partial / MERGE_MANIFEST, manifest)
    print(f"[sftflow] merged model: {out}")
    return {**manifest, "path": str(out)}


def require_mergekit(where: str) -> None:
    try:
        version("mergekit")
    except PackageNotFoundError:
        raise UserError("model merging needs mergekit: pip install mergekit==0.1.5", where) from None


def load_recipe(path: Path) -> dict:
    path = Path(path)
    if not path.is_file():
        raise UserError("recipe file not found", str(path))
    try:
        recipe = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as e:
        raise UserError(f"malformed YAML: {str(e).splitlines()[0]}", str(path)) from e
    if not isinstance(recipe, dict):
        raise UserError("a recipe is a mapping with a merge_method key", str(path))
    return recipe


def check_recipe(recipe: dict, where: str) -> None:
    """Cheap checks before any model is loaded: keys, method, models, base model, parameter names."""
    known = MERGEKIT_KEYS + SFTFLOW_KEYS
    for key in recipe:
        if key not in known:
            note = "; slices and modules are mergekit-only: run mergekit itself" if key in ("slices", "modules") else ""
            raise UserError(f"unknown recipe key '{key}'{_did_you_mean(key, known)}{note}", where)
    method = MERGE_METHODS.get(recipe.get("merge_method"), where)
    models = recipe.get("models")
    if not isinstance(models, list) or not models or not all(isinstance(m, dict) and m.get("model") for m in models):
        raise UserError("'models' must be a list of entries with a 'model' key (and optional 'parameters')", where)
    _check_method_inputs(recipe, method, where)
    if not isinstance(recipe.get("seed", 0), int) or not isinstance(recipe.get("output_dir", ""), str):
        raise UserError("'seed' must be an integer and 'output_dir' a path", where)
    _check_parameter_names(recipe, method, where)


def _check_method_inputs(recipe: dict, method: MergeMethod, where: str) -> None:
    base = recipe.get("base_model")
    names = [m["model"] for m in recipe["models"]]
    if method.needs_base and not base:
        raise UserError(f"{method.name} needs a base_model", where)
    if method.models is not None and len(set(names) | {base}) != method.models:
        raise UserError(f"{method.name} takes {method.models} models: list base_model and "
                        f"{method.models - 1} other model(s) under 'models'", where)


def _check_parameter_names(recipe: dict, method: MergeMethod, where: str) -> None:
    from mergekit.merge_methods import registry

    allowed = sorted(p.name for p in registry.get(method.name).spec.parameters)
    blocks = [recipe.get("parameters")] + [m.get("parameters") for m in recipe["models"]]
    for block in blocks:
        if block is not None and not isinstance(block, dict):
            raise UserError("'parameters' must be a mapping of parameter names to values", where)
        for name in block or {}:
            if name not in allowed:
                raise UserError(f"{method.name} has no parameter '{name}'{_did_you_mean(name, allowed)}; it takes "
                                f"{', '.join(allowed)}", where)


def tokenizer_choice(recipe: dict):
    """Which tokenizer the recipe asks for (`tokenizer_source`, or mergekit's `tokenizer: {source: ...}`)."""
    block = recipe.get("tokenizer")
    return recipe.get("tokenizer_source") or (block.get("source") if isinstance(block, dict) else None)


def model_names(recipe: dict) -> list[str]:
    """Every model the recipe names, base first, each once."""
    names = [recipe["base_model"]] if recipe.get("base_model") else []
    names += [m["model"] for m in recipe["models"]]
    source = tokenizer_choice(recipe)
    if source and source not in ("base", "union"):
        names.append(source)
    return list(dict.fromkeys(str(n) for n in names))


def resolve_model(name: str, folder: Path, where: str) -> str:
    """A model folder (or Hub id) for mergekit: run directories and adapters are merged into their base first."""
    from sftflow.models.lora_merge import full_model

    return full_model(resolve(str(name), where, folder), where)


def check_vocabularies(resolved: dict[str, str], where: str) -> None:
    """Models merged without a tokenizer_source must share one vocabulary (same tokens, same ids)."""
    from sftflow.models.loading import load_tokenizer

    first = None
    for name, path in resolved.items():
        try:
            vocab = load_tokenizer(path, where=where, chat=False).get_vocab()
        except UserError:
            print(f"[sftflow] warning: no tokenizer found for {name}; its vocabulary is not checked")
            continue
        if first is None:
            first = (name, vocab)
        elif vocab != first[1]:
            differ = len(set(vocab.items()) ^ set(first[1].items()))
            raise UserError(f"{first[0]} ({len(first[1])} tokens) and {name} ({len(vocab)} tokens) have different "
                            f"vocabularies ({differ} token ids differ); set tokenizer_source: base, union or one of "
                            "the models to say which tokenizer the merged model uses", where)


def mergekit_config(recipe: dict, resolved: dict[str, str]) -> dict:
    """The recipe in mergekit's MergeConfiguration shape, with every model name replaced by its folder."""
    config = {key: recipe[key] for key in MERGEKIT_KEYS if recipe.get(key) is not None}
    config["models"] = [{**m, "model": resolved[str(m["model"])]} for m in recipe["models"]]
    if recipe.get("base_model"):
        config["base_model"] = resolved[str(recipe["base_model"])]
    if config.get("tokenizer_source") not in (None, "base", "union"):
        config["tokenizer_source"] = resolved[str(config["tokenizer_source"])]
    if isinstance(config.get("tokenizer"), dict) and config["tokenizer"].get("source") not in (None, "base", "union"):
        config["tokenizer"] = {**config["tokenizer"], "source": resolved[str(config["tokenizer"]["source"])]}
    return config


def run_mergekit(config: dict, folder: Path, seed: int, where: str) -> None:
    from mergekit.config import MergeConfiguration
    from mergekit.merge import MergeOptions, run_merge
    from pydantic import ValidationError

    try:
        merge_config = MergeConfiguration.model_validate(config)
    except (ValidationError, RuntimeError) as e:
        raise UserError(f"mergekit does not accept the recipe: {str(e).splitlines()[0]}", where) from e
    options = MergeOptions(device="cpu", lazy_unpickle=False, random_seed=seed, copy_tokenizer=True, quiet=True)
    try:
        run_merge(merge_config, str(folder), options)
    except (RuntimeError, ValueError) as e:
        raise UserError(f"mergekit could not merge: {str(e).splitlines()[0]}", where) from e


def complete_model_folder(folder: Path) -> None:
    """Every merged model gets a generation_config.json (mergekit leaves it out when it builds a tokenizer)."""
    from transformers import AutoConfig, GenerationConfig

    if not any(folder.glob("*.safetensors")) or not (folder / "config.json").is_file():
        raise RuntimeError(f"mergekit wrote no model into {folder}")
    if not (folder / "generation_config.json").is_file():
        GenerationConfig.from_model_config(AutoConfig.from_pretrained(folder)).save_pretrained(folder)


def _did_you_mean(name, known) -> str:
    hint = difflib.get_close_matches(str(name), list(known), n=1)
    return f" (did you mean '{hint[0]}'?)" if hint else ""


def _template_hash(folder: Path) -> str | None:
    from sftflow.models.loading import load_tokenizer

    try:
        return rd.chat_template_hash(load_tokenizer(folder, chat=False))
    except UserError:
        return None


def _now() -> str:
    return datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds")
