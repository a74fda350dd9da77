"""The cases of the GPU run in schedule order, and the config file each one trains with.

Every config starts from the teaching workflow's own file, examples/text_to_sql/sft.yaml (Gemma-3 270M full
fine-tune: bf16, batch 4, rows padded to the longest, no packing, gradient checkpointing on, eager attention),
points it at the bench's model and data, and shortens the run; each case then changes only the keys it names.
LoRA and QLoRA settings are read from the shipped examples too, so the bench measures what users run.
"""

import json
from dataclasses import dataclass, field
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[2]
EXAMPLES = REPO / "examples"
TEACHING_FILE = EXAMPLES / "text_to_sql" / "sft.yaml"
PROMPTS = EXAMPLES / "text_to_sql" / "prompts"
GEMMA, SMOLLM2 = "gemma-3-270m-it", "SmolLM2-135M-Instruct"  # model_configs/NAME.json
# The teaching file's speed keys. sftflow's defaults are the same file without them (and speedups: auto).
SPEED_KEYS = ("gradient_checkpointing", "attn_implementation")
TEACHING = {"train": {"speedups": "off"}, "packing": False, "padding_free": False}
METHOD_KEYS = {  # which keys of which shipped file make each fine-tuning method
    "lora": (EXAMPLES / "text_to_sql" / "demo.yaml",
             ("use_peft", "lora_r", "lora_alpha", "lora_dropout", "lora_target_modules", "learning_rate")),
    "qlora": (EXAMPLES / "court_headnotes" / "qlora.yaml",
              ("use_peft", "load_in_4bit", "bnb_4bit_quant_type", "use_bnb_nested_quant", "lora_r", "lora_alpha",
               "lora_dropout", "lora_target_modules", "optim", "learning_rate")),
}
BARE_SHAPES = ((4, 192), (32, 192), (8, 1024))  # batch x tokens: the bench's batches (rows of ~190 tokens), and long
TIMED = ("throughput", "baselines")  # cases that time the GPU: one at a time
SEQUENTIAL = (*TIMED, "scale")  # launched cases use accelerate's one port: one at a time too
PLAN_SHAPES = {False: (8, (512, 1024)), True: (2, (256,))}  # batch, lengths (1024: the teaching file); True: dry run
PLAN_DRY_RUN = (("full", False), ("lora", True))  # (method, checkpointing) also run in the dry run
BNB = "bitsandbytes 4-bit needs CUDA"
ZERO = "DeepSpeed ZeRO runs on GPUs only (sftflow refuses it on CPU)"
ZERO3_OFFLOAD = {  # "auto": filled in by the Trainer from its own arguments
    "zero_optimization": {"stage": 3, "offload_optimizer": {"device": "cpu", "pin_memory": True},
                          "offload_param": {"device": "cpu", "pin_memory": True},
                          "stage3_gather_16bit_weights_on_model_save": True},
    "zero_force_ds_cpu_optimizer": False, "bf16": {"enabled": "auto"}, "train_batch_size": "auto",
    "train_micro_batch_size_per_gpu": "auto", "gradient_accumulation_steps": "auto", "gradient_clipping": "auto"}


@dataclass(frozen=True)
class Case:
    name: str
    section: str  # throughput | baselines | planner | qlora | scale
    model: str  # a file in model_configs/
    what: str  # one line for the tables
    settings: dict = field(default_factory=dict)  # config keys set on top of the teaching file
    drop: tuple[str, ...] = ()  # teaching-file keys removed, i.e. left to sftflow's defaults
    needs_cuda: str = ""  # why the case means nothing without CUDA: skipped there
    needs: tuple[str, ...] = ("datasets",)  # the probe's checks that must pass (child.probe), else skipped
    budget_s: int = 90  # the case's own time limit (its process is killed after it)
    in_dry_run: bool = True
    baseline: str = ""  # throughput: the case its speed is divided by (the teaching settings, same batch)
    kind: str = "sftflow"  # sftflow (`sftflow train`), bare (a bare PyTorch loop), trl (TRL's SFTTrainer, plain)
    shape: tuple[int, ...] = ()  # bare: (batch, tokens per row); trl: (batch,)
    compiled: bool = False  # bare: under torch.compile
    packing: bool = False  # trl: packing=True
    against: tuple[str, ...] = ()  # throughput: the plain-TRL case and the bare cases at the same batch
    launch: str = ""  # scale: `sftflow train --launch MODE --num-processes 1`
    accelerate: dict = field(default_factory=dict)  # scale: keys changed in examples/accelerate/MODE.yaml
    deepspeed: dict = field(default_factory=dict)  # scale: a DeepSpeed config file instead of the yaml's keys
    merge: bool = False  # then `sftflow merge` with its parity check

    @property
    def method(self) -> str:
        return "qlora" if self.settings.get("load_in_4bit") else "lora" if self.settings.get("use_peft") else "full"


def throughput_cases() -> list[Case]:
    """Gemma-3 270M full fine-tuning. The first case is the headline: sftflow's defaults."""
    def case(name, what, settings=None, drop=SPEED_KEYS, **kw):
        return Case(f"gemma-{name}", "throughput", GEMMA, what, settings or {}, drop, **kw)

    small, large = _against(4), _against(32)
    return [
        case("defaults", "sftflow's defaults (teaching file without its speed keys)", budget_s=150,
             baseline="gemma-teaching", against=small),
        case("teaching", "teaching: batch 4, pad to longest, no packing, checkpointing, eager", TEACHING, drop=()),
        case("defaults-liger-off", "defaults, use_liger_kernel: false", {"use_liger_kernel": False},
             needs_cuda="liger-kernel's Triton kernels need CUDA", needs=("datasets", "liger"),
             baseline="gemma-teaching"),
        case("defaults-padding-free", "defaults, padding_free: true (sdpa, packed position_ids)",
             {"padding_free": True}, baseline="gemma-teaching", against=small),
        # the first H200 run measured the defaults slower than the teaching settings: which default costs it
        case("defaults-workers0", "defaults, dataloader_num_workers: 0", {"dataloader_num_workers": 0},
             baseline="gemma-teaching"),
        case("defaults-workers0-liger-off", "defaults, dataloader_num_workers: 0, use_liger_kernel: false",
             {"dataloader_num_workers": 0, "use_liger_kernel": False}, baseline="gemma-teaching"),
        case("defaults-batch32", "defaults at global batch 32", {"per_device_train_batch_size": 32},
             in_dry_run=False, baseline="gemma-teaching-batch32", against=large),
        case("teaching-batch32", "teaching settings at global batch 32",
             {**TEACHING, "per_device_train_batch_size": 32}, drop=(), in_dry_run=False),
        # last of its section: torch.compile builds its Triton kernels (and again once for dynamic shapes)
        case("defaults-padding-free-flex", "defaults, padding_free: true, flex_attention",
             {"padding_free": True, "attn_implementation": "flex_attention"}, budget_s=150,
             needs_cuda="flex_attention is compiled with Triton for CUDA here", baseline="gemma-teaching"),
    ]


def _against(batch: int) -> tuple[str, ...]:
    """The plain-TRL case and the bare cases a sftflow case at this global batch is compared with."""
    trl = "trl-plain" if batch == 4 else f"trl-plain-batch{batch}"
    return (trl, f"bare-{batch}x192", f"bare-{batch}x192-compile")


def baseline_cases() -> list[Case]:
    """What the throughput cases are measured against (issue: speed that holds on every machine): the bare
    ceiling at fixed shapes, and TRL's SFTTrainer as a user would run it instead of sftflow."""
    cases = []
    for batch, length in BARE_SHAPES:
        for compiled in (False, True):
            what = (f"bare PyTorch loop: {batch} x {length} random tokens, bf16 weights, sdpa, fused AdamW, the "
                    f"model's causal-LM loss" + (", torch.compile" if compiled else ""))
            cases.append(Case(f"bare-{batch}x{length}" + ("-compile" if compiled else ""), "baselines", GEMMA, what,
                              kind="bare", shape=(batch, length), compiled=compiled, budget_s=150 if compiled else 60,
                              needs_cuda="torch.compile's Triton kernels need CUDA here" if compiled else "",
                              in_dry_run=(batch, length) == (4, 192)))
    for name, batch, packing in (("trl-plain", 4, False), ("trl-plain-batch32", 32, False),
                                 ("trl-plain-packing", 4, True)):
        what = (f"TRL SFTTrainer, its defaults: batch {batch}, bf16, max_length 1024, lr 5e-5, conversational "
                f"prompt-completion rows" + (", packing=True" if packing else ""))
        cases.append(Case(name, "baselines", GEMMA, what, kind="trl", shape=(batch,), packing=packing,
                          in_dry_run=batch == 4, budget_s=120))
    return cases


def scale_cases() -> list[Case]:
    """Scale, proven on a GPU (issue: FSDP2 and ZeRO that are tested): one process each through `sftflow train
    --launch`, then the merge where there is an adapter. FSDP with LoRA also runs on CPU (the dry run)."""
    lora, qlora = method_settings("lora"), method_settings("qlora")
    return [
        Case("fsdp-lora-smollm2", "scale", SMOLLM2, "LoRA (demo.yaml keys), --launch fsdp, 1 process -> merge",
             {**lora, "max_length": 512}, launch="fsdp", merge=True, budget_s=150),
        Case("qlora-fsdp-smollm2", "scale", SMOLLM2,
             "QLoRA (qlora.yaml keys, 4-bit weights stored in bf16), --launch fsdp, 1 process -> merge",
             {**qlora, "bnb_4bit_quant_storage": "bfloat16", "max_length": 512}, launch="fsdp", merge=True,
             needs_cuda=BNB, needs=("datasets", "bitsandbytes"), budget_s=150),
        Case("zero3-smollm2", "scale", SMOLLM2, "full fine-tuning, --launch zero3 (the shipped zero3.yaml), 1 process",
             {"use_peft": False, "max_length": 512}, launch="zero3", accelerate={"num_processes": 1},
             needs_cuda=ZERO, needs=("datasets", "deepspeed"), budget_s=150),
        # ZeRO-Offload with the Trainer's own (torch) optimizer: DeepSpeed's CPU Adam would be compiled on first use,
        # which needs the CUDA toolkit; zero_force_ds_cpu_optimizer false lets the client optimizer run instead
        Case("zero3-offload-smollm2", "scale", SMOLLM2,
             "full fine-tuning, --launch zero3 with optimizer and weights offloaded to the CPU, 1 process",
             {"use_peft": False, "max_length": 512}, launch="zero3", deepspeed=ZERO3_OFFLOAD,
             needs_cuda=ZERO, needs=("datasets", "deepspeed"), budget_s=180),
    ]


def planner_cases(dry_run: bool) -> list[Case]:
    """Full / LoRA / QLoRA x checkpointing off / on x two lengths; batches padded to exactly max_length,
    which is the shape the planner assumes."""
    batch, lengths = PLAN_SHAPES[dry_run]
    cases = []
    for method in ("full", "lora", "qlora"):
        for checkpointing in (False, True):
            for length in lengths:
                settings = {**method_settings(method), **TEACHING, "gradient_checkpointing": checkpointing,
                            "attn_implementation": "sdpa", "per_device_train_batch_size": batch,
                            "max_length": length, "pad_to_multiple_of": length}
                what = f"{method}, checkpointing {'on' if checkpointing else 'off'}, {batch} x {length}"
                quantized = method == "qlora"
                cases.append(Case(f"plan-{method}-{'gc' if checkpointing else 'nogc'}-{length}", "planner", GEMMA,
                                  what, settings, needs_cuda=BNB if quantized else "",
                                  needs=("datasets", "bitsandbytes") if quantized else ("datasets",),
                                  in_dry_run=(method, checkpointing) in PLAN_DRY_RUN))
    return cases


def qlora_cases() -> list[Case]:
    """QLoRA on SmolLM2-135M (the demo's model), then `sftflow merge` with its parity check."""
    settings = {**method_settings("qlora"), "max_length": 512}
    return [Case("qlora-smollm2", "qlora", SMOLLM2, "QLoRA (court_headnotes/qlora.yaml keys) -> merge -> parity",
                 settings, budget_s=150, needs=("datasets", "bitsandbytes"), merge=True)]


def schedule(dry_run: bool) -> list[Case]:
    return throughput_cases() + baseline_cases() + planner_cases(dry_run) + qlora_cases() + scale_cases()


def accelerate_config(case: Case, folder: Path) -> dict:
    """examples/accelerate/MODE.yaml for one process, with the case's changes; a case with its own DeepSpeed config
    gets it written to `folder` and named there, in place of the yaml's DeepSpeed keys (accelerate refuses both)."""
    config = yaml.safe_load((EXAMPLES / "accelerate" / f"{case.launch}.yaml").read_text())
    config["num_processes"] = 1
    for key, value in case.accelerate.items():
        config[key] = {**config.get(key, {}), **value} if isinstance(value, dict) else value
    if case.deepspeed:
        path = folder / f"{case.name}.deepspeed.json"
        path.write_text(json.dumps(case.deepspeed, indent=1))
        config["deepspeed_config"] = {"deepspeed_config_file": str(path), "zero3_init_flag": True}
        config.pop("mixed_precision", None)  # the DeepSpeed file's bf16 section decides
    return config


def method_settings(method: str) -> dict:
    if method == "full":
        return {"use_peft": False}
    path, keys = METHOD_KEYS[method]
    shipped = yaml.safe_load(path.read_text())
    return {key: shipped[key] for key in keys}


def config_for(case: Case, model: Path, data: Path, out: Path, max_steps: int, logging_steps: int) -> dict:
    """The teaching file, pointed at the bench's model and data, without evaluation or checkpoints."""
    config = yaml.safe_load(TEACHING_FILE.read_text())
    for key in case.drop:
        config.pop(key)
    config.pop("eval")
    config.update(model_name_or_path=str(model), dataset_name=str(data), prompts_path=str(PROMPTS),
                  output_dir=str(out), max_steps=max_steps, logging_steps=logging_steps, eval_strategy="no",
                  save_strategy="no",
                  report_to="none")
    for key, value in case.settings.items():
        config[key] = {**config.get(key, {}), **value} if isinstance(value, dict) else value
    return config
