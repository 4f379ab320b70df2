"""Each provider's answers to the questions generic code asks, found by provider name.

A provider's own module holds its webhook parsing, its sending and what its errors mean
(Twilio: ``bot.providers.twilio``; SMS Gateway for Android: ``bot.providers.smsgate``).
Code that knows only a message's ``provider`` asks this table instead of naming one.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from bot.inbound_message import WebhookRead
from bot.models.messaging import SMSGATE, TWILIO
from bot.providers import smsgate, twilio
from bot.senders import OutboxSender, ProviderSender, Sender


@dataclass(frozen=True)
class Provider:
    """What generic code needs of one provider; each field is a function of its module.

    Attributes:
        name: as stored in ``message.provider``, and the webhook's path
            (``/webhooks/<name>[/<kind>]``).
        redelivers: the provider delivers a webhook again until it gets a 2xx (the
            gateway); Twilio never does, so what it sent must be kept at any cost.
        read_webhook: ``(kind, request, settings, now)`` -> a
            :class:`~bot.inbound_message.WebhookRead`, after checking the request's
            signature; raises :class:`~bot.inbound_message.Refused`.
        make_sender: ``(settings)`` -> its sender, or None when it is not configured.
        error_outcome: what an error means, from the provider's error code and the HTTP
            status of a refused send (None: no answer, or a status report), as one of
            ``bot.send_outcome``'s words.
        slow_down: whether an error (same arguments) asks the sender to slow down.
    """

    name: str
    redelivers: bool
    read_webhook: Callable[[str, Any, Any, float], WebhookRead]
    make_sender: Callable[[Any], Sender | None]
    error_outcome: Callable[[int | None, int | None], str]
    slow_down: Callable[[int | None, int | None], bool]


def _entry(name: str, module: Any, redelivers: bool) -> Provider:
    return Provider(name, redelivers, module.read_webhook, module.make_sender,
                    module.error_outcome, module.slow_down)


# One line per provider. The first carries WhatsApp, and SMS where no other is set.
PROVIDERS: dict[str, Provider] = {p.name: p for p in (
    _entry(TWILIO, twilio, redelivers=False),
    _entry(SMSGATE, smsgate, redelivers=True),
)}
DEFAULT = TWILIO


def provider(name: str) -> Provider:
    """The provider called ``name`` (KeyError for a name no entry has)."""
    return PROVIDERS[name]


def make_sender(settings: Any) -> Sender:
    """The senders of the configured providers, each message to its own
    (:class:`ProviderSender`); with no account for the default provider, the printing
    outbox stands in for it (the embedded default)."""
    senders = {p.name: sender for p in PROVIDERS.values()
               if (sender := p.make_sender(settings)) is not None}
    senders.setdefault(DEFAULT, OutboxSender())
    if len(senders) == 1:
        return senders[DEFAULT]
    return ProviderSender(senders)
