"""The eval stage: generate answers for a split with each model, score them with a task metric."""
