"""Catalogue texts to many residents through the broadcast machinery.

Meeting notices, reminders, monev reminders and announcements all go out as broadcasts
(one send row per recipient, quiet hours, opt-out and the WhatsApp window checked at send
time). A broadcast carries one text, so recipients are split by language: one broadcast
per language that has recipients.
"""
from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import Select, delete, func, select
from sqlalchemy.orm import Session, aliased

from bot.broadcasts import add_recipients, create_broadcast
from bot.models import Broadcast, BroadcastSend, Contact
from bot.outbox import mark_broadcast_sending
from bot.usefulness import settings_of, useful_until
from conversations.catalogue import LANGUAGES, render


def broadcast_text(
    session: Session,
    kind: str,
    key: str,
    params: Mapping[str, Any],
    recipients: Select[Any],
    now: datetime,
    kelurahan_id: int | None = None,
    templates: Mapping[str, str] | None = None,
    key_whatsapp: str | None = None,
    whatsapp_params: Mapping[str, Any] | None = None,
    expires_at: datetime | None = None,
) -> list[int]:
    """Create and mark as sending one broadcast per language for ``recipients``.

    Args:
        recipients: a select of one column, the contact ids
            (``select(KsmMember.contact_id).where(...)``).
        key_whatsapp: a longer text for WhatsApp, if any; ``whatsapp_params`` override
            ``params`` in it.
        expires_at: not sent after this (a meeting's start, an announcement's date);
            by default the window of ``kind`` from ``now`` (``bot.usefulness``).

    Returns:
        The ids of the broadcasts made; the caller starts them after its commit
        (``bot.outbox.start_broadcasts``; an effect handler adds them to ``ctx.broadcast_ids``). If
        that never happens the sweep's ``resume_broadcasts`` starts them.
    """
    made = []
    if expires_at is None:
        expires_at = useful_until(kind, now, settings_of(session))
    # An alias, not Contact itself: add_recipients selects FROM contact, and a subquery
    # naming the same table would be correlated to it, i.e. run once per contact row
    # (minutes for 20,000 leaders) instead of once as a hash semi-join.
    reader = aliased(Contact)
    wanted = recipients.subquery()
    for language in LANGUAGES:
        body = render(key, language, **params)
        whatsapp = (render(key_whatsapp, language, **{**params, **(whatsapp_params or {})})
                    if key_whatsapp else None)
        broadcast_id = create_broadcast(session, kind, body, whatsapp, templates=templates,
                                        kelurahan_id=kelurahan_id, now=now,
                                        expires_at=expires_at)
        # Contacts with a language we do not have read the Indonesian text.
        lang_filter = (reader.language == language if language != "id"
                       else reader.language.not_in([x for x in LANGUAGES if x != "id"]))
        chosen = select(reader.id).join(wanted, reader.id == wanted.c[0]).where(
            lang_filter, reader.opted_out.is_(False))
        add_recipients(session, broadcast_id, chosen)
        # Counted, not taken from add_recipients: with a select as source, psycopg
        # reports rowcount -1 for the INSERT ... SELECT (so it returns 0).
        added = session.scalar(select(func.count()).select_from(BroadcastSend)
                               .where(BroadcastSend.broadcast_id == broadcast_id))
        if not added:
            session.execute(delete(Broadcast).where(Broadcast.id == broadcast_id))
            continue
        mark_broadcast_sending(session, broadcast_id, now)
        made.append(broadcast_id)
    return made

