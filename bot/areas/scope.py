"""The one rule for an officer's area, shared by every page that scopes by area.

Every comparison is by id: a kelurahan officer sees their kelurahan; a kota officer
their kota's row of the areas table (``officer.area_id``), which lies in one provinsi, so
the "Kota Bandung" of another province is another id; a provinsi officer their
provinsi's row; pusat everything. An officer whose area is missing sees nothing rather
than too much.

KSMs, members, proposals, the poor list, monev and announcements apply it to the
``Kelurahan`` columns (:func:`kelurahan_condition`); complaints and inbox items to their
own columns (:func:`condition`).

The front door: :func:`get_in_area` loads one row of a scoped model by id for a page
(a row outside the area raises :class:`NotInArea`, which the web answers 404, as for a
row that does not exist: a guessed id tells nothing), :func:`find_in_area` is the same
returning None, and :func:`in_area_filter` is the condition for lists. All three read
the one table :data:`RULES`, so a list and a page of the same model cannot disagree.
"""
from __future__ import annotations

from typing import Any, Callable, TypeVar

from sqlalchemy import ColumnElement, Select, and_, false, or_, select, true
from sqlalchemy.orm import Session

from bot.models import (
    Announcement,
    Complaint,
    Contact,
    InboxItem,
    Kelurahan,
    Ksm,
    KsmMember,
    Officer,
    Proposal,
)
from bot.models import officer as roles

Row = TypeVar("Row")
COMPLAINT_VIEW_ROLES = (roles.ADMIN, roles.PPM, roles.BKM, roles.FASILITATOR)


class NotInArea(LookupError):
    """The row does not exist or lies outside the officer's area (the web answers 404
    for both)."""


def condition(officer: Officer, kelurahan_id: Any, kota_area_id: Any,
              provinsi_area_id: Any) -> ColumnElement[bool]:
    """The officer's area as a condition on the given kelurahan, kota and provinsi id
    columns."""
    if officer.level == roles.PUSAT:
        return true()
    if officer.level == roles.KELURAHAN:
        return kelurahan_id == officer.kelurahan_id if officer.kelurahan_id else false()
    if officer.level == roles.KOTA:
        return kota_area_id == officer.area_id if officer.area_id else false()
    if officer.level == roles.PROVINSI:
        return provinsi_area_id == officer.area_id if officer.area_id else false()
    return false()


def kelurahan_condition(officer: Officer) -> ColumnElement[bool]:
    """The officer's area as a condition on ``Kelurahan``."""
    return condition(officer, Kelurahan.id, Kelurahan.kota_area_id, Kelurahan.provinsi_area_id)


def contains(officer: Officer, kelurahan: Kelurahan) -> bool:
    """True when ``kelurahan`` lies in the officer's area (the same rule, in Python)."""
    if officer.level == roles.PUSAT:
        return True
    if officer.level == roles.KELURAHAN:
        return bool(officer.kelurahan_id) and officer.kelurahan_id == kelurahan.id
    if officer.level == roles.KOTA:
        return bool(officer.area_id) and officer.area_id == kelurahan.kota_area_id
    if officer.level == roles.PROVINSI:
        return bool(officer.area_id) and officer.area_id == kelurahan.provinsi_area_id
    return False


# Complaints: the area, at the officer's level or below, and the unplaced ones for the
# national officers (who place them).

def levels_overseen(officer: Officer) -> tuple[str, ...]:
    """The officer's own handling level and every level below it."""
    if officer.level not in roles.LEVELS:
        return ()
    return roles.LEVELS[: roles.LEVELS.index(officer.level) + 1]


def sees_unplaced(officer: Officer) -> bool:
    """Who sees the "needs an area" list: national (pusat) officers and admins. Nothing
    tells which kota or provinsi an unplaced complaint belongs to (a gateway phone tied
    to a kelurahan places it: ``complaints.channel_kelurahan``), so no regional officer
    may read the country's."""
    return officer.role == roles.ADMIN or (
        officer.role in COMPLAINT_VIEW_ROLES
        and officer.role != roles.BKM
        and officer.level == roles.PUSAT
    )


def complaint_area(officer: Officer) -> ColumnElement[bool]:
    """The officer's area as a condition on the complaint's own columns."""
    return condition(officer, Complaint.kelurahan_id, Complaint.kota_area_id,
                     Complaint.provinsi_area_id)


def hide_from_bkm(officer: Officer, cond: Any) -> Any:
    """A BKM officer never sees a complaint that names a BKM member."""
    if officer.role == roles.BKM:
        return and_(cond, Complaint.names_bkm_member == false())
    return cond


def not_simulated() -> Any:
    """The complaint was not filed from the dashboard's simulator."""
    # A complaint cut from its complainant (retention) was a real one: NOT IN alone
    # would drop it (NULL NOT IN (...) is not true).
    return or_(
        Complaint.contact_id.is_(None),
        Complaint.contact_id.not_in(select(Contact.id).where(Contact.simulated.is_(True))),
    )


def _complaints(officer: Officer, simulated: bool) -> Any:
    if officer.role not in COMPLAINT_VIEW_ROLES:
        return false()
    if officer.role == roles.ADMIN:
        cond = true()
    else:
        cond = and_(Complaint.level.in_(levels_overseen(officer)), complaint_area(officer))
        if sees_unplaced(officer):
            cond = or_(cond, Complaint.kelurahan_id.is_(None))
        cond = hide_from_bkm(officer, cond)
    return cond if simulated else and_(cond, not_simulated())


def _kelurahan(officer: Officer, simulated: bool) -> Any:
    return kelurahan_condition(officer)


def _kelurahan_ids(officer: Officer) -> Select[Any]:
    return select(Kelurahan.id).where(kelurahan_condition(officer))


def _ksms(officer: Officer, simulated: bool) -> Any:
    cond = Ksm.kelurahan_id.in_(_kelurahan_ids(officer))
    return cond if simulated else and_(cond, Ksm.simulated.is_(False))


def _ksm_ids(officer: Officer, simulated: bool) -> Select[Any]:
    return select(Ksm.id).where(_ksms(officer, simulated))


def _members(officer: Officer, simulated: bool) -> Any:
    return KsmMember.ksm_id.in_(_ksm_ids(officer, simulated))


def _proposals(officer: Officer, simulated: bool) -> Any:
    return Proposal.ksm_id.in_(_ksm_ids(officer, simulated))


def _announcements(officer: Officer, simulated: bool) -> Any:
    return Announcement.kelurahan_id.in_(_kelurahan_ids(officer))


def _inbox(officer: Officer, simulated: bool) -> Any:
    placed = condition(officer, InboxItem.kelurahan_id, InboxItem.kota_area_id,
                       InboxItem.provinsi_area_id)
    if officer.role == roles.ADMIN or officer.level == roles.PUSAT:
        return or_(placed, InboxItem.kelurahan_id.is_(None))
    return and_(placed, InboxItem.kelurahan_id.is_not(None))


# Every scoped model and its rule: (officer, simulated) -> a condition on the model.
RULES: dict[type, Callable[[Officer, bool], Any]] = {
    Announcement: _announcements,
    Complaint: _complaints,
    InboxItem: _inbox,
    Kelurahan: _kelurahan,
    Ksm: _ksms,
    KsmMember: _members,
    Proposal: _proposals,
}


def in_area_filter(officer: Officer, model: type, simulated: bool = False) -> Any:
    """The rows of ``model`` the officer may see, as a condition for ``select(model)``.

    Rows made from the dashboard's simulator (complaints, KSMs and what hangs off them)
    count only when ``simulated`` asks for them. A model with no rule is a KeyError: an
    unscoped model is never filtered by accident.
    """
    return RULES[model](officer, simulated)


def kelurahan_in_area(session: Session, officer: Officer) -> list[Kelurahan]:
    """The kelurahan of the officer's area, by name (a page's choice of kelurahan)."""
    return list(session.scalars(
        select(Kelurahan).where(in_area_filter(officer, Kelurahan)).order_by(Kelurahan.name)))


def find_in_area(session: Session, officer: Officer, model: type[Row], row_id: Any) -> Row | None:
    """The row of ``model`` with id ``row_id`` if the officer may see it, else None
    (missing and out of the area alike). A simulated row opens too: the officer asked for
    it in a list."""
    return session.scalar(
        select(model).where(model.id == row_id, in_area_filter(officer, model, simulated=True))  # type: ignore[attr-defined]
    )


def get_in_area(session: Session, officer: Officer, model: type[Row], row_id: Any) -> Row:
    """The row as :func:`find_in_area`, for a page: raises :class:`NotInArea` (a 404)
    when it is missing or outside the officer's area."""
    row = find_in_area(session, officer, model, row_id)
    if row is None:
        raise NotInArea(f"{model.__name__} {row_id}")
    return row
