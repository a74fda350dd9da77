"""`sftflow data synth` and the judge option of `data filter` against a real OpenAI-format server on loopback."""

import json

import pytest

from sftflow.cli import main


def answer(body: dict) -> tuple[int, str]:
    """A valid text-to-SQL row for synth, a score for the judge."""
    prompt = body["messages"][-1]["content"]
    if prompt.startswith("Score"):
        return 200, "9" if "COUNT" in prompt else "2"
    return 200, json.dumps({"sql_prompt": f"Again: {prompt[:30]}", "sql": "SELECT a FROM t",
                            "sql_context": "CREATE TABLE t (a INT);\nINSERT INTO t VALUES (1);"})


@pytest.fixture
def endpoint(openai_stub):
    return openai_stub(answer)


def test_synth_and_judge_from_the_command_line(make_config, endpoint, tmp_path, capsys):
    path = make_config()
    prompt = tmp_path / "prompt.jinja"
    prompt.write_text("Write a new question like: {{ sql_prompt }}")
    out = tmp_path / "synth"
    args = ["data", "synth", str(path), "--prompt", str(prompt), "--endpoint", endpoint, "--seeds", "5",
            "--per-seed", "2", "--validate", "sql", "--out", str(out)]
    assert main(args) == 0
    rows = [json.loads(line) for line in (out / "synth.jsonl").read_text().splitlines()]
    assert len(rows) == 10 and len({(r["_seed"], r["_k"]) for r in rows}) == 10
    assert main(args) == 0 and "10 already done" in capsys.readouterr().out  # a rerun resumes, adds nothing
    assert len((out / "synth.jsonl").read_text().splitlines()) == 10

    judge = tmp_path / "judge.jinja"
    judge.write_text("Score 1-10: {{ sql }}")
    assert main(["data", "filter", str(path), "--judge-template", str(judge), "--judge-endpoint", endpoint,
                 "--judge-threshold", "7", "--out", str(tmp_path / "f")]) == 0
    kept = [json.loads(line) for line in (tmp_path / "f" / "train.filtered.jsonl").read_text().splitlines()]
    assert kept and all("COUNT" in row["sql"] for row in kept)
    report = json.loads((tmp_path / "f" / "train.filtered.report.json").read_text())
    assert report["judge"]["kept"] == len(kept)


def test_synth_without_endpoint_is_a_clear_error(make_config, tmp_path, capsys, monkeypatch):
    monkeypatch.delenv("OPENAI_API_BASE", raising=False)
    prompt = tmp_path / "p.jinja"
    prompt.write_text("x")
    assert main(["data", "synth", str(make_config()), "--prompt", str(prompt), "--out", str(tmp_path / "o")]) == 2
    assert "no endpoint" in capsys.readouterr().err
