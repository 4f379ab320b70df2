"""Working the queue as a team: hand a complaint to a colleague of the same area, find
one by code or words, and assign or change the status of several from the list."""

from __future__ import annotations

import re
from datetime import datetime, timezone

import pytest
from sqlalchemy import select

from bot.models import Complaint, ComplaintEvent, Officer
from bot.officers.accounts import create_or_update
from tests.test_complaints_queue import _file, _id, _kelurahan, _token


def _officer(rt, username: str, role: str, kelurahan=None) -> int:  # type: ignore[no-untyped-def]
    with rt.db.session() as s:
        return create_or_update(
            s, username, "password-123", role, s.merge(kelurahan) if kelurahan else None
        ).id


def _complaint(rt, code: str) -> Complaint:  # type: ignore[no-untyped-def]
    with rt.db.session() as s:
        found = s.scalar(select(Complaint).where(Complaint.code == code))
        s.expunge(found)
        return found


@pytest.fixture
def team(rt, client):  # type: ignore[no-untyped-def]
    a = _kelurahan(rt, "Sukamaju", "Kota Bandung")
    b = _kelurahan(rt, "Cibeureum", "Kota Bogor")
    ids = {
        "ppm_a2": _officer(rt, "ppm_a2", "ppm", a),
        "bkm_a": _officer(rt, "bkm_a", "bkm", a),
        "ppm_b": _officer(rt, "ppm_b", "ppm", b),
        "fas_a": _officer(rt, "fas_a", "fasilitator", a),
    }
    codes = [
        _file(client, "+6281211110001", "Sukamaju RW 02", text="atap balai bocor"),
        _file(client, "+6281211110002", "Sukamaju RW 03", text="dana BLM dipotong 10%"),
        _file(client, "+6281211110003", "kel cibeureum rw 7", text="atap sekolah bocor"),
    ]
    return a, b, ids, codes


def test_assign_to_a_colleague_of_the_same_area_only(rt, client, officer_login, team) -> None:
    a, _b, ids, (code_a, _code_a2, _code_b) = team
    officer_login("ppm_a", "ppm", kelurahan=a)
    complaint_id = _id(rt, code_a)
    page = client.get(f"/complaints/{complaint_id}").get_data(as_text=True)
    form = page[page.index("Tugaskan ke rekan"):page.index("Tugaskan</button>")]
    assert "ppm_a2" in form and "bkm_a" in form
    assert "ppm_b" not in form and "fas_a" not in form  # another area; a role that only looks

    client.post(f"/complaints/{complaint_id}/assign",
                data={"csrf_token": _token(client), "officer_id": ids["ppm_a2"]})
    assert _complaint(rt, code_a).assigned_officer_id == ids["ppm_a2"]
    page = client.get(f"/complaints/{complaint_id}").get_data(as_text=True)
    assert "Petugas PPM ppm_a menugaskan aduan kepada Petugas PPM ppm_a2." in page

    for outsider in ("ppm_b", "fas_a"):
        page = client.post(f"/complaints/{complaint_id}/assign", follow_redirects=True,
                           data={"csrf_token": _token(client), "officer_id": ids[outsider]})
        assert "Pilih petugas di wilayah Anda." in page.get_data(as_text=True)
    assert _complaint(rt, code_a).assigned_officer_id == ids["ppm_a2"]
    assert client.post(f"/complaints/{complaint_id}/assign",
                       data={"officer_id": ids["ppm_a2"]}).status_code == 400  # no CSRF


def test_a_bkm_colleague_cannot_get_a_complaint_that_names_the_bkm(
    rt, client, officer_login, team
) -> None:
    a, _b, ids, (code_a, _, _) = team
    officer_login("kota_bdg", "ppm", kota="Kota Bandung")
    complaint_id = _id(rt, code_a)
    client.post(f"/complaints/{complaint_id}/bkm",
                data={"csrf_token": _token(client), "reason": "ketua BKM"})
    officer_login("ppm_a", "ppm", kelurahan=a)  # sees it no more: kota level now
    assert client.get(f"/complaints/{complaint_id}").status_code == 404
    officer_login("admin")
    page = client.get(f"/complaints/{complaint_id}").get_data(as_text=True)
    form = page[page.index("Tugaskan ke rekan"):page.index("Tugaskan</button>")]
    assert "kota_bdg" in form and "bkm_a" not in form and "ppm_a2" not in form
    page = client.post(f"/complaints/{complaint_id}/assign", follow_redirects=True,
                       data={"csrf_token": _token(client), "officer_id": ids["bkm_a"]})
    assert "tidak boleh menangani aduan" in page.get_data(as_text=True)


def test_search_by_code_and_by_words(rt, client, officer_login, team) -> None:
    a, _b, _ids, (code_a, code_a2, code_b) = team
    officer_login("ppm_bandung", "ppm", kota="Kota Bandung")

    def found(q: str) -> set[str]:
        page = client.get("/complaints/", query_string={"q": q}).get_data(as_text=True)
        return {code for code in (code_a, code_a2, code_b) if code in page}

    assert found(code_a2) == {code_a2}
    assert found(code_a2[:5]) == {x for x in (code_a, code_a2) if x.startswith(code_a2[:5])}
    assert found("ATAP") == {code_a}  # the Bogor one is not this officer's
    assert found("10%") == found("%") == {code_a2} and found("_") == set()  # literal
    assert found("Pak Budi") == {code_a, code_a2}  # who is complained about
    api = client.get("/complaints/export.csv", query_string={"q": "bocor"}).get_data(as_text=True)
    assert code_a in api and code_a2 not in api
    assert 'value="bocor"' in client.get("/complaints/?q=bocor").get_data(as_text=True)


def test_bulk_status_and_assign_touch_only_what_the_officer_sees(
    rt, client, officer_login, team
) -> None:
    a, _b, ids, codes = team
    officer_login("ppm_a", "ppm", kelurahan=a)
    all_ids = [_id(rt, code) for code in codes]
    page = client.get("/complaints/").get_data(as_text=True)
    assert 'form="bulk"' in page and 'data-label="Pilih"' in page

    # A status change tells every complainant: the officer is asked first, and sees
    # only the complaints they may see.
    asked = client.post("/complaints/bulk", data={
        "csrf_token": _token(client), "ids": all_ids, "action": "status", "status": "verified"})
    text = asked.get_data(as_text=True)
    assert asked.status_code == 200 and "Ubah status 2 aduan ke" in text
    assert codes[0] in text and codes[1] in text and codes[2] not in text
    assert [_complaint(rt, code).status for code in codes] == ["new", "new", "new"]
    response = client.post("/complaints/bulk", follow_redirects=True, data={
        "csrf_token": _token(client), "ids": all_ids, "action": "status", "status": "verified",
        "confirm": "1"})
    assert "2 aduan diubah." in response.get_data(as_text=True)
    assert [_complaint(rt, code).status for code in codes] == ["verified", "verified", "new"]

    client.post("/complaints/bulk", data={
        "csrf_token": _token(client), "ids": all_ids, "action": "assign",
        "officer_id": ids["ppm_a2"]})
    assert [_complaint(rt, code).assigned_officer_id for code in codes][:2] == [ids["ppm_a2"]] * 2
    assert _complaint(rt, codes[2]).assigned_officer_id is None

    # A transition that is not allowed is named, the others still happen.
    response = client.post("/complaints/bulk", follow_redirects=True, data={
        "csrf_token": _token(client), "ids": all_ids[:2], "action": "status",
        "status": "rejected", "confirm": "1"})
    text = response.get_data(as_text=True)
    assert "0 aduan diubah." in text and "Alasan wajib diisi" in text
    with rt.db.session() as s:
        actions = s.scalars(select(ComplaintEvent.action).where(
            ComplaintEvent.complaint_id.in_(all_ids[:2]),
            ComplaintEvent.officer_id == s.scalar(
                select(Officer.id).where(Officer.username == "ppm_a")))).all()
    assert sorted(actions) == ["assigned", "assigned", "status", "status"]
    assert client.post("/complaints/bulk", data={
        "ids": all_ids, "action": "status", "status": "resolved"}).status_code == 400

    officer_login("fas_a2", "fasilitator", kelurahan=a)
    assert 'form="bulk"' not in client.get("/complaints/").get_data(as_text=True)
    assert client.post("/complaints/bulk", data={
        "csrf_token": _token(client), "ids": all_ids, "action": "status",
        "status": "in_follow_up", "confirm": "1"}).status_code in (302, 403)
    assert _complaint(rt, codes[0]).status == "verified"


def test_a_bulk_status_change_can_be_taken_back_for_ten_minutes(
    rt, client, officer_login, team, run_jobs, twilio, monkeypatch
) -> None:
    from datetime import timedelta

    from bot.complaints import actions as complaint_actions
    from bot.models import Message

    a, _b, _ids, codes = team
    now = datetime.now(timezone.utc)
    monkeypatch.setattr(complaint_actions, "clock", lambda: now)
    officer_login("ppm_a", "ppm", kelurahan=a)
    all_ids = [_id(rt, code) for code in codes]
    client.post("/complaints/bulk", data={
        "csrf_token": _token(client), "ids": all_ids, "action": "status", "status": "verified",
        "confirm": "1"})
    assert [_complaint(rt, code).status for code in codes] == ["verified", "verified", "new"]
    run_jobs()
    assert twilio.notices == []  # the complainants hear of it once it can't be taken back
    page = client.get("/complaints/").get_data(as_text=True)
    assert "Batalkan perubahan status 2 aduan" in page
    batch = re.search(r'name="batch" value="([0-9a-f]+)"', page).group(1)

    monkeypatch.setattr(complaint_actions, "clock", lambda: now + timedelta(minutes=9))
    done = client.post("/complaints/bulk/undo", data={"csrf_token": _token(client),
                                                      "batch": batch}, follow_redirects=True)
    assert "Perubahan status 2 aduan dibatalkan" in done.get_data(as_text=True)
    assert [_complaint(rt, code).status for code in codes] == ["new", "new", "new"]
    with rt.db.session() as s:
        notices = s.scalars(select(Message.status).where(
            Message.direction == "out", Message.body.contains("diverifikasi"))).all()
    assert notices and set(notices) == {"skipped"}
    trail = client.get(f"/complaints/{all_ids[0]}").get_data(as_text=True)
    assert "membatalkan perubahan status" in trail

    # Another change, then past the window: no taking back.
    client.post("/complaints/bulk", data={
        "csrf_token": _token(client), "ids": all_ids[:1], "action": "status",
        "status": "verified", "confirm": "1"})
    monkeypatch.setattr(complaint_actions, "clock", lambda: now + timedelta(minutes=25))
    assert "Batalkan perubahan status" not in client.get("/complaints/").get_data(as_text=True)
