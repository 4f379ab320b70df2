"""Sweep tasks of monev: enrol newly verified KSMs, open due periods (remind the leaders
who have not reported, make the next period), and send second reminders.

Set-based: each step is one INSERT ... SELECT or UPDATE over all KSMs, and the
reminders are broadcasts whose send rows are written by INSERT ... SELECT too, so no
KSM row is loaded into Python however many there are (bench/monev_sweep.py: 300,000).
"""
from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import case, exists, literal, select, text, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from bot.models import Ksm, MonevPeriod
from bot.models import ksm as k
from bot.models import monev as mv
from bot.models.base import UtcDateTime
from bot.outbox import start_broadcasts
from bot.ksm.monev import kind_sql, mark_second_reminders, months_after, months_between
from bot.messaging.notices import broadcast_text

KIND = "monev_reminder"
COLUMNS = ["ksm_id", "number", "kind", "due_at"]


def _insert(dialect: str) -> Any:
    return (pg_insert if dialect == "postgresql" else sqlite_insert)(MonevPeriod)


def open_monev_periods(rt: Any, now: datetime) -> int:
    """Enrol, open what is due, remind; returns how many periods were opened."""
    dialect = rt.db.engine.dialect.name
    made: list[int] = []
    with rt.db.session() as session:
        # A KSM verified n whole months ago starts at period n (at least 1): one
        # verified long ago is asked about this month, not about every month missed.
        if dialect == "postgresql":
            # The anti-join reads monev_period while this statement inserts into it. With
            # a nested loop every probe re-scans the rows inserted so far (quadratic: 10
            # minutes for 300,000 KSMs when monev_period starts empty); a hash anti-join
            # reads it once, before the first insert.
            session.execute(text("SET LOCAL enable_nestloop = off"))
            session.execute(text("SET LOCAL enable_mergejoin = off"))
        elapsed = months_between(dialect, Ksm.verified_at, now)
        number = case((elapsed < 1, 1), else_=elapsed)
        session.execute(_insert(dialect).from_select(COLUMNS, select(
            Ksm.id, number, kind_sql(number), months_after(dialect, Ksm.verified_at, number),
        ).where(Ksm.status == k.VERIFIED, Ksm.verified_at.is_not(None),
                ~exists().where(MonevPeriod.ksm_id == Ksm.id))).on_conflict_do_nothing())

        if dialect == "postgresql":
            session.execute(text("RESET enable_nestloop"))
            session.execute(text("RESET enable_mergejoin"))
        opened = session.execute(
            update(MonevPeriod)
            .where(MonevPeriod.opened_at.is_(None), MonevPeriod.due_at <= now)
            .values(opened_at=now,
                    # Already reported (early): opened, but nobody is reminded.
                    reminded_at=_if_unreported(now))
            .execution_options(synchronize_session=False)
        ).rowcount
        if not opened:
            return 0
        following = MonevPeriod.number + 1
        session.execute(_insert(dialect).from_select(COLUMNS, select(
            MonevPeriod.ksm_id, following, kind_sql(following),
            months_after(dialect, Ksm.verified_at, following),
        ).join(Ksm, Ksm.id == MonevPeriod.ksm_id)
         .where(MonevPeriod.opened_at == now, Ksm.status == k.VERIFIED)).on_conflict_do_nothing())

        for kind in mv.KINDS:
            leaders = (select(Ksm.leader_contact_id)
                       .join(MonevPeriod, MonevPeriod.ksm_id == Ksm.id)
                       .where(MonevPeriod.reminded_at == now, MonevPeriod.kind == kind,
                              Ksm.status == k.VERIFIED))
            made += broadcast_text(session, KIND, f"monev.remind.{kind}", {}, leaders, now,
                                   templates=rt.settings.whatsapp_templates,
                                   expires_at=_until_the_next(rt, now))
    start_broadcasts(rt, made)
    return max(opened, 0)


def _until_the_next(rt: Any, now: datetime) -> datetime:
    """A monev reminder is useful until the next one would come (the second reminder,
    or for the second, the period counted overdue): MONEV_REMINDER_DAYS."""
    return now + timedelta(days=rt.settings.monev_reminder_days)


def second_monev_reminders(rt: Any, now: datetime) -> int:
    """Remind again the leaders who have not reported ``MONEV_REMINDER_DAYS`` after the
    first reminder; returns how many periods."""
    made: list[int] = []
    with rt.db.session() as session:
        count = mark_second_reminders(session, now, rt.settings.monev_reminder_days)
        if count:
            leaders = (select(Ksm.leader_contact_id)
                       .join(MonevPeriod, MonevPeriod.ksm_id == Ksm.id)
                       .where(MonevPeriod.second_reminded_at == now, Ksm.status == k.VERIFIED))
            made = broadcast_text(session, KIND, "monev.remind.second", {}, leaders, now,
                                  templates=rt.settings.whatsapp_templates,
                                  expires_at=_until_the_next(rt, now))
    start_broadcasts(rt, made)
    return count


def _if_unreported(now: datetime) -> Any:
    return case((MonevPeriod.reported_at.is_(None), literal(now, UtcDateTime())), else_=None)
