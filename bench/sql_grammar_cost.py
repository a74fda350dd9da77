"""What the schema grammar costs: compile time per database and token-mask time per generated token, the grammar as
it is against a baseline measured in the same run: the same grammar with no table tied to its columns (any column
of the database anywhere, as past sql_grammar.MAX_TIED_TABLES tables), so the ratio is what the per-table copies of
SELECT cost.

    .venv/bin/python bench/sql_grammar_cost.py [--per-database N] [--model DIR]

For each of the development set's 6 databases the grammar is built and compiled for SmolLM2's tokenizer (the demo's
model, from the setup step's cache, or --model), then the gold answers of N questions, as the templates teach them
(a ```sql fence, one clause per line), are fed token by token and the mask before each token is timed. Also
printed: how many gold answers each grammar accepts. Run on a quiet machine.
"""

import argparse
import statistics
import tempfile
import time
from pathlib import Path


def measure(lltok, tokenizer, grammar: str, answers: list[str]) -> tuple[float, float, int]:
    """(compile seconds, mean mask milliseconds per token, answers accepted)."""
    import llguidance
    import llguidance.torch

    start = time.perf_counter()
    compiled = llguidance.LLMatcher.grammar_from_lark(grammar)
    llguidance.LLMatcher(lltok, compiled, log_level=0)
    compile_s = time.perf_counter() - start
    bitmask = llguidance.torch.allocate_token_bitmask(1, lltok.vocab_size)
    times, accepted = [], 0
    for answer in answers:
        matcher = llguidance.LLMatcher(lltok, compiled, log_level=0)
        ok = True
        for token in tokenizer(answer, add_special_tokens=False)["input_ids"]:
            start = time.perf_counter()
            llguidance.torch.fill_next_token_bitmask(matcher, bitmask, 0)
            times.append(time.perf_counter() - start)
            if not matcher.consume_token(token):
                ok = False
                break
        accepted += ok and matcher.is_accepting()
    return compile_s, 1000 * statistics.fmean(times), accepted


def main() -> None:
    import json

    from transformers import AutoTokenizer

    from sftflow import sql_grammar
    from sftflow.data.templates import fence, format_sql
    from sftflow.demo import devset
    from sftflow.models.constrained import ll_tokenizer
    from sftflow.sql_sandbox import bounded_database

    parser = argparse.ArgumentParser()
    parser.add_argument("--per-database", type=int, default=None,
                        help="N questions of each database (all 204 if not given)")
    parser.add_argument("--model", help="a model folder whose tokenizer to use (default: the demo's SmolLM2)")
    args = parser.parse_args()
    if args.model:
        model = args.model
    else:
        from sftflow.demo.run import demo_model
        model = demo_model(download=False)
    tokenizer = AutoTokenizer.from_pretrained(model)
    lltok = ll_tokenizer(tokenizer)
    with tempfile.TemporaryDirectory() as tmp:
        devset.write_split(Path(tmp), per_database=args.per_database)
        rows = [json.loads(line) for line in (Path(tmp) / "test.jsonl").read_text().splitlines()]
        by_database: dict[str, list[str]] = {}
        for row in rows:
            by_database.setdefault(row["database"], []).append(fence(format_sql(row["sql"]), "sql"))
        print(f"{'database':20} {'tables':>6} {'KB':>5} {'compile s':>9} {'ms/token':>8} {'accepted':>8}   "
              f"{'baseline: KB':>12} {'compile s':>9} {'ms/token':>8} {'accepted':>8}   ratio ms/token")
        tied = sql_grammar.MAX_TIED_TABLES
        for database, answers in sorted(by_database.items()):
            with bounded_database(None, str(Path(tmp) / database)) as opened:
                schema = opened.schema(5.0)
            figures = []
            for limit in (tied, 0):
                sql_grammar.MAX_TIED_TABLES = limit
                grammar = sql_grammar.schema_grammar(schema)
                figures.append((len(grammar) / 1000, *measure(lltok, tokenizer, grammar, answers)))
            sql_grammar.MAX_TIED_TABLES = tied
            (kb, compile_s, ms, ok), (kb0, compile0, ms0, ok0) = figures
            print(f"{Path(database).stem:20} {len(schema):6} {kb:5.0f} {compile_s:9.3f} {ms:8.2f} "
                  f"{ok:3}/{len(answers):<4}   {kb0:12.0f} {compile0:9.3f} {ms0:8.2f} {ok0:3}/{len(answers):<4}   "
                  f"{ms / ms0:.2f}x", flush=True)


if __name__ == "__main__":
    main()
