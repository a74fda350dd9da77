"""`sftflow export RUN_DIR_OR_MODEL --format gguf|onnx|browser --out DIR`, and `sftflow export --serve DIR`."""

from pathlib import Path

from sftflow.errors import UserError
from sftflow.export.run import FORMATS, WHERE

HELP = ("the trained model as GGUF (llama.cpp, Ollama), ONNX, or an in-browser page (transformers.js), each "
        "checked against the model")
OWN_CONFIG = True  # the target is a run directory or model folder; --config names the templates' config


def add_arguments(parser) -> None:
    from sftflow.export.gguf import DEFAULT_TYPES
    from sftflow.models.gguf_file import TYPES

    parser.add_argument("target", nargs="?", metavar="RUN_DIR_OR_MODEL",
                        help="run directory, adapter (merged first) or model folder")
    parser.add_argument("--format", choices=FORMATS, help="gguf: llama.cpp / Ollama / LM Studio; onnx: the model "
                        "for onnxruntime and transformers.js; browser: the ONNX model plus a page that runs it")
    parser.add_argument("--out", help="output folder (written whole; a previous export there is replaced)")
    parser.add_argument("--gguf-types", default=",".join(DEFAULT_TYPES),
                        help=f"comma-separated GGUF types from {', '.join(TYPES)} (default: %(default)s)")
    parser.add_argument("--config", help="config whose prompt templates the page and Modelfile use (default: the "
                        "run directory's own)")
    parser.add_argument("--serve", nargs="?", const=True, metavar="DIR",
                        help="serve a browser build on 127.0.0.1 (DIR, or --out after exporting) until Ctrl-C")
    parser.add_argument("--port", type=int, default=8000, help="port for --serve (0: any free port; default 8000)")
    parser.add_argument("--overwrite", action="store_true", help="replace an output folder that holds other files")


def run(config, args) -> int:
    from sftflow.export.run import gguf_types, run_config
    from sftflow.export.run import run as export
    from sftflow.export.serve import serve

    if not 0 <= args.port <= 65535:
        raise UserError(f"--port must be between 0 (any free port) and 65535, got {args.port}", WHERE)
    if args.extra:  # export takes no config overrides: --key value pairs would be silently ignored
        raise UserError(f"unknown arguments: {' '.join(args.extra)}", "command line")
    if args.format is None:
        folder = args.serve if isinstance(args.serve, str) else args.target
        if not args.serve or not folder:
            raise UserError("choose --format gguf, onnx or browser (or serve a browser build: --serve DIR)", WHERE)
        return serve(Path(folder), args.port, WHERE)
    if not args.target or not args.out:
        raise UserError("sftflow export needs a run directory or model folder and --out DIR", WHERE)
    if isinstance(args.serve, str) or (args.serve and args.format != "browser"):
        raise UserError("--serve after an export serves its --out folder, and only for --format browser", WHERE)
    types = gguf_types(args.gguf_types)
    templates = run_config(args.target, args.config) if args.config else None  # None: the stage reads the run's own
    out = export(templates, args.target, kind=args.format, out=Path(args.out), types=types, overwrite=args.overwrite)
    return serve(out, args.port, WHERE) if args.serve else 0
