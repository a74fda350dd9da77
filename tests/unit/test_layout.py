"""The code's shape, held in CI beside import-linter's layers (pyproject.toml): no module takes a private name
from another package, the CLI stays a table, no import cycle, and no module or function too long to read."""

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parents[2] / "src" / "sftflow"


def package_of(module: str) -> str:
    """sftflow.data.curate.run -> sftflow.data; top-level modules are their own package."""
    return ".".join(module.split(".")[:2])


def modules():
    for path in sorted(SRC.rglob("*.py")):
        parts = path.relative_to(SRC.parent).with_suffix("").parts
        yield ".".join(parts[:-1] if parts[-1] == "__init__" else parts), path


def test_no_module_imports_a_private_name_of_another_package():
    found = []
    for module, path in modules():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("sftflow"):
                private = [a.name for a in node.names if a.name.startswith("_")]
                if private and package_of(node.module) != package_of(module):
                    found.append(f"{module} imports {', '.join(private)} from {node.module}")
    assert found == []


def test_the_cli_is_a_short_table_of_verbs():
    from sftflow import cli

    assert len((SRC / "cli.py").read_text().splitlines()) < 120
    parser = cli.build_parser()
    verbs = parser._subparsers._group_actions[0].choices  # argparse keeps no public list of subcommands
    assert set(verbs) == set(cli.VERBS)


def test_no_import_cycle_between_modules_function_level_imports_included():
    import grimp  # import-linter's graph: every import statement, those inside functions too

    graph = grimp.build_graph("sftflow", exclude_type_checking_imports=True)
    state, cycles = {}, []

    def visit(module: str, path: list[str]) -> None:
        state[module] = "open"
        for imported in sorted(graph.find_modules_directly_imported_by(module)):
            if state.get(imported) == "open":
                cycles.append(" -> ".join(path[path.index(imported):] + [imported]))
            elif imported not in state:
                visit(imported, [*path, imported])
        state[module] = "done"

    for module in sorted(graph.modules):
        if module not in state:
            visit(module, [module])
    assert cycles == []


def test_every_module_is_under_400_lines_and_every_function_under_60():
    """The sizes a newcomer can read in one sitting (data the generators read is YAML/SQL, not Python)."""
    long_modules, long_functions = [], []
    for path in sorted(SRC.rglob("*.py")):
        if "node_modules" in path.parts:  # the export page's npm packages (installed by setup.sh) are not ours
            continue
        text = path.read_text(encoding="utf-8")
        if text.count("\n") >= 400:
            long_modules.append(f"{path.relative_to(SRC)} ({text.count(chr(10))} lines)")
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.end_lineno - node.lineno >= 60:
                long_functions.append(f"{path.relative_to(SRC)}:{node.name} ({node.end_lineno - node.lineno + 1})")
    assert long_modules == [] and long_functions == []
