"""Tokenized splits cached on disk, keyed by everything that decides the tokens.

Key: data fingerprint, split settings, templates, data format, loss-mask rule and the tokenizer
(its vocabulary/merges and chat template). Same key -> the same (input_ids, labels), so a re-run
skips rendering and tokenization.
"""

import dataclasses
import hashlib
import json
import os
import shutil

from sftflow.paths import cache_root


def cache_key(config, data_fingerprint: str, templates, tokenizer, train_on_all: bool) -> str:
    w = config.workflow
    parts = {
        "data": data_fingerprint, "subset": w.dataset_subset,
        "splits": [w.dataset_train_split, w.dataset_eval_split, w.dataset_test_split],
        "data_options": {k: v for k, v in dataclasses.asdict(config.data).items() if not k.endswith("_template")},
        "templates": templates.text_hash(), "format": w.fine_tuning_data_format, "train_on_all": train_on_all,
        "tokenizer": _tokenizer_hash(tokenizer),
    }
    return hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode()).hexdigest()[:24]


def _tokenizer_hash(tokenizer) -> str:
    backend = getattr(tokenizer, "backend_tokenizer", None)
    vocab = backend.to_str() if backend is not None else json.dumps(tokenizer.get_vocab(), sort_keys=True)
    return hashlib.sha256((vocab + str(tokenizer.chat_template)).encode()).hexdigest()


def load(key: str) -> dict | None:
    from datasets import load_from_disk

    path = cache_root() / "tokenized" / key
    if not (path / "dataset_dict.json").is_file():
        return None
    return dict(load_from_disk(str(path), keep_in_memory=True))


def store(key: str, tokenized: dict) -> None:
    """Write atomically; a concurrent writer (another rank) finishing first is fine."""
    from datasets import DatasetDict

    target = cache_root() / "tokenized" / key
    partial = target.with_name(f"{key}.partial-{os.getpid()}")
    DatasetDict(tokenized).save_to_disk(str(partial))
    try:
        os.replace(partial, target)
    except OSError:  # the target appeared meanwhile
        shutil.rmtree(partial, ignore_errors=True)
