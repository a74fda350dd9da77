"""`sftflow merge CONFIG` (a LoRA adapter into its base) or `sftflow merge RECIPE.yaml` (models, with mergekit)."""

HELP = "merge a LoRA adapter into its base (CONFIG), or models with mergekit (RECIPE.yaml with merge_method)"
OWN_CONFIG = True  # the file may be a recipe, which is not an experiment config


def add_arguments(parser) -> None:
    parser.add_argument("config", help="experiment config (LoRA merge) or model-merging recipe")
    parser.add_argument("--overwrite", action="store_true", help="replace a different model in the output folder")


def run(config, args) -> int:
    from sftflow.config import load_config
    from sftflow.flows import merge_recipe
    from sftflow.merge.run import read_recipe
    from sftflow.merge.run import run as merge

    recipe = read_recipe(args.config)
    if recipe is not None:
        print(f"[sftflow] merged model: {merge_recipe(args.config, args.overwrite, recipe)}")
        return 0
    overrides = {**args.overrides, **({"merge.overwrite": "true"} if args.overwrite else {})}
    print(f"[sftflow] merged model: {merge(load_config(args.config, overrides))}")
    return 0
