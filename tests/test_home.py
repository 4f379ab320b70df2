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


def _links(html: str) -> dict[str, tuple[int, str]]:
    return {label: (int(n), href.replace("&amp;", "&")) for href, n, label in re.findall(
        r'href="([^"]+)"><b>(\d+)</b><span>([^<]+)</span>', html)}


def _rows(html: str) -> int:
    """The rows of the list a page shows (its table's body rows)."""
    body = re.search(r"<tbody>(.*?)</tbody>", html, re.S)
    return len(re.findall(r"<tr[ >]", body.group(1))) if body else 0


def test_every_figure_on_the_home_page_is_the_count_of_the_list_behind_it(
        rt, client, officer_login) -> None:  # type: ignore[no-untyped-def]
    """One truth per number: each tile opens the list it counts, and that list shows
    exactly as many rows."""
    from datetime import datetime, timedelta, timezone

    from bot.models import Complaint, Contact
    from conversations.flows.complaint_code import new_code

    for _ in range(2):
        make_ksm(rt, WIB, status=k.WAITING, kelurahan="Sukamaju")
    verified = make_ksm(rt, WIB, kelurahan="Sukamaju")
    now = datetime.now(timezone.utc)
    with rt.db.session() as session:
        for title in ("Jalan", "Sumur", "MCK"):
            session.add(Proposal(ksm_id=verified["id"], title=title, field="ekonomi",
                                 unit="UPK", amount=1_000_000, beneficiaries=5,
                                 poor_beneficiaries=5, status=k.SUBMITTED))
        kelurahan = session.scalar(select(Kelurahan).where(Kelurahan.name == "Sukamaju"))
        contact = Contact(phone="+6281299998888")
        session.add(contact)
        session.flush()
        for status, due in (("new", now + timedelta(days=2)), ("new", now - timedelta(days=1)),
                            ("verified", now - timedelta(days=2)), ("resolved", None)):
            session.add(Complaint(code=new_code(), contact_id=contact.id, channel="sms",
                                  text="aduan", kelurahan_id=kelurahan.id,
                                  kota_area_id=kelurahan.kota_area_id,
                                  provinsi_area_id=kelurahan.provinsi_area_id, level="kelurahan",
                                  status=status, due_at=due, anonymous=True,
                                  names_bkm_member=False))
        session.expunge(kelurahan)
    for username, role in (("bkm1", "bkm"), ("ppm1", "ppm")):
        officer_login(username, role, kelurahan=kelurahan)
        tiles = _links(client.get("/").get_data(as_text=True))
        assert tiles, username
        for label, (count, href) in tiles.items():
            assert _rows(client.get(href).get_data(as_text=True)) == count, (username, label, href)
    assert tiles["aduan baru"][0] == 2 and tiles["aduan lewat tenggat"][0] == 2
