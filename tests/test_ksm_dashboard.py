"""The BKM's KSM pages: verification with reasons sent to the leader, per-kelurahan
figures, CSV exports, and area scoping (a bkm of one kelurahan sees nothing of another)."""
from __future__ import annotations

import csv
import io

import pytest
from sqlalchemy import select

from tests.ksm_helpers import MEMBERS, add_kelurahan, form_ksm, ksm_row, other, queued_to, register


@pytest.fixture
def areas(rt):  # type: ignore[no-untyped-def]
    return add_kelurahan(rt, "Sukamaju"), add_kelurahan(rt, "Cibeunying")


def _post(client, csrf_token, url: str, **data: str):  # type: ignore[no-untyped-def]
    token = csrf_token(client.get("/").data)
    return client.post(url, data={"csrf_token": token, **data})


def test_bkm_verifies_and_leader_is_told(phone, rt, areas, officer_login, csrf_token, run_jobs, twilio) -> None:  # type: ignore[no-untyped-def]
    sukamaju, _ = areas
    code = form_ksm(phone, rt, kelurahan="2")  # list is by name: 1 Cibeunying, 2 Sukamaju
    ksm = ksm_row(rt, code)
    client = officer_login("bkm_suka", "bkm", kelurahan=sukamaju)
    page = client.get("/ksm/").data.decode()
    assert code in page and "Menunggu verifikasi (1)" in page
    response = _post(client, csrf_token, f"/ksm/{ksm.id}/verify")
    assert response.status_code == 302
    assert ksm_row(rt, code).status == "verified"
    assert "sudah diverifikasi BKM" in queued_to(rt, phone.number)[-1]
    run_jobs()
    assert any("diverifikasi" in m["Body"] for m in twilio.messages if m["To"] == phone.number)
    phone.send("KSM").expect("terverifikasi BKM")


def test_reject_needs_a_reason_that_reaches_the_leader(phone, rt, areas, officer_login, csrf_token) -> None:  # type: ignore[no-untyped-def]
    sukamaju, _ = areas
    code = form_ksm(phone, rt, kelurahan="2")
    ksm = ksm_row(rt, code)
    client = officer_login("bkm_suka", "bkm", kelurahan=sukamaju)
    _post(client, csrf_token, f"/ksm/{ksm.id}/reject", reason="   ")
    assert ksm_row(rt, code).status == "waiting_verification"
    _post(client, csrf_token, f"/ksm/{ksm.id}/reject", reason="Anggota belum ada di daftar miskin")
    assert ksm_row(rt, code).status == "rejected"
    assert "Alasan: Anggota belum ada di daftar miskin" in queued_to(rt, phone.number)[-1]
    phone.send("ANGGOTA Ani, P, 081311110009").expect("ditolak BKM")


def test_area_scoping(phone, rt, areas, officer_login, csrf_token) -> None:  # type: ignore[no-untyped-def]
    sukamaju, _ = areas
    ours = form_ksm(phone, rt, kelurahan="2", name="Punya Sukamaju")
    theirs = register(other(phone, "+6281399990000"), kelurahan="1", name="Punya Cibeunying")
    their_id = ksm_row(rt, theirs).id
    client = officer_login("bkm_suka", "bkm", kelurahan=sukamaju)
    for status in ("forming", "waiting_verification"):
        page = client.get(f"/ksm/?status={status}").data.decode()
        assert "Punya Cibeunying" not in page
    assert "Punya Sukamaju" in client.get("/ksm/?status=waiting_verification").data.decode()
    assert client.get(f"/ksm/{their_id}").status_code == 404
    assert _post(client, csrf_token, f"/ksm/{their_id}/reject", reason="x").status_code == 404
    assert ksm_row(rt, theirs).status == "forming"
    exported = client.get("/ksm/export/ksm.csv").data.decode()
    assert ours in exported and theirs not in exported
    members = client.get("/ksm/export/members.csv").data.decode()
    assert "Punya Cibeunying" not in members
    stats = client.get("/ksm/stats").data.decode()
    assert "Sukamaju" in stats and "Cibeunying" not in stats
    # A kota officer sees both.
    client.post("/logout", data={"csrf_token": csrf_token(client.get("/").data)})
    client = officer_login("fas_kota", "fasilitator", kota="Kota Bandung")
    assert "Punya Cibeunying" in client.get("/ksm/?status=forming").data.decode()
    assert client.get(f"/ksm/{their_id}").status_code == 200
    # ...but a fasilitator cannot decide.
    assert _post(client, csrf_token, f"/ksm/{their_id}/reject", reason="x").status_code == 403


def test_roles_outside_ksm_work_get_403(client, officer_login, areas) -> None:  # type: ignore[no-untyped-def]
    client = officer_login("ppm_suka", "ppm", kelurahan=areas[0])
    assert client.get("/ksm/").status_code == 403
    assert client.get("/ksm/export/members.csv").status_code == 403


def test_stats_and_csv(phone, rt, areas, officer_login) -> None:  # type: ignore[no-untyped-def]
    sukamaju, _ = areas
    form_ksm(phone, rt, kelurahan="2", gender="L", genders="LL", women="TIDAK")
    register(other(phone, "+6281399990000"), kelurahan="2", name="Posyandu Mawar", women="YA")
    client = officer_login("bkm_suka", "bkm", kelurahan=sukamaju)
    page = client.get("/ksm/stats").data.decode()
    assert "<svg" in page and "target 30%" in page
    assert "1 (50%)" in page  # 1 of 2 KSMs is a women's KSM
    assert "4 (1, 25%)" in page and "di bawah target" in page  # 1 of 4 members is a woman
    rows = list(csv.DictReader(io.StringIO(client.get("/ksm/export/members.csv").data.decode())))
    assert {r["Anggota"] for r in rows} == {"Siti Aminah", "Ani", "Budi"}
    assert "0812-3456-7890" in {r["HP"] for r in rows}  # bkm sees whole numbers
    assert {(r["Peran"], r["Status"]) for r in rows} == {("ketua", "setuju"), ("anggota", "setuju")}
    assert {r["Di daftar miskin"] for r in rows} == {"tidak"}
    ksms = list(csv.DictReader(io.StringIO(client.get("/ksm/export/ksm.csv").data.decode())))
    assert {(r["Nama KSM"], r["KSM perempuan"], r["Anggota setuju"], r["Status"]) for r in ksms} == {
        ("Maju Jaya", "tidak", "3", "Menunggu verifikasi"), ("Posyandu Mawar", "ya", "1", "Sedang dibentuk")}
    assert [(r["Terdaftar"][-4:], r["Diverifikasi"]) for r in ksms] == [(" WIB", "")] * 2


def test_fasilitator_sees_masked_numbers(phone, rt, areas, officer_login) -> None:  # type: ignore[no-untyped-def]
    form_ksm(phone, rt, kelurahan="2")
    client = officer_login("fas", "fasilitator", kelurahan=areas[0])
    exported = client.get("/ksm/export/members.csv").data.decode()
    assert "0812-3456-7890" not in exported and "*" in exported
    assert "Di daftar miskin" not in exported
    assert MEMBERS[0] not in exported


def test_csv_cells_never_run_as_formulas(phone, rt, areas, officer_login) -> None:  # type: ignore[no-untyped-def]
    form_ksm(phone, rt, kelurahan="2", name="=HYPERLINK(1)")
    client = officer_login("bkm_suka", "bkm", kelurahan=areas[0])
    rows = list(csv.DictReader(io.StringIO(client.get("/ksm/export/ksm.csv").data.decode())))
    assert rows[0]["Nama KSM"] == "'=HYPERLINK(1)"


def test_bkm_corrects_the_cycle_stage(phone, rt, areas, officer_login, csrf_token) -> None:  # type: ignore[no-untyped-def]
    code = form_ksm(phone, rt, kelurahan="2")
    ksm_id = ksm_row(rt, code).id
    client = officer_login("bkm_suka", "bkm", kelurahan=areas[0])
    assert _post(client, csrf_token, f"/ksm/{ksm_id}/stage", stage="KSM-9").status_code == 400
    _post(client, csrf_token, f"/ksm/{ksm_id}/stage", stage="KSM-4")
    assert ksm_row(rt, code).cycle_stage == "KSM-4"
    assert "KSM-4: 1" in client.get("/ksm/stats").data.decode()


def test_a_burst_of_registrations_in_one_kelurahan_is_flagged_to_the_bkm(rt, client, officer_login) -> None:  # type: ignore[no-untyped-def]
    """Twenty numbers registering twenty KSMs in one kelurahan within seconds: the BKM
    sees it on the list and on each KSM before verifying; a lone KSM is not flagged."""
    from datetime import datetime, timedelta, timezone

    from bot.models import Contact, Kelurahan, Ksm
    from bot.models import ksm as k

    with rt.db.session() as s:
        kel = Kelurahan(name="Sukamaju", kota="Kota Bandung", provinsi="Jawa Barat",
                        time_zone="Asia/Jakarta")
        s.add(kel)
        s.flush()
        start = datetime(2026, 11, 18, 3, 0, tzinfo=timezone.utc)
        for n in range(21):
            leader = Contact(phone=f"+6281255500{n:03d}")
            s.add(leader)
            s.flush()
            when = start + timedelta(seconds=n // 10) if n < 20 else start + timedelta(days=3)
            s.add(Ksm(code=f"{70000 + n}", name=f"KSM Burst {n}", kelurahan_id=kel.id,
                      field="ekonomi", unit=k.UPK, goal="usaha", status=k.WAITING,
                      leader_contact_id=leader.id, created_at=when))
        s.flush()
        lone = s.scalar(select(Ksm.id).where(Ksm.code == "70020"))
        burst = s.scalar(select(Ksm.id).where(Ksm.code == "70003"))
        s.expunge(kel)
    officer_login("bkm_suka", "bkm", kelurahan=kel)
    page = client.get("/ksm/").get_data(as_text=True)
    assert "Pendaftaran beruntun" in page and "20 KSM dalam 10 menit" in page
    assert "Pendaftaran beruntun" in client.get(f"/ksm/{burst}").get_data(as_text=True)
    assert "Pendaftaran beruntun" not in client.get(f"/ksm/{lone}").get_data(as_text=True)


def test_a_ksm_named_ksm_is_headed_ksm_once(rt, officer_login) -> None:  # type: ignore[no-untyped-def]
    from sqlalchemy import update

    from bot.models import Kelurahan, Ksm
    from tests.meeting_helpers import make_ksm

    ksm = make_ksm(rt, kelurahan="Sukamaju")
    with rt.db.session() as session:
        session.execute(update(Ksm).where(Ksm.id == ksm["id"]).values(name="KSM Mawar"))
        kelurahan = session.get(Kelurahan, ksm["kelurahan_id"])
    client = officer_login("bkm_suka", "bkm", kelurahan=kelurahan)
    page = client.get(f"/ksm/{ksm['id']}").get_data(as_text=True)
    assert "<h1>KSM Mawar <small" in page and "KSM KSM" not in page


def test_a_missing_value_in_a_csv_is_a_plain_dash() -> None:
    from bot.web.csv_download import safe_cell

    assert [safe_cell(v) for v in ("-", "-1+2", "=A1", "Mawar", None)] == [
        "-", "'-1+2", "'=A1", "Mawar", None]
