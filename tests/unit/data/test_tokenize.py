import pytest
from transformers import AutoTokenizer

from sftflow.data.tokenize import end_token_ids, eos_trained, prompt_ids, render_conversation, to_labels

MESSAGES = [{"role": "system", "content": "Write SQL."}, {"role": "user", "content": "count rows of t"},
            {"role": "assistant", "content": "SELECT COUNT(*) FROM t"}]


@pytest.fixture(scope="module")
def tokenizer(tiny_model_dir):
    return AutoTokenizer.from_pretrained(tiny_model_dir)


def trained_text(tokenizer, example, **kwargs):
    ids, mask = render_conversation(tokenizer, example, **kwargs)
    return tokenizer.decode([t for t, m in zip(ids, mask) if m]), ids, mask


def test_conversational_prompt_completion_trains_reply_and_end_of_turn(tokenizer):
    example = {"prompt": MESSAGES[:2], "completion": MESSAGES[2:]}
    text, ids, mask = trained_text(tokenizer, example)
    assert text == "SELECT COUNT(*) FROM t<|im_end|>\n"
    # the untrained prefix is exactly what the model is prompted with at inference
    assert ids[: mask.index(1)] == prompt_ids(tokenizer, MESSAGES, "conversational_prompt_completion")
    assert eos_trained(to_labels(ids, mask), end_token_ids(tokenizer))


def test_conversational_language_modeling_masks_every_assistant_turn(tokenizer):
    messages = MESSAGES + [{"role": "user", "content": "and u?"}, {"role": "assistant", "content": "SELECT 1"}]
    text, _, _ = trained_text(tokenizer, {"messages": messages})
    assert text == "SELECT COUNT(*) FROM t<|im_end|>\nSELECT 1<|im_end|>\n"


def test_plain_prompt_completion_appends_eos(tokenizer):
    text, _, _ = trained_text(tokenizer, {"prompt": "Q: count\n\n", "completion": "SELECT 1"})
    assert text == "SELECT 1<|im_end|>"


def test_language_modeling_and_train_on_all_mask_everything(tokenizer):
    ids, mask = render_conversation(tokenizer, {"text": "hello"})
    assert all(mask) and ids[-1] == tokenizer.eos_token_id
    _, mask = render_conversation(tokenizer, {"prompt": MESSAGES[:2], "completion": MESSAGES[2:]},
                                  train_on_all=True)
    assert all(mask)


def test_missing_end_of_turn_is_detected(tokenizer):
    labels = to_labels(*render_conversation(tokenizer, {"prompt": "Q", "completion": "A"}))
    end_ids = end_token_ids(tokenizer)
    assert eos_trained(labels, end_ids)
    assert not eos_trained(labels[:-1], end_ids)  # truncated before the end-of-turn token
