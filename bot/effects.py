"""Applying the engine's effects inside the inbound transaction.

Each effect type has one handler, registered with :func:`handles`. A handler may return
parameters for the replies (a new complaint's code) and may queue outbound messages,
which are pushed to the job queue after the transaction commits.
"""
from __future__ import annotations

from typing import Any, Callable, TypeVar

from bot.effect_context import EffectContext
from conversations.model import Effect


E = TypeVar("E", bound=Effect)
Handler = Callable[[Any, EffectContext], "dict[str, Any] | None"]
_HANDLERS: dict[type, Handler] = {}


def handles(effect_type: type[E]) -> Callable[[Callable[[E, EffectContext], Any]], Callable[[E, EffectContext], Any]]:
    """Register the decorated function as the handler of ``effect_type``."""

    def register(func: Callable[[E, EffectContext], Any]) -> Callable[[E, EffectContext], Any]:
        if effect_type in _HANDLERS:
            raise ValueError(f"two handlers for {effect_type.__name__}")
        _HANDLERS[effect_type] = func
        return func

    return register


def apply(effects: list[Effect], ctx: EffectContext) -> dict[str, Any]:
    """Apply ``effects`` in order; returns the reply parameters they produced."""
    _load_handlers()
    results: dict[str, Any] = {}
    for effect in effects:
        handler = _HANDLERS.get(type(effect))
        if handler is None:
            raise LookupError(f"no handler for effect {type(effect).__name__}")
        produced = handler(effect, ctx)
        if produced:
            results.update(produced)
    return results


def _load_handlers() -> None:
    """Import the domain modules that register handlers (once)."""
    import bot.services  # noqa: F401
