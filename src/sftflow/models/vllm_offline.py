"""vLLM's offline engine for evaluation on a GPU: greedy, the same prompt token ids as training."""


def generate_vllm(ref, prompts: list[list[int]], max_tokens: int) -> list[str]:
    """Answers for token-id prompts; an adapter (a ModelRef) is served as base + LoRA, without merging."""
    from vllm import LLM, SamplingParams
    from vllm.inputs import TokensPrompt

    lora = None
    if ref.is_adapter:
        from vllm.lora.request import LoRARequest

        llm = LLM(model=ref.base().location, enable_lora=True, max_lora_rank=max(ref.adapter_settings()["r"], 8))
        lora = LoRARequest("adapter", 1, ref.location)
    else:
        llm = LLM(model=ref.location)
    params = SamplingParams(temperature=0.0, max_tokens=max_tokens)
    outputs = llm.generate([TokensPrompt(prompt_token_ids=p) for p in prompts], params, lora_request=lora)
    return [output.outputs[0].text for output in outputs]
