"""What publishing an announcement would cost: who gets it, by which provider, how many
SMS segments, at what estimated price.

Each recipient's route is asked of ``workers.channels`` (the one place that decides
SMS vs WhatsApp, template or fallback, Twilio vs the gateway), as it would be decided
if the message left now; the WhatsApp window may close before it does, hence an
estimate. Recipients are those the broadcast would reach: confirmed members of the
kelurahan's KSMs, opted-out, invalid and simulated numbers excluded (they are skipped
at send time).
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.models import Contact
from conversations.catalogue import LANGUAGES
from conversations.gsm import segments
from workers.channels import SMSGATE, TEMPLATE, choose_route, sms_provider

# What an officer reads for each way a message goes.
SMS_VIA_GATEWAY = "SMS lewat ponsel gateway (SIM lokal)"
SMS_VIA_TWILIO = "SMS lewat Twilio"
WHATSAPP_TEXT = "WhatsApp (dalam 24 jam sejak pesan terakhir warga)"
WHATSAPP_TEMPLATE = "WhatsApp template (di luar 24 jam)"


@dataclass
class Line:
    """One way the messages go: people, SMS segments (0 on WhatsApp), cost."""

    label: str
    people: int = 0
    sms: int = 0
    cost: float = 0.0


@dataclass
class Estimate:
    """The confirmation's numbers: "Kirim ke {people} orang, perkiraan biaya Rp {cost}
    ({sms} SMS)"."""

    people: int = 0
    sms: int = 0
    cost: float = 0.0
    lines: dict[str, Line] = field(default_factory=dict)

    def add(self, label: str, people: int, sms: int, cost: float) -> None:
        line = self.lines.setdefault(label, Line(label))
        line.people += people
        line.sms += sms
        line.cost += cost
        self.people += people
        self.sms += sms
        self.cost += cost


def estimate(session: Session, recipients: Any, bodies: Mapping[str, tuple[str, str]],
             settings: Any, now: datetime, content_sid: str | None = None) -> Estimate:
    """Count the recipients by route and price them.

    Args:
        recipients: a select of contact ids (``announcements.recipients``).
        bodies: per language, the (SMS, WhatsApp) texts the broadcast would carry.
        settings: the runtime's settings (SMS provider and prices).
        content_sid: the approved WhatsApp template of announcements, if any.
    """
    ids = recipients.subquery()
    groups = session.execute(
        select(Contact.language, Contact.uses_whatsapp, Contact.last_whatsapp_at,
               func.count(func.distinct(Contact.id)))
        .join(ids, ids.c[0] == Contact.id)
        .where(Contact.opted_out.is_(False), Contact.invalid_number.is_(False),
               Contact.simulated.is_(False))
        .group_by(Contact.language, Contact.uses_whatsapp, Contact.last_whatsapp_at)).all()
    result = Estimate()
    for language, uses_whatsapp, last_whatsapp_at, people in groups:
        # As bot.services.notices.broadcast_text: an unknown language reads Indonesian,
        # and WhatsApp users are queued for WhatsApp (announcements have its text).
        body_sms, body_whatsapp = bodies[language if language in LANGUAGES else "id"]
        channel = "whatsapp" if uses_whatsapp else "sms"
        route = choose_route(channel, last_whatsapp_at, now, body_sms, body_whatsapp,
                             content_sid, sms=sms_provider(settings, channel))
        if route.channel == "sms":
            units = segments(route.body)
            if route.provider == SMSGATE:
                result.add(SMS_VIA_GATEWAY, people, people * units,
                           people * units * settings.smsgate_price_per_segment)
            else:
                result.add(SMS_VIA_TWILIO, people, people * units,
                           people * units * settings.sms_price_per_segment)
        elif route.via == TEMPLATE:
            result.add(WHATSAPP_TEMPLATE, people, 0, people * settings.whatsapp_template_price)
        else:
            result.add(WHATSAPP_TEXT, people, 0, people * settings.whatsapp_price_per_message)
    return result
