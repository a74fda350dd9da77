"""`sftflow data explore CONFIG`: the topics of a dataset before training on it.

Each row's prompt (the rendered user message, else its fields) is embedded with TF-IDF and a truncated SVD (latent
semantic analysis, scikit-learn: nothing to download, and fast on a CPU), clustered with k-means (k in 2-20 chosen by
the silhouette score unless given), and each cluster labelled by its distinctive words (class-based TF-IDF: a word's
frequency in the cluster against its frequency across clusters). Written to OUT: explore.json (clusters, labels,
counts per split, example rows, flags), explore.png (a 2-D map, one point per row, coloured by cluster) and
explore.html (the same map as SVG with each row's text on hover, and the cluster table). A cluster with test or
validation rows and no training rows is flagged: the model will be scored on a topic it never saw.
"""

import base64
import html
import io
import json
from pathlib import Path

from sftflow.errors import UserError
from sftflow.run_dir import write_atomic
from sftflow.settings import setting

MAX_ROWS = 50_000  # rows embedded (a sample beyond it): TF-IDF + SVD + k-means stay within a minute on 2 cores
SILHOUETTE_SAMPLE = 2_000
EXAMPLES = 3
MAX_K = 20
LABEL_WORDS = 5


def texts_of(config, splits, templates, fields: list[str] | None) -> dict[str, list[str]]:
    """The text a row's topic is read from: its user message, or the named fields."""
    from sftflow.data.curate.rows import row_text

    out = {}
    for name, split in splits.items():
        rows = [split[i] for i in range(min(len(split), MAX_ROWS))]
        if fields:
            out[name] = [row_text(row, i, fields) for i, row in enumerate(rows)]
        else:
            out[name] = [next((m["content"] for m in templates.render(row, i, roles=("user",))), "")
                         for i, row in enumerate(rows)]
    return out


def embed(texts: list[str], seed: int):
    """(LSA vectors, the TF-IDF vectorizer, the TF-IDF matrix)."""
    from sklearn.decomposition import TruncatedSVD
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.preprocessing import normalize

    vectorizer = TfidfVectorizer(sublinear_tf=True, min_df=2 if len(texts) >= 50 else 1, max_features=20_000,
                                 stop_words="english", token_pattern=r"(?u)\b[a-zA-Z_][a-zA-Z0-9_]+\b")
    try:
        tfidf = vectorizer.fit_transform(texts)
    except ValueError:
        raise UserError("the rows have no words to cluster (empty prompts, or only stop words)") from None
    components = max(1, min(100, tfidf.shape[1] - 1, len(texts) - 1))
    vectors = TruncatedSVD(components, random_state=seed).fit_transform(tfidf) if tfidf.shape[1] > 1 else \
        tfidf.toarray()
    return normalize(vectors), vectorizer, tfidf


def choose_k(vectors, seed: int, k: int | None) -> tuple[int, dict[int, float]]:
    """The given k, or the k in 2..MAX_K with the best silhouette score (on a sample of rows)."""
    from sklearn.cluster import KMeans
    from sklearn.metrics import silhouette_score

    if k is not None:
        return k, {}
    scores = {}
    for candidate in range(2, min(MAX_K, len(vectors) // 5) + 1):
        labels = KMeans(candidate, n_init=4, random_state=seed).fit_predict(vectors)
        if len(set(labels)) > 1:
            scores[candidate] = round(silhouette_score(vectors, labels, sample_size=min(len(vectors),
                                                       SILHOUETTE_SAMPLE), random_state=seed), 3)
    if not scores:
        return 1, {}
    return max(scores, key=scores.get), scores


def cluster_labels(tfidf, vectorizer, labels, k: int) -> list[list[str]]:
    """Class-based TF-IDF: per cluster, the words most frequent in it relative to all clusters."""
    import numpy as np

    counts = (tfidf > 0).astype(float)
    per_cluster = np.vstack([np.asarray(counts[labels == c].sum(axis=0)).ravel() for c in range(k)])
    words_per_cluster = per_cluster.sum(axis=1, keepdims=True) + 1e-9
    average = per_cluster.sum() / k
    weight = (per_cluster / words_per_cluster) * np.log(1 + average / (per_cluster.sum(axis=0) + 1e-9))
    vocabulary = vectorizer.get_feature_names_out()
    return [[str(vocabulary[i]) for i in np.argsort(-weight[c])[:LABEL_WORDS] if per_cluster[c, i] > 0]
            for c in range(k)]


def explore(config, out: Path, clusters: int | None = None, fields: list[str] | None = None) -> dict:
    import numpy as np
    from sklearn.cluster import KMeans
    from sklearn.decomposition import PCA

    from sftflow.data.prepare import check_templates, load_splits

    if clusters is not None and clusters < 1:
        raise UserError(f"--clusters must be at least 1, got {clusters}")
    splits = load_splits(config)
    templates = check_templates(config, splits)
    texts = texts_of(config, splits, templates, fields)
    names = [name for name in texts for _ in texts[name]]
    flat = [t for name in texts for t in texts[name]]
    if len(flat) < 3:
        raise UserError(f"{len(flat)} rows: too few to find topics in", config.where)
    if clusters is not None and clusters > len(flat):
        raise UserError(f"--clusters {clusters} is more than the {len(flat)} rows", config.where)
    seed = int(setting(config, "seed"))
    vectors, vectorizer, tfidf = embed(flat, seed)
    k, scores = choose_k(vectors, seed, clusters)
    labels = KMeans(k, n_init=10, random_state=seed).fit_predict(vectors) if k > 1 else np.zeros(len(flat), int)
    words = cluster_labels(tfidf, vectorizer, labels, k)
    points = PCA(2, random_state=seed).fit_transform(vectors) if vectors.shape[1] > 1 else \
        np.column_stack([vectors[:, 0], np.zeros(len(flat))])
    split_names = list(texts)
    report = {"rows": len(flat), "embedding": "TF-IDF + truncated SVD (LSA), scikit-learn",
              "clustering": "k-means" + (f", k by silhouette: {json.dumps(scores)}" if scores else f", k={k} given"),
              "compared_by": f"fields {fields}" if fields else "the rendered user message", "clusters": []}
    for c in range(k):
        members = [i for i in range(len(flat)) if labels[i] == c]
        counts = {s: sum(1 for i in members if names[i] == s) for s in split_names}
        flag = "no training rows" if counts.get("train", 0) == 0 and len(members) else None
        report["clusters"].append({"cluster": c, "label": " ".join(words[c]) or "(no words)", "rows": len(members),
                                   "per_split": counts, "flag": flag,
                                   "examples": [flat[i][:300] for i in members[:EXAMPLES]]})
    out.mkdir(parents=True, exist_ok=True)
    write_atomic(out / "explore.json", json.dumps(report, indent=2, ensure_ascii=False) + "\n")
    png = _plot(points, labels, names, words, k)
    (out / "explore.png").write_bytes(png)
    write_atomic(out / "explore.html", _page(report, points, labels, names, flat, png))
    print(_summary(report, split_names))
    return report


def _summary(report: dict, splits: list[str]) -> str:
    lines = [f"{report['rows']} rows; {report['embedding']}; {report['clustering']}",
             f"{'cluster':<8}{'label':<48}" + "".join(f"{s:>12}" for s in splits) + "  flag"]
    for c in report["clusters"]:
        lines.append(f"{c['cluster']:<8}{c['label'][:47]:<48}" + "".join(f"{c['per_split'][s]:>12}" for s in splits)
                     + (f"  {c['flag']}" if c["flag"] else ""))
    flagged = [c for c in report["clusters"] if c["flag"]]
    if flagged:
        lines.append(f"{len(flagged)} cluster(s) with test/validation rows and no training rows: the model will be "
                     "scored on topics it never saw")
    return "\n".join(lines)


def _plot(points, labels, names, words, k: int) -> bytes:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(8, 6))
    colours = plt.get_cmap("tab20")
    for c in range(k):
        for split, marker in (("train", "o"), ("validation", "s"), ("test", "x")):
            index = [i for i in range(len(labels)) if labels[i] == c and names[i] == split]
            if index:
                ax.scatter(points[index, 0], points[index, 1], s=10, marker=marker, color=colours(c % 20),
                           label=f"{c}: {' '.join(words[c][:3])}" if split == "train" or not any(
                               labels[i] == c and names[i] == "train" for i in range(len(labels))) else None)
    ax.set_title("rows by topic (LSA, first two principal components); o train, s validation, x test")
    ax.legend(fontsize=7, markerscale=2, loc="center left", bbox_to_anchor=(1.01, 0.5))
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=110, bbox_inches="tight")
    plt.close(fig)
    return buffer.getvalue()


def _page(report: dict, points, labels, names, texts: list[str], png: bytes) -> str:
    """The map as SVG (one circle per row, its cluster, split and text on hover) and the cluster table."""
    palette = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22",
               "#17becf", "#aec7e8", "#ffbb78"]
    low, high = points.min(axis=0), points.max(axis=0)
    span = [max(h - lo, 1e-9) for lo, h in zip(low, high)]
    circles = []
    for i, (x, y) in enumerate(points):
        cx, cy = 10 + 780 * (x - low[0]) / span[0], 10 + 580 * (1 - (y - low[1]) / span[1])
        tip = html.escape(f"cluster {labels[i]} ({names[i]}): {texts[i][:200]}")
        shape = "none" if names[i] == "train" else "#000"
        circles.append(f'<circle cx="{cx:.1f}" cy="{cy:.1f}" r="3" fill="{palette[labels[i] % len(palette)]}" '
                       f'stroke="{shape}"><title>{tip}</title></circle>')
    rows = "\n".join(
        f"<tr><td>{c['cluster']}</td><td>{html.escape(c['label'])}</td><td>{c['rows']}</td>"
        f"<td>{html.escape(json.dumps(c['per_split']))}</td><td>{html.escape(c['flag'] or '')}</td>"
        f"<td>{'<br>'.join(html.escape(e[:160]) for e in c['examples'])}</td></tr>" for c in report["clusters"])
    return ("<!doctype html>\n<html><head><meta charset=\"utf-8\"><title>sftflow data explore</title></head><body>\n"
            f"<h1>Topics of {report['rows']} rows</h1>\n<p>{html.escape(report['embedding'])}; "
            f"{html.escape(report['clustering'])}; rows read by {html.escape(report['compared_by'])}. Hover a point "
            "for its row; outlined points are validation or test rows.</p>\n"
            f"<svg width=\"800\" height=\"600\" style=\"border:1px solid #ccc\">{''.join(circles)}</svg>\n"
            "<table border=\"1\" cellpadding=\"4\">\n<tr><th>cluster</th><th>label</th><th>rows</th><th>per split</th>"
            f"<th>flag</th><th>examples</th></tr>\n{rows}\n</table>\n"
            f"<p><img alt=\"map\" src=\"data:image/png;base64,{base64.b64encode(png).decode()}\"></p>\n"
            "</body></html>\n")
