"""The train stage: model + tokenizer, peft config, TRL's SFTTrainer, checkpoints and resume."""
