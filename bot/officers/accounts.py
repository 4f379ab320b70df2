"""Officer accounts: creation, passwords, ending access (sessions and API tokens), and the
area an officer sees. Issuing and checking tokens: ``bot.officers.api_tokens``."""
from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from bot.models import ApiToken, Area, Kelurahan, Officer
from bot.models import area as area_levels
from bot.models import officer as roles
from bot.models.area import find_or_add


class OfficerError(ValueError):
    """A wrong officer detail; the text says which."""


def create_or_update(
    session: Session,
    username: str,
    password: str,
    role: str,
    kelurahan: Kelurahan | None = None,
    kota: str | None = None,
    provinsi: str | None = None,
    full_name: str = "",
) -> Officer:
    """Create the officer, or reset the password/role/area of an existing one.

    The area's level follows from what is given: a kelurahan, else a kota, else a
    provinsi, else the whole country (pusat). A kota or provinsi is stored as its row of
    the areas table (added when it is new: ``create-user`` checks the names first); a
    kota named without its provinsi must be the only one of that name.
    """
    if role not in roles.ROLES:
        raise OfficerError(f"role must be one of {', '.join(roles.ROLES)}")
    if len(password) < 8:
        raise OfficerError("password must be at least 8 characters")
    if not username or not username.replace("_", "").replace(".", "").isalnum():
        raise OfficerError("username: letters, digits, '.' and '_' only")
    area: Area | None = None
    if kelurahan is not None:
        level = roles.KELURAHAN
    elif kota:
        level = roles.KOTA
        if provinsi:
            parent = find_or_add(session, area_levels.PROVINSI, provinsi, None, None)
            session.flush()
            area = find_or_add(session, area_levels.KOTA, kota, None, parent)
        else:
            area = _kota_named(session, kota)
    elif provinsi:
        level = roles.PROVINSI
        area = find_or_add(session, area_levels.PROVINSI, provinsi, None, None)
    else:
        level = roles.PUSAT
    officer = session.execute(select(Officer).where(Officer.username == username)).scalar_one_or_none()
    if officer is None:
        officer = Officer(username=username)
        session.add(officer)
    if officer.id is not None:
        # A new password ends what was opened with the old one: sessions and API tokens.
        end_access(session, officer)
    officer.password_hash = generate_password_hash(password)
    officer.role = role
    officer.level = level
    officer.kelurahan_id = kelurahan.id if kelurahan is not None else None
    officer.area = area
    officer.full_name = full_name or officer.full_name or username
    officer.active = True
    session.flush()
    return officer


def end_access(session: Session, officer: Officer, now: datetime | None = None) -> None:
    """End every way in the officer holds: their logged-in sessions (on any device) and
    their API tokens (revoked, as the tokens page shows). The one rule for a new
    password, a lost second factor and a deactivated account."""
    officer.session_version = (officer.session_version or 0) + 1
    session.execute(update(ApiToken)
                    .where(ApiToken.officer_id == officer.id, ApiToken.revoked_at.is_(None))
                    .values(revoked_at=now or datetime.now(timezone.utc)))
    session.flush()


def deactivate(session: Session, officer: Officer) -> None:
    """The officer leaves: no login, no session, no token; ``create-user`` with a new
    password brings the account back, without its old tokens."""
    officer.active = False
    end_access(session, officer)


def _kota_named(session: Session, kota: str) -> Area | None:
    """The kota named ``kota`` when only one provinsi has a kota of that name.

    Raises:
        OfficerError: kota names repeat across provinces and this one does.
    """
    found = session.scalars(
        select(Area).where(Area.level == area_levels.KOTA,
                           func.lower(Area.name) == kota.strip().lower()).limit(2)
    ).all()
    if len(found) > 1:
        raise OfficerError(f"{kota} ada di lebih dari satu provinsi: sebutkan provinsi")
    return found[0] if found else None


def authenticate(session: Session, username: str, password: str) -> Officer | None:
    officer = session.execute(select(Officer).where(Officer.username == username)).scalar_one_or_none()
    if officer is None or not officer.active:
        # Spend the same time as a real check so usernames cannot be probed by timing.
        check_password_hash(generate_password_hash("x"), password)
        return None
    return officer if check_password_hash(officer.password_hash, password) else None


def area_label(officer: Officer, kelurahan: Kelurahan | None) -> str:
    if officer.level == roles.KELURAHAN and kelurahan is not None:
        return f"Kel. {kelurahan.name}, {kelurahan.kota}"
    if officer.level in (roles.KOTA, roles.PROVINSI):
        return officer.area.label if officer.area is not None else ""
    return "Nasional"
