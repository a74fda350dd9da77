"""The teaching workflow's config files train with only the model and dataset pointed at local paths."""

import json
from pathlib import Path

import pytest

from sftflow.cli import main
from sftflow.device import cpu_bf16

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "text_to_sql"


@pytest.mark.parametrize("name", ["sft.yaml", "sft_liger.yaml"])
def test_workflow_config_trains_with_local_model_and_data(name, tiny_model_dir, sql_data_dir, tmp_path,
                                                          monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)  # the file's relative output_dir lands here
    code = main(["run", str(EXAMPLES / name), "--model_name_or_path", str(tiny_model_dir),
                 "--dataset_name", str(sql_data_dir)])
    out = capsys.readouterr().out
    assert code == 0
    if cpu_bf16():  # the file's bf16: true runs as autocast on a CPU with bf16 instructions
        assert "bf16: True -> False" not in out
    else:  # GPU-only settings are turned off on CPU, and said so
        assert "bf16: True -> False" in out
    run_dir = next((tmp_path / "runs").iterdir())
    manifest = json.loads((run_dir / "manifest.json").read_text())
    assert manifest["status"] == "completed" and manifest["peft"] is False
    assert (run_dir / "final" / "model.safetensors").is_file()
