"""Monev: the MONEV report's effect, the leaders' look-up of due periods, and the
set-based SQL the sweep runs over every verified KSM (``workers/monev_sweep.py``).

Month arithmetic is done in the database so that no KSM row is loaded into Python:
PostgreSQL adds ``make_interval(months => n)``; SQLite uses ``strftime`` with
``+n months``. (At a month's end they differ by a few days: PostgreSQL clamps 31 January
+ 1 month to 28 February, SQLite rolls over to 3 March. Either is a fine due date.)
"""
from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Integer, Select, String, bindparam, case, cast, func, literal, select, update
from sqlalchemy.orm import Session

from bot.effect_context import EffectContext
from bot.models import Ksm, KsmMember, MonevPeriod, MonevReport
from bot.models import ksm as k
from bot.models import monev as mv
from conversations.flows.monev import MonevDue, SubmitMonevReport

EARLY = timedelta(days=7)  # a period may be reported this long before it is due


class MonevError(ValueError):
    """The sender may not report this period."""


def months_after(dialect: str, start: Any, months: Any) -> Any:
    """SQL for ``start`` + ``months`` months (``months`` an integer expression)."""
    if dialect == "postgresql":
        return start + func.make_interval(0, months)
    # The stored format of UtcDateTime on SQLite, microseconds included, so that
    # string comparisons with other timestamps stay right.
    return func.strftime("%Y-%m-%d %H:%M:%f", start,
                         literal("+") + cast(months, String) + literal(" months")) + literal("000")


def months_between(dialect: str, start: Any, now: datetime) -> Any:
    """SQL for the whole months from ``start`` to ``now``."""
    if dialect == "postgresql":
        age = func.age(literal(now), start)
        return cast(func.date_part("year", age) * 12 + func.date_part("month", age), Integer())
    stamp = now.strftime("%Y-%m-%d %H:%M:%S.%f")
    def part(fmt: str, value: Any) -> Any:
        return cast(func.strftime(fmt, value), Integer())

    years = part("%Y", stamp) - part("%Y", start)
    months = part("%m", stamp) - part("%m", start)
    not_yet = case((func.strftime("%d %H:%M:%f", stamp) < func.strftime("%d %H:%M:%f", start), 1),
                   else_=0)
    return years * 12 + months - not_yet


def kind_sql(number: Any) -> Any:
    """SQL twin of ``bot.models.monev.kind_of``."""
    return case((number % 6 == 0, literal(mv.SEMIANNUAL)), (number % 3 == 0, literal(mv.QUARTERLY)),
                else_=literal(mv.MONTHLY))


def submit_report(effect: SubmitMonevReport, ctx: EffectContext) -> None:
    """A KSM leader's monev report for one period."""
    session = ctx.session
    period = session.get(MonevPeriod, effect.period_id, with_for_update=True)
    ksm = session.get(Ksm, period.ksm_id) if period is not None else None
    if period is None or ksm is None or ksm.leader_contact_id != ctx.contact_id:
        raise MonevError("only the KSM's leader reports its monev")
    if period.reported_at is not None:
        return  # reported twice (two phones, a retry): the first report stands
    session.add(MonevReport(
        period_id=period.id, ksm_id=ksm.id, meetings_held=effect.meetings_held,
        members_active=effect.members_active, progress=effect.progress,
        problems=effect.problems, reported_by_id=ctx.contact_id, created_at=ctx.now))
    period.reported_at = ctx.now


class MonevLookups:
    """Look-ups for MONEV (mixed into ``bot.directory.DbDirectory``)."""

    session: Session
    contact_id: int

    def monev_due(self, now: datetime) -> list[MonevDue]:
        """Unreported periods of the verified KSMs the contact leads, due by next week."""
        rows = self.session.execute(
            _DUE, {"contact_id": self.contact_id, "due_by": now + EARLY})
        seen: set[int] = set()
        due = []
        for period_id, ksm_id, name, kind, count in rows:
            if ksm_id not in seen:  # the oldest open period of each KSM first
                seen.add(ksm_id)
                due.append(MonevDue(period_id, ksm_id, name, kind, int(count or 0)))
        return due


def _due_select() -> Select[Any]:
    members = (select(func.count()).where(KsmMember.ksm_id == Ksm.id,
                                          KsmMember.status == k.CONFIRMED)
               .correlate(Ksm).scalar_subquery())
    return (
        select(MonevPeriod.id, Ksm.id, Ksm.name, MonevPeriod.kind, members)
        .join(Ksm, Ksm.id == MonevPeriod.ksm_id)
        .where(Ksm.leader_contact_id == bindparam("contact_id"), Ksm.status == k.VERIFIED,
               MonevPeriod.reported_at.is_(None), MonevPeriod.due_at <= bindparam("due_by"))
        .order_by(MonevPeriod.due_at, MonevPeriod.id)
    )


_DUE = _due_select()


def status_of(period: MonevPeriod | None, now: datetime, days: int) -> str:
    """reported / waiting / reminded_again / overdue / not_due, for the dashboard."""
    if period is None or period.opened_at is None:
        return "not_due"
    if period.reported_at is not None:
        return "reported"
    again = period.second_reminded_at
    if again is not None and again <= now - timedelta(days=days):
        return "overdue"
    return "reminded_again" if period.second_reminded_at is not None else "waiting"


def overdue_condition(now: datetime, days: int) -> Any:
    """SQL: the period is overdue at ``now``."""
    return (MonevPeriod.reported_at.is_(None) & MonevPeriod.second_reminded_at.is_not(None)
            & (MonevPeriod.second_reminded_at <= now - timedelta(days=days)))


def mark_second_reminders(session: Session, now: datetime, days: int) -> int:
    """Stamp the periods due a second reminder; returns how many."""
    result = session.execute(
        update(MonevPeriod)
        .where(MonevPeriod.reported_at.is_(None), MonevPeriod.second_reminded_at.is_(None),
               MonevPeriod.reminded_at <= now - timedelta(days=days))
        .values(second_reminded_at=now)
        .execution_options(synchronize_session=False))
    return max(result.rowcount, 0)
