"""The one owner of model references: which model a name means (models.reference), loading and GGUF conversion
(models.loading), folding an adapter into its base with a parity check and the one merged-adapter cache
(models.lora_merge), the engine that generates (models.engine, models.generate)."""
