"""Which channel, form and provider a message takes when it leaves, decided at send time.

WhatsApp allows free text only within 24 hours of the resident's last WhatsApp message.
Outside that window a business may send only an approved template (ContentSid plus its
variables); when the message kind has none, the same message goes by SMS instead.

Providers: WhatsApp always goes through Twilio. An SMS reply goes back the way the
resident wrote (the provider and gateway phone recorded on the message it answers), so
a resident who texted the gateway's local number is answered from it; Twilio has no
two-way SMS in Indonesia. Every other SMS (notices, reminders, broadcasts, a WhatsApp
message falling back to SMS) goes through ``SMS_PROVIDER``. This is the one place that
decides; the flows know only SMS or WhatsApp.

Gateway phones (``bot.models.gateway``): a reply leaves from the phone the resident
wrote to; any other SMS is spread over the online phones of the contact's kelurahan,
else over every online phone (each phone has its own rate: ``workers.rate_limit``).
A phone that stopped pinging or keeps failing is offline: a message recorded for it
(a reply) moves, when it is next claimed, to an online phone of the same kelurahan,
else to any online phone; with none online it stays on its phone, where the gateway
holds it until the phone is back. The choice is made at claim time by the send jobs,
so their claims and leases keep each message to one send.
"""
from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from bot.models.gateway import FAILURE_LIMIT, PING_TIMEOUT

WHATSAPP_WINDOW = timedelta(hours=24)

TWILIO = "twilio"
SMSGATE = "smsgate"

TEXT = "text"
TEMPLATE = "template"
SMS_FALLBACK = "sms"


@dataclass(frozen=True)
class Route:
    """How one message goes: ``via`` is text, template or sms (the fallback)."""

    channel: str
    via: str
    body: str
    content_sid: str | None = None
    content_variables: str | None = None
    provider: str = TWILIO
    device_id: str | None = None
    sim: int | None = None  # the phone's SIM slot (bot.gateway_caps); None: its default


@dataclass(frozen=True)
class Phone:
    """A gateway phone as routing sees it."""

    device_id: str
    kelurahan_id: int | None
    online: bool
    sims: tuple[int, ...] = ()  # the SIM slots its reports named; () or one: its default
    time_zone: str | None = None  # its kelurahan's (the day of its daily cap)


def phone_online(last_ping_at: datetime | None, recent_failures: int,
                 last_failed_at: datetime | None, now: datetime) -> bool:
    """Whether a gateway phone may be given messages at ``now``."""
    if last_ping_at is None or now - last_ping_at > PING_TIMEOUT:
        return False
    failing = (recent_failures >= FAILURE_LIMIT and last_failed_at is not None
               and now - last_failed_at <= PING_TIMEOUT)
    return not failing


def choose_phone(phones: Sequence[Phone], wanted: str | None, kelurahan_id: int | None,
                 spread: int) -> str | None:
    """The gateway phone a message leaves from (None: the gateway's own choice).

    Args:
        phones: every known phone (:func:`bot.gateway_devices.phones`).
        wanted: the phone recorded on the message (a reply: the one written to).
        kelurahan_id: the contact's kelurahan, if assigned.
        spread: a number that differs between messages (their id) to share the load.
    """
    known = {p.device_id: p for p in phones}
    if wanted is not None:
        phone = known.get(wanted)
        if phone is None or phone.online:
            return wanted
    candidates = phone_order(phones, wanted, kelurahan_id, spread)
    if not candidates:
        return wanted  # nothing better: it waits at the gateway for its phone
    return candidates[0].device_id


def phone_order(phones: Sequence[Phone], wanted: str | None, kelurahan_id: int | None,
                spread: int) -> list[Phone]:
    """The online phones that may carry a message not bound to its phone, in the order
    to try them: those of the contact's kelurahan (of ``wanted``'s, for a message that
    was), else every online phone, starting at ``spread`` (the load shared); the
    ones after the first take over when it reached its daily cap (``bot.gateway_caps``)."""
    known = {p.device_id: p for p in phones}
    if wanted is not None and wanted in known:
        kelurahan_id = known[wanted].kelurahan_id or kelurahan_id
    online = [p for p in phones if p.online]
    local = [p for p in online if kelurahan_id is not None and p.kelurahan_id == kelurahan_id]
    candidates = local or online
    if not candidates:
        return []
    first = spread % len(candidates)
    return candidates[first:] + candidates[:first]


def sms_provider(settings: Any, channel: str, recorded: str | None = None,
                 device_id: str | None = None, phones: Sequence[Phone] = (),
                 kelurahan_id: int | None = None, spread: int = 0) -> tuple[str, str | None]:
    """The provider and gateway phone for a message if it goes by SMS.

    ``recorded``/``device_id``: what the message carries (a reply copies them from the
    message it answers). They hold for a message queued for SMS while that provider
    is configured; anything else (no record, a WhatsApp message falling back to SMS)
    goes through ``SMS_PROVIDER``. Through the gateway the phone is
    :func:`choose_phone`'s among ``phones``.
    """
    provider, wanted = settings.sms_provider, None
    if channel == "sms":
        if recorded == SMSGATE and settings.smsgate_url:
            provider, wanted = SMSGATE, device_id
        elif recorded == TWILIO and settings.twilio_account_sid:
            return TWILIO, None
    if provider != SMSGATE:
        return provider, None
    return SMSGATE, choose_phone(phones, wanted, kelurahan_id, spread)


def in_whatsapp_window(last_whatsapp_at: datetime | None, now: datetime) -> bool:
    """True when free WhatsApp text may be sent to this resident at ``now``."""
    return last_whatsapp_at is not None and now - last_whatsapp_at < WHATSAPP_WINDOW


def choose_route(
    channel: str,
    last_whatsapp_at: datetime | None,
    now: datetime,
    body_sms: str,
    body_whatsapp: str | None = None,
    content_sid: str | None = None,
    content_variables: Mapping[str, Any] | None = None,
    sms: tuple[str, str | None] = (TWILIO, None),
) -> Route:
    """Pick the route for a message queued for ``channel``.

    Args:
        body_sms: the short text; also the WhatsApp text when ``body_whatsapp`` is None.
        content_sid: the approved template for this message kind, if any.
        content_variables: the template's variables (default ``{"1": body_sms}``).
        sms: the provider and gateway phone if it goes by SMS (:func:`sms_provider`).
    """
    if channel != "whatsapp":
        return Route("sms", TEXT, body_sms, provider=sms[0], device_id=sms[1])
    if in_whatsapp_window(last_whatsapp_at, now):
        return Route("whatsapp", TEXT, body_whatsapp or body_sms)
    if content_sid:
        variables = dict(content_variables) if content_variables else {"1": body_sms}
        return Route("whatsapp", TEMPLATE, body_whatsapp or body_sms, content_sid,
                     json.dumps(variables, ensure_ascii=False))
    return Route("sms", SMS_FALLBACK, body_sms, provider=sms[0], device_id=sms[1])
