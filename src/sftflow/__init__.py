"""sftflow: supervised fine-tuning of LLMs from one YAML file."""

__version__ = "0.1.0"
