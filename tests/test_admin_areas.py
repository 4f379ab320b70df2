"""The admins' areas page: kelurahan with their officers, KSMs and open complaints."""
from __future__ import annotations

from sqlalchemy import select

from bot.models import Kelurahan, Officer
from tests.test_area_scoping import HERE, THERE, _kelurahan_with_ksm


def test_admin_sees_areas_with_officers_and_ksms(rt, officer_login) -> None:  # type: ignore[no-untyped-def]
    _kelurahan_with_ksm(rt, HERE, "Jabar", "+6281200000001")
    _kelurahan_with_ksm(rt, THERE, "Sumsel", "+6281200000002")
    with rt.db.session() as session:
        session.add(Kelurahan(code="32.73.14.1001", name="Padasuka", kota="Kota Bandung", provinsi="Jawa Barat"))
        here = session.scalar(select(Kelurahan).where(Kelurahan.code == HERE[0]))
        session.add(Officer(username="bkm_suka", password_hash="x", role="bkm", level="kelurahan",
                            kelurahan_id=here.id))
        # A kota officer whose old text named no area (migration 0019 leaves it empty).
        session.add(Officer(username="ppm_typo", password_hash="x", role="ppm", level="kota"))
    client = officer_login()
    page = client.get("/admin/areas/").data.decode()
    assert "32.73.14.1004" in page and "16.99.01.1001" in page
    assert "bkm_suka (bkm)" in page
    assert "Padasuka" not in page  # nothing in use there
    assert "ppm_typo" in page and "wilayah tidak ditemukan" in page
    found = client.get("/admin/areas/?q=32.73").data.decode()
    assert "Padasuka" in found and "16.99.01.1001" not in found


def test_only_admins_see_the_areas_page(rt, officer_login) -> None:  # type: ignore[no-untyped-def]
    _kelurahan_with_ksm(rt, HERE, "Jabar", "+6281200000001")
    client = officer_login("fas", "fasilitator", provinsi="Jawa Barat")
    assert client.get("/admin/areas/").status_code == 403
