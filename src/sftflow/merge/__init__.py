"""The merge stage: fold a LoRA adapter into its base (merge_adapter), or merge models with mergekit (merge_models)."""
