"""vLLM's offline engine for evaluation on a GPU: greedy, the same prompt token ids as training."""

import json
from pathlib import Path


def generate_vllm(target: str, tokenizer, prompts: list[list[int]], max_tokens: int) -> list[str]:
    """Answers for token-id prompts; an adapter folder is served as base + LoRA, without merging."""
    from vllm import LLM, SamplingParams
    from vllm.inputs import TokensPrompt

    adapter = Path(target) / "adapter_config.json"
    lora = None
    if adapter.is_file():
        from vllm.lora.request import LoRARequest

        config = json.loads(adapter.read_text())
        llm = LLM(model=config["base_model_name_or_path"], enable_lora=True, max_lora_rank=max(config["r"], 8))
        lora = LoRARequest("adapter", 1, target)
    else:
        llm = LLM(model=target)
    params = SamplingParams(temperature=0.0, max_tokens=max_tokens)
    outputs = llm.generate([TokensPrompt(prompt_token_ids=p) for p in prompts], params, lora_request=lora)
    return [output.outputs[0].text for output in outputs]
