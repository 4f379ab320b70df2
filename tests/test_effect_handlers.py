"""The table in ``bot.effects`` names exactly one handler for every effect the engine
can return: an effect added to a flow without a handler fails here, not in production."""
from __future__ import annotations

import ast
import importlib
import inspect
import pkgutil
from pathlib import Path

import pytest

import conversations
from bot import effects
from conversations.model import Effect


def _effect_types() -> set[type[Effect]]:
    """Every Effect subclass defined in ``conversations``, once all its modules are
    imported (a flow's effects exist only once its module is)."""
    for module in pkgutil.walk_packages(conversations.__path__, "conversations."):
        importlib.import_module(module.name)
    found: set[type[Effect]] = set()
    todo: list[type[Effect]] = [Effect]
    while todo:
        for sub in todo.pop().__subclasses__():
            if sub.__module__.startswith("conversations.") and sub not in found:
                found.add(sub)
                todo.append(sub)
    return found


def test_every_effect_has_a_handler() -> None:
    defined = _effect_types()
    assert len(defined) > 20  # the walk found the flows' effects, not just the model's
    missing = sorted(t.__qualname__ for t in defined - effects.HANDLERS.keys())
    assert not missing, f"effects with no handler in bot.effects.HANDLERS: {missing}"
    strays = sorted(t.__qualname__ for t in effects.HANDLERS.keys() - defined)
    assert not strays, f"handlers for what is not an effect of conversations: {strays}"


def test_each_handler_takes_the_effect_it_is_listed_for() -> None:
    for effect_type, handler in effects.HANDLERS.items():
        first = next(iter(inspect.signature(handler).parameters.values()))
        assert first.annotation in (effect_type.__name__, effect_type), (
            f"{effect_type.__name__} is handled by {handler.__module__}.{handler.__name__}, "
            f"which takes {first.annotation}")


def test_no_effect_is_listed_twice() -> None:
    """A dict literal keeps the last of two equal keys without a word: read the source."""
    tree = ast.parse(Path(effects.__file__).read_text(encoding="utf-8"))
    table = next(node.value for node in ast.walk(tree)
                 if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name)
                 and node.target.id == "HANDLERS")
    assert isinstance(table, ast.Dict)
    keys = [ast.unparse(key) for key in table.keys if key is not None]
    assert sorted(keys) == sorted(set(keys)), f"listed twice: {sorted(k for k in keys if keys.count(k) > 1)}"
    assert len(keys) == len(effects.HANDLERS)


def test_apply_refuses_an_effect_with_no_handler() -> None:
    class Unhandled(Effect):
        pass

    with pytest.raises(LookupError, match="Unhandled"):
        effects.apply([Unhandled()], None)  # type: ignore[arg-type]
