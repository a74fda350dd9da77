"""The only sftflow names the GPU bench imports, kept in one place: the package layout is being refactored, so a
moved function is fixed here and nowhere else. Everything else goes through the CLI (`python -m sftflow.cli`).

Each function imports lazily: the bench's parent process never loads torch, the children load it once.
"""

CLI = ("-m", "sftflow.cli")  # `python -m sftflow.cli train|merge|plan CONFIG`: the bench's main way in


def generate_rows(count: int, seed: int) -> list[dict]:
    """Text-to-SQL rows from sftflow's own generator (sql_prompt, sql_context, sql), every query run in SQLite."""
    from sftflow.demo.sql_data import generate_rows as generate

    return generate(count, seed=seed)


def cli_main(argv: list[str]) -> int:
    """`sftflow ARGV...` in this process (the child wraps the trainer with its meter first)."""
    from sftflow.cli import main

    return main(argv)


def plan(config_path: str, gpu: str) -> dict:
    """The memory planner's verdict for a config file, as `sftflow plan CONFIG --gpu GPU` prints it:
    peak_bytes, peak_phase, params, trainable and the components (bytes by label)."""
    from sftflow.config import load_config
    from sftflow.plan.run import run

    return run(load_config(config_path), gpus=[gpu])
