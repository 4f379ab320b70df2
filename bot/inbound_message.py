"""The one provider-neutral form of a received message.

Every provider's parser (``bot.providers.twilio``, ``bot.providers.smsgate``) produces it; the
receiving path (``bot.inbound``), its statements (``bot.inbound_store``) and the spool
(``bot.spool``) know only this.
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
