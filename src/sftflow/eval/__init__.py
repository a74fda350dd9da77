"""Evaluation utilities for model outputs (e.g. SQL execution accuracy)."""
