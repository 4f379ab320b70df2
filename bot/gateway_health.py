"""How each gateway phone delivers, and which phones are in trouble.

Counted from the messages themselves and from the broadcasts' send rows, one per
recipient of an announcement (``device_id``, ``sim`` on both: the phone and SIM slot
it left from, as the gateway's reports named them), per phone, per SIM and per kind
(a message's kind, a broadcast's: ``announcement``...), over the last day and the last
week: sent (handed to the phone), delivered, failed,
expired, and the share delivered, ``delivered / (delivered + failed + unreported)``,
where *unreported* is an SMS still ``sent`` after GATEWAY_REPORT_GRACE_MINUTES: a
report that does not come is as bad a sign as a failure. Expired messages never reached
the network; they are shown, not counted in the share.

A phone is flagged (:data:`PROBLEMS`) when

- it stops reporting: it pings, yet GATEWAY_SILENT_MESSAGES SMS sent more than
  GATEWAY_SILENT_HOURS ago (within the day) still have no report, and no report of any
  SMS came from it since the oldest of them (the phone holds them unsent, or its
  reports are lost: either way nobody knows whether residents got them);
- it stops pinging: no event for GATEWAY_PING_ALARM_MINUTES (a phone silent for more
  than a week is retired: shown, not flagged);
- it keeps failing: GATEWAY_FAILURES_ALARM failures in a row, the last within the day;
- its share delivered falls sharply, per SIM: the day's under GATEWAY_DROP_RATIO of the
  week's, over at least GATEWAY_DROP_MIN_MESSAGES SMS in the day.

Read by the admin jobs page and by ``bot.gateway_alerts`` (the sweep tells admins).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import case, func, select, union_all

from bot.channels import phone_online
from bot.models import Broadcast, BroadcastSend, GatewayDevice, Kelurahan, Message
from bot.models import messaging as m

DAY = timedelta(hours=24)
WEEK = timedelta(days=7)
# A message created this long before the week may have been sent within it (held by
# quiet hours, retried): the bound on created_at that lets its index narrow the scan.
CREATED_SLACK = timedelta(days=1)

DELIVERED = (m.DELIVERED, m.READ)
FAILED = (m.FAILED, m.UNDELIVERED)
# The status message expiry adds (migration 0030): counted by its name, so these
# figures need nothing of that work but show it once it is there.
EXPIRED = "expired"
COUNTED = (m.SENT, *DELIVERED, *FAILED, EXPIRED)

SILENT = "silent"
NO_PING = "no_ping"
FAILING = "failing"
DROP = "drop"
PROBLEMS = (SILENT, NO_PING, FAILING, DROP)


@dataclass
class Counts:
    """One window's figures for a phone, a SIM or a kind."""

    sent: int = 0  # handed to the phone: delivered + failed + still awaiting a report
    delivered: int = 0
    failed: int = 0
    expired: int = 0
    unreported: int = 0  # sent, no report after the grace

    def add(self, status: str, count: int, stale: bool) -> None:
        if status == EXPIRED:
            self.expired += count
            return
        self.sent += count
        if status in DELIVERED:
            self.delivered += count
        elif status in FAILED:
            self.failed += count
        elif stale:
            self.unreported += count

    @property
    def settled(self) -> int:
        """The SMS whose fate counts in the share."""
        return self.delivered + self.failed + self.unreported

    @property
    def share(self) -> float | None:
        """Delivered / settled; None with nothing settled."""
        return self.delivered / self.settled if self.settled else None


@dataclass
class Figures:
    """The last day's and the last week's counts."""

    day: Counts = field(default_factory=Counts)
    week: Counts = field(default_factory=Counts)

    def add(self, status: str, count: int, recent: bool, stale: bool) -> None:
        self.week.add(status, count, stale)
        if recent:
            self.day.add(status, count, stale)


@dataclass
class SimHealth:
    """One SIM slot of a phone (``sim`` None: the default SIM, or not reported yet)."""

    sim: int | None
    total: Figures = field(default_factory=Figures)
    kinds: dict[str, Figures] = field(default_factory=dict)

    def kind(self, name: str) -> Figures:
        return self.kinds.setdefault(name, Figures())


@dataclass(frozen=True)
class Flag:
    """A problem of a phone (``sim``: of that SIM only, for a sharp fall)."""

    problem: str
    sim: int | None = None
    count: int = 0  # SMS without a report, or failures in a row
    since: datetime | None = None  # the oldest unreported SMS, or the last ping
    day_share: float | None = None
    week_share: float | None = None


@dataclass
class PhoneHealth:
    """One gateway phone: what routing knows of it, its figures, its flags."""

    device_id: str
    row_id: int  # GatewayDevice.id: short enough for a notification key
    kelurahan: str | None
    last_ping_at: datetime | None
    recent_failures: int
    online: bool
    failing_lately: bool  # its last failure within the day
    total: Figures = field(default_factory=Figures)
    sims: dict[int | None, SimHealth] = field(default_factory=dict)
    flags: list[Flag] = field(default_factory=list)
    # Stopping to report: SMS sent long enough ago still without a report, the
    # oldest of them, and the last report of any SMS from the phone.
    silent_count: int = 0
    silent_since: datetime | None = None
    last_report_at: datetime | None = None

    def sim(self, sim: int | None) -> SimHealth:
        return self.sims.setdefault(sim, SimHealth(sim))

    @property
    def sim_list(self) -> list[SimHealth]:
        """The SIMs in slot order, the unnamed one last."""
        return sorted(self.sims.values(), key=lambda s: (s.sim is None, s.sim or 0))

    @property
    def short(self) -> str:
        """The name an SMS can carry: the last 8 characters of a long device id (the
        page shows the whole id, its end in bold)."""
        return self.device_id if len(self.device_id) <= 12 else self.device_id[-8:]


def fleet(session: Any, now: datetime, settings: Any) -> list[PhoneHealth]:
    """Every known gateway phone with its figures and flags, the flagged first."""
    phones = {p.device_id: p for p in _phones(session, now)}
    for row in _grouped(session, now, settings):
        phone = phones.get(row.device_id)
        if phone is None:
            continue  # a phone never heard from by the webhook: nothing to flag it by
        recent, stale = bool(row.recent), bool(row.stale)
        sim = phone.sim(row.sim)
        for figures in (phone.total, sim.total, sim.kind(row.kind or "-")):
            figures.add(row.status, row.count, recent, stale)
        if row.status in DELIVERED or row.status in FAILED:
            phone.last_report_at = _later(phone.last_report_at, row.last_update)
        elif row.status == m.SENT and recent and row.silent:
            phone.silent_count += row.count
            phone.silent_since = _earlier(phone.silent_since, row.first_at)
    for phone in phones.values():
        phone.flags = flags_of(phone, now, settings)
    return sorted(phones.values(), key=lambda p: (not p.flags, p.device_id))


def flags_of(phone: PhoneHealth, now: datetime, settings: Any) -> list[Flag]:
    """The rules of the module docstring, applied to one phone's figures."""
    found: list[Flag] = []
    ping_alarm = timedelta(minutes=settings.gateway_ping_alarm_minutes)
    heard = phone.last_ping_at
    pinging = heard is not None and now - heard <= ping_alarm
    if heard is not None and ping_alarm < now - heard <= WEEK:
        found.append(Flag(NO_PING, since=heard))
    if (pinging and phone.silent_count >= settings.gateway_silent_messages
            and (phone.last_report_at is None or phone.last_report_at < phone.silent_since)):
        found.append(Flag(SILENT, count=phone.silent_count, since=phone.silent_since))
    if phone.recent_failures >= settings.gateway_failures_alarm and phone.failing_lately:
        found.append(Flag(FAILING, count=phone.recent_failures))
    for sim in phone.sim_list:
        day, week = sim.total.day, sim.total.week
        if (day.settled >= settings.gateway_drop_min_messages and week.share
                and day.share is not None and day.share < settings.gateway_drop_ratio * week.share):
            found.append(Flag(DROP, sim=sim.sim, day_share=day.share, week_share=week.share))
    return found


def _phones(session: Any, now: datetime) -> list[PhoneHealth]:
    rows = session.execute(
        select(GatewayDevice, Kelurahan.name)
        .outerjoin(Kelurahan, Kelurahan.id == GatewayDevice.kelurahan_id)
    ).all()
    return [PhoneHealth(
        device.device_id, device.id, kelurahan, device.last_ping_at, device.recent_failures,
        phone_online(device.last_ping_at, device.recent_failures, device.last_failed_at, now),
        device.last_failed_at is not None and now - device.last_failed_at <= DAY)
        for device, kelurahan in rows]


def _grouped(session: Any, now: datetime, settings: Any) -> list[Any]:
    """The gateway's outbound messages and broadcast rows of the week, counted by phone,
    SIM, kind, status and whether each was sent within the day, before the grace, before
    the silence: one statement, the two tables' rows side by side (UNION ALL)."""
    grace = now - timedelta(minutes=settings.gateway_report_grace_minutes)
    silent = now - timedelta(hours=settings.gateway_silent_hours)

    def timed(at: Any) -> tuple[Any, ...]:
        return (case((at >= now - DAY, 1), else_=0).label("recent"),
                case((at < grace, 1), else_=0).label("stale"),
                case((at < silent, 1), else_=0).label("silent"),
                at.label("at"))

    table = Message.__table__
    at = func.coalesce(table.c.sent_at, table.c.created_at)
    messages = select(
        table.c.device_id, table.c.sim, table.c.kind, table.c.status, *timed(at),
        table.c.updated_at,
    ).where(
        table.c.direction == m.OUT, table.c.provider == m.SMSGATE,
        table.c.device_id.is_not(None), table.c.status.in_(COUNTED),
        table.c.created_at >= now - WEEK - CREATED_SLACK, at >= now - WEEK,
    )
    # A broadcast row has a phone only once the gateway took it (sent_at written in the
    # same statement), so sent_at alone dates it; its partial index holds those rows.
    sends = BroadcastSend.__table__
    broadcasts = select(
        sends.c.device_id, sends.c.sim, Broadcast.kind, sends.c.status,
        *timed(sends.c.sent_at), sends.c.updated_at,
    ).join_from(sends, Broadcast, Broadcast.id == sends.c.broadcast_id).where(
        sends.c.device_id.is_not(None), sends.c.status.in_(COUNTED),
        sends.c.sent_at >= now - WEEK,
    )
    each = union_all(messages, broadcasts).subquery()
    keys = (each.c.device_id, each.c.sim, each.c.kind, each.c.status, each.c.recent,
            each.c.stale, each.c.silent)
    return list(session.execute(
        select(*keys, func.count().label("count"), func.min(each.c.at).label("first_at"),
               func.max(each.c.updated_at).label("last_update"))
        .group_by(*keys)
    ).all())


def _later(a: datetime | None, b: datetime | None) -> datetime | None:
    return b if a is None else a if b is None else max(a, b)


def _earlier(a: datetime | None, b: datetime | None) -> datetime | None:
    return b if a is None else a if b is None else min(a, b)
