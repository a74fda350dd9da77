"""`sftflow data explore`: topics found in real rows, counted per split, a test topic without training rows
flagged, the map written as PNG and HTML."""

import json

from sftflow.cli import main


def topic_rows(topic: str, words: list[str], n: int) -> list[dict]:
    return [{"sql_prompt": f"{words[i % len(words)]} {topic} {words[(i + 1) % len(words)]} number {i}",
             "sql_context": f"CREATE TABLE {topic} (id INT);", "sql": f"SELECT id FROM {topic}"} for i in range(n)]


def write(path, rows):
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))


def test_topics_per_split_with_the_unseen_one_flagged(make_config, tmp_path, capsys):
    data = tmp_path / "topics"
    data.mkdir()
    orders = ["orders", "shipped", "customer", "invoice"]
    planets = ["planets", "orbit", "telescope", "moons"]
    write(data / "train.jsonl", topic_rows("orders", orders, 40) + topic_rows("songs", ["songs", "album", "artist",
                                                                                          "chart"], 40))
    write(data / "test.jsonl", topic_rows("orders", orders, 5) + topic_rows("planets", planets, 10))
    out = tmp_path / "explore"
    assert main(["data", "explore", str(make_config(dataset_name=str(data))), "--clusters", "3", "--out",
                 str(out)]) == 0
    report = json.loads((out / "explore.json").read_text())
    assert report["rows"] == 95 and sum(c["rows"] for c in report["clusters"]) == 95
    flagged = [c for c in report["clusters"] if c["flag"]]
    assert len(flagged) == 1 and "planets" in flagged[0]["label"] and flagged[0]["per_split"]["test"] == 10
    assert all(c["examples"] and c["label"] for c in report["clusters"])
    assert (out / "explore.png").read_bytes()[:4] == b"\x89PNG"
    page = (out / "explore.html").read_text()
    assert page.count("<circle") == 95 and "<title>cluster" in page  # one point per row, its text on hover
    assert "scored on topics it never saw" in capsys.readouterr().out


def test_k_is_chosen_by_silhouette_when_not_given(make_config, tmp_path):
    out = tmp_path / "explore"
    assert main(["data", "explore", str(make_config()), "--out", str(out)]) == 0
    report = json.loads((out / "explore.json").read_text())
    assert "k by silhouette" in report["clustering"] and 2 <= len(report["clusters"]) <= 20


def test_bad_cluster_counts_are_one_line(make_config, tmp_path, capsys):
    for clusters, fragment in (("0", "at least 1"), ("100000", "more than the")):
        assert main(["data", "explore", str(make_config()), "--clusters", clusters, "--out",
                     str(tmp_path / "x")]) == 2
        assert fragment in capsys.readouterr().err
    assert not (tmp_path / "x").exists()
