"""The data stage: sources, splits, prompt templates, tokenization with loss masks, preview."""
