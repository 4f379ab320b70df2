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

The cheapest way (issue 24): a resident who wrote both by SMS and by WhatsApp can be
reached either way. An unprompted message to them (a notice, a reminder, a broadcast)
goes the cheaper way at the prices of the settings (:class:`Prices`): WhatsApp text
inside the window or SMS; outside it the kind's approved template or SMS, an SMS
costing its segments (GSM-7 160/153, UCS-2 70/67) times its provider's price. A tie
goes to the channel the resident wrote on last (:func:`last_channel`), else stays on
the channel it was queued for. A reply stays on the channel the resident wrote on (no
WhatsApp answer to an SMS just sent), and a message to an officer on the channel the
officer chose (:data:`KEEP_CHANNEL_KINDS`); WhatsApp that cannot reach (outside the
window, no template) still falls back to SMS.
"""
from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from bot.models.gateway import FAILURE_LIMIT, PING_TIMEOUT
from conversations.gsm import segments

WHATSAPP_WINDOW = timedelta(hours=24)

TWILIO = "twilio"
SMSGATE = "smsgate"

TEXT = "text"
TEMPLATE = "template"
SMS_FALLBACK = "sms"

# Message kinds that keep the channel they were queued for, whatever the prices: replies
# to what a resident just wrote (Message.kind "reply"; an officer's answer to a
# complaint, bot.complaints.actions), an officer's phone code and alerts
# (bot.officers.phone_verification.CODE_KIND, bot.officers.notify.ALERT_KIND: the
# channel the officer chose and verified).
KEEP_CHANNEL_KINDS = frozenset({"reply", "officer_reply", "officer_code", "officer_alert"})


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
class Prices:
    """Estimated Rupiah per message (WhatsApp) or per SMS segment, from the settings."""

    whatsapp_session: float  # a WhatsApp text inside the 24-hour window
    whatsapp_template: float  # an approved template outside it
    sms_gateway: float  # an SMS segment from a gateway phone's SIM
    sms_twilio: float  # an SMS segment through Twilio

    @classmethod
    def of(cls, settings: Any) -> Prices:
        return cls(whatsapp_session=settings.whatsapp_price_per_message,
                   whatsapp_template=settings.whatsapp_template_price,
                   sms_gateway=settings.smsgate_price_per_segment,
                   sms_twilio=settings.sms_price_per_segment)


def route_cost(route: Route, prices: Prices) -> float:
    """What sending one message along ``route`` is estimated to cost."""
    if route.channel == "sms":
        per_segment = prices.sms_gateway if route.provider == SMSGATE else prices.sms_twilio
        return segments(route.body) * per_segment
    return prices.whatsapp_template if route.via == TEMPLATE else prices.whatsapp_session


def last_channel(last_whatsapp_at: datetime | None, last_seen_at: datetime | None) -> str | None:
    """The channel the resident wrote on last, None if they never wrote.

    Receiving stamps ``last_seen_at`` on every message and ``last_whatsapp_at`` with the
    same instant on a WhatsApp one (``bot.inbound_store``), so the last message was
    WhatsApp when the two agree. The contact row is rewritten at most every
    ``TOUCH_EVERY`` (10 minutes) unless something changed, so a switch of channel within
    those minutes may not show: only a tie between two prices rests on this.
    """
    if last_seen_at is None:
        return None
    if last_whatsapp_at is not None and last_whatsapp_at >= last_seen_at:
        return "whatsapp"
    return "sms"


@dataclass(frozen=True)
class Reach:
    """The channels a resident wrote on, and the one they wrote on last."""

    uses_sms: bool
    uses_whatsapp: bool
    last_channel: str | None = None

    @classmethod
    def of(cls, uses_sms: bool, uses_whatsapp: bool, last_whatsapp_at: datetime | None,
           last_seen_at: datetime | None) -> Reach:
        return cls(bool(uses_sms), bool(uses_whatsapp),
                   last_channel(last_whatsapp_at, last_seen_at))

    @property
    def both(self) -> bool:
        return self.uses_sms and self.uses_whatsapp


def keeps_channel(kind: str | None) -> bool:
    """Whether a message of ``kind`` keeps the channel it was queued for (a reply, an
    officer's message) rather than going the cheapest way."""
    return kind in KEEP_CHANNEL_KINDS


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
    kind: str | None = None,
    reach: Reach | None = None,
    prices: Prices | None = None,
) -> Route:
    """Pick the route for a message queued for ``channel``.

    Args:
        body_sms: the short text; also the WhatsApp text when ``body_whatsapp`` is None.
        content_sid: the approved template for this message kind, if any.
        content_variables: the template's variables (default ``{"1": body_sms}``).
        sms: the provider and gateway phone if it goes by SMS (:func:`sms_provider`).
        kind: the message's kind (``Message.kind``, ``Broadcast.kind``).
        reach: the resident's channels (:meth:`Reach.of`); with ``prices``, a resident
            on both gets an unprompted message the cheapest way (:func:`cheapest`).
        prices: :meth:`Prices.of` the settings.
    """
    sms_route = Route("sms", TEXT if channel != "whatsapp" else SMS_FALLBACK, body_sms,
                      provider=sms[0], device_id=sms[1])
    whatsapp = whatsapp_route(last_whatsapp_at, now, body_sms, body_whatsapp, content_sid,
                              content_variables)
    if reach is not None and prices is not None and reach.both and not keeps_channel(kind):
        preferred = reach.last_channel or channel
        options = [replace(sms_route, via=TEXT)] + ([whatsapp] if whatsapp else [])
        return cheapest(options, prices, preferred)
    if channel != "whatsapp":
        return sms_route
    return whatsapp or sms_route


def whatsapp_route(last_whatsapp_at: datetime | None, now: datetime, body_sms: str,
                   body_whatsapp: str | None = None, content_sid: str | None = None,
                   content_variables: Mapping[str, Any] | None = None) -> Route | None:
    """How WhatsApp may carry the message at ``now``: text inside the window, else the
    approved template; None when it cannot (outside the window, no template)."""
    if in_whatsapp_window(last_whatsapp_at, now):
        return Route("whatsapp", TEXT, body_whatsapp or body_sms)
    if content_sid:
        variables = dict(content_variables) if content_variables else {"1": body_sms}
        return Route("whatsapp", TEMPLATE, body_whatsapp or body_sms, content_sid,
                     json.dumps(variables, ensure_ascii=False))
    return None


def cheapest(options: Sequence[Route], prices: Prices, preferred: str) -> Route:
    """The cheapest of ``options``; of equal ones, the one on the ``preferred`` channel."""
    return min(options, key=lambda r: (route_cost(r, prices), r.channel != preferred))
