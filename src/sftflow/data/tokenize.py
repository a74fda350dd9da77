"""render_conversation -> (ids, mask): exactly the tokens the model trains on, and which carry loss.

Training and `sftflow data preview` both call this, so what you preview is what you train on.
The prompt part is tokenized with the chat template's generation prompt, exactly as at inference.
"""

from pathlib import Path

from sftflow.models.loading import chat_ids

IGNORE = -100


def _common_prefix(a: list[int], b: list[int]) -> int:
    n = 0
    for x, y in zip(a, b):
        if x != y:
            break
        n += 1
    return n


def render_conversation(tokenizer, example: dict, train_on_all: bool = False) -> tuple[list[int], list[int]]:
    """(ids, mask) for one example in any of TRL's four formats; mask 1 = token is trained (in the loss)."""
    if "prompt" in example:
        if isinstance(example["prompt"], list):
            prompt_ids = chat_ids(tokenizer, example["prompt"], add_generation_prompt=True)
            ids = chat_ids(tokenizer, example["prompt"] + example["completion"])
        else:
            prompt_ids = tokenizer(example["prompt"])["input_ids"]
            ids = tokenizer(example["prompt"] + example["completion"] + tokenizer.eos_token)["input_ids"]
        start = _common_prefix(prompt_ids, ids)
        mask = [0] * start + [1] * (len(ids) - start)
    elif "messages" in example:
        ids, mask = _assistant_mask(tokenizer, example["messages"])
    else:
        ids = tokenizer(example["text"] + tokenizer.eos_token)["input_ids"]
        mask = [1] * len(ids)
    return ids, [1] * len(ids) if train_on_all else mask


def _assistant_mask(tokenizer, messages: list[dict]) -> tuple[list[int], list[int]]:
    """Mask in every assistant turn: from after its generation prompt to the end of its rendering."""
    ids = chat_ids(tokenizer, messages)
    mask = [0] * len(ids)
    for i, message in enumerate(messages):
        if message["role"] == "assistant":
            start = _common_prefix(chat_ids(tokenizer, messages[:i], add_generation_prompt=True), ids)
            end = _common_prefix(chat_ids(tokenizer, messages[: i + 1]), ids)
            mask[start:end] = [1] * (end - start)
    return ids, mask


def to_labels(ids: list[int], mask: list[int]) -> list[int]:
    return [token if keep else IGNORE for token, keep in zip(ids, mask)]


def end_token_ids(tokenizer, model_path: str | Path | None = None) -> set[int]:
    """Token ids that end an assistant turn: the tokenizer's EOS and the generation config's eos ids."""
    ids = {tokenizer.eos_token_id} - {None}
    if model_path and (Path(model_path) / "generation_config.json").is_file():
        from transformers import GenerationConfig

        eos = GenerationConfig.from_pretrained(model_path).eos_token_id
        ids |= set(eos if isinstance(eos, list) else [eos]) - {None}
    return ids


def eos_trained(labels: list[int], end_ids: set[int]) -> bool:
    """True when an end-of-turn token carries loss (the model learns to stop)."""
    return any(label in end_ids for label in labels)


def prompt_ids(tokenizer, messages: list[dict], data_format: str) -> list[int]:
    """The tokens a model is prompted with at inference: the same prefix it was trained behind."""
    if data_format.startswith("conversational"):
        return chat_ids(tokenizer, [m for m in messages if m["role"] != "assistant"], add_generation_prompt=True)
    from sftflow.data.templates import to_format

    return tokenizer(to_format(messages, "prompt_completion")["prompt"])["input_ids"]
