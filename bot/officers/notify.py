"""The officers' notification channel: a short SMS or WhatsApp message to an officer's
verified phone, with a link to the page to act on.

One front door, :func:`tell_officer`, for every message to an officer (complaints:
``bot.complaints.officer_alerts`` and ``digest``; the gateway phones' health:
``bot.gateway_alerts``). It
goes through the outbox like any resident's notice, so quiet hours (in the officer's
zone, kept on their contact), opt-out (BERHENTI from that phone, as a resident) and the
send rate apply at the send claim and nowhere else. The officer's phone is a
:class:`Contact`; which one, the channel and the mode are on the :class:`Officer`.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.areas.local_time import officer_zone
from bot.models import Contact, Officer, OfficerAlert
from bot.models.officer_notify import CHANNELS, DIGEST, IMMEDIATE, MODES, OFF
from bot.outbox import queue_message
from bot.phone import display
from conversations.gsm import to_gsm7

__all__ = ["CHANNELS", "DIGEST", "IMMEDIATE", "MODES", "OFF", "ALERT_KIND", "NotifyError",
           "tell_officer", "told", "told_since", "page_url", "contact_for", "verified",
           "choose", "state"]

ALERT_KIND = "officer_alert"  # Message.kind; a WhatsApp template may be set for it
MODE_LABELS = {IMMEDIATE: "Segera", DIGEST: "Ringkasan harian 07.00", OFF: "Mati"}
CHANNEL_LABELS = {"whatsapp": "WhatsApp", "sms": "SMS"}


class NotifyError(ValueError):
    """A choice the page cannot take; the text says why, in Indonesian."""


def tell_officer(session: Session, officer: Officer, text: str, link: str,
                 key: str | None = None, now: datetime | None = None,
                 mode: str = IMMEDIATE, kind: str = ALERT_KIND,
                 provider: str | None = None, device_id: str | None = None) -> int | None:
    """Queue ``text`` and ``link`` for ``officer`` if they chose ``mode`` and have a
    verified phone, once per ``key`` (an event's name: a second call with the same key
    queues nothing).

    ``text`` must say what happened without the complainant's name, number or words;
    with the link it should fit one SMS (160 GSM-7 characters). ``provider`` and
    ``device_id``: the way it should leave by SMS (``bot.outbox.queue_message``), for a
    caller that must avoid one (a gateway phone in trouble).

    Returns:
        The message id to enqueue after the caller commits, or None.
    """
    now = now or datetime.now(timezone.utc)
    if not (officer.active and officer.notify_contact_id and officer.notify_mode == mode):
        return None
    if key is not None and told(session, officer.id, key):
        return None
    message_id = queue_message(session, officer.notify_contact_id, officer.notify_channel,
                               to_gsm7(f"{text} {link}".strip()), kind=kind, now=now,
                               provider=provider, device_id=device_id)
    if key is not None:
        record(session, officer.id, key, message_id, now)
    return message_id


def told(session: Session, officer_id: int, key: str) -> bool:
    """Whether the officer was told of ``key`` already (or it was settled: an empty
    digest)."""
    return session.scalar(select(OfficerAlert.id).where(
        OfficerAlert.officer_id == officer_id, OfficerAlert.key == key)) is not None


def told_since(session: Session, officer_id: int, prefix: str, since: datetime) -> bool:
    """Whether the officer was told of a key starting with ``prefix`` since ``since``
    (an event told at most once a day: its keys name the day)."""
    return session.scalar(select(OfficerAlert.id).where(
        OfficerAlert.officer_id == officer_id, OfficerAlert.key.startswith(prefix),
        OfficerAlert.created_at >= since).limit(1)) is not None


def record(session: Session, officer_id: int, key: str, message_id: int | None,
           now: datetime) -> None:
    """Mark ``key`` as told to the officer (``message_id`` None: nothing to say)."""
    session.add(OfficerAlert(officer_id=officer_id, key=key, message_id=message_id,
                             created_at=now))
    session.flush()


def subscribed(mode: str = IMMEDIATE) -> Any:
    """The condition on :class:`Officer` for those who hear by ``mode``."""
    return (Officer.active.is_(True), Officer.notify_mode == mode,
            Officer.notify_contact_id.is_not(None))


def page_url(settings: Any, path: str) -> str:
    """The dashboard's ``path`` as an absolute link (``PUBLIC_BASE_URL``; on the embedded
    default, this machine's address)."""
    base = getattr(settings, "public_base_url", None) or (
        f"http://127.0.0.1:{getattr(settings, 'port', 5000)}")
    return base.rstrip("/") + path


def contact_for(session: Session, phone: str) -> Contact:
    """The contact of the E.164 ``phone``, made if the bot never wrote to it."""
    contact = session.scalar(select(Contact).where(Contact.phone == phone))
    if contact is None:
        contact = Contact(phone=phone, language="id")
        session.add(contact)
        session.flush()
    return contact


def verified(session: Session, officer: Officer, contact: Contact, channel: str,
             now: datetime) -> None:
    """The officer proved ``contact`` is their phone: it is where they are told. Its
    time zone becomes their area's, for the quiet hours."""
    officer.notify_contact_id = contact.id
    officer.notify_channel = channel if channel in CHANNELS else "sms"
    contact.time_zone = officer_zone(session, officer)
    if channel == "whatsapp":
        contact.uses_whatsapp = True
    else:
        contact.uses_sms = True
    session.flush()


def choose(session: Session, officer: Officer, mode: str, channel: str) -> None:
    """The officer's choice of mode and channel.

    Raises:
        NotifyError: an unknown choice, or a mode other than off without a verified phone.
    """
    if mode not in MODES or channel not in CHANNELS:
        raise NotifyError("Pilih cara dan saluran pemberitahuan.")
    if mode != OFF and officer.notify_contact_id is None:
        raise NotifyError("Daftarkan dan verifikasi nomor ponsel dulu.")
    officer.notify_mode, officer.notify_channel = mode, channel
    session.flush()


@dataclass(frozen=True)
class NotifyState:
    """What the officer's page shows of their own settings."""

    phone: str | None  # as an Indonesian reads it, None before one is verified
    channel: str
    mode: str
    opted_out: bool  # the phone sent BERHENTI (or the provider said STOP)


def state(session: Session, officer: Officer) -> NotifyState:
    contact = session.get(Contact, officer.notify_contact_id) if officer.notify_contact_id else None
    return NotifyState(
        phone=display(contact.phone) if contact else None,
        channel=officer.notify_channel,
        mode=officer.notify_mode,
        opted_out=bool(contact and contact.opted_out),
    )
