"""What runs inside one case's own process, so that a crash, an out-of-memory or a hang costs only that case.

    python bench/gpu/child.py probe --result R.json          the device: name, memory, a measured bf16 matmul rate,
                                                             and whether the carried packages import (and run on CUDA)
    python bench/gpu/child.py build NAME... FOLDER --result R.json [--tiny]
                                                             model folders FOLDER/NAME, random weights in the
                                                             architecture of model_configs/NAME.json
    python bench/gpu/child.py train CONFIG --result R.json [--plan GPU] [--merge] [--warmup N] [--seconds S]
                                   [--launch MODE --accelerate-config FILE]
                                                             `sftflow train CONFIG` (the CLI, in this process) with a
                                                             meter on the trainer; --plan: the planner's verdict first;
                                                             --merge: then `sftflow merge CONFIG` (one start saved);
                                                             --launch: through `sftflow train --launch MODE` (the
                                                             workers are other processes: nothing is metered)
    python bench/gpu/child.py bare MODEL BATCH LENGTH --result R.json [--compile] [--warmup N] [--seconds S]
                                                             the ceiling: a bare PyTorch loop, random tokens
    python bench/gpu/child.py trl MODEL DATA OUT BATCH --result R.json [--packing] [--warmup N] [--seconds S]
                                                             what a user runs instead: TRL's SFTTrainer, its defaults

Every mode writes R.json (also after a failure: `error` holds the end of the traceback).
"""

import argparse
import json
import sys
import time
import traceback
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import sftflow_api  # noqa: E402 - beside this file, after the path

CONFIGS = HERE / "model_configs"
TOKENIZER = CONFIGS / "tokenizer"
# --dry-run models: the same architectures, a few layers of width 64 (SmolLM2's tokenizer keeps its 49152 ids)
TINY = {"hidden_size": 64, "intermediate_size": 128, "num_hidden_layers": 2, "num_attention_heads": 2,
        "num_key_value_heads": 1, "head_dim": 32, "vocab_size": 49152}
MATMUL = 8192  # the bf16 matmul rate is measured on 8192 x 8192 x 8192 random matrices


def probe(info: dict, save) -> None:
    """Fills `info`, saving it after every step: a crash in a native library (bitsandbytes, a Triton kernel) still
    leaves what came before. `checks` says whether what cases need works here: 'ok ...' or 'FAILED: ...'
    (cases.Case.needs); a check missing from it was never reached."""
    import torch

    info.update(torch=torch.__version__, torch_cuda=torch.version.cuda, cuda=torch.cuda.is_available(), imports={},
                checks={})
    if info["cuda"]:
        props = torch.cuda.get_device_properties(0)
        info.update(device=torch.cuda.get_device_name(0), total_memory=props.total_memory,
                    capability=".".join(map(str, torch.cuda.get_device_capability())),
                    multiprocessors=props.multi_processor_count)
    save()
    info["checks"]["datasets"] = _datasets()
    save()
    for name in ("trl", "datasets", "peft", "sqlglot", "liger_kernel.transformers"):
        info["imports"][name] = _import(name)
        save()
    info["checks"]["liger"] = info["imports"]["liger_kernel.transformers"]
    if info["cuda"]:
        info["bf16_matmul_tflops"] = _matmul_tflops(torch)
    save()
    info["imports"]["bitsandbytes"] = _import("bitsandbytes")  # last: it loads a native library
    save()
    info["checks"]["bitsandbytes"] = (_bnb_4bit(torch) if info["cuda"] else
                                      "not checked: no CUDA (sftflow trains QLoRA as LoRA there)")
    save()
    info["imports"]["deepspeed"] = _import("deepspeed")  # ZeRO (the scale section); not on every machine
    info["checks"]["deepspeed"] = info["imports"]["deepspeed"]


def _datasets() -> str:
    """Rows to a Dataset and a map over it, as sftflow reads local data. Seen failing here (dill cannot pickle
    pyarrow's MonthDayNano) when the wheels were installed into a folder whose path lacks 'site-packages';
    datasets 5.2 asks for pyarrow >= 24, and this path also passed with pyarrow 21."""
    try:
        from datasets import Dataset

        Dataset.from_list([{"sql": "SELECT 1"}]).map(lambda row: {"n": len(row["sql"])})
    except Exception as e:  # the message is the finding
        return f"FAILED: {type(e).__name__}: {str(e).splitlines()[0] if str(e) else ''}"
    return "ok"


def _import(name: str) -> str:
    import importlib

    try:
        module = importlib.import_module(name)
    except Exception as e:  # a broken install is a finding, not a crash of the probe
        return f"FAILED: {type(e).__name__}: {str(e).splitlines()[0] if str(e) else ''}"
    return "ok " + str(Path(getattr(module, "__file__", "") or "?").parent)


def _matmul_tflops(torch) -> float:
    """Mean of 10 products after 3 warm-ups, timed with CUDA events: the ceiling the MFU is also shown against."""
    a, b = (torch.randn(MATMUL, MATMUL, device="cuda", dtype=torch.bfloat16) for _ in range(2))
    for _ in range(3):
        a @ b
    start, end = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
    start.record()
    for _ in range(10):
        a @ b
    end.record()
    torch.cuda.synchronize()
    return 2 * MATMUL ** 3 * 10 / (start.elapsed_time(end) / 1000) / 1e12


def _bnb_4bit(torch) -> str:
    """One NF4 Linear forward and backward on the GPU: proves the native library loads and its kernels run."""
    try:
        import bitsandbytes as bnb

        layer = bnb.nn.Linear4bit(256, 256, compute_dtype=torch.bfloat16, quant_type="nf4").cuda()
        x = torch.randn(8, 256, device="cuda", dtype=torch.bfloat16, requires_grad=True)
        layer(x).float().sum().backward()
        library = getattr(getattr(bnb.cextension, "lib", None), "_lib", None)
        return f"ok: NF4 Linear forward+backward on CUDA ({getattr(library, '_name', 'native library')})"
    except Exception as e:
        return f"FAILED: {type(e).__name__}: {str(e).splitlines()[0] if str(e) else ''}"


def build(name: str, folder: Path, tiny: bool) -> dict:
    """Random weights in the architecture of model_configs/NAME.json, saved with SmolLM2's tokenizer (ChatML).
    The vocabulary keeps its real size (Gemma-3: 262144, 63% of its parameters): the tokenizer only uses the
    first 49152 ids, but the LM head's cost and memory are the real model's."""
    import torch
    from transformers import AutoConfig, AutoModelForCausalLM, AutoTokenizer

    values = json.loads((CONFIGS / f"{name}.json").read_text())
    tokenizer = AutoTokenizer.from_pretrained(TOKENIZER)
    values.update(bos_token_id=tokenizer.bos_token_id, eos_token_id=tokenizer.eos_token_id,
                  pad_token_id=tokenizer.pad_token_id)
    if tiny:
        values.update(TINY)
        if "layer_types" in values:  # Gemma-3: five sliding-window layers, then one full-attention layer
            values["layer_types"] = values["layer_types"][4:4 + TINY["num_hidden_layers"]]
    config = AutoConfig.for_model(values.pop("model_type"), **values)
    torch.manual_seed(0)
    model = AutoModelForCausalLM.from_config(config, dtype=torch.bfloat16)
    model.generation_config.eos_token_id = tokenizer.eos_token_id
    model.save_pretrained(folder, safe_serialization=True)
    tokenizer.save_pretrained(folder)
    return {"folder": str(folder), "params": sum(p.numel() for p in model.parameters()),
            "embedding_params": model.get_input_embeddings().weight.numel(), "architecture": type(model).__name__}


def train(record: dict, config: str, plan_gpu: str | None, merge: bool, warmup: int, seconds: float,
          launch: list[str] = ()) -> None:
    """Fills `record` as it goes, so that a failure still reports what was measured until then."""
    import torch

    cuda = torch.cuda.is_available()
    if plan_gpu:
        record["plan"] = _plan_summary(sftflow_api.plan(config, plan_gpu))
    meter = install_meter(warmup, seconds, cuda)
    started = time.perf_counter()
    try:
        record["exit"] = sftflow_api.cli_main(["train", config, *launch])
    finally:
        record.update(wall_s=time.perf_counter() - started, meter=meter.summary())
        _memory(record, cuda)
    if merge and record["exit"] == 0:
        started = time.perf_counter()
        record["merge_exit"] = sftflow_api.cli_main(["merge", config])
        record["merge_s"] = time.perf_counter() - started


def bare(record: dict, model_dir: str, batch: int, length: int, compiled: bool, warmup: int, seconds: float) -> None:
    """The ceiling at one shape: the same model in a bare PyTorch loop (bf16 weights, sdpa attention, fused AdamW
    on CUDA, the model's own causal-LM loss over every token), random token ids at a fixed shape, optionally under
    torch.compile. Timed like the trainer's meter: `warmup` steps, then steps until `seconds` have passed, the GPU
    synchronised only at the two ends."""
    import torch
    from transformers import AutoModelForCausalLM

    cuda = torch.cuda.is_available()
    device = "cuda" if cuda else "cpu"
    model = AutoModelForCausalLM.from_pretrained(model_dir, dtype=torch.bfloat16, attn_implementation="sdpa").to(device)
    model.train()
    optimizer = torch.optim.AdamW(model.parameters(), lr=1e-5, fused=cuda)
    generator = torch.Generator(device=device).manual_seed(0)
    ids = torch.randint(0, TINY["vocab_size"], (batch, length), device=device, generator=generator)
    forward = torch.compile(model) if compiled else model

    def step():
        loss = forward(input_ids=ids, labels=ids).loss
        loss.backward()
        optimizer.step()
        optimizer.zero_grad(set_to_none=True)
        return loss

    def now():
        if cuda:
            torch.cuda.synchronize()
        return time.perf_counter()

    started = now()
    for _ in range(max(warmup, 1)):  # the first step compiles, when compiled
        loss = step()
    record["warmup_s"] = now() - started
    steps, start = 0, now()
    while steps == 0 or time.perf_counter() - start < seconds:
        loss = step()
        steps += 1
    elapsed = now() - start
    tokens = steps * batch * length  # every position is in the loss (its first label is shifted out)
    record.update(exit=0, meter={"steps": steps + max(warmup, 1), "timed_steps": steps, "seconds": elapsed,
                                 "real_tokens": tokens, "trained_tokens": tokens}, loss=float(loss))
    _memory(record, cuda)


def trl_plain(record: dict, model_dir: str, data: str, out: str, batch: int, packing: bool, max_steps: int,
              warmup: int, seconds: float) -> None:
    """TRL's SFTTrainer with its own defaults, on the bench's rows as conversational prompt-completion; only the
    batch, bf16, max_length and the learning rate are set (the teaching file's values), plus packing when asked."""
    import torch
    from datasets import Dataset
    from trl import SFTConfig, SFTTrainer

    cuda = torch.cuda.is_available()
    rows = [json.loads(line) for line in (Path(data) / "train.jsonl").read_text().splitlines() if line.strip()]
    dataset = Dataset.from_list([{"prompt": [{"role": "user", "content": f"{r['sql_context']}\n\n{r['sql_prompt']}"}],
                                  "completion": [{"role": "assistant", "content": r["sql"]}]} for r in rows])
    args = SFTConfig(output_dir=out, per_device_train_batch_size=batch, bf16=True, max_length=1024,
                     learning_rate=5e-5, packing=packing, max_steps=max_steps, logging_steps=5, save_strategy="no",
                     report_to="none", use_cpu=not cuda)  # use_cpu: the dry run (transformers asks for it)
    meter = install_meter(warmup, seconds, cuda)
    trainer = SFTTrainer(model=model_dir, args=args, train_dataset=dataset)
    result = trainer.train()
    losses = [entry["loss"] for entry in trainer.state.log_history if "loss" in entry]
    record.update(exit=0, meter=meter.summary(), loss=losses[-1] if losses else result.training_loss)
    _memory(record, cuda)


def _memory(record: dict, cuda: bool) -> None:
    """The process's peak memory: the GPU's allocator peaks on CUDA, else the peak RSS."""
    import torch

    if cuda:
        record.update(max_allocated=torch.cuda.max_memory_allocated(), max_reserved=torch.cuda.max_memory_reserved())
    else:
        import resource

        record["max_rss"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def _plan_summary(plan: dict) -> dict:
    components = plan["components"]
    overhead = sum(value for label, value in components.items() if "CUDA context" in label)
    return {"peak": plan["peak_bytes"], "phase": plan["peak_phase"], "overhead": overhead,
            "params": plan["params"], "trainable": plan["trainable"]}


def install_meter(warmup: int, seconds: float, cuda: bool):
    """A callback on every transformers Trainer (SFTTrainer included) that counts the tokens of every micro-batch
    and times the optimizer steps after `warmup`, asking the trainer to stop once `seconds` have passed.
    The GPU is synchronised only at the two ends of the timed window: a sync per step would stop the host from
    queueing the next step's kernels while the GPU runs, and slow small batches down. Patching the Trainer class
    keeps sftflow's own code path untouched."""
    import torch
    import transformers

    class Meter(transformers.TrainerCallback):
        def __init__(self):
            self.real, self.trained, self.steps, self.start, self.end = 0, 0, 0, None, None

        def count(self, inputs) -> None:  # device tensors: summed without a sync, read at the window's ends
            mask, labels = inputs.get("attention_mask"), inputs.get("labels")
            self.real = self.real + (mask.sum() if mask is not None else inputs["input_ids"].numel())
            if labels is not None:
                self.trained = self.trained + (labels != -100).sum()

        def mark(self) -> tuple[float, int, int, int]:
            if cuda:
                torch.cuda.synchronize()
            return time.perf_counter(), int(self.real), int(self.trained), self.steps

        def on_train_begin(self, args, state, control, **kwargs):
            if warmup == 0:
                self.start = self.mark()

        def on_step_end(self, args, state, control, **kwargs):
            self.steps += 1
            if self.start is None:
                if self.steps == warmup:
                    self.start = self.mark()
                return
            if time.perf_counter() - self.start[0] >= seconds or state.global_step >= state.max_steps:
                self.end = self.mark()
                control.should_training_stop = True

        def summary(self) -> dict:
            if self.start is None or self.end is None:
                return {"steps": self.steps}  # stopped before the timed window closed: nothing timed
            (t0, real0, trained0, step0), (t1, real1, trained1, step1) = self.start, self.end
            return {"steps": self.steps, "timed_steps": step1 - step0, "seconds": t1 - t0,
                    "real_tokens": real1 - real0, "trained_tokens": trained1 - trained0}

    meter = Meter()
    init, step = transformers.Trainer.__init__, transformers.Trainer.training_step

    def init_with_meter(trainer, *args, **kwargs):
        init(trainer, *args, **kwargs)
        trainer.add_callback(meter)

    def counted_step(trainer, model, inputs, *args, **kwargs):
        meter.count(inputs)
        return step(trainer, model, inputs, *args, **kwargs)

    transformers.Trainer.__init__, transformers.Trainer.training_step = init_with_meter, counted_step
    return meter


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("mode", choices=("probe", "build", "train", "bare", "trl"))
    parser.add_argument("args", nargs="*")
    parser.add_argument("--result", required=True, help="the JSON file this mode writes")
    parser.add_argument("--tiny", action="store_true")
    parser.add_argument("--plan", help="GPU name for the memory planner's verdict (train)")
    parser.add_argument("--merge", action="store_true", help="after training, merge the adapter (train)")
    parser.add_argument("--warmup", type=int, default=5, help="optimizer steps left out of the timing")
    parser.add_argument("--seconds", type=float, default=10.0, help="steady training to time, then stop")
    parser.add_argument("--launch", help="train: through `sftflow train --launch MODE` (one process)")
    parser.add_argument("--accelerate-config", help="train --launch: accelerate's config file")
    parser.add_argument("--compile", action="store_true", help="bare: under torch.compile")
    parser.add_argument("--packing", action="store_true", help="trl: packing=True")
    parser.add_argument("--max-steps", type=int, default=400, help="trl: SFTConfig.max_steps (a bound)")
    args = parser.parse_args()
    result_path, record = Path(args.result), {}

    def save() -> None:
        result_path.write_text(json.dumps(record, indent=1, default=str))

    try:
        if args.mode == "probe":
            probe(record, save)
        elif args.mode == "build":
            names, folder = args.args[:-1], Path(args.args[-1])
            record["models"] = {name: build(name, folder / name, args.tiny) for name in names}
        elif args.mode == "bare":
            model, batch, length = args.args
            bare(record, model, int(batch), int(length), args.compile, args.warmup, args.seconds)
        elif args.mode == "trl":
            model, data, out, batch = args.args
            trl_plain(record, model, data, out, int(batch), args.packing, args.max_steps, args.warmup, args.seconds)
        else:
            launch = (["--launch", args.launch, "--num-processes", "1"] if args.launch else []) + (
                ["--accelerate-config", args.accelerate_config] if args.accelerate_config else [])
            train(record, args.args[0], args.plan, args.merge, args.warmup, args.seconds, launch)
    except BaseException as e:  # recorded for the report, then the process fails as it would have
        record["error"] = "".join(traceback.format_exception(e))[-3000:]
        raise
    finally:
        save()
    return int(record.get("exit") or record.get("merge_exit") or 0)


if __name__ == "__main__":
    raise SystemExit(main())
