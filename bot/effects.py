"""Applying the engine's effects inside the inbound transaction.

Each effect type has one handler, registered with :func:`handles`. A handler may return
parameters for the replies (a new complaint's code) and may queue outbound messages,
which are pushed to the job queue after the transaction commits.
"""
from __future__ import annotations

from typing import Any, Callable, TypeVar

from sqlalchemy import update

from bot.effect_context import EffectContext
from bot.models import Contact, ConversationSession
from conversations.model import PARKED, Effect, OptIn, OptOut, ResumeParked, SetLanguage


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


@handles(SetLanguage)
def _set_language(effect: SetLanguage, ctx: EffectContext) -> None:
    ctx.session.execute(
        update(Contact).where(Contact.id == ctx.contact_id).values(language=effect.language)
    )
    ctx.language = effect.language


@handles(ResumeParked)
def _resume_parked(effect: ResumeParked, ctx: EffectContext) -> None:
    """The parked dialog goes on in a new session; the parked one cannot be taken up twice."""
    ctx.session.execute(
        update(ConversationSession)
        .where(ConversationSession.id == effect.session_id,
               ConversationSession.contact_id == ctx.contact_id,
               ConversationSession.status == PARKED)
        .values(status="resumed", updated_at=ctx.now))


@handles(OptOut)
def _opt_out(effect: OptOut, ctx: EffectContext) -> None:
    ctx.session.execute(
        update(Contact)
        .where(Contact.id == ctx.contact_id)
        .values(opted_out=True, opted_out_at=ctx.now)
    )
    ctx.opted_out = True


@handles(OptIn)
def _opt_in(effect: OptIn, ctx: EffectContext) -> None:
    ctx.session.execute(
        update(Contact).where(Contact.id == ctx.contact_id).values(opted_out=False, opted_out_at=None)
    )
    ctx.opted_out = False
