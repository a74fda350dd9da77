"""The plan stage: peak GPU memory of a training config, from the model's config.json alone."""
