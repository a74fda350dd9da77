"""`sftflow chat [CONFIG] [--base-url URL]`, and `mode: interact`."""

HELP = ("web chat UI (gradio) against an OpenAI-compatible endpoint; system prompt and example prompts from the "
        "config")


def add_arguments(parser) -> None:
    parser.add_argument("config", nargs="?", help="experiment config (templates, test split, chat: section)")
    parser.add_argument("--base-url", help="endpoint (default: chat.base_url, $OPENAI_API_BASE, the local server)")
    parser.add_argument("--model", help="model name to request (default: serve.served_model_name)")
    parser.add_argument("--api-key", help="endpoint key (default: $OPENAI_API_KEY, or chat.api_key_env)")
    parser.add_argument("--share", action="store_true", default=None,
                        help="create a public gradio share link (off unless asked)")


def run(config, args) -> int:
    from sftflow.chat.ui import run as chat

    chat(config, base_url=getattr(args, "base_url", None), api_key=getattr(args, "api_key", None),
         model=getattr(args, "model", None), share=getattr(args, "share", None))
    return 0
