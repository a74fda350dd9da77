"""Train/eval overlap: evaluation rows whose text (or a near copy, or a long n-gram) is in train.

An eval row is contaminated when a train row has the same normalized text (exact), or word
5-gram Jaccard >= threshold (near, the same MinHash LSH as dedup), or, when `ngram` is set,
shares any word n-gram with it (13 is the GPT-3 paper's choice). Cleaning drops the train
rows that match; evaluation sets are never changed.

Compare free text (the question), not boilerplate: on the generated text-to-SQL data, 13-gram
overlap over sql_context flags every test row, because rows of one domain share CREATE TABLE text.
"""

import hashlib
from dataclasses import dataclass
from pathlib import Path

from sftflow.data.curate.near import NUM_PERM, SHINGLE_WORDS, matches_in
from sftflow.data.curate.rows import (
    check_outputs,
    compared_by,
    normalize,
    read_rows,
    row_text,
    snippet,
    write_report,
    write_rows,
)

KINDS = ("exact", "near", "ngram")  # strongest first: an item is reported under the first that matched


@dataclass
class Match:
    index: int  # row of the eval split
    kind: str
    train_index: int  # the closest train row
    train_indices: list[int]  # every train row that matched, any kind
    jaccard: float | None = None


def find_contamination(train_texts: list[str], eval_texts: list[str], *, near: bool = True,
                       threshold: float = 0.8, ngram: int | None = None, num_perm: int = NUM_PERM,
                       seed: int = 1) -> list[Match]:
    """The contaminated eval texts, in eval order."""
    train_norm, eval_norm = [normalize(t) for t in train_texts], [normalize(t) for t in eval_texts]
    found = {"exact": _exact(train_norm, eval_norm)}
    found["near"] = matches_in(train_norm, eval_norm, threshold, num_perm, seed) if near else {}
    found["ngram"] = _ngram(train_norm, eval_norm, ngram) if ngram else {}
    matches = []
    for q in sorted(set().union(*found.values())):
        kind = next(k for k in KINDS if q in found[k])
        hits = found[kind][q]
        every = sorted({i for k in KINDS for i, _ in found[k].get(q, [])})
        matches.append(Match(q, kind, hits[0][0], every, hits[0][1] if kind == "near" else None))
    return matches


def _digest(text: str) -> bytes:
    return hashlib.blake2b(text.encode("utf-8"), digest_size=16).digest()


def _exact(train: list[str], queries: list[str]) -> dict[int, list[tuple[int, None]]]:
    where: dict[bytes, list[int]] = {}
    for i, text in enumerate(train):
        where.setdefault(_digest(text), []).append(i)
    hits = {q: where.get(_digest(text)) for q, text in enumerate(queries)}
    return {q: [(i, None) for i in found] for q, found in hits.items() if found}


def _grams(text: str, n: int) -> set[bytes]:
    words = text.split()
    return {_digest(" ".join(words[i:i + n])) for i in range(len(words) - n + 1)}


def _ngram(train: list[str], queries: list[str], n: int) -> dict[int, list[tuple[int, None]]]:
    """Eval rows sharing a word n-gram with train (texts shorter than n words cannot match)."""
    owners: dict[bytes, list[int]] = {}  # eval side only: it is the small one
    for q, text in enumerate(queries):
        for gram in _grams(text, n):
            owners.setdefault(gram, []).append(q)
    hits: dict[int, list[tuple[int, None]]] = {}
    for i, text in enumerate(train):
        for q in sorted({q for gram in _grams(text, n) for q in owners.get(gram, ())}):
            hits.setdefault(q, []).append((i, None))
    return hits


def check_contamination(train_path: str | Path, eval_paths: dict[str, str | Path], report_path: str | Path, *,
                        fields: list[str] | None = None, templates=None, near: bool = True,
                        threshold: float = 0.8, ngram: int | None = None, num_perm: int = NUM_PERM,
                        seed: int = 1, clean_train_path: str | Path | None = None,
                        max_listed: int = 200) -> dict:
    """Report train/eval overlap as json; with clean_train_path, also write train without the matching rows."""
    outputs = [report_path] + ([clean_train_path] if clean_train_path else [])
    check_outputs([train_path, *eval_paths.values()], outputs)
    train = read_rows(train_path)
    train_texts = [row_text(row, i, fields, templates) for i, row in enumerate(train)]
    report = {"train": str(train_path), "eval": {name: str(p) for name, p in eval_paths.items()},
              "compared": compared_by(fields, templates),
              "normalization": "lowercase, whitespace collapsed",
              "near": {"enabled": near, "threshold": threshold, "shingle_words": SHINGLE_WORDS,
                       "num_perm": num_perm, "seed": seed},
              "ngram": ngram, "splits": {}, "contaminated": []}
    matched_train: set[int] = set()
    for name, path in eval_paths.items():
        rows = read_rows(path)
        texts = [row_text(row, i, fields, templates) for i, row in enumerate(rows)]
        matches = find_contamination(train_texts, texts, near=near, threshold=threshold, ngram=ngram,
                                     num_perm=num_perm, seed=seed)
        matched_train.update(i for m in matches for i in m.train_indices)
        report["splits"][name] = _split_entry(rows, matches)
        report["contaminated"] += [_item(name, m, texts, train_texts) for m in matches]
    report["contaminated"] = report["contaminated"][:max_listed]
    report["train_rows_matched"] = len(matched_train)
    report["clean_train"] = _write_clean(train, matched_train, clean_train_path)
    write_report(report_path, report, _summary(report, report_path))
    return report


def _split_entry(rows: list[dict], matches: list[Match]) -> dict:
    counts = {kind: sum(m.kind == kind for m in matches) for kind in KINDS}
    return {"rows": len(rows), "contaminated": len(matches), **counts,
            "indices": [m.index for m in matches]}


def _item(split: str, match: Match, texts: list[str], train_texts: list[str]) -> dict:
    item = {"split": split, "index": match.index, "kind": match.kind, "train_index": match.train_index,
            "train_matches": len(match.train_indices)}
    if match.jaccard is not None:
        item["jaccard"] = match.jaccard
    item["text"] = snippet(texts[match.index])
    item["train_text"] = snippet(train_texts[match.train_index])
    return item


def _write_clean(train: list[dict], matched: set[int], path) -> dict | None:
    if not path:
        return None
    write_rows(path, [row for i, row in enumerate(train) if i not in matched])
    return {"output": str(path), "rows_in": len(train), "rows_out": len(train) - len(matched),
            "dropped": sorted(matched)}


def _summary(report: dict, report_path) -> str:
    lines = [f"contamination of {', '.join(report['splits'])} by {report['train']} ({report['compared']}):"]
    for name, s in report["splits"].items():
        ngram = f", {report['ngram']}-gram {s['ngram']}" if report["ngram"] else ""
        lines.append(f"  {name}: {s['contaminated']} of {s['rows']} rows (exact {s['exact']}, near {s['near']}{ngram})")
    lines.append(f"  train rows matching an eval row: {report['train_rows_matched']}")
    clean = report["clean_train"]
    if clean:
        lines.append(f"  wrote {clean['output']}: {clean['rows_in']} -> {clean['rows_out']} rows")
    lines.append(f"  report: {report_path}")
    return "\n".join(lines)
