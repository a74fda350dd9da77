"""Grammar-constrained generation with transformers: llguidance computes, per row of a batch, which tokens keep
the answer inside its grammar; a LogitsProcessor masks the others before greedy choice or sampling.

llguidance's own `apply_token_bitmask_inplace` runs through torch.compile, which on CPU compiles C++ at the first
call (and needs a compiler); the mask is applied here with plain tensor operations instead, from the bitmask
llguidance filled. The tokenizer wrapper costs about a second to build and is kept per tokenizer.
"""

import time

_TOKENIZERS: dict[int, object] = {}


def ll_tokenizer(tokenizer):
    """llguidance's view of a fast Hugging Face tokenizer, built once per tokenizer object; its end-of-sequence
    token is the tokenizer's (the chat template's end of turn)."""
    import llguidance.hf

    key = id(tokenizer)
    if key not in _TOKENIZERS:
        _TOKENIZERS[key] = llguidance.hf.from_tokenizer(tokenizer, eos_token=tokenizer.eos_token_id)
    return _TOKENIZERS[key]


class CompiledGrammars:
    """Grammar text -> llguidance's compiled form, each compiled once (per database: the grammar is the same text
    for every question on it); records compile times and what failed to compile."""

    def __init__(self, tokenizer):
        self.tokenizer = ll_tokenizer(tokenizer)
        self.compiled: dict[str, str | None] = {}
        self.seconds: list[float] = []
        self.errors: dict[str, str] = {}

    def get(self, grammar: str | None) -> str | None:
        import llguidance

        if grammar is None:
            return None
        if grammar not in self.compiled:
            start = time.perf_counter()
            try:
                compiled = llguidance.LLMatcher.grammar_from_lark(grammar)
                error = llguidance.LLMatcher.validate_grammar(compiled, self.tokenizer)
            except (ValueError, RuntimeError) as e:
                compiled, error = None, str(e)
            self.seconds.append(time.perf_counter() - start)
            if error:
                self.errors[grammar] = error.splitlines()[0][:200]
                compiled = None
            self.compiled[grammar] = compiled
        return self.compiled[grammar]


class GrammarLogits:
    """A transformers LogitsProcessor for one batch: row i follows grammar i (None: unconstrained). Rows are the
    batch's rows times `repeats` (num_return_sequences), in generate's order."""

    def __init__(self, grammars: CompiledGrammars, rows: list[str | None], prompt_width: int, repeats: int = 1):
        import llguidance
        import llguidance.torch

        self.width = prompt_width
        self.matchers = [llguidance.LLMatcher(grammars.tokenizer, g, log_level=0) if g else None
                         for g in rows for _ in range(repeats)]
        self.bitmask = llguidance.torch.allocate_token_bitmask(len(self.matchers), grammars.tokenizer.vocab_size)
        self.mask_seconds = 0.0
        self.steps = 0
        self.failed = 0  # rows whose matcher fell into an error state and ran unconstrained from then on

    def __call__(self, input_ids, scores):
        import llguidance.torch
        import torch

        start = time.perf_counter()
        fresh = input_ids.shape[1] == self.width
        for i, matcher in enumerate(self.matchers):
            if matcher is None:
                continue
            if not fresh and not matcher.is_stopped() and not matcher.is_error():
                matcher.consume_token(int(input_ids[i, -1]))
            if matcher.is_error():
                self.bitmask[i].fill_(-1)
                self.failed += 1
                self.matchers[i] = None
                continue
            llguidance.torch.fill_next_token_bitmask(matcher, self.bitmask, i)
        bits = (self.bitmask.unsqueeze(-1) >> torch.arange(32, dtype=torch.int32)) & 1
        allowed = bits.reshape(self.bitmask.shape[0], -1)
        vocab = scores.shape[1]
        if allowed.shape[1] < vocab:
            allowed = torch.cat([allowed, allowed.new_zeros(allowed.shape[0], vocab - allowed.shape[1])], dim=1)
        scores = scores.masked_fill(allowed[:, :vocab].to(scores.device) == 0, float("-inf"))
        self.mask_seconds += time.perf_counter() - start
        self.steps += 1
        return scores
