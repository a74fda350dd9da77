"""Batched greedy generation with transformers: left padding, KV cache, a progress bar."""


def generate(model, tokenizer, prompts: list[list[int]], max_new_tokens: int, batch_size: int,
             on_batch=None) -> list[str]:
    """Decoded answers for token-id prompts, in input order; prompts of similar length are batched together.
    `on_batch(indices, answers)` hears each batch as it is done (eval writes them as they come)."""
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
            if on_batch is not None:
                on_batch(done, [answers[i] for i in done])
            bar.update(len(batch))
    return answers
