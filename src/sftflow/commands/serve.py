"""`sftflow serve MODEL|RUN_DIR|CONFIG|FILE.gguf [--engine auto|vllm|llamacpp|transformers] [--port 8080]
[--name local] [--chat] [--database NAME=FILE.sqlite]`."""

from pathlib import Path

from sftflow.errors import UserError
from sftflow.models.engine import SERVE_ENGINES

HELP = ("an OpenAI-compatible endpoint for a model folder, run directory, adapter, .gguf file or Hub id (vLLM, "
        "llama.cpp or transformers)")
OWN_CONFIG = True  # the target may itself be a config, or a run directory holding one
# Short spellings of the serve: section's keys; `--serve.port 8081` works as well.
ALIASES = {"host": "serve.host", "port": "serve.port", "name": "serve.served_model_name"}


def add_arguments(parser) -> None:
    parser.add_argument("model", metavar="MODEL_OR_RUN_DIR", help="merged model folder, run directory (a LoRA "
                        "adapter is merged once into the cache), model folder, Hub id, or a config file (its run "
                        "directory and its serve: section)")
    parser.add_argument("--chat", action="store_true", help="also open the chat UI against the server (system "
                        "prompt and examples from the run's config)")
    parser.add_argument("--config", help="read the `serve:` section of this config (flags override it)")
    parser.add_argument("--api-key", help="require this key (default: $SFTFLOW_API_KEY, or serve.api_key_env)")
    parser.add_argument("--engine", "--backend", dest="backend", choices=SERVE_ENGINES, default="auto",
                        help="auto: vLLM when installed, llama.cpp for a .gguf file, else transformers (continuous "
                        "batching); llamacpp converts a model folder to GGUF q8_0 first (cached)")
    parser.add_argument("--database", action="append", default=[], metavar="NAME=FILE.sqlite",
                        help="a SQLite file requests may name in sftflow's extension field, {\"sftflow\": "
                        "{\"database\": NAME, \"candidates\": 4}}: SQL constrained to its schema (serve.databases; "
                        "repeatable)")
    parser.epilog = (f"{parser.epilog or ''} --port, --host and --name set serve.port, serve.host and "
                     "serve.served_model_name (default 127.0.0.1:8080, name local).")


def run(config, args) -> int:
    """TARGET a config file means its run directory, with its serve: section; --config names the file for the
    serve: section (and the chat UI's prompts) otherwise, else a run directory's own config.yaml."""
    from sftflow.config import load_config
    from sftflow.flows import serve

    overrides = {ALIASES.get(key, key): value for key, value in args.overrides.items()}
    target, config_path = args.model, args.config
    target_is_config = Path(target).suffix in (".yaml", ".yml") and Path(target).is_file()
    if target_is_config:
        config_path = config_path or target
    elif not config_path and (Path(target) / "config.yaml").is_file():
        config_path = str(Path(target) / "config.yaml")  # a run directory's resolved config
    config = load_config(config_path, overrides)
    if target_is_config:  # its run directory, with the same overrides (e.g. --output_dir)
        target = str((config if config_path == target else load_config(target, overrides)).output_dir())
    # a file named in the config may be relative to the config's folder; --database's to the working directory
    databases = {}
    for name, path in (config.serve.databases or {}).items():
        if not isinstance(path, str) or not path:
            raise UserError(f"serve.databases: {str(name)[:64]}: expected a SQLite file's path, got {path!r:.80}",
                            config.where)
        databases[name] = str(config.resolve_path(path) or path)
    for spec in args.database:
        name, sep, path = spec.partition("=")
        if not sep or not name or not path:
            raise UserError(f"--database {spec}: expected NAME=FILE.sqlite")
        databases[name] = path
    config.serve.databases = databases or None
    return serve(config, target, chat=args.chat, api_key=args.api_key, backend=args.backend)
