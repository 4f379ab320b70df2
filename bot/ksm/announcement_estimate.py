"""What publishing an announcement would cost: who gets it, by which provider, how many
SMS segments, at what estimated price.

Each recipient's route is asked of ``bot.channels`` (the one place that decides
SMS vs WhatsApp, template or fallback, Twilio vs the gateway), as it would be decided
if the message left now; the WhatsApp window may close before it does, hence an
estimate. Recipients are those the broadcast would reach: confirmed members of the
kelurahan's KSMs, opted-out, invalid and simulated numbers excluded (they are skipped
at send time); and the notices publishing queues for the leaders of KSMs not chosen,
each in its leader's language on the channel ``ksm.notice_channel`` gives it, priced by
the route ``bot.channels`` would give a queued notice (the notice kind's template).
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.channels import SMSGATE, TEMPLATE, Route, choose_route, sms_provider
from bot.models import Contact
from bot.ksm.registration import NOTICE, notice_channel
from conversations.catalogue import LANGUAGES, render
from conversations.gsm import segments

# What an officer reads for each way a message goes.
SMS_VIA_GATEWAY = "SMS lewat ponsel gateway (SIM lokal)"
SMS_VIA_TWILIO = "SMS lewat Twilio"
WHATSAPP_TEXT = "WhatsApp (dalam 24 jam sejak pesan terakhir warga)"
WHATSAPP_TEMPLATE = "WhatsApp template (di luar 24 jam)"


@dataclass
class Line:
    """One way the messages go: messages, SMS segments (0 on WhatsApp), cost."""

    label: str
    messages: int = 0
    sms: int = 0
    cost: float = 0.0


@dataclass
class Estimate:
    """The confirmation's numbers: "Kirim {messages} pesan ({members} anggota KSM,
    {leaders} ketua KSM yang belum terpilih), perkiraan biaya Rp {cost} ({sms} SMS)"."""

    members: int = 0
    leaders: int = 0
    lines: dict[str, Line] = field(default_factory=dict)

    def add(self, label: str, messages: int, sms: int, cost: float) -> None:
        line = self.lines.setdefault(label, Line(label))
        line.messages += messages
        line.sms += sms
        line.cost += cost

    @property
    def messages(self) -> int:
        return sum(line.messages for line in self.lines.values())

    @property
    def sms(self) -> int:
        return sum(line.sms for line in self.lines.values())

    @property
    def cost(self) -> float:
        return sum(line.cost for line in self.lines.values())

    def price(self, route: Route, messages: int, settings: Any) -> None:
        """Add ``messages`` that take ``route``."""
        if route.channel == "sms":
            units = segments(route.body)
            if route.provider == SMSGATE:
                self.add(SMS_VIA_GATEWAY, messages, messages * units,
                         messages * units * settings.smsgate_price_per_segment)
            else:
                self.add(SMS_VIA_TWILIO, messages, messages * units,
                         messages * units * settings.sms_price_per_segment)
        elif route.via == TEMPLATE:
            self.add(WHATSAPP_TEMPLATE, messages, 0, messages * settings.whatsapp_template_price)
        else:
            self.add(WHATSAPP_TEXT, messages, 0, messages * settings.whatsapp_price_per_message)


def _sendable() -> Any:
    """Skipped at send time, so neither sent nor counted."""
    return (Contact.opted_out.is_(False), Contact.invalid_number.is_(False),
            Contact.simulated.is_(False))


def estimate(session: Session, recipients: Any, bodies: Mapping[str, tuple[str, str]],
             settings: Any, now: datetime, content_sid: str | None = None,
             notices: Sequence[tuple[int, str, Mapping[str, Any]]] = ()) -> Estimate:
    """Count the recipients and notices by route and price them.

    Args:
        recipients: a select of contact ids (``announcements.recipients``).
        bodies: per language, the (SMS, WhatsApp) texts the broadcast would carry.
        settings: the runtime's settings (SMS provider and prices).
        content_sid: the approved WhatsApp template of announcements, if any.
        notices: the single messages publishing queues, as ``ksm.notify`` takes them:
            (contact id, catalogue key, parameters).
    """
    ids = recipients.subquery()
    groups = session.execute(
        select(Contact.language, Contact.uses_whatsapp, Contact.last_whatsapp_at,
               func.count(func.distinct(Contact.id)))
        .join(ids, ids.c[0] == Contact.id)
        .where(*_sendable())
        .group_by(Contact.language, Contact.uses_whatsapp, Contact.last_whatsapp_at)).all()
    result = Estimate()
    for language, uses_whatsapp, last_whatsapp_at, people in groups:
        # As bot.messaging.notices.broadcast_text: an unknown language reads Indonesian,
        # and WhatsApp users are queued for WhatsApp (announcements have its text).
        body_sms, body_whatsapp = bodies[language if language in LANGUAGES else "id"]
        channel = "whatsapp" if uses_whatsapp else "sms"
        route = choose_route(channel, last_whatsapp_at, now, body_sms, body_whatsapp,
                             content_sid, sms=sms_provider(settings, channel))
        result.price(route, people, settings)
        result.members += people
    _price_notices(session, result, notices, settings, now)
    return result


def _price_notices(session: Session, result: Estimate,
                   notices: Sequence[tuple[int, str, Mapping[str, Any]]], settings: Any,
                   now: datetime) -> None:
    if not notices:
        return
    contacts = {row.id: row for row in session.execute(
        select(Contact.id, Contact.language, Contact.uses_whatsapp, Contact.uses_sms,
               Contact.last_whatsapp_at)
        .where(Contact.id.in_({contact_id for contact_id, _, _ in notices}), *_sendable()))}
    for contact_id, key, params in notices:
        contact = contacts.get(contact_id)
        if contact is None:
            continue
        # As ksm.notify queues it and workers.outbound sends a queued notice.
        channel = notice_channel(contact.uses_whatsapp, contact.uses_sms)
        route = choose_route(channel, contact.last_whatsapp_at, now,
                             render(key, contact.language, **params),
                             content_sid=settings.whatsapp_templates.get(NOTICE),
                             sms=sms_provider(settings, channel))
        result.price(route, 1, settings)
        result.leaders += 1
