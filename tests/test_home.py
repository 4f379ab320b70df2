"""The home page is the officer's own work: counts for their area and role only."""
from __future__ import annotations

import re

from sqlalchemy import select

from bot.models import Kelurahan, Proposal
from bot.models import ksm as k
from tests.meeting_helpers import WIB, make_ksm


def _tiles(html: str) -> dict[str, int]:
    return {label: int(n) for n, label in re.findall(r"<b>(\d+)</b><span>([^<]+)</span>", html)}


def test_a_bkm_officer_sees_the_work_of_their_kelurahan(rt, client, officer_login) -> None:  # type: ignore[no-untyped-def]
    make_ksm(rt, WIB, status=k.WAITING, kelurahan="Sukamaju")
    make_ksm(rt, WIB, status=k.WAITING, kelurahan="Lain")
    verified = make_ksm(rt, WIB, kelurahan="Sukamaju")
    with rt.db.session() as session:
        session.add(Proposal(ksm_id=verified["id"], title="Jalan", field="ekonomi", unit="UPK",
                             amount=1_000_000, beneficiaries=5, poor_beneficiaries=5,
                             status=k.SUBMITTED))
        kelurahan = session.scalar(select(Kelurahan).where(Kelurahan.name == "Sukamaju"))
        session.expunge(kelurahan)
    officer_login("bkm1", "bkm", kelurahan=kelurahan)
    html = client.get("/").get_data(as_text=True)
    tiles = _tiles(html)
    assert tiles["KSM menunggu verifikasi"] == 1  # not the other kelurahan's
    assert tiles["usulan menunggu pemeriksaan"] == 1
    assert tiles["aduan baru"] == 0 and tiles["KSM terlambat lapor monev"] == 0
    assert "kontak warga" not in html  # system-wide figures are the admin's
    assert 'href="/ksm/?status=waiting_verification"' in html


def test_a_ppm_officer_sees_complaints_only(rt, client, officer_login) -> None:  # type: ignore[no-untyped-def]
    officer_login("ppm1", "ppm")
    tiles = _tiles(client.get("/").get_data(as_text=True))
    assert set(tiles) == {"aduan baru", "aduan lewat tenggat"}
