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
"""
from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

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


def sms_provider(settings: Any, channel: str, recorded: str | None = None,
                 device_id: str | None = None) -> tuple[str, str | None]:
    """The provider and gateway phone for a message if it goes by SMS.

    ``recorded``/``device_id``: what the message carries (a reply copies them from the
    message it answers). They hold for a message queued for SMS while that provider
    is configured; anything else (no record, a WhatsApp message falling back to SMS)
    goes through ``SMS_PROVIDER``, the gateway choosing the phone.
    """
    if channel == "sms":
        if recorded == SMSGATE and settings.smsgate_url:
            return SMSGATE, device_id
        if recorded == TWILIO and settings.twilio_account_sid:
            return TWILIO, None
    return settings.sms_provider, None


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
