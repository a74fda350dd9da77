"""Small self-contained demo datasets used by the examples."""
