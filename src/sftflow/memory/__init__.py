"""Memory estimates from a model's config.json alone: what a training run needs per device, whether it fits, and
the cheapest changes that make it fit. Shared by `sftflow plan` and by `train` (speed choices, the warning)."""
