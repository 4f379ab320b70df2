"""Officers and complaints point at their kota and provinsi by id (rows of the areas
table): a Kota Bandung officer of Jawa Barat never sees a complaint of the Kota Bandung
of another province, whatever the names say, at any level, in the queue, the API, the
overdue count, the recap or after an automatic escalation."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select, update

from bot.models import Area, Complaint, Kelurahan, Officer
from bot.complaints import queue
from bot.officers.api_tokens import issue as new_api_token
from bot.officers.accounts import create_or_update
from tests.test_complaints_oversight import _queue
from tests.test_complaints_placement import _logout
from tests.test_complaints_queue import _api, _file, _id
from workers.sweep import escalate_overdue_complaints


@pytest.fixture
def bandungs(rt, client):  # type: ignore[no-untyped-def]
    """Kel. Sukamaju in Kota Bandung, Jawa Barat, and Kel. Cibeureum in a Kota Bandung
    of Sumatera Selatan, each with a complaint filed by SMS."""
    with rt.db.session() as s:
        s.add_all([
            Kelurahan(code="32.73.14.1004", name="Sukamaju", kota="Kota Bandung",
                      provinsi="Jawa Barat"),
            Kelurahan(code="16.99.01.1001", name="Cibeureum", kota="Kota Bandung",
                      provinsi="Sumatera Selatan"),
        ])
    return _file(client, "+6281211110001", "Sukamaju"), _file(client, "+6281211110002", "Cibeureum")


def _kota_ids(rt) -> tuple[int, int]:  # type: ignore[no-untyped-def]
    with rt.db.session() as s:
        return tuple(s.scalars(select(Kelurahan.kota_area_id).order_by(Kelurahan.code.desc())))


def test_each_kota_bandung_is_its_own_area_and_complaints_carry_its_id(rt, bandungs) -> None:  # type: ignore[no-untyped-def]
    jabar_code, sumsel_code = bandungs
    jabar_kota, sumsel_kota = _kota_ids(rt)
    assert jabar_kota != sumsel_kota
    with rt.db.session() as s:
        areas = {a.id: (a.level, a.code, a.name, a.parent.name if a.parent else None)
                 for a in s.scalars(select(Area))}
        assert areas[jabar_kota] == ("kota", "32.73", "Kota Bandung", "Jawa Barat")
        assert areas[sumsel_kota] == ("kota", "16.99", "Kota Bandung", "Sumatera Selatan")
        jabar = s.scalar(select(Complaint).where(Complaint.code == jabar_code))
        sumsel = s.scalar(select(Complaint).where(Complaint.code == sumsel_code))
        assert (jabar.kota_area_id, jabar.kota_name, jabar.provinsi_name) == (
            jabar_kota, "Kota Bandung", "Jawa Barat")
        assert sumsel.kota_area_id == sumsel_kota


def test_kota_officer_of_jawa_barat_sees_no_complaint_of_the_other_kota_bandung(
    rt, client, officer_login, bandungs
) -> None:
    jabar_code, sumsel_code = bandungs
    officer_login("ppm_bdg", "ppm", kota="Kota Bandung", provinsi="Jawa Barat")
    # Even at kota level, where the kota officer handles them.
    with rt.db.session() as s:
        s.execute(update(Complaint).values(level="kota"))
    page = _queue(client)
    assert jabar_code in page and sumsel_code not in page
    assert client.get(f"/complaints/{_id(rt, sumsel_code)}").status_code == 404
    assert sumsel_code not in _queue(client, "?level=kota")
    with rt.db.session() as s:
        officer = s.scalar(select(Officer).where(Officer.username == "ppm_bdg"))
        token = new_api_token(s, officer)
    listed = _api(client, token, "/api/complaints").get_json()
    codes = [x["code"] for x in listed["complaints"]]
    assert codes == [jabar_code]
    assert (listed["complaints"][0]["kota"], listed["complaints"][0]["provinsi"]) == (
        "Kota Bandung", "Jawa Barat")
    assert _api(client, token, f"/api/complaints/{_id(rt, sumsel_code)}").status_code == 404
    # Search by its code or by words of its text finds nothing outside the area either.
    assert _api(client, token, f"/api/complaints?q={sumsel_code}").get_json()["complaints"] == []
    found = _api(client, token, "/api/complaints?q=dana").get_json()["complaints"]
    assert [x["code"] for x in found] == [jabar_code]


def test_scope_follows_the_id_not_the_name(rt, client, officer_login, bandungs) -> None:  # type: ignore[no-untyped-def]
    """Renaming an area (a re-import) changes what is shown, not who sees what."""
    jabar_code, sumsel_code = bandungs
    jabar_kota, sumsel_kota = _kota_ids(rt)
    officer_login("ppm_bdg", "ppm", kota="Kota Bandung", provinsi="Jawa Barat")
    with rt.db.session() as s:
        s.get(Area, jabar_kota).name = "Kota Bandung Raya"
    page = _queue(client)
    assert jabar_code in page and sumsel_code not in page
    with rt.db.session() as s:
        officer = s.scalar(select(Officer).where(Officer.username == "ppm_bdg"))
        assert (officer.area_id, officer.kota_name) == (jabar_kota, "Kota Bandung Raya")
        assert s.scalar(select(Complaint).where(Complaint.code == jabar_code)).kota_name == (
            "Kota Bandung Raya")


def test_provinsi_officer_overdue_count_and_escalation_stay_in_their_province(
    rt, client, officer_login, bandungs
) -> None:
    jabar_code, sumsel_code = bandungs
    later = datetime.now(timezone.utc) + timedelta(days=30)
    # Unverified for weeks: both climb to kota, then to provinsi.
    escalate_overdue_complaints(rt, later)
    escalate_overdue_complaints(rt, later + timedelta(days=30))
    with rt.db.session() as s:
        assert set(s.scalars(select(Complaint.level))) == {"provinsi"}
        jabar_prov = s.scalar(select(Kelurahan.provinsi_area_id).where(
            Kelurahan.code == "32.73.14.1004"))
        fas = create_or_update(s, "ppm_jabar", "password-123", "ppm", provinsi="Jawa Barat")
        assert fas.area_id == jabar_prov
        assert queue.overdue_count(s, fas, later + timedelta(days=90)) == 1
        # The count adds up the scope's parts: the same as counting the scope itself,
        # for a kota officer too (who does not see the complaints that need an area:
        # those are read at the national level).
        s.add(Complaint(code="999000001", contact_id=s.scalar(select(Complaint.contact_id)),
                        channel="sms", text="tanpa wilayah", level="kota",
                        due_at=later, created_at=later, updated_at=later))
        kota = create_or_update(s, "ppm_kota", "password-123", "ppm", kota="Kota Bandung",
                                provinsi="Jawa Barat")
        s.flush()
        for officer in (fas, kota):
            whole = s.scalar(select(func.count()).select_from(Complaint).where(
                queue.scope(officer), Complaint.due_at < later + timedelta(days=90)))
            assert queue.overdue_count(s, officer, later + timedelta(days=90)) == whole
        assert queue.overdue_count(s, kota, later + timedelta(days=90)) == 0  # not the unplaced one
    officer_login("ppm_jabar", "ppm", provinsi="jawa barat")
    page = _queue(client)
    assert jabar_code in page and sumsel_code not in page
    recap = client.get("/complaints/recap/csv").get_data(as_text=True)
    assert "Sukamaju, Kota Bandung" in recap and "Cibeureum" not in recap
    _logout(client)
    officer_login("ppm_sumsel", "ppm", provinsi="Sumatera Selatan")
    page = _queue(client)
    assert sumsel_code in page and jabar_code not in page


def test_import_makes_the_areas_and_a_reimport_renames_them_by_code(runner, rt, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """``areas import`` makes one area row per kota and provinsi code; a re-import with a
    new name renames the row, so the officer on it keeps their area."""
    path = tmp_path / "wilayah.csv"
    path.write_text("kode,nama\n32,Jawa Barat\n32.73,Kota Bandung\n32.73.14.1004,Sukamaju\n"
                    "32.73.14.1005,Cicadas\n", encoding="utf-8")
    assert runner.invoke(args=["areas", "import", str(path)]).exit_code == 0
    created = runner.invoke(args=["create-user", "ika", "--role", "ppm", "--kota", "kota bandung",
                                  "--password", "rahasia-ika-1"])
    assert created.exit_code == 0, created.output
    path.write_text("kode,nama\n32,Jawa Barat\n32.73,Kota Bandung Raya\n32.73.14.1004,Sukamaju\n"
                    "32.73.14.1005,Cicadas\n", encoding="utf-8")
    assert runner.invoke(args=["areas", "import", str(path)]).exit_code == 0
    with rt.db.session() as s:
        kota = s.scalars(select(Area).where(Area.level == "kota")).all()
        assert [(a.code, a.name, a.parent.code) for a in kota] == [("32.73", "Kota Bandung Raya", "32")]
        assert set(s.scalars(select(Kelurahan.kota_area_id))) == {kota[0].id}
        officer = s.scalar(select(Officer).where(Officer.username == "ika"))
        assert (officer.area_id, officer.kota_name, officer.provinsi_name) == (
            kota[0].id, "Kota Bandung Raya", "Jawa Barat")
