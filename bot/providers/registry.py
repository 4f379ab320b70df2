"""Each provider's answers to the questions generic code asks, found by provider name.

A provider's own module holds its webhook parsing, its sending and what its errors mean
(Twilio: ``bot.providers.twilio``; SMS Gateway for Android: ``bot.providers.smsgate``).
Code that knows only a message's ``provider`` asks this table instead of naming one.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from bot.models.messaging import SMSGATE, TWILIO
from bot.providers import smsgate, twilio


@dataclass(frozen=True)
class Provider:
    """What generic code needs to know of one provider.

    Attributes:
        name: as stored in ``message.provider``.
        redelivers: the provider delivers a webhook again until it gets a 2xx (the
            gateway); Twilio never does, so what it sent must be kept at any cost.
        error_outcome: what an error means, from the provider's error code and the HTTP
            status of a refused send (None: no answer, or a status report), as one of
            ``bot.send_outcome``'s words.
        slow_down: whether an error (same arguments) asks the sender to slow down.
    """

    name: str
    redelivers: bool
    error_outcome: Callable[[int | None, int | None], str]
    slow_down: Callable[[int | None, int | None], bool]


PROVIDERS: dict[str, Provider] = {p.name: p for p in (
    Provider(TWILIO, redelivers=False, error_outcome=twilio.error_outcome,
             slow_down=twilio.slow_down),
    Provider(SMSGATE, redelivers=True, error_outcome=smsgate.error_outcome,
             slow_down=smsgate.slow_down),
)}


def provider(name: str) -> Provider:
    """The provider called ``name`` (KeyError for a name no entry has)."""
    return PROVIDERS[name]
