"""Where one stage's result goes into the next: the one place that calls two stages in a row.

Every stage (train, eval, merge, report, plan, serve, chat, export) is entered the same way,
`sftflow.<stage>.run.run(config, run_dir=None, **options)`, and never imports another stage (import-linter's
layers contract holds them apart). The few places where a user's command means two stages live here:

- `train`: train, then report the run (loss curves, best checkpoint, overfitting check);
- `merge_recipe`: merge models with mergekit, then evaluate each input and the merge on the recipe's tasks;
- `serve`: serve a model, with the chat UI against it while it runs (`sftflow serve --chat`).

The demo and the sweeps run whole flows of their own and sit above this module.
"""

import os
from pathlib import Path

from sftflow.errors import UserError


def train(config, run_dir: Path | None = None, **options) -> Path:
    """The train stage, then the report stage on its run directory; returns the run directory.

    A process started by `--launch` (a worker) trains only: its launcher reports once all of them are done."""
    from sftflow.report.run import run as report
    from sftflow.train.launch import LAUNCHED
    from sftflow.train.run import run as train_stage

    out = train_stage(config, run_dir, **options)
    if os.environ.get(LAUNCHED) != "1":
        files = report(config, out)["files"]
        print(f"[sftflow] loss curves: {files[0]}")
        print(f"[sftflow] run directory: {out}")
    return out


def merge_recipe(path: str | Path, overwrite: bool, recipe: dict | None = None) -> Path:
    """Merge models as the recipe says; with its `evaluate:` list of task configs, score every input model and the
    merged one on each: what the merge kept of each skill. Returns the merged model folder."""
    from sftflow.merge.run import run_recipe

    path = Path(path)
    out, recipe = run_recipe(path, overwrite, recipe)
    if recipe.get("evaluate"):
        capability_check(recipe, path, out)
    return out


def capability_check(recipe: dict, path: Path, out: Path) -> None:
    from sftflow.config import load_config
    from sftflow.eval.run import run as evaluate
    from sftflow.paths import resolve_local

    inputs = [str(resolve_local(str(entry["model"]), path.parent) or entry["model"]) for entry in recipe["models"]]
    for name in recipe["evaluate"]:
        task = resolve_local(name, path.parent)
        if task is None or not task.is_file():
            raise UserError(f"evaluate: task config not found: {name}", str(path))
        print(f"\n[sftflow] capability check on {task.name}:")
        results = out.parent / f"{out.name}-capability" / task.stem  # beside the model, not inside it
        evaluate(load_config(task), results, models=[*inputs, str(out)])


def serve(config, run_dir, *, chat: bool = False, **options) -> int:
    """The serve stage until Ctrl-C; with `chat`, the chat UI for `config` (its prompts) runs against the server
    (the chat stage) and stopping the UI stops both."""
    from sftflow.serve.launch import run as serve_stage

    if not chat:
        return serve_stage(config, run_dir, **options)

    def chat_ui(server) -> None:
        from sftflow.chat.ui import chat_settings, launch_ui

        launch_ui(chat_settings(config, server.base_url, server.api_key, server.name), block=True)
        print("[sftflow] chat UI and server stopped")

    return serve_stage(config, run_dir, while_serving=chat_ui, **options)
