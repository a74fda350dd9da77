"""One YAML file (plus `--key value` overrides) -> TRL's SFTConfig/ModelConfig + sftflow's sections.

Flat keys are TRL's (SFTConfig, ModelConfig) or the teaching workflow's (WorkflowOptions);
sections (`data:`, `eval:`, ...) hold sftflow's stage options. Unknown keys are errors.
"""

import dataclasses
import difflib
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from sftflow.coerce import coerce
from sftflow.errors import UserError
from sftflow.options import (
    SECTIONS,
    TRL_RANGES,
    ChatOptions,
    DataOptions,
    EvalOptions,
    MergeOptions,
    Range,
    ServeOptions,
    TrainOptions,
    WorkflowOptions,
)
from sftflow.paths import resolve_local


def _trl_fields() -> tuple[dict, dict]:
    from trl import ModelConfig, SFTConfig  # heavy import, only when a config is read

    return ({f.name: f for f in dataclasses.fields(SFTConfig) if f.init},
            {f.name: f for f in dataclasses.fields(ModelConfig) if f.init})


WORKFLOW_FIELDS = {f.name: f for f in dataclasses.fields(WorkflowOptions)}

# Keys naming files or folders, made absolute in the resolved config when they exist locally.
LOCAL_PATH_KEYS = ("model_name_or_path", "dataset_name", "prompts_path", "chat_template_path",
                   "peft_base_model_path", "peft_peft_model_path", "evaluate_vllm_model_name_or_path")

# Keys renamed in transformers 5 / TRL 1.x that files written for older versions still use.
RENAMED = {"warmup_ratio": "warmup_steps", "torch_dtype": "dtype", "max_seq_length": "max_length",
           "evaluation_strategy": "eval_strategy"}


@dataclass
class Config:
    path: Path | None
    sft: dict[str, Any]  # SFTConfig keys the user set
    model: dict[str, Any]  # ModelConfig keys the user set
    workflow: WorkflowOptions
    data: DataOptions
    train: TrainOptions
    eval: EvalOptions
    merge: MergeOptions
    serve: ServeOptions
    chat: ChatOptions
    overridden: tuple = ()  # keys set on the command line

    @property
    def where(self) -> str:
        return str(self.path) if self.path else "config"

    @property
    def base_dir(self) -> Path:
        """Folder that relative paths in the file are resolved against (after the working directory)."""
        return self.path.parent if self.path else Path.cwd()

    def resolve_path(self, value: str) -> Path | None:
        """A local path as written (relative to cwd), or relative to the config file; None if neither exists."""
        return resolve_local(value, self.base_dir)

    def output_dir(self) -> Path:
        """The run directory. A run directory's own config.yaml stands for the folder that holds it, wherever
        that folder was moved or copied (its output_dir still names where the run was made)."""
        if self.in_run_dir and "output_dir" not in self.overridden:
            return self.path.parent
        name = self.sft.get("output_dir") or f"runs/{self.path.stem if self.path else 'run'}"
        return Path(name).expanduser().resolve()

    def at(self, run_dir: Path | str | None) -> "Config":
        """This config with its run directory set to `run_dir` (as `--output_dir` would); itself when None."""
        if run_dir is None:
            return self
        return dataclasses.replace(self, sft={**self.sft, "output_dir": str(run_dir)},
                                   overridden=(*self.overridden, "output_dir"))

    @property
    def model_name(self) -> str | None:
        """model_name_or_path as written (a Hub name or a path; sftflow.models.reference resolves it)."""
        return self.model.get("model_name_or_path")

    @property
    def in_run_dir(self) -> bool:
        return bool(self.path) and self.path.name == "config.yaml" and (self.path.parent / "manifest.json").is_file()

    def to_dict(self) -> dict:
        """The resolved config as flat keys + sections, ready to be written back as YAML.

        Local paths become absolute, so the copy in a run directory works from anywhere."""
        out = {**dataclasses.asdict(self.workflow), **self.model, **self.sft}
        for key in LOCAL_PATH_KEYS:
            local = self.resolve_path(out[key]) if isinstance(out.get(key), str) else None
            if local is not None:
                out[key] = str(local)
        for name in SECTIONS:
            out[name] = dataclasses.asdict(getattr(self, name))
        return out


def load_config(path: str | Path | None, overrides: dict[str, str] | None = None) -> Config:
    """Read, override, validate. Raises UserError naming the key and the file on any problem."""
    raw, lines, where = ({}, {}, "command line") if path is None else _read_yaml(Path(path))
    for dotted, text in (overrides or {}).items():
        _set_dotted(raw, dotted, _override_value(text))
    _check_finite(raw, "", where, lines)
    config = _build(raw, lines, where)
    config.path = Path(path).resolve() if path is not None else None
    config.overridden = tuple(overrides or ())
    return config


def _override_value(text):
    """A command-line value read as YAML, except YAML 1.1's other booleans: `--eval_strategy no` means "no"."""
    value = yaml.safe_load(text) if isinstance(text, str) else text
    if isinstance(value, bool) and text.strip().lower() not in ("true", "false"):
        return text
    return value


def _read_yaml(path: Path) -> tuple[dict, dict, str]:
    where = str(path)
    if not path.is_file():
        raise UserError("config file not found", where)
    try:
        size = path.stat().st_size
    except OSError as e:
        raise UserError(f"cannot read the config file: {e.strerror}", where) from None
    if size > MAX_CONFIG_BYTES:
        raise UserError(f"the config file is {size:,} bytes; the limit is {MAX_CONFIG_BYTES:,} (a config holds "
                        "settings: put data in data files)", where)
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as e:
        raise UserError(f"not UTF-8 text (byte {e.start}): save the file as UTF-8", where) from None
    except OSError as e:
        raise UserError(f"cannot read the config file: {e.strerror}", where) from None
    try:
        loader = yaml.SafeLoader(text)
        try:
            node = loader.get_single_node()  # the node graph: an alias is a reference, nothing is expanded yet
            _check_nodes(node, where)
            data = loader.construct_document(node) if node is not None else None
        finally:
            loader.dispose()
        lines = _key_lines(node)
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        line = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
        raise UserError(f"malformed YAML: {line}{e.problem or e}", where) from e
    except RecursionError:
        raise UserError("the YAML is nested too deeply to read", where) from None
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise UserError(f"the file must be a mapping of keys to values, not a {type(data).__name__}", where)
    return data, lines, where


MAX_CONFIG_BYTES = 1 << 20  # a config of settings is a few KiB; reading 50 MB took 80 s
MAX_YAML_VALUES = 100_000  # values after alias expansion: a billion-laughs file stops here, at load, in every command


def _check_nodes(root, where: str) -> None:
    """Refuse duplicate keys in any mapping (the last value won, silently), and a document whose aliases expand to
    more than MAX_YAML_VALUES values. Sizes are counted once per node (memoised), so the count costs nothing
    however far the aliases would expand."""
    sizes: dict[int, int] = {}

    def size(node, depth: int = 0) -> int:
        if id(node) in sizes:
            return sizes[id(node)]
        if depth > 100:
            raise UserError("the YAML is nested more than 100 levels deep", where)
        sizes[id(node)] = 1  # a recursive alias counts once instead of looping
        total = 1
        if isinstance(node, yaml.MappingNode):
            seen = {}
            for key, value in node.value:
                if isinstance(key, yaml.ScalarNode) and key.value != "<<":
                    if key.value in seen:
                        raise UserError(f"line {key.start_mark.line + 1}: the key '{key.value}' appears twice in one "
                                        f"mapping (first on line {seen[key.value]}); keep one", where)
                    seen[key.value] = key.start_mark.line + 1
                total += size(key, depth + 1) + size(value, depth + 1)
        elif isinstance(node, yaml.SequenceNode):
            total += sum(size(item, depth + 1) for item in node.value)
        if total > MAX_YAML_VALUES:
            raise UserError(f"the YAML's aliases expand to more than {MAX_YAML_VALUES:,} values (an alias bomb?); "
                            "a config needs far fewer", where)
        sizes[id(node)] = total
        return total

    if root is not None:
        size(root)


def _check_finite(value, key: str, where: str, lines: dict) -> None:
    """Non-finite numbers (.inf, .nan, 1e309, which YAML reads as inf) are an error at load, for every key: a
    learning rate of inf trained to a NaN adapter that the manifest called completed."""
    if isinstance(value, float) and not math.isfinite(value):
        raise UserError(f"'{key}' is {value}: a number must be finite", _loc(where, lines, key.split("[")[0]))
    items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
    for k, v in items:
        _check_finite(v, f"{key}.{k}" if isinstance(value, dict) and key else f"{key}[{k}]" if key else str(k),
                      where, lines)


def _key_lines(node, prefix: str = "") -> dict[str, int]:
    """'key' / 'section.key' -> 1-based line number, for error messages."""
    lines = {}
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            name = f"{prefix}{key_node.value}"
            lines[name] = key_node.start_mark.line + 1
            if not prefix:
                lines.update(_key_lines(value_node, f"{name}."))
    return lines


def _set_dotted(raw: dict, dotted: str, value: Any) -> None:
    section, _, key = dotted.partition(".")
    if key:
        raw.setdefault(section, {})
        if not isinstance(raw[section], dict):
            raise UserError(f"'{section}' is not a section, cannot set '{dotted}'", "command line")
        raw[section][key] = value
    else:
        raw[dotted] = value


def _build(raw: dict, lines: dict, where: str) -> Config:
    sft_fields, model_fields = _trl_fields()
    flat_known = {**WORKFLOW_FIELDS, **sft_fields, **model_fields}
    buckets = {"sft": {}, "model": {}, "workflow": {}}
    sections = {name: {} for name in SECTIONS}
    for key, value in raw.items():
        loc = _loc(where, lines, key)
        if key in RENAMED and RENAMED[key] not in raw:
            print(f"[sftflow] {loc}: '{key}' is now called '{RENAMED[key]}'; reading it as such")
            key = RENAMED[key]
        if key in SECTIONS:
            if not isinstance(value, dict):
                raise UserError(f"'{key}' is a section and takes a mapping of options", loc)
            sections[key] = _section_values(key, value, lines, where)
        elif key in flat_known:
            bucket = "workflow" if key in WORKFLOW_FIELDS else "sft" if key in sft_fields else "model"
            buckets[bucket][key] = coerce(value, flat_known[key], key, loc)
            check_range(key, buckets[bucket][key], _range(flat_known[key], key), loc)
        else:
            raise UserError(_unknown(key, list(flat_known) + list(SECTIONS)), loc)
    _check_choices(buckets["workflow"], WORKFLOW_FIELDS, lines, where)
    return Config(
        path=None, sft=buckets["sft"], model=buckets["model"],
        workflow=WorkflowOptions(**buckets["workflow"]),
        **{name: cls(**sections[name]) for name, cls in SECTIONS.items()},
    )


def _section_values(section: str, values: dict, lines: dict, where: str) -> dict:
    fields = {f.name: f for f in dataclasses.fields(SECTIONS[section])}
    out = {}
    for key, value in values.items():
        loc = _loc(where, lines, f"{section}.{key}")
        if key not in fields:
            raise UserError(_unknown(f"{section}.{key}", [f"{section}.{k}" for k in fields]), loc)
        out[key] = coerce(value, fields[key], f"{section}.{key}", loc)
        check_range(f"{section}.{key}", out[key], _range(fields[key], key), loc)
    _check_choices(out, fields, lines, where, prefix=f"{section}.")
    return out


def _check_choices(values: dict, fields: dict, lines: dict, where: str, prefix: str = "") -> None:
    for key, value in values.items():
        choices = fields[key].metadata.get("choices")
        if choices and value not in choices:
            hint = difflib.get_close_matches(str(value), choices, n=1)
            extra = f" (did you mean '{hint[0]}'?)" if hint else ""
            raise UserError(f"'{prefix}{key}' must be one of {', '.join(choices)}, got '{value}'{extra}",
                            _loc(where, lines, prefix + key))


def _range(field: dataclasses.Field, key: str) -> Range:
    return field.metadata.get("range") or TRL_RANGES.get(key) or Range()


def check_range(key: str, value, allowed: Range, loc: str) -> None:
    """Values the type allows but the meaning does not (a batch size of 0, a negative learning rate)."""
    problem = allowed.problem(value)
    if problem:
        raise UserError(f"'{key}' {problem}, got {value!r}", loc)


def _loc(where: str, lines: dict, key: str) -> str:
    return f"{where}, line {lines[key]}" if key in lines else where


def _unknown(key: str, known: list[str]) -> str:
    hint = difflib.get_close_matches(key, known, n=1, cutoff=0.75)
    return f"unknown key '{key}'" + (f" (did you mean '{hint[0]}'?)" if hint else "")


def parse_overrides(args: list[str]) -> dict[str, str]:
    """['--lr', '1e-4', '--eval.batch_size=8'] -> {'lr': '1e-4', 'eval.batch_size': '8'}."""
    out, i = {}, 0
    while i < len(args):
        arg = args[i]
        if not arg.startswith("--") or len(arg) == 2:
            raise UserError(f"expected --key value, got '{arg}'", "command line")
        key, eq, value = arg[2:].partition("=")
        if not eq:
            if i + 1 >= len(args) or args[i + 1].startswith("--"):
                value = "true"  # a bare flag: --packing
            else:
                i += 1
                value = args[i]
        out[key.replace("-", "_")] = value
        i += 1
    return out


def help_text() -> str:
    """What `sftflow config --help` prints: every sftflow option with its one-line description."""
    blocks = ["Flat keys: every field of TRL's SFTConfig and ModelConfig, plus the teaching workflow's keys:"]
    blocks += _fields_help(WorkflowOptions, "")
    for name, cls in SECTIONS.items():
        blocks += ["", f"{name}:  {cls.__doc__}"]
        blocks += _fields_help(cls, "  ")
    return "\n".join(blocks)


def _fields_help(cls, indent: str) -> list[str]:
    rows = []
    for f in dataclasses.fields(cls):
        choices = f.metadata.get("choices")
        extra = f" [{'|'.join(choices)}]" if choices else ""
        rows.append(f"{indent}  {f.name:<42} {f.metadata['help']}{extra} (default: {f.default})")
    return rows
