"""sftflow's own options, grouped by stage. Each field's help text is its documentation.

TRL's SFTConfig and ModelConfig fields sit flat at the top of the YAML, next to the
teaching workflow's keys (WorkflowOptions). sftflow's stage options live in sections
named after the stage: `data:`, `eval:`, `merge:`, `serve:`, `chat:`.
"""

from dataclasses import dataclass, field

DATA_FORMATS = (
    "language_modeling",
    "prompt_completion",
    "conversational_language_modeling",
    "conversational_prompt_completion",
)
MODES = ("train", "evaluate", "interact")
MODEL_CLASSES = ("AutoModelForCausalLM", "AutoModelForImageTextToText")


def opt(default, help: str, choices: tuple | None = None, at_least=None, at_most=None, above=None):
    """A dataclass field with a one-line help text, and the values its meaning allows: one of `choices`, or a
    number >= at_least, <= at_most, > above (None, when the type allows it, is always fine)."""
    return field(default=default, metadata={"help": help, "choices": choices,
                                            "range": Range(at_least, at_most, above)})


@dataclass(frozen=True)
class Range:
    """Numbers a key's meaning allows, beyond what its type allows (a batch of 0 is an int, and no batch)."""

    at_least: float | None = None
    at_most: float | None = None
    above: float | None = None
    below: float | None = None
    except_: tuple = ()  # values allowed outside the range, with their meaning (max_steps: -1)

    def problem(self, value) -> str | None:
        if value is None or isinstance(value, bool) or not isinstance(value, (int, float)) or value in self.except_:
            return None
        if self.above is not None and not value > self.above:
            return f"must be greater than {self.above:g}"
        if self.at_least is not None and value < self.at_least:
            return f"must be at least {self.at_least:g}"
        if self.at_most is not None and value > self.at_most:
            return f"must be at most {self.at_most:g}"
        if self.below is not None and not value < self.below:
            return f"must be less than {self.below:g}"
        return None


# TRL's flat keys whose type allows values their meaning does not (a negative learning rate trains backwards).
TRL_RANGES = {
    "learning_rate": Range(above=0), "num_train_epochs": Range(above=0),
    "max_steps": Range(at_least=1, except_=(-1,)),  # -1: train for num_train_epochs
    "per_device_train_batch_size": Range(at_least=1), "per_device_eval_batch_size": Range(at_least=1),
    "gradient_accumulation_steps": Range(at_least=1), "eval_accumulation_steps": Range(at_least=1),
    "max_length": Range(at_least=1), "logging_steps": Range(above=0), "save_steps": Range(above=0),
    "eval_steps": Range(above=0), "warmup_steps": Range(at_least=0), "weight_decay": Range(at_least=0),
    "max_grad_norm": Range(at_least=0), "adam_beta1": Range(at_least=0, below=1),
    "adam_beta2": Range(at_least=0, below=1), "adam_epsilon": Range(above=0),
    "label_smoothing_factor": Range(at_least=0, below=1), "save_total_limit": Range(at_least=1),
    "seed": Range(at_least=0, at_most=2 ** 32 - 1), "data_seed": Range(at_least=0, at_most=2 ** 32 - 1),
    "dataloader_num_workers": Range(at_least=0), "dataset_num_proc": Range(at_least=1),
    "lora_r": Range(at_least=1), "lora_alpha": Range(above=0), "lora_dropout": Range(at_least=0, below=1),
}


@dataclass
class WorkflowOptions:
    """The teaching workflow's flat keys, accepted with their original meaning."""

    mode: str = opt("train", "What `sftflow run` does with this file.", MODES)
    model_class: str = opt("AutoModelForCausalLM", "transformers Auto class used to load the model.", MODEL_CLASSES)
    dataset_name: str | None = opt(None, "Hub dataset id, or a local jsonl/json/csv/parquet file, folder or saved dataset.")
    dataset_subset: str | None = opt(None, "Hub dataset configuration (subset) name.")
    dataset_train_split: str = opt("train", "Name of the training split.")
    dataset_eval_split: str = opt("validation", "Name of the validation split (carved out of train when missing).")
    dataset_test_split: str = opt("test", "Name of the test split (carved out of train when missing).")
    prompts_path: str | None = opt(None, "Folder with system.jinja, user.jinja and assistant.jinja prompt templates.")
    fine_tuning_data_format: str = opt(
        "conversational_prompt_completion", "Which of TRL's four dataset formats rows are rendered into.", DATA_FORMATS
    )
    peft_base_model_path: str | None = opt(None, "Merge: base model the adapter was trained on.")
    peft_peft_model_path: str | None = opt(None, "Merge: adapter (checkpoint or run directory) to merge.")
    peft_output_model_path: str | None = opt(None, "Merge: where the merged model is written.")
    evaluate_vllm_model_name_or_path: str | None = opt(None, "Evaluate: model, checkpoint or run directory to evaluate.")
    evaluate_vllm_sampling_params_max_tokens: int | None = opt(None, "Evaluate: maximum new tokens per answer.", at_least=1)


@dataclass
class DataOptions:
    """How rows become conversations and which rows are used."""

    system_template: str | None = opt(None, "Inline Jinja for the system message (overrides prompts_path/system.jinja).")
    user_template: str | None = opt(None, "Inline Jinja for the user message (overrides prompts_path/user.jinja).")
    assistant_template: str | None = opt(None, "Inline Jinja for the assistant reply (overrides prompts_path/assistant.jinja).")
    split_seed: int = opt(42, "Seed used to carve missing validation/test splits out of train.", at_least=0)
    max_train_rows: int | None = opt(None, "Use only the first N training rows (after splitting).", at_least=1)
    max_eval_rows: int | None = opt(None, "Use only the first N validation rows.", at_least=1)
    max_test_rows: int | None = opt(None, "Use only the first N test rows.", at_least=1)
    allow_eos_outside_loss: bool = opt(False, "Train even if the reply's end-of-turn token is not in the loss mask.")
    mix: list[dict] | None = opt(None, "data mix: other configs' train rows added to this one: [{config: x.yaml, weight: 0.2 | count: 500}].")
    mix_seed: int = opt(0, "data mix: seed of the row sampling and the shuffle.", at_least=0)
    database: str | None = opt(None, "A SQLite file every row's SQL runs on (sql_execution), read-only; rows without a schema get one derived from it.")
    database_column: str | None = opt(None, "Column naming each row's SQLite file (relative paths: beside the data), instead of data.database.")
    schema_column: str = opt("schema", "Column the database's schema text fills for the prompt (CREATE TABLE statements), where a row has none.")
    schema_sample_rows: int = opt(0, "Sample rows per table shown under each CREATE TABLE in the derived schema text.", at_least=0)
    schema_max_chars: int | None = opt(None, "Budget of the derived schema text for wide databases: sample rows go first, then the tables least related to the question.", at_least=200)
    schema_question_column: str = opt("sql_prompt", "Column with the question, whose words rank tables when the schema is over its budget.")


@dataclass
class TrainOptions:
    """How the model is adapted, beyond TRL's own keys."""

    peft_method: str = opt("lora", "With use_peft: lora (also DoRA/rsLoRA via use_dora/use_rslora), adalora or ia3.",
                           ("lora", "adalora", "ia3"))
    adalora_target_r: int | None = opt(None, "AdaLoRA: average rank kept after pruning (default lora_r / 2).", at_least=1)
    lora_last_layers: int | None = opt(None, "LoRA/AdaLoRA adapters in the last N transformer blocks only: the "
                                       "backward pass stops below them, so a step costs less (default: every "
                                       "block).", at_least=1)
    speedups: str = opt("auto", "auto: fill unset speed settings (gradient checkpointing from the memory plan, "
                        "padding-free or length-grouped batches, ...) and print each; off: TRL's defaults.",
                        ("auto", "off"))
    micro_batch_tokens: int | None = opt(None, "Token budget of a micro-batch; the examples per optimizer step "
                                         "are kept by gradient accumulation (default: 512 on CPU, the memory "
                                         "plan on a GPU).", at_least=1)
    trained_tokens_head: bool | None = opt(None, "Project only trained positions through the LM head (default: "
                                           "on with speedups; TRL already does it on CUDA).")
    cpu_threads: int | None = opt(None, "Torch threads of a training process on CPU (default, with speedups: torch's "
                                  "own, fewer where other processes keep cores busy when training starts); at most this machine's "
                                  "cores.", at_least=1, at_most=4096)


@dataclass
class EvalOptions:
    """Scoring a model on a split with a task metric."""

    metric: str | None = opt(None, "Task metric used to score generated answers (e.g. sql_execution).")
    split: str = opt("test", "Split to evaluate on.")
    max_new_tokens: int = opt(256, "Maximum new tokens per generated answer.", at_least=1)
    batch_size: int = opt(16, "Prompts generated together (left-padded, with a KV cache).", at_least=1)
    num_examples: int | None = opt(None, "Evaluate only the first N examples of the split.", at_least=1)
    backend: str = opt("auto", "Generation engine: auto takes vLLM when it is installed (./setup.sh --vllm, or the vllm package with a GPU), else batched transformers.", ("auto", "transformers", "vllm"))
    sql_timeout_s: float = opt(2.0, "sql_execution: per-query time limit in seconds.", above=0, at_most=600)
    constrain: str = opt("none", "sql_execution: schema lets the model write only SQLite that parses and names the row's own tables and columns (a grammar per database, llguidance); a row whose schema cannot be expressed is answered unconstrained, with a counted warning.", ("none", "schema"))
    candidates: int = opt(1, "sql_execution: answers drawn per question, the greedy one and then samples at eval.temperature; with more than 1, eval.select keeps one by running each on the row's database (never the gold query). All are written to predictions.jsonl.", at_least=1, at_most=64)
    select: str = opt("executes", "sql_execution with eval.candidates > 1: executes keeps the first candidate (greedy first) whose SQL runs and returns a row with a value; majority keeps the first of the largest group of candidates that return the same rows.", ("executes", "majority"))
    temperature: float = opt(0.7, "Sampling temperature of the candidates after the first (top_p 0.95, seeded).", above=0, at_most=2)
    answer_column: str | None = opt(None, "Column holding the reference answer (exact_match, multiple_choice, rouge, chrf); default answer, answer_idx for multiple_choice.")
    extract_regex: str | None = opt(None, "Regex whose first match (group 1 if it has groups) is the answer; add (?i) to ignore case.")
    fallback_regex: str | None = opt(None, "Regex tried when extract_regex finds nothing; its last match is the answer.")
    ignore_case: bool = opt(True, "exact_match: compare answer and reference ignoring case.")
    normalize_whitespace: bool = opt(True, "exact_match: strip ends and collapse runs of whitespace before comparing.")
    during_training: bool = opt(False, "Also score the metric on validation rows at every evaluation (logged as eval_<metric>).")
    during_training_examples: int = opt(32, "Validation rows generated for the metric at each evaluation during training.", at_least=1)
    early_stopping_patience: int | None = opt(None, "Stop after this many evaluations without improving metric_for_best_model.", at_least=1)
    retention: str | None = opt(None, "Another sftflow config (general-task data + metric) scored on the same models: the forgetting check.")


@dataclass
class MergeOptions:
    """Folding an adapter into its base model."""

    output_dir: str | None = opt(None, "Where the merged model is written (default: RUN_DIR/merged).")
    parity_check: bool = opt(True, "Compare merged and adapter logits on a few prompts after merging.")
    overwrite: bool = opt(False, "Replace an existing, different model in output_dir.")


@dataclass
class ServeOptions:
    """An OpenAI-compatible endpoint for the trained model."""

    host: str = opt("127.0.0.1", "Interface to bind; loopback unless you mean to expose it.")
    port: int = opt(8080, "TCP port of the API server.", at_least=1, at_most=65535)
    served_model_name: str = opt("local", "Model name clients send in requests.")
    api_key_env: str = opt("SFTFLOW_API_KEY", "Environment variable holding the API key the server enforces.")
    max_model_len: int | None = opt(None, "Longest prompt + answer in tokens; a longer request is refused with HTTP 400 (default: the model's context length, at most 8192).", at_least=1)
    kv_cache_gib: int = opt(2, "Memory for the KV cache in whole GiB, allocated when the server starts (vLLM on CPU: VLLM_CPU_KVCACHE_SPACE; the transformers engine: its paged cache); more serves more requests at once.", at_least=1)
    vllm_args: list[str] | None = opt(None, "More arguments for vLLM's server, as on its command line (e.g. [--enforce-eager]: starts faster, serves slower).")
    databases: dict[str, str] | None = opt(None, "SQLite files requests may name, {name: path}: a request with \"sftflow\": {\"database\": NAME} gets SQL constrained to that database's schema, and with \"candidates\": N the answer that runs on it (eval.constrain, eval.candidates, eval.select). sftflow's transformers server only; --database NAME=FILE adds one.")


@dataclass
class ChatOptions:
    """The web chat UI."""

    base_url: str | None = opt(None, "OpenAI-compatible endpoint (default: $OPENAI_API_BASE or the local server).")
    api_key_env: str = opt("OPENAI_API_KEY", "Environment variable holding the endpoint's API key.")
    host: str = opt("127.0.0.1", "Interface the UI binds.")
    port: int = opt(7860, "TCP port of the UI.", at_least=1, at_most=65535)
    share: bool = opt(False, "Create a public share link (off unless asked).")


SECTIONS = {
    "data": DataOptions,
    "train": TrainOptions,
    "eval": EvalOptions,
    "merge": MergeOptions,
    "serve": ServeOptions,
    "chat": ChatOptions,
}
