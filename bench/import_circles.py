"""Import circles among bot/ and workers/ modules, counting imports inside functions.

Run: ``python bench/import_circles.py [package ...]`` (default: bot workers). Reads the
source with ``ast`` (nothing is imported), draws an edge for every ``import`` and
``from ... import`` anywhere in a module (top level, functions, ``TYPE_CHECKING`` blocks),
and prints each strongly connected component of more than one module: a circle.
``from pkg import name`` counts as an import of ``pkg.name`` when that is a module, else
of ``pkg``; ``importlib.import_module("pkg.mod")`` with a literal name counts as an
import of it (loading by name does not hide an arrow); the implicit import of a parent
package's ``__init__`` is not counted.
"""
from __future__ import annotations

import ast
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def modules(packages: list[str]) -> dict[str, Path]:
    found = {}
    for package in packages:
        for path in sorted((ROOT / package).rglob("*.py")):
            parts = list(path.relative_to(ROOT).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            found[".".join(parts)] = path
    return found


def imports(name: str, path: Path, known: dict[str, Path]) -> set[str]:
    tree = ast.parse(path.read_text(), str(path))
    is_package = path.name == "__init__.py"
    edges = set()
    for node in ast.walk(tree):
        targets: list[str] = []
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = name.split(".")
                if not is_package:
                    anchor = anchor[:-1]
                anchor = anchor[:len(anchor) - (node.level - 1)]
                base = ".".join(anchor + ([base] if base else []))
            targets = [f"{base}.{alias.name}" if f"{base}.{alias.name}" in known else base
                       for alias in node.names]
        elif (isinstance(node, ast.Call) and _called(node.func) in ("import_module", "__import__")
              and node.args and isinstance(node.args[0], ast.Constant)
              and isinstance(node.args[0].value, str)):
            targets = [node.args[0].value]
        for target in targets:
            # ``import bot.models.messaging`` names a module; keep the longest known prefix.
            while target and target not in known:
                target = target.rpartition(".")[0]
            if target and target != name:
                edges.add(target)
    return edges


def _called(func: ast.expr) -> str:
    """The name a call calls: ``import_module`` for both ``import_module(...)`` and
    ``importlib.import_module(...)``."""
    if isinstance(func, ast.Attribute):
        return func.attr
    return func.id if isinstance(func, ast.Name) else ""


def circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Tarjan's strongly connected components of more than one node."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = 0
    sys.setrecursionlimit(10000)

    def visit(node: str) -> None:
        nonlocal counter
        index[node] = low[node] = counter
        counter += 1
        stack.append(node)
        on_stack.add(node)
        for nxt in graph[node]:
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                component.append(top)
                if top == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return sorted(found, key=len, reverse=True)


def main(argv: list[str]) -> int:
    packages = argv or ["bot", "workers"]
    known = modules(packages)
    graph = {name: imports(name, path, known) for name, path in known.items()}
    found = circles(graph)
    for component in found:
        print(f"{len(component)} modules: {' '.join(component)}")
    print(f"{len(found)} circles, {sum(map(len, found))} modules in them, "
          f"{len(known)} modules read")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
