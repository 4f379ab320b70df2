"""The provider-neutral forms of what a webhook brings: a received message, a status
report, a gateway phone heard from, and the answer.

Every provider's module (``bot.providers.twilio``, ``bot.providers.smsgate``) reads its
requests into these; the one webhook blueprint (``bot.web.webhooks``), the receiving
path (``bot.inbound``), its statements (``bot.inbound_store``) and the spool
(``bot.spool``) know only these.
"""
from __future__ import annotations

from dataclasses import dataclass

from conversations.model import Media


@dataclass(frozen=True)
class InboundMessage:
    """A parsed inbound message (Twilio's form, or a gateway event).

    ``provider`` and ``device_id`` say which way it came, so that its replies go back
    the same way. ``external_id`` is its unique key, the provider's: Twilio's MessageSid,
    or for the gateway ``gw-event:`` and the event id (``bot.providers.smsgate``).
    """

    external_id: str
    phone: str
    channel: str
    body: str
    media: tuple[Media, ...] = ()
    profile_name: str | None = None
    provider: str = "twilio"
    device_id: str | None = None


@dataclass(frozen=True)
class StatusReport:
    """A provider's report on a message the bot sent: its key (``external_id``), the
    status it moves to, the provider's error code and reason if any; from a gateway
    phone, which phone and which of its SIM slots sent it (``bot.gateway_health``)."""

    external_id: str
    status: str
    error_code: int | None = None
    reason: str | None = None
    device_id: str | None = None
    sim: int | None = None


@dataclass(frozen=True)
class PhoneReport:
    """A gateway phone was heard from (``bot.gateway_devices``): ``outcome`` is
    ``"sent"``, ``"failed"`` or None (alive); ``event_id`` makes a re-delivered failure
    count once; ``sim``: the SIM slot a delivery report named."""

    device_id: str
    event_id: str
    outcome: str | None = None
    sim: int | None = None


@dataclass(frozen=True)
class WebhookRead:
    """What one webhook request said, as its provider's module read it, and the answer
    the provider wants (``status``, ``body``, ``mimetype``)."""

    messages: tuple[InboundMessage, ...] = ()
    statuses: tuple[StatusReport, ...] = ()
    phone: PhoneReport | None = None
    status: int = 200
    body: str = ""
    mimetype: str = "text/plain"


class Refused(Exception):
    """A webhook request refused before anything is stored: bad or missing signature
    (401/403), not the provider's shape (400, ``text`` a one-line reason)."""

    def __init__(self, status: int, text: str) -> None:
        super().__init__(text)
        self.status = status
        self.text = text
