"""``conversations.directory.Directory`` declares what flows look up, and
``bot.directory.DbDirectory`` answers all of it."""
from __future__ import annotations

import inspect
import re
from pathlib import Path

import conversations
from bot.directory import DbDirectory
from conversations.directory import Directory

SOURCE = Path(conversations.__file__).parent
# turn.directory.ksms_led(), or directory.own_complaint(...) after directory = turn.directory
CALL = re.compile(r"\bdirectory\.([a-z_][a-z0-9_]*)\b")


def _declared() -> dict[str, object]:
    """The protocol's members: its methods and its annotated attributes."""
    methods = {name: value for name, value in vars(Directory).items()
               if not name.startswith("_") and inspect.isfunction(value)}
    attributes = {name: None for name in Directory.__annotations__}
    return {**methods, **attributes}


def _used_by_flows() -> set[str]:
    used: set[str] = set()
    for path in SOURCE.rglob("*.py"):
        if path.name != "directory.py":
            used.update(CALL.findall(path.read_text(encoding="utf-8")))
    return used


def test_the_protocol_declares_every_lookup_flows_make() -> None:
    used = _used_by_flows()
    assert "ksms_led" in used  # the scan reads the flows
    undeclared = sorted(used - _declared().keys())
    assert not undeclared, f"flows call these on turn.directory, Directory lacks them: {undeclared}"
    unused = sorted(_declared().keys() - used)
    assert not unused, f"Directory declares what no flow calls: {unused}"


def test_db_directory_has_every_method_of_the_protocol() -> None:
    for name, declared in _declared().items():
        if declared is None:
            continue
        implemented = getattr(DbDirectory, name, None)
        assert callable(implemented), f"DbDirectory has no {name}"
        want = [(p.name, p.default) for p in inspect.signature(declared).parameters.values()]
        got = [(p.name, p.default) for p in inspect.signature(implemented).parameters.values()]
        assert got == want, f"DbDirectory.{name}{got} is not Directory.{name}{want}"


def test_a_db_directory_is_a_directory() -> None:
    directory = DbDirectory(None, 7)  # type: ignore[arg-type]  (no look-up is made)
    assert isinstance(directory, Directory)
    assert directory.contact_id == 7
