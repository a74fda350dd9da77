"""`sftflow data dedup|contamination|filter|stats` on the config's own splits."""

import json

from sftflow.cli import main


def test_curation_commands_write_new_datasets_and_reports(make_config, tmp_path, sql_data_dir, capsys):
    path = make_config()
    before = {p.name: p.read_bytes() for p in sql_data_dir.iterdir()}
    out = tmp_path / "curated"
    assert main(["data", "dedup", str(path), "--out", str(out / "d"), "--fields", "sql_prompt,sql_context"]) == 0
    assert (out / "d" / "train.dedup.jsonl").is_file() and (out / "d" / "train.dedup.report.json").is_file()
    assert main(["data", "contamination", str(path), "--out", str(out / "c"), "--drop"]) == 0
    assert json.loads((out / "c" / "contamination.report.json").read_text())
    assert main(["data", "filter", str(path), "--out", str(out / "f"), "--sql-check", "--max-tokens", "2000",
                 "--require", "sql,sql_context"]) == 0
    kept = (out / "f" / "train.filtered.jsonl").read_text().splitlines()
    assert len(kept) == 48  # every generated gold query runs and fits
    assert main(["data", "stats", str(path), "--out", str(out / "s")]) == 0
    assert (out / "s" / "lengths.png").read_bytes()[:4] == b"\x89PNG"
    assert {p.name: p.read_bytes() for p in sql_data_dir.iterdir()} == before  # the source is untouched
    assert main(["data", "filter", str(path), "--include", "no-equals-sign"]) == 2
    assert "expected FIELD=REGEX" in capsys.readouterr().err
