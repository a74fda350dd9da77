"""Near-duplicate machinery shared by dedup and contamination: word shingles, MinHash LSH, union-find.

LSH proposes candidate pairs; each candidate is then confirmed with the exact Jaccard similarity
of the two shingle sets, so `threshold` means exactly "Jaccard >= threshold" for the pairs found.
"""

from collections.abc import Iterable, Iterator

from sftflow.errors import UserError

SHINGLE_WORDS = 5
NUM_PERM = 128
# datasketch's default bands propose a pair exactly at the threshold 0.8 only 40% of the time;
# bands are chosen instead so that such a pair is proposed with at least this probability
# (more candidates, each confirmed or rejected by the exact Jaccard).
RECALL_AT_THRESHOLD = 0.999


def shingles(normalized: str, n: int = SHINGLE_WORDS) -> set[str]:
    """Word n-grams of a normalized text; a text shorter than n words is one shingle."""
    words = normalized.split()
    if len(words) <= n:
        return {" ".join(words)}
    return {" ".join(words[i:i + n]) for i in range(len(words) - n + 1)}


def jaccard(a: set, b: set) -> float:
    return len(a & b) / len(a | b) if a or b else 1.0


def minhashes(texts: Iterable[str], num_perm: int = NUM_PERM, seed: int = 1) -> Iterator:
    """One seeded MinHash per normalized text (sha1 of each shingle: the same on every machine)."""
    encoded = ([s.encode("utf-8") for s in shingles(text)] for text in texts)  # min() ignores order
    return _datasketch().MinHash.generator(encoded, num_perm=num_perm, seed=seed)


def lsh_bands(threshold: float, num_perm: int = NUM_PERM) -> tuple[int, int]:
    """(bands, rows per band): the longest bands that still propose a pair at the threshold often enough."""
    for rows in range(num_perm, 0, -1):
        bands = num_perm // rows
        if 1 - (1 - threshold ** rows) ** bands >= RECALL_AT_THRESHOLD:
            return bands, rows
    return num_perm, 1


def lsh_index(threshold: float, num_perm: int = NUM_PERM):
    if not 0 < threshold <= 1:
        raise UserError(f"near-duplicate threshold must be in (0, 1], got {threshold}")
    return _datasketch().MinHashLSH(num_perm=num_perm, params=lsh_bands(threshold, num_perm))


def _datasketch():
    try:
        import datasketch
    except ImportError as e:
        raise UserError("near-duplicate search needs the datasketch package: pip install datasketch") from e
    return datasketch


def similar_pairs(texts: list[str], threshold: float, num_perm: int = NUM_PERM,
                  seed: int = 1) -> list[tuple[int, int, float]]:
    """(i, j, jaccard) with i < j for every pair of normalized texts at or above threshold."""
    index, pairs = lsh_index(threshold, num_perm), []
    for j, minhash in enumerate(minhashes(texts, num_perm, seed)):
        candidates = index.query(minhash)  # only earlier texts are in the index yet
        pairs += [(i, j, similarity) for i, similarity in _confirmed(texts[j], candidates, texts, threshold)]
        index.insert(j, minhash)
    return sorted(pairs)


def matches_in(reference: list[str], queries: list[str], threshold: float, num_perm: int = NUM_PERM,
               seed: int = 1) -> dict[int, list[tuple[int, float]]]:
    """query index -> [(reference index, jaccard), ...] at or above threshold, best first."""
    index, found = lsh_index(threshold, num_perm), {}
    for key, minhash in enumerate(minhashes(reference, num_perm, seed)):
        index.insert(key, minhash)
    for q, minhash in enumerate(minhashes(queries, num_perm, seed)):
        hits = _confirmed(queries[q], index.query(minhash), reference, threshold)
        if hits:
            found[q] = sorted(hits, key=lambda hit: (-hit[1], hit[0]))
    return found


def _confirmed(text: str, candidates, texts: list[str], threshold: float) -> list[tuple[int, float]]:
    """The candidates whose exact Jaccard with text reaches threshold (shingles are rebuilt, not kept: memory)."""
    if not candidates:
        return []
    mine = shingles(text)
    scored = ((i, jaccard(mine, shingles(texts[i]))) for i in sorted(candidates))
    return [(i, round(similarity, 4)) for i, similarity in scored if similarity >= threshold]


class UnionFind:
    """Clusters from pairs; a cluster's root is its smallest member (the first occurrence)."""

    def __init__(self, n: int):
        self.parent = list(range(n))

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]  # path halving
            i = self.parent[i]
        return i

    def union(self, i: int, j: int) -> None:
        a, b = self.find(i), self.find(j)
        if a != b:
            self.parent[max(a, b)] = min(a, b)

    def clusters(self) -> dict[int, list[int]]:
        """root -> members (ascending), for clusters of two or more."""
        groups: dict[int, list[int]] = {}
        for i in range(len(self.parent)):
            groups.setdefault(self.find(i), []).append(i)
        return {root: members for root, members in groups.items() if len(members) > 1}
