"""Exact and near-duplicate removal: one row is kept per cluster, the first in file order.

Exact duplicates have the same normalized text (lowercase, whitespace collapsed). Near
duplicates are rows whose word 5-gram sets have Jaccard similarity >= threshold (found with
seeded MinHash LSH, confirmed exactly); pairs are joined into clusters with union-find, so
A~B and B~C put A, B and C in one cluster.
"""

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from sftflow.data.curate.near import NUM_PERM, SHINGLE_WORDS, UnionFind, similar_pairs
from sftflow.data.curate.rows import (
    check_outputs,
    compared_by,
    normalize,
    read_rows,
    report_path_for,
    row_text,
    snippet,
    write_report,
    write_rows,
)

EXAMPLES_PER_CLUSTER = 3
KEEP_RULE = "first occurrence in file order"


@dataclass
class Cluster:
    kind: str  # "exact" or "near"
    kept: int
    removed: list[int]
    jaccard: float | None = None  # near: the lowest similarity of the pairs that joined the cluster


@dataclass
class Duplicates:
    keep: list[int]  # row indices kept, ascending
    clusters: list[Cluster] = field(default_factory=list)

    def removed(self, kind: str) -> int:
        return sum(len(c.removed) for c in self.clusters if c.kind == kind)


def find_duplicates(texts: list[str], *, near: bool = True, threshold: float = 0.8,
                    num_perm: int = NUM_PERM, seed: int = 1) -> Duplicates:
    """Which texts to keep and the duplicate clusters; exact duplicates go first, then near ones."""
    normalized = [normalize(text) for text in texts]
    clusters = exact_clusters(normalized)
    dropped = {i for cluster in clusters for i in cluster.removed}
    survivors = [i for i in range(len(texts)) if i not in dropped]
    if near:
        clusters += near_clusters([normalized[i] for i in survivors], survivors, threshold, num_perm, seed)
    dropped = {i for cluster in clusters for i in cluster.removed}
    return Duplicates([i for i in range(len(texts)) if i not in dropped], clusters)


def exact_clusters(normalized: list[str]) -> list[Cluster]:
    groups: dict[bytes, list[int]] = {}
    for i, text in enumerate(normalized):
        digest = hashlib.blake2b(text.encode("utf-8"), digest_size=16).digest()  # 16 bytes, not the text
        groups.setdefault(digest, []).append(i)
    return [Cluster("exact", g[0], g[1:]) for g in groups.values() if len(g) > 1]


def near_clusters(normalized: list[str], positions: list[int], threshold: float, num_perm: int,
                  seed: int) -> list[Cluster]:
    """Clusters among `normalized` (the texts at row indices `positions`), in row indices."""
    union, lowest = UnionFind(len(normalized)), {}
    pairs = similar_pairs(normalized, threshold, num_perm, seed)
    for i, j, _ in pairs:
        union.union(i, j)
    for i, _, similarity in pairs:
        root = union.find(i)
        lowest[root] = min(similarity, lowest.get(root, 1.0))
    return [Cluster("near", positions[root], [positions[m] for m in members[1:]], lowest[root])
            for root, members in sorted(union.clusters().items())]


def dedup_file(input_path: str | Path, output_path: str | Path, *, fields: list[str] | None = None,
               templates=None, near: bool = True, threshold: float = 0.8, num_perm: int = NUM_PERM,
               seed: int = 1, report_path: str | Path | None = None, max_listed: int = 100) -> dict:
    """Write input_path without duplicates to output_path (jsonl) and a json report beside it.

    Rows are compared by `fields` joined, or by the conversation `templates` render, or by all
    fields. Returns the report.
    """
    report_path = Path(report_path) if report_path else report_path_for(output_path)
    check_outputs([input_path], [output_path, report_path])
    rows = read_rows(input_path)
    texts = [row_text(row, i, fields, templates) for i, row in enumerate(rows)]
    found = find_duplicates(texts, near=near, threshold=threshold, num_perm=num_perm, seed=seed)
    write_rows(output_path, [rows[i] for i in found.keep])
    report = {
        "input": str(input_path), "output": str(output_path),
        "compared": compared_by(fields, templates), "normalization": "lowercase, whitespace collapsed",
        "near": {"enabled": near, "threshold": threshold, "shingle_words": SHINGLE_WORDS,
                 "num_perm": num_perm, "seed": seed},
        "keep_rule": KEEP_RULE, "rows_in": len(rows), "rows_out": len(found.keep),
        "exact_duplicates_removed": found.removed("exact"), "near_duplicates_removed": found.removed("near"),
        "exact_clusters": sum(c.kind == "exact" for c in found.clusters),
        "near_clusters": sum(c.kind == "near" for c in found.clusters),
        "clusters": [_cluster_entry(c, texts) for c in _largest(found.clusters, max_listed)],
    }
    write_report(report_path, report, _summary(report, report_path))
    return report


def _largest(clusters: list[Cluster], n: int) -> list[Cluster]:
    return sorted(clusters, key=lambda c: (-len(c.removed), c.kept))[:n]


def _cluster_entry(cluster: Cluster, texts: list[str]) -> dict:
    members = [cluster.kept] + cluster.removed
    entry = {"kind": cluster.kind, "kept": cluster.kept, "removed": cluster.removed}
    if cluster.jaccard is not None:
        entry["lowest_jaccard"] = cluster.jaccard
    entry["examples"] = [{"index": i, "text": snippet(texts[i])} for i in members[:EXAMPLES_PER_CLUSTER]]
    return entry


def _summary(report: dict, report_path: Path) -> str:
    near = report["near"]
    near_line = (f"near duplicates removed:  {report['near_duplicates_removed']} in {report['near_clusters']} "
                 f"clusters (Jaccard >= {near['threshold']} on word {near['shingle_words']}-grams)"
                 if near["enabled"] else "near duplicates: not checked")
    return "\n".join([
        f"dedup {report['input']} ({report['compared']}): {report['rows_in']} rows -> {report['rows_out']} kept "
        f"({report['keep_rule']})",
        f"  exact duplicates removed: {report['exact_duplicates_removed']} in {report['exact_clusters']} clusters",
        f"  {near_line}",
        f"  wrote {report['output']} and {report_path}",
    ])
