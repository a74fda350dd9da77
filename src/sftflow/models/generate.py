"""Batched generation with transformers: left padding, KV cache, a progress bar; greedy, and sampled candidates
beside the greedy answer when asked."""

TOP_P = 0.95  # of sampled candidates, on every engine


def generate(model, tokenizer, prompts: list[list[int]], max_new_tokens: int, batch_size: int,
             on_batch=None, samples: int = 0, temperature: float = 0.7, seed: int = 0,
             grammars: list[str | None] | None = None, stats: dict | None = None) -> list:
    """Decoded answers for token-id prompts, in input order; prompts of similar length are batched together.
    With `samples`, each answer is a list: the greedy answer, then that many sampled ones (temperature, top_p
    TOP_P, seeded by `seed` and the batch). `on_batch(indices, answers)` hears each batch as it is done (eval
    writes them as they come). `grammars` (one Lark grammar or None per prompt, sftflow.sql_grammar) constrains
    each answer to its grammar (sftflow.models.constrained); `stats` receives the constraint's costs."""
    import torch
    from tqdm.auto import tqdm

    order = sorted(range(len(prompts)), key=lambda i: len(prompts[i]))
    answers: list[str | None] = [None] * len(prompts)
    pad = tokenizer.pad_token_id if tokenizer.pad_token_id is not None else tokenizer.eos_token_id
    model.eval()
    compiled = None
    if grammars is not None:
        from sftflow.models.constrained import CompiledGrammars

        compiled = CompiledGrammars(tokenizer)
    processors = []
    with torch.inference_mode(), tqdm(total=len(prompts), desc="Generating", unit="ex") as bar:
        for start in range(0, len(order), batch_size):
            batch = [prompts[i] for i in order[start:start + batch_size]]
            width = max(len(p) for p in batch)
            input_ids = torch.tensor([[pad] * (width - len(p)) + p for p in batch], device=model.device)
            attention = torch.tensor([[0] * (width - len(p)) + [1] * len(p) for p in batch], device=model.device)
            done = order[start:start + batch_size]
            constraint = _constraint(compiled, grammars, done, width, 1, processors)
            output = model.generate(input_ids=input_ids, attention_mask=attention, do_sample=False,
                                    max_new_tokens=max_new_tokens, pad_token_id=pad, **constraint)
            for i, row in zip(done, output[:, width:]):
                answers[i] = tokenizer.decode(row, skip_special_tokens=True)
            if samples:
                torch.manual_seed(seed + start)
                drawn = model.generate(input_ids=input_ids, attention_mask=attention, do_sample=True,
                                       temperature=temperature, top_p=TOP_P, top_k=0, num_return_sequences=samples,
                                       max_new_tokens=max_new_tokens, pad_token_id=pad,
                                       **_constraint(compiled, grammars, done, width, samples, processors))[:, width:]
                for k, i in enumerate(done):
                    answers[i] = [answers[i], *(tokenizer.decode(row, skip_special_tokens=True)
                                                for row in drawn[k * samples:(k + 1) * samples])]
            if on_batch is not None:
                on_batch(done, [answers[i] for i in done])
            bar.update(len(batch))
    if stats is not None and compiled is not None:
        stats.update(constraint_stats(compiled, processors))
    return answers


def _constraint(compiled, grammars, rows: list[int], width: int, repeats: int, processors: list) -> dict:
    """generate()'s logits_processor argument for these rows' grammars, or nothing when unconstrained."""
    if compiled is None:
        return {}
    from transformers import LogitsProcessorList

    from sftflow.models.constrained import GrammarLogits

    processor = GrammarLogits(compiled, [compiled.get(grammars[i]) for i in rows], width, repeats)
    processors.append(processor)
    return {"logits_processor": LogitsProcessorList([processor])}


def constraint_stats(compiled, processors: list) -> dict:
    steps = sum(p.steps for p in processors)
    return {"grammars": len(compiled.compiled), "compile_s": sum(compiled.seconds),
            "compile_max_s": max(compiled.seconds, default=0.0), "grammar_errors": dict(compiled.errors),
            "mask_s": sum(p.mask_seconds for p in processors), "masked_steps": steps,
            "mask_ms_per_step": 1000 * sum(p.mask_seconds for p in processors) / steps if steps else 0.0,
            "rows_left_unconstrained": sum(p.failed for p in processors)}
