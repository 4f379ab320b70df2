"""Shared steps of the meeting and monev tests: a KSM with members in a time zone, and
messages received at a chosen moment."""
from __future__ import annotations

import itertools
import uuid
from dataclasses import replace
from datetime import datetime
from typing import Any

from sqlalchemy import select

from bot.inbound import receive
from bot.inbound_message import InboundMessage
from bot.models import Contact, Kelurahan, Ksm, KsmMember
from bot.models import ksm as k
from tests.transcript import handle_and_read_replies

WIB, WITA, WIT = "Asia/Jakarta", "Asia/Makassar", "Asia/Jayapura"
_numbers = itertools.count(1)
_codes = itertools.count(20001)


def fast(rt: Any) -> Any:
    rt.settings = replace(rt.settings, sms_rate_per_second=1000.0, whatsapp_rate_per_second=1000.0)
    return rt


def make_ksm(rt: Any, time_zone: str = WIB, members: int = 3, status: str = k.VERIFIED,
             verified_at: datetime | None = None, kelurahan: str | None = None,
             language: str = "id") -> dict[str, Any]:
    """A KSM whose leader and ``members - 1`` others are confirmed; returns ids/phones."""
    with rt.db.session() as session:
        name = kelurahan or f"Kel {time_zone}"
        kel = session.scalar(select(Kelurahan).where(Kelurahan.name == name))
        if kel is None:
            kel = Kelurahan(name=name, kota="Kota", provinsi="Prov", time_zone=time_zone)
            session.add(kel)
            session.flush()
        contacts = [Contact(phone=f"+62813{next(_numbers):08d}", kelurahan_id=kel.id,
                            uses_sms=True, language=language) for _ in range(members)]
        session.add_all(contacts)
        session.flush()
        ksm = Ksm(code=str(next(_codes)), name=f"KSM {contacts[0].phone[-4:]}", kelurahan_id=kel.id,
                  field="ekonomi", unit="UPK", goal="Usaha bersama", status=status,
                  leader_contact_id=contacts[0].id, verified_at=verified_at)
        session.add(ksm)
        session.flush()
        for i, contact in enumerate(contacts):
            session.add(KsmMember(ksm_id=ksm.id, contact_id=contact.id, name=f"Anggota {i}",
                                  gender="P", role=k.LEADER if i == 0 else k.MEMBER,
                                  status=k.CONFIRMED))
        return {"id": ksm.id, "name": ksm.name, "code": ksm.code, "kelurahan_id": kel.id,
                "leader": contacts[0].phone, "members": [c.phone for c in contacts[1:]],
                "contact_ids": [c.id for c in contacts]}


def say(rt: Any, phone: str, text: str, now: datetime) -> str:
    """``phone`` texts ``text`` at ``now`` (the webhook's path, with a chosen clock)."""
    message = InboundMessage(external_id="SM" + uuid.uuid4().hex, phone=phone, channel="sms", body=text)
    receive(rt, message, now=now)
    return "\n".join(handle_and_read_replies(rt, message.external_id))


def bodies_to(twilio: Any, phone: str) -> list[str]:
    return [str(m["Body"]) for m in twilio.notices if str(m["To"]) == phone]
