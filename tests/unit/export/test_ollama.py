"""The Ollama Modelfile: a ChatML template is recognised by what it renders, and written in Go-template syntax."""

import json
import os
import shutil
import subprocess

import pytest

from sftflow.export.ollama import (
    CHATML_GO,
    chatml,
    chatml_default_system,
    modelfile_text,
)

SMOLLM2 = ("{% for message in messages %}{% if loop.first and messages[0]['role'] != 'system' %}"
           "{{ '<|im_start|>system\n"
           "You are a helpful AI assistant named SmolLM, trained by Hugging Face<|im_end|>\n' }}{% endif %}"
           "{{'<|im_start|>' + message['role'] + '\n' + message['content'] + '<|im_end|>' + '\n'}}{% endfor %}"
           "{% if add_generation_prompt %}{{ '<|im_start|>assistant\n' }}{% endif %}")
LLAMA2 = ("{% for m in messages %}{% if m['role'] == 'user' %}[INST] {{ m['content'] }} [/INST]{% else %}"
          "{{ m['content'] }}{% endif %}{% endfor %}")


@pytest.fixture
def tokenizer(tiny_model_dir):
    from transformers import AutoTokenizer

    return AutoTokenizer.from_pretrained(tiny_model_dir)


def test_chatml_is_recognised_with_and_without_a_default_system_prompt(tokenizer):
    assert chatml_default_system(tokenizer) == (True, None)
    tokenizer.chat_template = SMOLLM2
    default = "You are a helpful AI assistant named SmolLM, trained by Hugging Face"
    assert chatml_default_system(tokenizer) == (True, default)
    tokenizer.chat_template = LLAMA2
    assert chatml_default_system(tokenizer) == (False, None)


def test_modelfile_carries_template_system_prompt_and_stop_token(tokenizer, tiny_model_dir):
    text, has_template = modelfile_text("model-q8_0.gguf", tokenizer, tiny_model_dir, "Answer with SQL.")
    assert has_template
    assert "FROM ./model-q8_0.gguf\n" in text
    assert f'TEMPLATE """{CHATML_GO}"""' in text
    assert 'SYSTEM """Answer with SQL."""' in text
    assert 'PARAMETER stop "<|im_end|>"' in text and "PARAMETER temperature 0" in text


def test_modelfile_uses_the_templates_default_system_prompt_and_skips_unknown_templates(tokenizer, tiny_model_dir):
    tokenizer.chat_template = SMOLLM2
    text, _ = modelfile_text("m.gguf", tokenizer, tiny_model_dir, None)
    assert 'SYSTEM """You are a helpful AI assistant named SmolLM, trained by Hugging Face"""' in text
    tokenizer.chat_template = LLAMA2
    text, has_template = modelfile_text("m.gguf", tokenizer, tiny_model_dir, None)
    assert not has_template and "TEMPLATE" not in text and "SYSTEM" not in text


GO_RENDER = """package main

import ("encoding/json"; "os"; "strings"; "text/template")

type Message struct { Role, Content string }

func main() {
	t := template.Must(template.New("t").Parse(os.Args[1]))
	var conversations [][]Message
	json.Unmarshal([]byte(os.Args[2]), &conversations)
	out := []string{}
	for _, messages := range conversations {
		var b strings.Builder
		t.Execute(&b, map[string]any{"Messages": messages})
		out = append(out, b.String())
	}
	json.NewEncoder(os.Stdout).Encode(out)
}
"""


@pytest.mark.skipif(shutil.which("go") is None, reason="needs Go (apt-get install golang-go) to run text/template")
def test_the_go_template_renders_what_chatml_renders(tmp_path):
    """Ollama renders TEMPLATE with Go's text/template: run it on conversations and compare with chatml()."""
    conversations = [
        [{"role": "system", "content": "Answer with SQL.\nTables:"}, {"role": "user", "content": "U1\n\nQ"}],
        [{"role": "user", "content": "U1"}, {"role": "assistant", "content": "A1"}, {"role": "user", "content": "U2"}],
        [{"role": "user", "content": "U1"}, {"role": "assistant", "content": "A1"}],
    ]
    (tmp_path / "render.go").write_text(GO_RENDER)
    go_input = [[{"Role": m["role"], "Content": m["content"]} for m in c] for c in conversations]
    done = subprocess.run(["go", "run", "render.go", CHATML_GO, json.dumps(go_input)], cwd=tmp_path,
                          capture_output=True, text=True, check=True, env={**os.environ, "GO111MODULE": "off"})
    rendered = json.loads(done.stdout)
    assert rendered == [chatml(c, generation_prompt=c[-1]["role"] != "assistant") for c in conversations]
