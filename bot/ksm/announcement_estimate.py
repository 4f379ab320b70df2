"""What publishing an announcement would cost: who gets it, by which provider, how many
SMS segments, at what estimated price.

Each recipient's route is asked of ``bot.channels`` (the one place that decides
SMS vs WhatsApp, template or fallback, Twilio vs the gateway, and for a resident on both
channels the cheapest of them), as it would be decided if the message left now; the
WhatsApp window may close before it does, hence an estimate. The officer reads the
split: "312 lewat WhatsApp, 1.688 lewat SMS, perkiraan biaya Rp 420.000"
(:attr:`Estimate.split`), and each way out on its own line.

Recipients are those the broadcast would reach: confirmed members of the kelurahan's
KSMs, opted-out, invalid and simulated numbers excluded (they are skipped at send time); and the notices publishing queues for the leaders of KSMs not chosen,
each in its leader's language on the channel ``ksm.notice_channel`` gives it, priced by
the route ``bot.channels`` would give a queued notice (the notice kind's template).

How long sending takes (:func:`finish_time`, pure): each way out is a set of lanes
sending side by side, a gateway phone at SMSGATE_RATE_PER_MINUTE with what its SIMs may
still send today (SMSGATE_DAILY_CAP_PER_SIM each, less what they sent), Twilio's SMS
sender and WhatsApp at their rates; nothing moves in the quiet hours (21:00-06:00 in the
kelurahan's zone), a phone at its cap rests until the next local day, and the
messages of a way finish when its lanes have carried them all. The spacing adds half of
one interval on average (it moves no slot: ``workers.rate_limit``). The phones are
those online now (:func:`pace_of`), of the kelurahan, else all, as
``bot.channels.phone_order`` would use them. The finish is said as the officer reads
it: "selesai sekitar Selasa 09.40 WIB" (:func:`finish_text`); the progress page says
it again from what is still open (:func:`remaining_finish`).
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from bot import gateway_caps, gateway_devices
from bot.channels import (SMSGATE, TEMPLATE, Prices, Reach, Route, choose_route, phone_order,
                          route_cost, sms_provider)
from bot.models import BroadcastSend, Contact
from bot.models import broadcast as b
from bot.officers.labels import thousands
from bot.quiet_hours import quiet_from, quiet_until
from bot.ksm.registration import NOTICE, notice_channel
from conversations.catalogue import LANGUAGES, render
from conversations.flows.meeting_common import WEEKDAY_NAMES, zone, zone_name
from conversations.gsm import segments

# What an officer reads for each way a message goes.
SMS_VIA_GATEWAY = "SMS lewat ponsel gateway (SIM lokal)"
SMS_VIA_TWILIO = "SMS lewat Twilio"
WHATSAPP_TEXT = "WhatsApp (dalam 24 jam sejak pesan terakhir warga)"
WHATSAPP_TEMPLATE = "WhatsApp template (di luar 24 jam)"
WHATSAPP_LINES = (WHATSAPP_TEXT, WHATSAPP_TEMPLATE)
LINE_ORDER = (SMS_VIA_GATEWAY, SMS_VIA_TWILIO) + WHATSAPP_LINES  # as the table shows them


@dataclass
class Line:
    """One way the messages go: messages, SMS segments (0 on WhatsApp), cost."""

    label: str
    messages: int = 0
    sms: int = 0
    cost: float = 0.0


@dataclass(frozen=True)
class Lane:
    """One sender of a way out: its pace, and for a gateway phone the SMS its SIMs may
    still send today and may send each day (None: no daily cap)."""

    per_second: float
    room_today: float | None = None
    room_per_day: float | None = None


@dataclass(frozen=True)
class Pace:
    """What the sending time depends on besides the counts: the gateway phones that
    would carry the SMS (none: SMS through the gateway wait for a phone), the
    kelurahan's zone, the settings (rates, quiet hours, spacing)."""

    phones: tuple[Lane, ...]
    time_zone: str | None
    settings: Any


@dataclass
class Estimate:
    """The confirmation's numbers: "Kirim {messages} pesan ({members} anggota KSM,
    {leaders} ketua KSM yang belum terpilih), perkiraan biaya Rp {cost} ({sms} SMS)"."""

    members: int = 0
    leaders: int = 0
    lines: dict[str, Line] = field(default_factory=dict)
    finish: datetime | None = None  # when the last message should leave
    finish_text: str = ""  # "selesai sekitar Selasa 09.40 WIB", or why it cannot be said

    def add(self, label: str, messages: int, sms: int, cost: float) -> None:
        line = self.lines.setdefault(label, Line(label))
        line.messages += messages
        line.sms += sms
        line.cost += cost

    @property
    def messages(self) -> int:
        return sum(line.messages for line in self.lines.values())

    @property
    def sms(self) -> int:
        return sum(line.sms for line in self.lines.values())

    @property
    def cost(self) -> float:
        return sum(line.cost for line in self.lines.values())

    @property
    def by_whatsapp(self) -> int:
        """Messages WhatsApp carries (text in the window and templates)."""
        return sum(self.lines[x].messages for x in WHATSAPP_LINES if x in self.lines)

    @property
    def by_sms(self) -> int:
        """Messages that go by SMS (gateway phones and Twilio)."""
        return self.messages - self.by_whatsapp

    @property
    def split(self) -> str:
        """"312 lewat WhatsApp, 1.688 lewat SMS, perkiraan biaya Rp 420.000"."""
        return (f"{thousands(self.by_whatsapp)} lewat WhatsApp, {thousands(self.by_sms)} "
                f"lewat SMS, perkiraan biaya Rp {thousands(self.cost)}")

    def price(self, route: Route, messages: int, settings: Any) -> None:
        """Add ``messages`` that take ``route``, at the settings' prices
        (``bot.channels.route_cost``, the prices routing chose by)."""
        cost = messages * route_cost(route, Prices.of(settings))
        if route.channel == "sms":
            label = SMS_VIA_GATEWAY if route.provider == SMSGATE else SMS_VIA_TWILIO
            self.add(label, messages, messages * segments(route.body), cost)
        else:
            self.add(WHATSAPP_TEMPLATE if route.via == TEMPLATE else WHATSAPP_TEXT,
                     messages, 0, cost)


def _sendable() -> Any:
    """Skipped at send time, so neither sent nor counted."""
    return (Contact.opted_out.is_(False), Contact.invalid_number.is_(False),
            Contact.simulated.is_(False))


def estimate(session: Session, recipients: Any, bodies: Mapping[str, tuple[str, str]],
             settings: Any, now: datetime, content_sid: str | None = None,
             notices: Sequence[tuple[int, str, Mapping[str, Any]]] = (),
             pace: Pace | None = None, kind: str | None = None) -> Estimate:
    """Count the recipients and notices by route and price them.

    Args:
        recipients: a select of contact ids (``announcements.recipients``).
        bodies: per language, the (SMS, WhatsApp) texts the broadcast would carry.
        settings: the runtime's settings (SMS provider and prices).
        content_sid: the approved WhatsApp template of announcements, if any.
        notices: the single messages publishing queues, as ``ksm.notify`` takes them:
            (contact id, catalogue key, parameters).
        pace: the phones and zone (:func:`pace_of`), to say when sending would finish.
        kind: the broadcast's kind (``announcements.KIND``).
    """
    ids = recipients.subquery()
    # When they last wrote matters only to a resident on both channels (a tie of prices):
    # grouped by it for those alone, the others stay a few groups.
    seen = case((Contact.uses_sms & Contact.uses_whatsapp, Contact.last_seen_at))
    groups = session.execute(
        select(Contact.language, Contact.uses_sms, Contact.uses_whatsapp,
               Contact.last_whatsapp_at, seen, func.count(func.distinct(Contact.id)))
        .join(ids, ids.c[0] == Contact.id)
        .where(*_sendable())
        .group_by(Contact.language, Contact.uses_sms, Contact.uses_whatsapp,
                  Contact.last_whatsapp_at, seen)).all()
    result = Estimate()
    prices = Prices.of(settings)
    for language, uses_sms, uses_whatsapp, last_whatsapp_at, last_seen_at, people in groups:
        # As bot.messaging.notices.broadcast_text: an unknown language reads Indonesian,
        # and WhatsApp users are queued for WhatsApp (announcements have its text).
        body_sms, body_whatsapp = bodies[language if language in LANGUAGES else "id"]
        channel = "whatsapp" if uses_whatsapp else "sms"
        route = choose_route(channel, last_whatsapp_at, now, body_sms, body_whatsapp,
                             content_sid, sms=sms_provider(settings, channel), kind=kind,
                             reach=Reach.of(uses_sms, uses_whatsapp, last_whatsapp_at,
                                            last_seen_at),
                             prices=prices)
        result.price(route, people, settings)
        result.members += people
    _price_notices(session, result, notices, settings, now)
    # The database returns the groups in any order: the table's rows keep one.
    result.lines = {label: result.lines[label] for label in LINE_ORDER if label in result.lines}
    if pace is not None:
        result.finish, result.finish_text = when_done(
            {label: line.messages for label, line in result.lines.items()}, pace, now)
    return result


def _price_notices(session: Session, result: Estimate,
                   notices: Sequence[tuple[int, str, Mapping[str, Any]]], settings: Any,
                   now: datetime) -> None:
    if not notices:
        return
    contacts = {row.id: row for row in session.execute(
        select(Contact.id, Contact.language, Contact.uses_whatsapp, Contact.uses_sms,
               Contact.last_whatsapp_at, Contact.last_seen_at)
        .where(Contact.id.in_({contact_id for contact_id, _, _ in notices}), *_sendable()))}
    for contact_id, key, params in notices:
        contact = contacts.get(contact_id)
        if contact is None:
            continue
        # As ksm.notify queues it and workers.outbound sends a queued notice.
        channel = notice_channel(contact.uses_whatsapp, contact.uses_sms)
        route = choose_route(channel, contact.last_whatsapp_at, now,
                             render(key, contact.language, **params),
                             content_sid=settings.whatsapp_templates.get(NOTICE),
                             sms=sms_provider(settings, channel), kind=NOTICE,
                             reach=Reach.of(contact.uses_sms, contact.uses_whatsapp,
                                            contact.last_whatsapp_at, contact.last_seen_at),
                             prices=Prices.of(settings))
        result.price(route, 1, settings)
        result.leaders += 1


# How long sending takes.

NO_PHONE = "waktu selesai belum dapat diperkirakan: tidak ada ponsel gateway yang aktif"
MAX_STEPS = 10_000  # a finish months away is no estimate


def finish_time(messages: int, lanes: Sequence[Lane], now: datetime, time_zone: str | None,
                quiet: bool = True) -> datetime | None:
    """When ``messages`` shared over ``lanes`` have all left, sending from ``now``.

    The lanes send side by side at their own pace; one whose room today is used up
    rests until the next local midnight, when every lane has its day's room again;
    with ``quiet`` nothing leaves between 21:00 and 06:00 local. None: no lane, or
    no end in sight.
    """
    if messages <= 0:
        return now
    if not lanes:
        return None
    left, t = float(messages), now
    room = [lane.room_today for lane in lanes]
    day_end = gateway_caps.next_day(t, time_zone)
    for _ in range(MAX_STEPS):
        if t >= day_end:
            room = [lane.room_per_day for lane in lanes]
            day_end = gateway_caps.next_day(t, time_zone)
        morning = quiet_until(t, time_zone) if quiet else None
        if morning is not None:
            t = morning
            continue
        active = [i for i, r in enumerate(room) if r is None or r > 1e-9]
        if not active:
            t = day_end
            continue
        per_second = sum(lanes[i].per_second for i in active)
        window_end = min(day_end, quiet_from(t, time_zone)) if quiet else day_end
        step = min([left / per_second, (window_end - t).total_seconds()]
                   + [room[i] / lanes[i].per_second for i in active if room[i] is not None])
        for i in active:
            if room[i] is not None:
                room[i] = max(0.0, room[i] - lanes[i].per_second * step)
        left -= per_second * step
        t += timedelta(seconds=step)
        if left <= 1e-6:
            return t
    return None


def when_done(messages: Mapping[str, int], pace: Pace, now: datetime) -> tuple[datetime | None, str]:
    """The finish of messages counted by way out (the :class:`Estimate` line labels)
    and its text: the latest of the ways, each on its own lanes."""
    settings = pace.settings
    lanes: dict[str, tuple[Lane, ...]] = {
        SMS_VIA_GATEWAY: pace.phones,
        SMS_VIA_TWILIO: (Lane(settings.sms_rate_per_second),),
        WHATSAPP_TEXT: (Lane(settings.whatsapp_rate_per_second),),
        WHATSAPP_TEMPLATE: (Lane(settings.whatsapp_rate_per_second),),
    }
    finishes = []
    for label, count in messages.items():
        if not count:
            continue
        finish = finish_time(count, lanes[label], now, pace.time_zone, settings.quiet_hours)
        if finish is None:
            return None, NO_PHONE
        if label == SMS_VIA_GATEWAY:  # the last SMS's own spacing, on average
            finish += timedelta(seconds=settings.smsgate_jitter / 2 * 60
                                / settings.smsgate_rate_per_minute)
        finishes.append(finish)
    if not finishes:
        return None, ""
    finish = max(finishes)
    return finish, finish_text(finish, now, pace.time_zone)


def finish_text(finish: datetime, now: datetime, time_zone: str | None) -> str:
    """"selesai sekitar Selasa 09.40 WIB" (to the nearest minute, the kelurahan's
    time); a week or more ahead the date too: "Selasa 1/12 09.40 WIB"."""
    tz = zone(time_zone)
    local = (finish + timedelta(seconds=30)).astimezone(tz).replace(second=0, microsecond=0)
    day = WEEKDAY_NAMES["id"][local.weekday()]
    if (local.date() - now.astimezone(tz).date()).days >= 7:
        day += f" {local.day}/{local.month}"
    return f"selesai sekitar {day} {local:%H.%M} {zone_name(time_zone)}"


def pace_of(session: Session, counts: gateway_caps.DailyCounts, settings: Any,
            kelurahan_id: int | None, time_zone: str | None, now: datetime) -> Pace:
    """The lanes of the gateway phones that would carry the kelurahan's SMS now (its
    online phones, else every online phone), with what their SIMs sent today
    (``counts``: ``bot.gateway_caps.counts_for``)."""
    if not settings.smsgate_url:
        return Pace((), time_zone, settings)
    phones = phone_order(gateway_devices.phones(session, now), None, kelurahan_id, 0)
    used = gateway_caps.used_today(counts, phones, now)
    cap = settings.smsgate_daily_cap_per_sim
    lanes = []
    for phone in phones:
        mine = gateway_caps.slots(phone)
        lanes.append(Lane(settings.smsgate_rate_per_minute / 60.0,
                          float(sum(max(0, cap - used.get(slot, 0)) for slot in mine)),
                          float(cap * len(mine))))
    return Pace(tuple(lanes), time_zone, settings)


def remaining_finish(session: Session, broadcast_ids: Sequence[int], pace: Pace,
                     now: datetime) -> tuple[datetime | None, str]:
    """When what is still open of ``broadcast_ids`` should have left (the progress
    page): its SMS rows by ``SMS_PROVIDER`` (gateway or Twilio), its WhatsApp rows at
    WhatsApp's rate (those whose window closed and fall back to SMS, or whose SMS was
    cheaper, are not told apart: the row's channel is the one it was queued for)."""
    if not broadcast_ids:
        return None, ""
    rows = session.execute(
        select(BroadcastSend.channel, func.count())
        .where(BroadcastSend.broadcast_id.in_(broadcast_ids),
               BroadcastSend.status.in_(b.OPEN_STATUSES))
        .group_by(BroadcastSend.channel)).all()
    sms_label = (SMS_VIA_GATEWAY if pace.settings.sms_provider == SMSGATE else SMS_VIA_TWILIO)
    messages: dict[str, int] = {}
    for channel, count in rows:
        label = WHATSAPP_TEXT if channel == "whatsapp" else sms_label
        messages[label] = messages.get(label, 0) + count
    return when_done(messages, pace, now)
