"""The peft config from TRL's ModelConfig keys and the `train:` section: LoRA (DoRA, rsLoRA), AdaLoRA, IA3.

`use_peft: false` means full fine-tuning. QLoRA is LoRA on a 4-bit base (`load_in_4bit`, GPU only).
"""

import math

from sftflow.errors import UserError


def peft_config(model_kw: dict, options, total_steps: int, where: str):
    """None for full fine-tuning, else the peft config the options describe."""
    from trl import ModelConfig, get_peft_config

    model_args = ModelConfig(**model_kw)
    if not model_args.use_peft:
        return None
    targets = model_args.lora_target_modules
    if targets == ["all-linear"]:
        targets = model_args.lora_target_modules = "all-linear"  # peft wants the bare string
    if options.peft_method == "adalora":
        return _adalora(model_args, targets, options, total_steps, where)
    if options.peft_method == "ia3":
        from peft import IA3Config

        # IA3 scales activations; peft knows each architecture's key/value/feed-forward modules
        return IA3Config(task_type="CAUSAL_LM")
    return get_peft_config(model_args)


def _adalora(model_args, targets, options, total_steps: int, where: str):
    from peft import AdaLoraConfig

    if model_args.use_dora or model_args.use_rslora:
        raise UserError("train.peft_method: adalora does not combine with use_dora or use_rslora", where)
    target_r = options.adalora_target_r or max(1, model_args.lora_r // 2)
    # rank budgeting: warm up for the first 10% of steps, final ranks fixed for the last 20%
    return AdaLoraConfig(task_type="CAUSAL_LM", init_r=model_args.lora_r, target_r=target_r,
                         lora_alpha=model_args.lora_alpha, lora_dropout=model_args.lora_dropout,
                         target_modules=targets, total_step=total_steps,
                         tinit=math.floor(0.1 * total_steps), tfinal=math.floor(0.2 * total_steps), deltaT=1)


def total_steps(args, train_rows: int) -> int:
    """Optimizer steps the run will take (AdaLoRA's rank schedule needs it up front)."""
    if args.max_steps and args.max_steps > 0:
        return args.max_steps
    per_step = args.per_device_train_batch_size * args.gradient_accumulation_steps * max(1, args.world_size)
    return max(1, math.ceil(train_rows / per_step) * math.ceil(args.num_train_epochs))
