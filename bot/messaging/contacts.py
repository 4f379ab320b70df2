"""A contact's own settings as the engine changes them: language, opt-out (BERHENTI and
back), and a parked dialog taken up again (LANJUT)."""
from __future__ import annotations

from sqlalchemy import update

from bot.effect_context import EffectContext
from bot.models import Contact, ConversationSession
from conversations.model import PARKED, OptIn, OptOut, ResumeParked, SetLanguage


def set_language(effect: SetLanguage, ctx: EffectContext) -> None:
    ctx.session.execute(
        update(Contact).where(Contact.id == ctx.contact_id).values(language=effect.language)
    )
    ctx.language = effect.language


def resume_parked(effect: ResumeParked, ctx: EffectContext) -> None:
    """The parked dialog goes on in a new session; the parked one cannot be taken up twice."""
    ctx.session.execute(
        update(ConversationSession)
        .where(ConversationSession.id == effect.session_id,
               ConversationSession.contact_id == ctx.contact_id,
               ConversationSession.status == PARKED)
        .values(status="resumed", updated_at=ctx.now))


def opt_out(effect: OptOut, ctx: EffectContext) -> None:
    ctx.session.execute(
        update(Contact)
        .where(Contact.id == ctx.contact_id)
        .values(opted_out=True, opted_out_at=ctx.now)
    )
    ctx.opted_out = True


def opt_in(effect: OptIn, ctx: EffectContext) -> None:
    ctx.session.execute(
        update(Contact).where(Contact.id == ctx.contact_id).values(opted_out=False, opted_out_at=None)
    )
    ctx.opted_out = False
