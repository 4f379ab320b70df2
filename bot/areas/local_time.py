"""Times as an officer reads them: in the area's time zone with its label (WIB, WITA,
WIT), never UTC. The database keeps UTC.

Every page (the ``local`` template filter), the CSV exports and the audit trail say a
time through here. The zone and its label come from the conversation engine's
``meeting_common``, which says meeting times to residents the same way.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.models import Kelurahan, Officer
from bot.models import officer as roles
from bot.areas.scope import kelurahan_condition
from bot.areas.working_days import MONTHS_ID
from conversations.flows.meeting_common import DEFAULT_ZONE, WEEKDAY_NAMES, zone, zone_name

SHORT = "%d/%m/%Y %H.%M"
DAY = "%d/%m/%Y"


def short(value: datetime | None, time_zone: str | None = None, fmt: str = SHORT,
          missing: str = "-") -> str:
    """``07/12/2026 14.05 WITA``: ``value`` (UTC) in ``time_zone`` (WIB if unknown);
    ``missing`` when there is no time."""
    if value is None:
        return missing
    return f"{value.astimezone(zone(time_zone)).strftime(fmt)} {zone_name(time_zone)}"


def stamp(value: datetime, time_zone: str | None = None) -> str:
    """``Senin 7 Desember 2026 14.05 WIB``, for the audit trail."""
    local = value.astimezone(zone(time_zone))
    return (
        f"{WEEKDAY_NAMES['id'][local.weekday()]} {local.day} {MONTHS_ID[local.month - 1]} "
        f"{local.year} {local:%H.%M} {zone_name(time_zone)}"
    )


def officer_zone(session: Session, officer: Officer) -> str:
    """The zone of the officer's area, for times that belong to no one kelurahan: their
    kelurahan's; for a kota or provinsi the zone most of its kelurahan keep (Indonesia's
    zones split no kota, and only a few provinsi); WIB for pusat and admins."""
    if officer.level == roles.PUSAT or officer.role == roles.ADMIN:
        return DEFAULT_ZONE
    return session.scalar(
        select(Kelurahan.time_zone)
        .where(kelurahan_condition(officer))
        .group_by(Kelurahan.time_zone)
        .order_by(func.count().desc(), Kelurahan.time_zone)
        .limit(1)
    ) or DEFAULT_ZONE


def zones_of(session: Session, kelurahan_ids: Iterable[int | None]) -> dict[int, str]:
    """Each kelurahan's zone, for a list of rows from several kelurahan."""
    ids = {i for i in kelurahan_ids if i}
    if not ids:
        return {}
    return dict(session.execute(
        select(Kelurahan.id, Kelurahan.time_zone).where(Kelurahan.id.in_(ids))
    ).all())
