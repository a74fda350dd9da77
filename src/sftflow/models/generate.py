"""Batched generation with transformers: left padding, KV cache, a progress bar; greedy, and sampled candidates
beside the greedy answer when asked."""

TOP_P = 0.95  # of sampled candidates, on every engine


def generate(model, tokenizer, prompts: list[list[int]], max_new_tokens: int, batch_size: int,
             on_batch=None, samples: int = 0, temperature: float = 0.7, seed: int = 0) -> list:
    """Decoded answers for token-id prompts, in input order; prompts of similar length are batched together.
    With `samples`, each answer is a list: the greedy answer, then that many sampled ones (temperature, top_p
    TOP_P, seeded by `seed` and the batch). `on_batch(indices, answers)` hears each batch as it is done (eval
    writes them as they come)."""
    import torch
    from tqdm.auto import tqdm

    order = sorted(range(len(prompts)), key=lambda i: len(prompts[i]))
    answers: list[str | None] = [None] * len(prompts)
    pad = tokenizer.pad_token_id if tokenizer.pad_token_id is not None else tokenizer.eos_token_id
    model.eval()
    with torch.inference_mode(), tqdm(total=len(prompts), desc="Generating", unit="ex") as bar:
        for start in range(0, len(order), batch_size):
            batch = [prompts[i] for i in order[start:start + batch_size]]
            width = max(len(p) for p in batch)
            input_ids = torch.tensor([[pad] * (width - len(p)) + p for p in batch], device=model.device)
            attention = torch.tensor([[0] * (width - len(p)) + [1] * len(p) for p in batch], device=model.device)
            output = model.generate(input_ids=input_ids, attention_mask=attention, do_sample=False,
                                    max_new_tokens=max_new_tokens, pad_token_id=pad)
            done = order[start:start + batch_size]
            for i, row in zip(done, output[:, width:]):
                answers[i] = tokenizer.decode(row, skip_special_tokens=True)
            if samples:
                torch.manual_seed(seed + start)
                drawn = model.generate(input_ids=input_ids, attention_mask=attention, do_sample=True,
                                       temperature=temperature, top_p=TOP_P, top_k=0, num_return_sequences=samples,
                                       max_new_tokens=max_new_tokens, pad_token_id=pad)[:, width:]
                for k, i in enumerate(done):
                    answers[i] = [answers[i], *(tokenizer.decode(row, skip_special_tokens=True)
                                                for row in drawn[k * samples:(k + 1) * samples])]
            if on_batch is not None:
                on_batch(done, [answers[i] for i in done])
            bar.update(len(batch))
    return answers
