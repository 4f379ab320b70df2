"""One sender interface: Twilio's REST API (``bot.providers.twilio``) and SMS Gateway for
Android's (``bot.providers.smsgate``) in production (:class:`ProviderSender` hands each
message to its provider's), an outbox on the embedded default."""
from __future__ import annotations

import logging
import sys
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol, TextIO

from bot.phone import mask

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Outgoing:
    """A message ready to leave: E.164 ``to`` and the channel decide the addresses."""

    to: str
    channel: str
    body: str
    media_urls: tuple[str, ...] = ()
    status_callback: str | None = None
    content_sid: str | None = None
    content_variables: str | None = None
    # Who carries it ("twilio" or "smsgate") and, for the gateway, from which phone
    # (None: the gateway picks one). Decided by bot.channels.choose_route.
    provider: str = "twilio"
    device_id: str | None = None
    sim: int | None = None  # the phone's SIM slot (1, 2...); None: its default SIM
    # Not to be sent after this (bot.usefulness); a provider that holds messages for
    # later (the gateway, for a phone offline) is told, so it drops it too.
    expires_at: datetime | None = None


class SendError(Exception):
    """The provider refused the message. What that means (try again, opted out...) is
    the provider's ``error_outcome`` (``bot.providers.registry``).

    Attributes:
        code: the provider's error code (Twilio's 21610, 20429, ...) when it gave one.
        http_status: the HTTP status, or None when the provider could not be reached.
    """

    def __init__(self, message: str, code: int | None, http_status: int | None) -> None:
        super().__init__(message)
        self.code = code
        self.http_status = http_status


class Sender(Protocol):
    def send(self, message: Outgoing) -> str:
        """Hand ``message`` to the provider; returns the provider's id for it (stored as
        ``external_id``: status reports name it)."""
        ...


class ProviderSender:
    """Sends each message through the sender of its ``provider`` (Twilio for WhatsApp
    and, where it works, SMS; the gateway for SMS from a local SIM)."""

    def __init__(self, senders: dict[str, Sender]) -> None:
        self.senders = senders

    def send(self, message: Outgoing) -> str:
        sender = self.senders.get(message.provider)
        if sender is None:
            raise SendError(f"no {message.provider} sender configured", code=None,
                            http_status=400)
        return sender.send(message)


@dataclass
class OutboxSender:
    """The embedded default's sender: records and prints instead of sending."""

    stream: TextIO | None = field(default_factory=lambda: sys.stdout)
    sent: list[Outgoing] = field(default_factory=list)

    def send(self, message: Outgoing) -> str:
        self.sent.append(message)
        if self.stream is not None:
            print(f"[outbox {message.channel} -> {mask(message.to)}] {message.body}", file=self.stream)
        return "OB" + uuid.uuid4().hex
