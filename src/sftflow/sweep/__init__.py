"""`sftflow sweep`: choosing settings by short runs. lr_range holds the learning-rate range test, trials the grid,
the Optuna search and the PEFT-method comparison, each trial an ordinary run directory under the sweep folder."""
