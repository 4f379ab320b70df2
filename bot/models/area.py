"""Areas: the kelurahan, inside its kecamatan, kota and provinsi, with its time zone.

A kelurahan is identified by its official Kemendagri code (``32.73.14.1004``: provinsi
32, kota 32.73, kecamatan 32.73.14), not by its name: names repeat, even kota names
across provinces. The kota and provinsi are rows of their own (:class:`Area`), and
officers and complaints point at them by id: a Kota Bandung in Jawa Barat and one in
another province are two rows, whatever their names.
"""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint, event, func, select
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from bot.models.base import Base, UtcDateTime, utcnow
from conversations.flows.meeting_common import DEFAULT_ZONE

# Indonesia's three zones: WIB, WITA, WIT.
TIME_ZONES = ("Asia/Jakarta", "Asia/Pontianak", "Asia/Makassar", "Asia/Jayapura")

# The levels an Area row has (a kelurahan is a ``Kelurahan`` row).
PROVINSI = "provinsi"
KOTA = "kota"


class Area(Base):
    """A provinsi, or a kota/kabupaten inside its provinsi (``parent``).

    ``code`` is the Kemendagri code (``32``, ``32.73``); empty only for areas known by
    name from kelurahan stored before codes.
    """

    __tablename__ = "area"
    __table_args__ = (
        UniqueConstraint("level", "parent_id", "name", name="uq_area_level_parent_name"),
        Index("ix_area_parent", "parent_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    level: Mapped[str] = mapped_column(String(12))
    code: Mapped[str | None] = mapped_column(String(5), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("area.id"))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)

    parent: Mapped[Area | None] = relationship(remote_side=[id], lazy="selectin", join_depth=2)

    @property
    def label(self) -> str:
        """``Kota Bandung, Jawa Barat`` for a kota; the name for a provinsi."""
        return f"{self.name}, {self.parent.name}" if self.parent is not None else self.name

    def __repr__(self) -> str:
        return f"<Area {self.id} {self.level} {self.code} {self.name}>"


class Kelurahan(Base):
    """An urban ward or village; every resident, KSM and complaint belongs to one.

    ``kota_area_id`` and ``provinsi_area_id`` follow the code (else the names) on every
    flush (:func:`_place_kelurahan`), so whoever stores a kelurahan places it.
    """

    __tablename__ = "kelurahan"

    id: Mapped[int] = mapped_column(primary_key=True)
    # The Kemendagri code; empty only for rows made before codes (set them by import).
    code: Mapped[str | None] = mapped_column(String(13), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    kecamatan: Mapped[str | None] = mapped_column(String(120))
    kota: Mapped[str] = mapped_column(String(120))
    provinsi: Mapped[str] = mapped_column(String(120))
    kota_area_id: Mapped[int | None] = mapped_column(ForeignKey("area.id"), index=True)
    provinsi_area_id: Mapped[int | None] = mapped_column(ForeignKey("area.id"), index=True)
    time_zone: Mapped[str] = mapped_column(String(40), default=DEFAULT_ZONE)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)

    kota_area: Mapped[Area | None] = relationship(foreign_keys=[kota_area_id])
    provinsi_area: Mapped[Area | None] = relationship(foreign_keys=[provinsi_area_id])

    @property
    def kota_code(self) -> str | None:
        return self.code[:5] if self.code else None

    @property
    def provinsi_code(self) -> str | None:
        return self.code[:2] if self.code else None

    def __repr__(self) -> str:
        return f"<Kelurahan {self.id} {self.name}, {self.kota}>"


def find_or_add(session: Session, level: str, name: str, code: str | None,
                parent: Area | None, pending: dict[Any, Area] | None = None) -> Area:
    """The area of ``level`` with ``code`` (else ``name`` inside ``parent``), added when
    missing; a known code takes the new name, a named area without a code takes it."""
    pending = {} if pending is None else pending
    key = (level, code) if code else (level, id(parent), name.strip().lower())
    if key in pending:
        return pending[key]
    parent_id = parent.id if parent is not None else None
    found = None
    with session.no_autoflush:
        if code:
            found = session.scalar(select(Area).where(Area.code == code))
        if found is None and (parent is None or parent_id is not None):
            found = session.scalar(select(Area).where(
                Area.level == level,
                Area.parent_id.is_(None) if parent_id is None else Area.parent_id == parent_id,
                func.lower(Area.name) == name.strip().lower(),
                Area.code.is_(None) if code else Area.id.is_not(None)))
    if found is None:
        found = Area(level=level, name=name.strip(), code=code, parent=parent)
        session.add(found)
    else:
        if code and found.code is None:
            found.code = code
        if code and found.name != name.strip():
            found.name = name.strip()
        if parent is not None and found.parent_id != parent_id:
            found.parent = parent
    pending[key] = found
    return found


@event.listens_for(Session, "before_flush")
def _place_kelurahan(session: Session, _context: Any, _instances: Any) -> None:
    """Point each new or renamed kelurahan at its kota and provinsi rows."""
    pending: dict[Any, Area] = {}
    for obj in [*session.new, *session.dirty]:
        if not isinstance(obj, Kelurahan) or not obj.kota or not obj.provinsi:
            continue
        if obj in session.dirty and not session.is_modified(obj, include_collections=False):
            continue
        provinsi = find_or_add(session, PROVINSI, obj.provinsi, obj.provinsi_code, None, pending)
        kota = find_or_add(session, KOTA, obj.kota, obj.kota_code, provinsi, pending)
        if obj.provinsi_area is not provinsi:
            obj.provinsi_area = provinsi
        if obj.kota_area is not kota:
            obj.kota_area = kota
