"""Examples per second of the transformers eval backend on the demo model: batched vs one at a time.

    .venv/bin/python bench/eval_throughput.py [--examples 32] [--batch-size 16] [--max-new-tokens 64]

Both arms generate greedy answers for the same held-out generated text-to-SQL prompts in one run;
prints examples/s for each, the ratio, and whether the answers agree.
"""

import argparse
import time

import torch
from transformers import AutoModelForCausalLM, AutoTokenizer

from sftflow.data.tokenize import prompt_ids
from sftflow.demo.run import demo_model, prompt_templates
from sftflow.demo.sql_data import generate_rows
from sftflow.models.generate import generate


def prompts_for(tokenizer, n: int) -> list[list[int]]:
    templates = prompt_templates()
    rows = generate_rows(n, seed=123)
    return [prompt_ids(tokenizer, templates.render(row, i), "conversational_prompt_completion")
            for i, row in enumerate(rows)]


def timed(model, tokenizer, prompts, max_new_tokens, batch_size) -> tuple[float, list[str]]:
    start = time.perf_counter()
    answers = generate(model, tokenizer, prompts, max_new_tokens, batch_size)
    return len(prompts) / (time.perf_counter() - start), answers


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--examples", type=int, default=32)
    parser.add_argument("--batch-size", type=int, default=16)
    parser.add_argument("--max-new-tokens", type=int, default=64)
    args = parser.parse_args()
    path = demo_model(download=False)
    tokenizer = AutoTokenizer.from_pretrained(path)
    model = AutoModelForCausalLM.from_pretrained(path, dtype=torch.float32)
    prompts = prompts_for(tokenizer, args.examples)
    print(f"model: SmolLM2-135M-Instruct, {args.examples} prompts, max_new_tokens {args.max_new_tokens}, "
          f"torch threads {torch.get_num_threads()}")
    single, answers_1 = timed(model, tokenizer, prompts, args.max_new_tokens, 1)
    batched, answers_b = timed(model, tokenizer, prompts, args.max_new_tokens, args.batch_size)
    same = sum(a == b for a, b in zip(answers_1, answers_b))
    print(f"one at a time : {single:.3f} examples/s")
    print(f"batched ({args.batch_size:>2})  : {batched:.3f} examples/s")
    print(f"ratio batched/one-at-a-time: {batched / single:.2f}x")
    print(f"identical answers: {same}/{len(prompts)} (left padding can change a few greedy tokens in float32)")


if __name__ == "__main__":
    main()
