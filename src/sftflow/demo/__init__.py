"""`sftflow demo`: the embedded default (SmolLM2-135M-Instruct on generated text-to-SQL), end to end on CPU."""
