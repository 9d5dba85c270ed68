"""Structure figures of a checkout, to compare two trees: python3 bench/structure.py [DIR] [--over LINES]

Counts non-test source (apps and config; not bench/, scripts/, migrations, tests or the generated corpus):
its size and the ledger's share of it, the largest modules, the functions longer than --over lines (bench
and scripts included), the imports inside functions, and the URL modules. Reads files only; no Django.
    python3 bench/structure.py                       # this checkout
    git worktree add /tmp/landed 2c61eb0 && python3 bench/structure.py /tmp/landed
"""

from __future__ import annotations

import argparse
import ast
from pathlib import Path

SKIPPED_DIRS = {".venv", "node_modules", ".git", "static_src", "migrations", "tests"}


def source_files(root: Path) -> list[Path]:
    files = []
    for path in sorted(root.rglob("*.py")):
        parts = set(path.relative_to(root).parts)
        if parts & SKIPPED_DIRS or path.name.startswith("test_") or path.name == "conftest.py":
            continue
        files.append(path)
    return files


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("root", nargs="?", default=".")
    parser.add_argument("--over", type=int, default=80, help="Report functions longer than this (80).")
    options = parser.parse_args()
    root = Path(options.root).resolve()
    files = source_files(root)
    app_lines: dict[str, int] = {}
    long_functions, inner_imports, url_modules = [], [], []
    for path in files:
        relative = path.relative_to(root).as_posix()
        text = path.read_text(encoding="utf-8")
        if not relative.startswith(("bench/", "scripts/")) and "/corpus/" not in relative:
            app_lines[relative] = text.count("\n")
        if path.name in ("urls.py", "api_router.py") or path.name.endswith("_urls.py"):
            url_modules.append(relative)
        tree = ast.parse(text, filename=relative)
        functions = [n for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))]
        for function in functions:
            length = function.end_lineno - function.lineno + 1
            if length > options.over:
                long_functions.append((length, f"{relative}:{function.name}"))
            inner_imports += [f"{relative}:{node.lineno}" for node in ast.walk(function)
                              if isinstance(node, (ast.Import, ast.ImportFrom))]
    total = sum(app_lines.values())
    ledger = sum(n for name, n in app_lines.items() if name.startswith("transactions/"))
    largest = sorted(app_lines.items(), key=lambda item: -item[1])[:5]
    print(f"non-test source: {total:,} lines; transactions/ holds {ledger / total:.0%}")
    print("largest modules: " + ", ".join(f"{name} ({lines})" for name, lines in largest))
    print(f"functions over {options.over} lines: {len(long_functions)}"
          + "".join(f"\n  {length:4d}  {name}" for length, name in sorted(long_functions, reverse=True)))
    print(f"imports inside functions: {len(set(inner_imports))}")
    print(f"URL modules: {len(url_modules)}")


if __name__ == "__main__":
    main()
