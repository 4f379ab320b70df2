"""Which channel and form a message takes when it leaves, decided at send time.

WhatsApp allows free text only within 24 hours of the resident's last WhatsApp message.
Outside that window a business may send only an approved template (ContentSid plus its
variables); when the message kind has none, the same message goes by SMS instead.
"""
from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

WHATSAPP_WINDOW = timedelta(hours=24)

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
) -> Route:
    """Pick the route for a message queued for ``channel``.

    Args:
        body_sms: the short text; also the WhatsApp text when ``body_whatsapp`` is None.
        content_sid: the approved template for this message kind, if any.
        content_variables: the template's variables (default ``{"1": body_sms}``).
    """
    if channel != "whatsapp":
        return Route("sms", TEXT, body_sms)
    if in_whatsapp_window(last_whatsapp_at, now):
        return Route("whatsapp", TEXT, body_whatsapp or body_sms)
    if content_sid:
        variables = dict(content_variables) if content_variables else {"1": body_sms}
        return Route("whatsapp", TEMPLATE, body_whatsapp or body_sms, content_sid,
                     json.dumps(variables, ensure_ascii=False))
    return Route("sms", SMS_FALLBACK, body_sms)
