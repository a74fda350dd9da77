"""An Ollama Modelfile for the exported GGUF: the chat template in Ollama's Go-template syntax, the system prompt,
the end-of-turn stop tokens, greedy decoding.

A Jinja chat template cannot be translated to Go in general, so only the template family of the demo and of most
small chat models is written: ChatML (`<|im_start|>role\\ncontent<|im_end|>\\n`). Whether the model's template is
ChatML is checked by rendering it, not by reading it. Another template gets a Modelfile without TEMPLATE, and
Ollama falls back to the chat template inside the GGUF file (which it maps to its own for the known families).
"""

from pathlib import Path

CHATML_GO = '''{{- range $i, $_ := .Messages }}
{{- $last := eq (len (slice $.Messages $i)) 1 -}}
<|im_start|>{{ .Role }}
{{ .Content }}<|im_end|>
{{ if and $last (ne .Role "assistant") }}<|im_start|>assistant
{{ end }}
{{- end }}'''
PROBE = [{"role": "system", "content": "S"}, {"role": "user", "content": "U1"}, {"role": "assistant", "content": "A1"},
         {"role": "user", "content": "U2"}]


def chatml(messages: list[dict], generation_prompt: bool) -> str:
    """What CHATML_GO renders: each message as a ChatML block, then the assistant's opening."""
    text = "".join(f"<|im_start|>{m['role']}\n{m['content']}<|im_end|>\n" for m in messages)
    return text + ("<|im_start|>assistant\n" if generation_prompt else "")


def chatml_default_system(tokenizer) -> tuple[bool, str | None]:
    """(the template renders ChatML, the system prompt it inserts when a conversation has none)."""
    def render(messages):
        return tokenizer.apply_chat_template(messages, tokenize=False, add_generation_prompt=True)

    try:
        with_system, without = render(PROBE), render(PROBE[1:])
    except Exception:  # noqa: BLE001 - a template that raises on a system message or this role order is not ChatML
        return False, None
    if with_system != chatml(PROBE, True):
        return False, None
    if without == chatml(PROBE[1:], True):
        return True, None
    head = "<|im_start|>system\n"
    default, sep, rest = without.removeprefix(head).partition("<|im_end|>\n")
    if without.startswith(head) and sep and rest == chatml(PROBE[1:], True):
        return True, default
    return False, None


def stop_tokens(tokenizer, model_dir: Path) -> list[str]:
    """The end-of-turn token and every EOS the generation config names, as text."""
    import json

    ids = {tokenizer.eos_token_id} - {None}
    config = model_dir / "generation_config.json"
    if config.is_file():
        eos = json.loads(config.read_text()).get("eos_token_id")
        ids |= set(eos if isinstance(eos, list) else [eos]) - {None}
    return sorted({tokenizer.convert_ids_to_tokens(i) for i in ids})


def quote(text: str) -> str:
    if '"""' in text:
        raise ValueError("text with triple quotes cannot go into a Modelfile")
    return f'"""{text}"""'


def modelfile_text(gguf_name: str, tokenizer, model_dir: Path, system: str | None) -> tuple[str, bool]:
    """(the Modelfile, whether it carries a TEMPLATE)."""
    is_chatml, default_system = chatml_default_system(tokenizer)
    lines = ["# Written by `sftflow export --format gguf`. Create the model: ollama create NAME -f Modelfile",
             f"FROM ./{gguf_name}"]
    if is_chatml:
        lines += ["# the training chat template (ChatML), in Ollama's Go-template syntax",
                  f"TEMPLATE {quote(CHATML_GO)}"]
    system = system or default_system
    if system:
        lines += ["# the system prompt the model was trained with" if system != default_system
                  else "# the chat template's own default system prompt", f"SYSTEM {quote(system)}"]
    lines += [f'PARAMETER stop "{token}"' for token in stop_tokens(tokenizer, model_dir)]
    lines += ["# greedy decoding, as `sftflow eval` scored the model", "PARAMETER temperature 0"]
    return "\n".join(lines) + "\n", is_chatml


def write_modelfile(out: Path, gguf_name: str, tokenizer, model_dir: Path, system: str | None) -> Path:
    text, has_template = modelfile_text(gguf_name, tokenizer, model_dir, system)
    if not has_template:
        print("[sftflow] note: the chat template is not ChatML; the Modelfile has no TEMPLATE and Ollama uses the "
              "template inside the GGUF file")
    path = out / "Modelfile"
    path.write_text(text, encoding="utf-8")
    return path
