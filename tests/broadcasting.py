"""Shared by the broadcast tests: residents in a time zone, a started broadcast, counts."""
from __future__ import annotations

from collections import Counter
from datetime import datetime, timezone
from typing import Any

from sqlalchemy import select

from bot.broadcasts import add_recipients, create_broadcast, progress
from bot.models import Contact, Kelurahan
from bot.outbox import mark_broadcast_sending, start_broadcasts

WIB, WITA, WIT = "Asia/Jakarta", "Asia/Makassar", "Asia/Jayapura"


def utc(hour: int, minute: int = 0, day: int = 1) -> datetime:
    return datetime(2026, 12, day, hour, minute, tzinfo=timezone.utc)


def residents(rt: Any, count: int, time_zone: str = WIB, whatsapp: bool = False,
              last_whatsapp_at: datetime | None = None, first: int = 0) -> list[int]:
    """``count`` contacts in one kelurahan of ``time_zone``; returns their ids."""
    with rt.db.session() as session:
        kelurahan = session.scalar(select(Kelurahan).where(Kelurahan.name == time_zone))
        if kelurahan is None:
            kelurahan = Kelurahan(name=time_zone, kota="Kota", provinsi="Prov", time_zone=time_zone)
            session.add(kelurahan)
            session.flush()
        contacts = [
            Contact(phone=f"+628120000{first + i:04d}", kelurahan_id=kelurahan.id,
                    uses_sms=not whatsapp, uses_whatsapp=whatsapp, last_whatsapp_at=last_whatsapp_at)
            for i in range(count)
        ]
        session.add_all(contacts)
        session.flush()
        return [c.id for c in contacts]


def broadcast_to(rt: Any, contact_ids: list[int], kind: str = "announcement", **fields: Any) -> int:
    with rt.db.session() as session:
        broadcast_id = create_broadcast(session, kind, fields.pop("body_sms", "Rapat BKM besok"),
                                        templates=rt.settings.whatsapp_templates, **fields)
        add_recipients(session, broadcast_id, contact_ids)
        mark_broadcast_sending(session, broadcast_id)
    start_broadcasts(rt, [broadcast_id])
    return broadcast_id


def counts(rt: Any, broadcast_id: int, now: datetime | None = None) -> dict[str, int]:
    with rt.db.session() as session:
        return progress(session, broadcast_id, now)


def sent_to(twilio: Any) -> Counter[str]:
    return Counter(str(m["To"]) for m in twilio.messages)
