"""Each provider's answers to the questions generic code asks, found by provider name.

A provider's own modules hold its webhook parsing, its sending and what its errors mean
(Twilio: ``bot.twilio_form``, ``workers.senders``; SMS Gateway for Android:
``bot.smsgate_events``, ``workers.smsgate_sender``). Code that knows only a message's
``provider`` asks this table instead of naming one.
"""
from __future__ import annotations

from dataclasses import dataclass

from bot.models.messaging import SMSGATE, TWILIO


@dataclass(frozen=True)
class Provider:
    """What generic code needs to know of one provider.

    Attributes:
        name: as stored in ``message.provider``.
        replies_inline: the webhook's answer carries the replies (Twilio's TwiML); else
            they are queued and sent as messages (the gateway has no such answer).
    """

    name: str
    replies_inline: bool


PROVIDERS: dict[str, Provider] = {p.name: p for p in (
    Provider(TWILIO, replies_inline=True),
    Provider(SMSGATE, replies_inline=False),
)}


def provider(name: str) -> Provider:
    """The provider called ``name`` (KeyError for a name no entry has)."""
    return PROVIDERS[name]
