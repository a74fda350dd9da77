"""Packing without cross-contamination: an example's loss is the same packed with others as alone.

TRL's padding-free collator concatenates examples into one row and restarts position_ids at each
example; transformers turns restarting position_ids into a block-diagonal causal mask, but only when
there is no KV cache (with use_cache on, later examples attend to earlier ones: measured 0.0056 loss
difference here). TRL's SFTTrainer forces use_cache=False in its training forward, so packing is safe
in training with sdpa and eager attention.
"""

import pytest
import torch
from transformers import AutoModelForCausalLM, AutoTokenizer
from trl.trainer.sft_trainer import DataCollatorForLanguageModeling

from sftflow.data.tokenize import render_conversation, to_labels


def per_example_losses(model, batch, boundaries):
    inputs = {k: v for k, v in batch.items() if k in ("input_ids", "position_ids", "attention_mask")}
    logits = model(**inputs, use_cache=False).logits[0, :-1]  # a KV cache disables the packed-sequence mask
    labels = batch["labels"][0, 1:]
    token_loss = torch.nn.functional.cross_entropy(logits, labels, reduction="none", ignore_index=-100)
    losses = []
    for start, end in boundaries:  # shifted: position t predicts token t+1, within one example
        mask = labels[start:end - 1] != -100
        losses.append(token_loss[start:end - 1][mask].mean().item())
    return losses


@pytest.mark.parametrize("attention", ["sdpa", "eager"])
def test_packed_and_alone_give_the_same_per_example_loss(tiny_model_dir, sql_rows, attention):
    tokenizer = AutoTokenizer.from_pretrained(tiny_model_dir)
    model = AutoModelForCausalLM.from_pretrained(tiny_model_dir, attn_implementation=attention).eval()
    examples = []
    for row in sql_rows[:3]:
        prompt = [{"role": "user", "content": row["sql_prompt"]}]
        ids, mask = render_conversation(tokenizer, {"prompt": prompt,
                                                    "completion": [{"role": "assistant", "content": row["sql"]}]})
        examples.append({"input_ids": ids, "labels": to_labels(ids, mask)})
    collate = DataCollatorForLanguageModeling(pad_token_id=tokenizer.pad_token_id, padding_free=True)
    packed = collate(examples)
    assert packed["input_ids"].shape[0] == 1 and "position_ids" in packed
    ends = torch.cumsum(torch.tensor([len(e["input_ids"]) for e in examples]), 0).tolist()
    boundaries = list(zip([0] + ends[:-1], ends))
    with torch.no_grad():
        together = per_example_losses(model, packed, boundaries)
        alone = [per_example_losses(model, collate([e]), [(0, len(e["input_ids"]))])[0] for e in examples]
    assert together == pytest.approx(alone, abs=1e-5)
