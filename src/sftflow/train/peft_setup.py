"""The peft config from TRL's ModelConfig keys and the `train:` section: LoRA (DoRA, rsLoRA), AdaLoRA, IA3.

`use_peft: false` means full fine-tuning. QLoRA is LoRA on a 4-bit base (`load_in_4bit`, GPU only).
"""

import math

from sftflow.errors import UserError


def peft_config(model_kw: dict, options, total_steps: int, where: str, model=None):
    """None for full fine-tuning, else the peft config the options describe (`model`: the loaded model, which
    train.lora_last_layers needs for its block count and linear layers)."""
    from trl import ModelConfig, get_peft_config

    model_args = ModelConfig(**model_kw)
    if not model_args.use_peft:
        return None
    targets = model_args.lora_target_modules
    if targets == ["all-linear"]:
        targets = model_args.lora_target_modules = "all-linear"  # peft wants the bare string
    layers = last_layers(getattr(getattr(model, "config", None), "num_hidden_layers", None), options, targets, where)
    if layers is not None and targets == "all-linear":
        # peft takes a layer range only with a list of module names: all-linear's, spelled out
        targets = model_args.lora_target_modules = linear_names(model)
    if options.peft_method == "adalora":
        config = _adalora(model_args, targets, options, total_steps, where)
    elif options.peft_method == "ia3":
        from peft import IA3Config

        # IA3 scales activations; peft knows each architecture's key/value/feed-forward modules
        return IA3Config(task_type="CAUSAL_LM")
    else:
        config = get_peft_config(model_args)
    if layers is not None:
        config.layers_to_transform = layers
    return config


def last_layers(blocks: int | None, options, targets, where: str) -> list[int] | None:
    """The block indices train.lora_last_layers keeps of a model with `blocks` transformer blocks; None when
    unset. Called before loading (blocks from the memory planner's reading of config.json) and with the loaded
    model's count."""
    wanted = options.lora_last_layers
    if wanted is None:
        return None
    if options.peft_method == "ia3":
        raise UserError("train.lora_last_layers applies to LoRA and AdaLoRA adapters, not train.peft_method: ia3",
                        where)
    if isinstance(targets, str) and targets != "all-linear":
        raise UserError(f"train.lora_last_layers needs lora_target_modules as a list of module names or "
                        f"all-linear, not the pattern '{targets}' (a pattern chooses the blocks itself)", where)
    if not blocks:
        raise UserError("train.lora_last_layers: the model's config has no num_hidden_layers, so its last blocks "
                        "are unknown; leave the key out", where)
    if wanted > blocks:
        raise UserError(f"train.lora_last_layers is {wanted}, but the model has {blocks} transformer blocks", where)
    return list(range(blocks - wanted, blocks))


def linear_names(model) -> list[str]:
    """The names of the model's linear layers inside its blocks (what peft's all-linear targets), without the
    output head."""
    import torch

    head = model.get_output_embeddings() if hasattr(model, "get_output_embeddings") else None
    return sorted({name.rsplit(".", 1)[-1] for name, module in model.named_modules()
                   if isinstance(module, torch.nn.Linear) and module is not head and "." in name})


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
