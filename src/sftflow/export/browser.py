"""The in-browser build: the ONNX model, transformers.js and sql.js, and a static page, in one folder.

OUT/
  index.html, app.js     the page (sftflow/export/web/page)
  page.json              the run's prompt as parts (sftflow.export.prompt), the fields, max new tokens
  lib/                   transformers.js's self-contained bundle and ONNX Runtime Web's WASM files; sql.js
  models/model/          config, tokenizer, generation config, onnx/model.onnx (sftflow.export.onnx)

The libraries come from the npm packages that `./setup.sh --export` (or --dev) installs with `npm ci` into
sftflow/export/web/node_modules; nothing is fetched when exporting or when the page runs.
"""

import json
import shutil
from pathlib import Path

from sftflow.errors import UserError
from sftflow.export.prompt import PagePrompt

WEB = Path(__file__).parent / "web"
MODEL_NAME = "model"
LIBRARIES = {  # in the export folder: from node_modules
    "lib/transformers.min.js": "@huggingface/transformers/dist/transformers.min.js",
    "lib/ort-wasm-simd-threaded.jsep.mjs": "@huggingface/transformers/dist/ort-wasm-simd-threaded.jsep.mjs",
    "lib/ort-wasm-simd-threaded.jsep.wasm": "@huggingface/transformers/dist/ort-wasm-simd-threaded.jsep.wasm",
    "lib/sql-wasm.js": "sql.js/dist/sql-wasm.js",
    "lib/sql-wasm.wasm": "sql.js/dist/sql-wasm.wasm",
}
PAGE_FILES = ("index.html", "app.js")
SQL_EXAMPLE = {
    "sql_context": "CREATE TABLE flights (id INTEGER, origin TEXT, destination TEXT, price REAL);\n"
                   "INSERT INTO flights VALUES (1, 'Oslo', 'Paris', 120.0), (2, 'Oslo', 'Rome', 95.5), "
                   "(3, 'Bergen', 'Paris', 150.0);",
    "sql_prompt": "What is the cheapest price of a flight from Oslo?",
}


def library_files(where: str | None, modules: Path = WEB / "node_modules") -> dict[str, Path]:
    """Export-folder path -> installed file, or a message saying how to install them."""
    found = {target: modules / source for target, source in LIBRARIES.items()}
    if missing := [str(path) for path in found.values() if not path.is_file()]:
        raise UserError(f"the in-browser build needs transformers.js and sql.js from npm ({missing[0]} is missing): "
                        "run ./setup.sh --export (npm ci in sftflow/export/web)", where)
    return found


def page_settings(prompt: PagePrompt, title: str) -> dict:
    sql = "sql_context" in prompt.fields
    example = SQL_EXAMPLE if set(prompt.fields) == set(SQL_EXAMPLE) else None
    return {"title": title, "model": MODEL_NAME, "system": prompt.system, "user": prompt.user,
            "fields": prompt.field_settings(), "max_new_tokens": prompt.max_new_tokens, "sql": sql,
            "example": example}


def export_browser(model_dir: Path, out: Path, prompt: PagePrompt, title: str, where: str | None) -> dict:
    """Write the whole folder; returns the ONNX parity figures."""
    from sftflow.export.onnx import export_onnx

    libraries = library_files(where)  # before the minutes of ONNX export
    parity = export_onnx(model_dir, out / "models" / MODEL_NAME, where)
    (out / "lib").mkdir()
    for target, source in libraries.items():
        shutil.copy2(source, out / target)
    for name in PAGE_FILES:
        shutil.copy2(WEB / "page" / name, out / name)
    settings = page_settings(prompt, title)
    (out / "page.json").write_text(json.dumps(settings, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return parity
