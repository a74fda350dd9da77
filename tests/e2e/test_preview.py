"""`sftflow data preview`: what the model sees, trained tokens marked, statistics, the EOS check."""

from sftflow.cli import main


def test_preview_marks_trained_tokens_and_reports_lengths(make_config, capsys, tmp_path):
    assert main(["data", "preview", str(make_config(max_length=120)), "-n", "2"]) == 0
    out = capsys.readouterr().out
    assert out.count("=== train example") == 2
    assert "<|im_start|>assistant\n«```sql\nSELECT" in out  # the reply, and only the reply, is trained
    assert "```<|im_end|>\n»" in out
    assert "Token lengths (max_length = 120):" in out
    for split in ("train", "validation", "test"):
        assert f"\n{split} " in out
    assert "inside the loss mask: OK" in out
    assert not (tmp_path / "run").exists()  # preview writes nothing


def test_preview_counts_rows_losing_trained_tokens(make_config, capsys):
    from sftflow.config import load_config
    from sftflow.data.preview import run

    stats = run(load_config(make_config(max_length=60)), n=0, color=False)["splits"]
    assert stats["train"]["rows"] == 48
    assert stats["train"]["over_max_length"] == stats["train"]["lose_trained_tokens"] > 0
