"""The house's shape (issue 25): no import circle among bot/, workers/ and
conversations/, counting imports inside functions; the domain never imports the
workers; the pure engine imports neither."""
from __future__ import annotations

from bench.import_circles import circles, imports, modules


def _graph() -> dict[str, set[str]]:
    known = modules(["bot", "workers", "conversations"])
    return {name: imports(name, path, known) for name, path in known.items()}


def test_no_import_circle() -> None:
    assert circles(_graph()) == []


def test_only_the_command_line_imports_the_workers_it_starts() -> None:
    graph = _graph()
    into_workers = {name for name, targets in graph.items()
                    if name.startswith("bot") and any(t.startswith("workers") for t in targets)}
    assert into_workers == {"bot.cli", "bot.serve"}


def test_the_engine_imports_nothing_of_the_house() -> None:
    graph = _graph()
    leaks = {name: sorted(t for t in targets if t.startswith(("bot", "workers")))
             for name, targets in graph.items() if name.startswith("conversations")}
    assert {name: t for name, t in leaks.items() if t} == {}
