"""The merge stage: `sftflow merge` folds a LoRA adapter into its base (sftflow.models.lora_merge) or merges
models with mergekit (merge.recipes)."""
