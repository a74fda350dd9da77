"""Serving a trained model behind an OpenAI-compatible API (sftflow.serve.launch)."""
