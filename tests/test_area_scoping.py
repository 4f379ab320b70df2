"""Areas are scoped by kelurahan id, and by kota together with its provinsi: a Kota
Bandung officer in Jawa Barat sees nothing of a "Kota Bandung" in another province (its
KSMs, their members' phone numbers, the poor list, monev, announcements)."""
from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from bot.models import Complaint, Contact, Kelurahan, Ksm, KsmMember, Officer, PoorResident
from bot.models.announcement import Announcement
from bot.areas import scope as area_scope
from bot.officers.accounts import OfficerError, create_or_update

# Two kelurahan of the same name in two kota of the same name, in two provinces.
HERE = ("32.73.14.1004", "Sukamaju", "Kota Bandung", "Jawa Barat")
THERE = ("16.99.01.1001", "Sukamaju", "Kota Bandung", "Sumatera Selatan")


def _kelurahan_with_ksm(rt: Any, area: tuple[str, str, str, str], tag: str, phone: str) -> int:
    code, name, kota, provinsi = area
    with rt.db.session() as session:
        kel = Kelurahan(code=code, name=name, kota=kota, provinsi=provinsi, time_zone="Asia/Jakarta")
        session.add(kel)
        session.flush()
        leader = Contact(phone=phone, kelurahan_id=kel.id)
        session.add(leader)
        session.flush()
        ksm = Ksm(code=f"9{phone[-4:]}", name=f"KSM {tag}", kelurahan_id=kel.id, field="ekonomi",
                  unit="UPK", goal="Modal usaha", status="verified", leader_contact_id=leader.id)
        session.add(ksm)
        session.flush()
        session.add(KsmMember(ksm_id=ksm.id, contact_id=leader.id, name=f"Ketua {tag}",
                              role="leader", status="confirmed"))
        session.add(PoorResident(kelurahan_id=kel.id, name=f"Warga Miskin {tag}",
                                 household=f"KK-{tag}", rt="001", rw="002"))
        session.add(Announcement(kelurahan_id=kel.id, title=f"Pengumuman {tag}"))
        return ksm.id


@pytest.fixture
def two_bandungs(rt):  # type: ignore[no-untyped-def]
    here = _kelurahan_with_ksm(rt, HERE, "Jabar", "+6281200000001")
    there = _kelurahan_with_ksm(rt, THERE, "Sumsel", "+6281200000002")
    return here, there


def test_same_named_kelurahan_in_same_named_kota_can_both_exist(rt, two_bandungs) -> None:  # type: ignore[no-untyped-def]
    with rt.db.session() as session:
        codes = session.scalars(select(Kelurahan.code).where(Kelurahan.name == "Sukamaju")).all()
    assert sorted(codes) == ["16.99.01.1001", "32.73.14.1004"]


def test_kota_officer_sees_only_their_province(rt, two_bandungs, officer_login, csrf_token) -> None:  # type: ignore[no-untyped-def]
    here, there = two_bandungs
    client = officer_login("bkm_kota", "bkm", kota="Kota Bandung", provinsi="Jawa Barat")
    listing = client.get("/ksm/?status=verified").data.decode()
    assert "KSM Jabar" in listing and "KSM Sumsel" not in listing
    assert client.get(f"/ksm/{here}").status_code == 200
    assert client.get(f"/ksm/{there}").status_code == 404
    members = client.get("/ksm/export/members.csv").data.decode()
    assert "Ketua Jabar" in members and "Ketua Sumsel" not in members
    assert "0812-0000-0002" not in members and "6281200000002" not in members
    exported = client.get("/ksm/export/ksm.csv").data.decode()
    assert "KSM Jabar" in exported and "KSM Sumsel" not in exported
    poor = client.get("/ksm/poor-list").data.decode()
    assert "Warga Miskin Jabar" in poor and "Warga Miskin Sumsel" not in poor
    with rt.db.session() as session:
        their_kel = session.scalar(select(Kelurahan.id).where(Kelurahan.code == THERE[0]))
    assert "Warga Miskin Sumsel" not in client.get(f"/ksm/poor-list?kelurahan_id={their_kel}").data.decode()
    monev = client.get("/monev/").data.decode()
    assert "KSM Jabar" in monev and "KSM Sumsel" not in monev
    announcements = client.get("/announcements/").data.decode()
    assert "Pengumuman Jabar" in announcements and "Pengumuman Sumsel" not in announcements


def test_provinsi_officer_sees_only_their_province(rt, two_bandungs, officer_login) -> None:  # type: ignore[no-untyped-def]
    client = officer_login("fas_sumsel", "fasilitator", provinsi="Sumatera Selatan")
    listing = client.get("/ksm/?status=verified").data.decode()
    assert "KSM Sumsel" in listing and "KSM Jabar" not in listing


def test_kota_without_provinsi_is_refused_when_the_name_repeats(rt, two_bandungs) -> None:  # type: ignore[no-untyped-def]
    with rt.db.session() as session, pytest.raises(OfficerError):
        create_or_update(session, "ambiguous", "password-123", "bkm", kota="Kota Bandung")


def test_one_helper_scopes_kelurahan_and_complaints_alike(rt, two_bandungs) -> None:  # type: ignore[no-untyped-def]
    with rt.db.session() as session:
        jabar_bandung = session.scalar(select(Kelurahan.kota_area_id).where(Kelurahan.code == HERE[0]))
        officer = Officer(username="k", password_hash="x", role="ppm", level="kota",
                          area_id=jabar_bandung)
        kelurahan = session.scalars(select(Kelurahan).order_by(Kelurahan.code)).all()
        seen = session.scalars(
            select(Kelurahan.code).where(area_scope.kelurahan_condition(officer))).all()
        assert seen == ["32.73.14.1004"]
        assert [area_scope.contains(officer, kel) for kel in kelurahan] == [False, True]
        # The same rule on a complaint's own columns: the kota's id, not its name.
        cond = area_scope.condition(officer, Complaint.kelurahan_id, Complaint.kota_area_id,
                                    Complaint.provinsi_area_id)
        assert "kota_area_id" in str(cond)
        # A kota officer whose area is unknown sees nothing rather than two provinces.
        officer.area_id = None
        assert session.scalars(
            select(Kelurahan.code).where(area_scope.kelurahan_condition(officer))).all() == []
