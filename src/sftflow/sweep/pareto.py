"""The PEFT-method comparison's picture: the score against measured peak memory, the Pareto front joined."""

import base64
import html
import io
from pathlib import Path

from sftflow import run_dir as rd


def front(rows: list[dict], higher_is_better: bool) -> list[dict]:
    """Trials no other trial beats on both the score and the memory."""
    sign = 1 if higher_is_better else -1
    return sorted((r for r in rows if not any(
        o is not r and sign * o["value"] >= sign * r["value"] and o["peak_rss_gib"] <= r["peak_rss_gib"]
        and (sign * o["value"] > sign * r["value"] or o["peak_rss_gib"] < r["peak_rss_gib"]) for o in rows)),
        key=lambda r: r["peak_rss_gib"])


def write_pareto(out: Path, rows: list[dict], score: str) -> list[Path]:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    best = front(rows, score != "loss")
    fig, ax = plt.subplots(figsize=(6, 4))
    ax.scatter([r["peak_rss_gib"] for r in rows], [r["value"] for r in rows], color="C0")
    for r in rows:
        ax.annotate(r["params"].get("method", r["settings"]), (r["peak_rss_gib"], r["value"]), fontsize=8)
    ax.plot([r["peak_rss_gib"] for r in best], [r["value"] for r in best], color="C1", label="Pareto front")
    ax.set_xlabel("measured peak memory (GiB, RSS)")
    ax.set_ylabel(score)
    ax.legend(fontsize=8)
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=110, bbox_inches="tight")
    plt.close(fig)
    png, page = out / "pareto.png", out / "pareto.html"
    png.write_bytes(buffer.getvalue())
    table = "\n".join(f"<tr><td>{html.escape(str(r['params'].get('method', r['settings'])))}</td>"
                      f"<td>{r['value']:.4f}</td><td>{r['peak_rss_gib']:.2f}</td></tr>" for r in rows)
    rd.write_atomic(page, "<!doctype html>\n<html><head><meta charset=\"utf-8\"><title>PEFT methods</title></head>"
                    f"<body>\n<h1>{html.escape(score)} against peak memory</h1>\n<img alt=\"Pareto plot\" "
                    f"src=\"data:image/png;base64,{base64.b64encode(buffer.getvalue()).decode()}\">\n<table>\n"
                    f"<tr><th>method</th><th>{html.escape(score)}</th><th>peak GiB</th></tr>\n{table}\n</table>\n"
                    "</body></html>\n")
    return [png, page]
