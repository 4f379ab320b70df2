"""The demo kelurahan and the first admin login for a newcomer's first run."""
from __future__ import annotations

import secrets

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.models import Kelurahan, Officer
from bot.officers import accounts as officers

# Kel. Sukamaju, Kec. Cibeunying Kidul, Kota Bandung: its real Kemendagri code, so an
# import of the official list later updates this row instead of adding a second one.
DEMO_CODE = "32.73.14.1004"
DEMO_KELURAHAN = ("Sukamaju", "Kota Bandung", "Jawa Barat", "Asia/Jakarta")


def ensure_demo(session: Session) -> tuple[Kelurahan, str | None]:
    """Create the demo kelurahan if there is none, and an admin if there is no officer.

    Returns:
        The demo kelurahan and the new admin's password (None when one existed).
    """
    name, kota, provinsi, zone = DEMO_KELURAHAN
    kelurahan = session.execute(
        select(Kelurahan).where(Kelurahan.code == DEMO_CODE)
    ).scalar_one_or_none()
    if kelurahan is None:
        kelurahan = Kelurahan(code=DEMO_CODE, name=name, kecamatan="Cibeunying Kidul", kota=kota,
                              provinsi=provinsi, time_zone=zone)
        session.add(kelurahan)
        session.flush()
    password = None
    if not session.scalar(select(func.count()).select_from(Officer)):
        password = secrets.token_urlsafe(9)
        officers.create_or_update(session, "admin", password, "admin", full_name="Admin")
    return kelurahan, password
