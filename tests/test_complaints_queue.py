"""The officers' queue: scoping by level and area (HTML and API), anonymity, the status
flow with its notices to the complainant, quiet hours and working-day deadlines."""

from __future__ import annotations

import html
import logging
import re
from dataclasses import replace
from datetime import date, datetime, timezone

import pytest
from sqlalchemy import select

from bot.models import Complaint, Kelurahan
from bot.complaints import actions as complaint_actions
from bot.officers.api_tokens import issue as new_api_token
from bot.areas.working_days import add_working_days, deadline
from conversations.flows.complaint_code import grouped
from tests.transcript import Phone
from workers.sweep import release_held_messages

DAY_WIB = datetime(2026, 11, 25, 3, 0, tzinfo=timezone.utc)  # 10:00 WIB, a Wednesday
NIGHT_WIB = datetime(2026, 11, 25, 15, 0, tzinfo=timezone.utc)  # 22:00 WIB


def _kelurahan(rt, name: str, kota: str, provinsi: str = "Jawa Barat") -> Kelurahan:  # type: ignore[no-untyped-def]
    with rt.db.session() as s:
        k = Kelurahan(name=name, kota=kota, provinsi=provinsi, time_zone="Asia/Jakarta")
        s.add(k)
        s.flush()
        s.expunge(k)
        return k


def _file(
    client, number: str, area: str, text: str = "dana BLM dipotong", anonymous: bool = True
) -> str:  # type: ignore[no-untyped-def]
    phone = Phone(client, number=number)
    phone.send(f"ADUAN {text}")
    code = phone.complaint_code()
    phone.send(area).send("3").send("Pak Budi").send("5jt").send("1" if anonymous else "2")
    phone.expect("Terima kasih")
    return code


def _id(rt, code: str) -> int:  # type: ignore[no-untyped-def]
    with rt.db.session() as s:
        return s.scalar(select(Complaint.id).where(Complaint.code == code))


@pytest.fixture
def two_areas(rt, client):  # type: ignore[no-untyped-def]
    a = _kelurahan(rt, "Sukamaju", "Kota Bandung")
    b = _kelurahan(rt, "Cibeureum", "Kota Bogor")
    code_a = _file(client, "+6281211110001", "Sukamaju RW 02")
    code_b = _file(client, "+6281211110002", "kel cibeureum rw 7")
    return a, b, code_a, code_b


def test_officers_see_only_their_level_and_area_in_html(
    rt, client, officer_login, two_areas
) -> None:
    a, b, code_a, code_b = two_areas
    officer_login("ppm_a", "ppm", kelurahan=a)
    page = client.get("/complaints/").get_data(as_text=True)
    assert code_a in page and code_b not in page
    assert client.get(f"/complaints/{_id(rt, code_b)}").status_code == 404
    assert client.get(f"/complaints/{_id(rt, code_a)}").status_code == 200

    client.post("/logout", data={"csrf_token": _token(client)})
    officer_login("ppm_bandung", "ppm", kota="Kota Bandung")
    page = client.get("/complaints/").get_data(as_text=True)
    assert code_a in page and code_b not in page  # the kota oversees its kelurahan


def _token(client) -> str:  # type: ignore[no-untyped-def]
    html = client.get("/complaints/").get_data()
    return re.search(rb'name="csrf-token" content="([^"]+)"', html).group(1).decode()


def test_escalation_and_bkm_flag_move_the_complaint(rt, client, officer_login, two_areas) -> None:
    a, _b, code_a, _ = two_areas
    complaint_id = _id(rt, code_a)
    officer_login("bkm_a", "bkm", kelurahan=a)
    assert code_a in client.get("/complaints/").get_data(as_text=True)
    response = client.post(
        f"/complaints/{complaint_id}/bkm",
        data={"csrf_token": _token(client), "reason": "menyebut ketua BKM"},
    )
    assert response.status_code == 302
    assert code_a not in client.get("/complaints/").get_data(as_text=True)
    assert client.get(f"/complaints/{complaint_id}").status_code == 404

    client.post("/logout", data={"csrf_token": _token(client)})
    officer_login("ppm_bandung", "ppm", kota="Kota Bandung")
    detail = client.get(f"/complaints/{complaint_id}").get_data(as_text=True)
    assert "menandai bahwa aduan menyebut anggota BKM" in detail  # audit trail
    assert "Alasan: menyebut ketua BKM." in detail
    client.post(
        f"/complaints/{complaint_id}/escalate",
        data={"csrf_token": _token(client), "reason": "melibatkan dana provinsi"},
    )
    with rt.db.session() as s:
        assert s.get(Complaint, complaint_id).level == "provinsi"
    assert client.get(f"/complaints/{complaint_id}").status_code == 404


def _api(client, token: str, path: str, json: dict | None = None):  # type: ignore[no-untyped-def]
    headers = {"Authorization": f"Bearer {token}"}
    if json is None:
        return client.get(path, headers=headers)
    return client.post(path, headers=headers, json=json)


def _issue(rt, username: str, role: str, kelurahan=None, kota=None) -> str:  # type: ignore[no-untyped-def]
    from bot.officers.accounts import create_or_update

    with rt.db.session() as s:
        officer = create_or_update(
            s, username, "password-123", role, s.merge(kelurahan) if kelurahan else None, kota
        )
        return new_api_token(s, officer)


def test_api_uses_the_same_scoping(rt, client, two_areas) -> None:
    a, _b, code_a, code_b = two_areas
    token = _issue(rt, "ppm_a", "ppm", kelurahan=a)
    assert client.get("/api/complaints").status_code == 401
    assert _api(client, "ksm_wrong", "/api/complaints").status_code == 401
    listed = _api(client, token, "/api/complaints?status=new&kind=misuse_of_funds").get_json()
    assert [x["code"] for x in listed["complaints"]] == [code_a]
    assert _api(client, token, f"/api/complaints/{_id(rt, code_b)}").status_code == 404
    assert (
        _api(client, token, f"/api/complaints/{_id(rt, code_b)}/reply", {"text": "x"}).status_code
        == 404
    )
    bad = _api(client, token, f"/api/complaints/{_id(rt, code_a)}/status", {"status": "resolved"})
    assert bad.status_code == 422
    ok = _api(client, token, f"/api/complaints/{_id(rt, code_a)}/status", {"status": "verified"})
    assert ok.status_code == 200 and ok.get_json()["status"] == "verified"
    no = _api(client, token, f"/api/complaints/{_id(rt, code_a)}/status",
              {"status": "not_our_authority", "reason": "urusan PDAM"})
    assert no.get_json()["status"] == "not_our_authority"
    Phone(client, number="+6281211110001").send(f"CEK {code_a}").expect(
        "bukan wewenang PNPM", "urusan PDAM")


def test_anonymous_complainant_is_never_shown_except_to_admin(
    rt, client, officer_login, caplog
) -> None:
    caplog.set_level(logging.DEBUG)
    kel = _kelurahan(rt, "Sukamaju", "Kota Bandung")
    code = _file(client, "+6281277778888", "Sukamaju", anonymous=True)
    complaint_id = _id(rt, code)
    forms = (
        "+6281277778888",
        "6281277778888",
        "0812-7777-8888",
        "081277778888",
        "7777-8888",
        "77778888",
    )

    officer_login("ppm_a", "ppm", kelurahan=kel)
    token = _issue(rt, "ppm_api", "ppm", kelurahan=kel)
    pages = [
        client.get("/complaints/").get_data(as_text=True),
        client.get(f"/complaints/{complaint_id}").get_data(as_text=True),
        client.get("/complaints/recap/csv").get_data(as_text=True),
        client.get("/complaints/export.csv").get_data(as_text=True),
        _api(client, token, "/api/complaints").get_data(as_text=True),
        _api(client, token, f"/api/complaints/{complaint_id}").get_data(as_text=True),
    ]
    for page in pages:
        for form in forms:
            assert form not in page
    assert "Anonim" in pages[1]
    for form in forms:
        assert form not in caplog.text

    assert code in pages[3]  # the export has the complaint, without its complainant
    admin_token = _issue(rt, "admin_api", "admin")
    assert (
        _api(client, admin_token, f"/api/complaints/{complaint_id}").get_json()["complainant_phone"]
        == "0812-7777-8888"
    )


def test_status_changes_are_sent_to_the_complainant(
    rt, client, officer_login, twilio, run_jobs, monkeypatch
) -> None:
    kel = _kelurahan(rt, "Sukamaju", "Kota Bandung")
    code = _file(client, "+6281255556666", "Sukamaju", anonymous=False)
    complaint_id = _id(rt, code)
    officer_login("ppm_a", "ppm", kelurahan=kel)
    monkeypatch.setattr(complaint_actions, "clock", lambda: DAY_WIB)
    # The complainant agreed to be known: the officer sees the number.
    assert "0812-5555-6666" in client.get(f"/complaints/{complaint_id}").get_data(as_text=True)

    response = client.post(
        f"/complaints/{complaint_id}/status",
        data={"csrf_token": _token(client), "status": "verified"},
    )
    assert response.status_code == 302
    run_jobs()
    sent = [m for m in twilio.notices if m["To"] == "+6281255556666"]
    assert len(sent) == 1 and grouped(code) in sent[0]["Body"] and "diverifikasi" in sent[0]["Body"]

    client.post(
        f"/complaints/{complaint_id}/status",
        data={"csrf_token": _token(client), "status": "rejected"},
    )  # no reason: refused
    with rt.db.session() as s:
        assert s.get(Complaint, complaint_id).status == "verified"

    client.post(
        f"/complaints/{complaint_id}/reply",
        data={"csrf_token": _token(client), "text": "Kami akan datang hari Senin."},
    )
    run_jobs()
    assert "Kami akan datang hari Senin." in twilio.messages[-1]["Body"]
    Phone(client, number="+6281255556666").send(f"CEK {code}").expect("Kami akan datang")

    # 22:00 WIB: held at the send claim until 06:00 WIB, then released by the sweep.
    rt.settings = replace(rt.settings, quiet_hours=True)
    monkeypatch.setattr(complaint_actions, "clock", lambda: NIGHT_WIB)
    rt.extras["clock"] = lambda: NIGHT_WIB
    before = len(twilio.notices)
    client.post(
        f"/complaints/{complaint_id}/status",
        data={"csrf_token": _token(client), "status": "in_follow_up"},
    )
    run_jobs()
    assert len(twilio.notices) == before
    assert "ditahan jam tenang" in client.get(f"/complaints/{complaint_id}").get_data(as_text=True)
    assert release_held_messages(rt, datetime(2026, 11, 25, 22, 59, tzinfo=timezone.utc)) == 0
    morning = datetime(2026, 11, 25, 23, 0, tzinfo=timezone.utc)  # 06:00 WIB
    rt.extras["clock"] = lambda: morning
    assert release_held_messages(rt, morning) == 1
    run_jobs()
    assert len(twilio.notices) == before + 1 and "ditindaklanjuti" in twilio.notices[-1]["Body"]
    assert release_held_messages(rt, datetime(2026, 11, 26, 1, 0, tzinfo=timezone.utc)) == 0

    detail = client.get(f"/complaints/{complaint_id}").get_data(as_text=True)
    assert "Petugas PPM ppm_a mulai menindaklanjuti aduan." in detail  # who and what, audited
    assert "ditahan jam tenang" not in detail and "kini sedang ditindaklanjuti" in detail


def test_deadlines_count_working_days_over_a_holiday() -> None:
    # Friday 14 Aug 2026; Monday 17 Aug is Independence Day.
    friday = datetime(2026, 8, 14, 3, 0, tzinfo=timezone.utc)
    assert add_working_days(date(2026, 8, 14), 3) == date(2026, 8, 20)
    assert deadline(friday, 3) == datetime(
        2026, 8, 20, 17, 0, tzinfo=timezone.utc
    )  # end of Thu WIB
    # Without a holiday the same span ends a day earlier.
    assert add_working_days(date(2026, 8, 7), 3) == date(2026, 8, 12)
    # Five working days from Thu 20 Aug skip the weekend and 25 Aug (Maulid).
    assert add_working_days(date(2026, 8, 20), 5) == date(2026, 8, 28)


def test_overdue_complaints_stand_out_and_are_counted(rt, client, officer_login) -> None:
    kel = _kelurahan(rt, "Sukamaju", "Kota Bandung")
    code = _file(client, "+6281211110009", "Sukamaju")
    with rt.db.session() as s:
        s.get(Complaint, _id(rt, code)).due_at = datetime(2026, 1, 1, tzinfo=timezone.utc)
    officer_login("ppm_a", "ppm", kelurahan=kel)
    page = client.get("/complaints/?overdue=1").get_data(as_text=True)
    assert code in page and 'class="overdue"' in page
    assert re.search(r"<b>1</b><span>aduan lewat tenggat", page)
    recap = client.get("/complaints/recap/").get_data(as_text=True)
    assert "lewat tenggat" in recap


def test_keyset_pages_walk_the_whole_queue_once(rt, client, officer_login) -> None:
    from bot.models import Contact
    from conversations.flows.complaint_code import new_code

    kel = _kelurahan(rt, "Sukamaju", "Kota Bandung")
    with rt.db.session() as s:
        contact = Contact(phone="+6281200009999")
        s.add(contact)
        s.flush()
        for i in range(120):
            s.add(
                Complaint(
                    code=new_code(),
                    contact_id=contact.id,
                    channel="sms",
                    text=f"aduan {i}",
                    kelurahan_id=kel.id,
                    kota_area_id=kel.kota_area_id,
                    provinsi_area_id=kel.provinsi_area_id,
                    level="kelurahan",
                    status="new" if i % 2 else "resolved",
                    anonymous=True,
                    names_bkm_member=False,
                )
            )
    officer_login("ppm_a", "ppm", kelurahan=kel)
    seen: list[str] = []
    url = "/complaints/?status=new"
    while url:
        page = client.get(url).get_data(as_text=True)
        seen += re.findall(r'href="/complaints/(\d+)"', page)
        found = re.search(r'href="([^"]+)">berikutnya', page)
        url = found.group(1).replace("&amp;", "&") if found else None
    assert len(seen) == 60 and len(set(seen)) == 60
    assert [int(x) for x in seen] == sorted((int(x) for x in seen), reverse=True)


def test_naming_the_bkm_keeps_the_complaint_from_the_bkm(rt, client, officer_login) -> None:
    kel = _kelurahan(rt, "Sukamaju", "Kota Bandung")
    phone = Phone(client, number="+6281200001111")
    phone.send("ADUAN dana dipotong")
    code = phone.complaint_code()
    phone.send("Sukamaju").send("3").send("Ketua BKM Sukamaju")
    with rt.db.session() as s:
        stored = s.scalar(select(Complaint).where(Complaint.code == code))
        assert stored.names_bkm_member and stored.level == "kota"
    officer_login("bkm_a", "bkm", kelurahan=kel)
    assert code not in client.get("/complaints/").get_data(as_text=True)
    token = _issue(rt, "ppm_kota", "ppm", kota="Kota Bandung")
    escalated = _api(
        client, token, f"/api/complaints/{stored.id}/escalate", {"reason": "butuh provinsi"}
    )
    assert escalated.status_code == 200 and escalated.get_json()["level"] == "provinsi"
    assert _api(client, token, f"/api/complaints/{stored.id}").status_code == 404


def test_officer_reply_goes_out_on_the_whatsapp_channel(rt, client, officer_login, twilio, run_jobs,
                                                        monkeypatch) -> None:
    kel = _kelurahan(rt, "Sukamaju", "Kota Bandung")
    wa = Phone(client, number="+6281288880000", whatsapp=True)
    wa.send("ADUAN lampu jalan mati")
    code = wa.complaint_code()
    wa.send("Sukamaju")
    officer_login("ppm_a", "ppm", kelurahan=kel)
    monkeypatch.setattr(complaint_actions, "clock", lambda: DAY_WIB)
    client.post(f"/complaints/{_id(rt, code)}/reply",
                data={"csrf_token": _token(client), "text": "Sudah kami laporkan ke PLN."})
    run_jobs()
    assert twilio.messages[-1]["To"] == "whatsapp:+6281288880000"
    assert "Sudah kami laporkan" in twilio.messages[-1]["Body"]


def test_a_nul_in_an_officers_input_gets_a_clear_400_on_every_database(
    rt, client, officer_login, two_areas
) -> None:  # type: ignore[no-untyped-def]
    a, _b, code_a, _ = two_areas
    complaint_id = _id(rt, code_a)
    token = _issue(rt, "ppm_nul", "ppm", kelurahan=a)
    api = _api(client, token, f"/api/complaints/{complaint_id}/reply", {"text": "halo\u0000"})
    assert api.status_code == 400 and "NUL" in api.get_json()["error"]
    officer_login("bkm_nul", "bkm", kelurahan=a)
    page = client.post(f"/complaints/{complaint_id}/bkm",
                       data={"csrf_token": _token(client), "reason": "menyebut\x00 ketua"})
    assert page.status_code == 400 and "NUL" in page.get_data(as_text=True)
    with rt.db.session() as s:
        complaint = s.get(Complaint, complaint_id)
        assert not complaint.names_bkm_member  # nothing was written


def test_only_ppm_and_admin_reply_to_the_complainant(rt, client, officer_login, twilio,
                                                     run_jobs) -> None:
    kel = _kelurahan(rt, "Sukamaju", "Kota Bandung")
    code = _file(client, "+6281211113333", "Sukamaju")
    complaint_id = _id(rt, code)
    token = _issue(rt, "bkm_a", "bkm", kelurahan=kel)
    refused = _api(client, token, f"/api/complaints/{complaint_id}/reply", {"text": "Sudah beres"})
    assert refused.status_code == 422 and "PPM" in refused.get_json()["error"]
    officer_login("bkm_a", "bkm", kelurahan=kel)
    detail = client.get(f"/complaints/{complaint_id}").get_data(as_text=True)
    assert "Kirim balasan" not in detail
    client.post(f"/complaints/{complaint_id}/reply",
                data={"csrf_token": _token(client), "text": "Sudah beres"})
    run_jobs()
    assert not any("Sudah beres" in m["Body"] for m in twilio.messages)
    ppm = _issue(rt, "ppm_a", "ppm", kelurahan=kel)
    assert _api(client, ppm, f"/api/complaints/{complaint_id}/reply",
                {"text": "Kami cek besok"}).status_code == 200


def test_the_queue_opens_on_open_complaints_overdue_first_with_bulk_tools_behind_a_button(
        rt, client, officer_login) -> None:
    """A tired officer's first screen: what is still to do, the late ones on top; the
    closed ones one choice away; the bulk tools folded until asked for."""
    from datetime import timedelta

    from bot.models import Contact
    from conversations.flows.complaint_code import new_code

    kel = _kelurahan(rt, "Sukamaju", "Kota Bandung")
    now = datetime.now(timezone.utc)
    codes: dict[str, str] = {}
    with rt.db.session() as s:
        contact = Contact(phone="+6281200009998")
        s.add(contact)
        s.flush()
        for name, status, due in (("late_old", "new", now - timedelta(days=3)),
                                  ("fresh", "new", now + timedelta(days=2)),
                                  ("late_new", "verified", now - timedelta(hours=1)),
                                  ("done", "resolved", None),
                                  ("newest", "in_follow_up", now + timedelta(days=4))):
            codes[name] = new_code()
            s.add(Complaint(code=codes[name], contact_id=contact.id, channel="sms",
                            text=f"aduan {name}", kelurahan_id=kel.id,
                            kota_area_id=kel.kota_area_id, provinsi_area_id=kel.provinsi_area_id,
                            level="kelurahan", status=status, due_at=due, anonymous=True,
                            names_bkm_member=False))
    officer_login("ppm_a", "ppm", kelurahan=kel)
    page = client.get("/complaints/").get_data(as_text=True)
    order = [name for name in sorted(codes, key=lambda n: page.find(codes[n]))
             if codes[name] in page]
    assert order == ["late_new", "late_old", "newest", "fresh"]  # no resolved one
    everything = client.get("/complaints/?status=all").get_data(as_text=True)
    assert codes["done"] in everything
    # The bulk tools are folded behind one button.
    assert re.search(r'<details class="bulk">\s*<summary>Tindakan untuk aduan terpilih</summary>',
                     page)


def test_overdue_first_pages_walk_every_open_complaint_once(rt, client, officer_login) -> None:
    from datetime import timedelta

    from bot.models import Contact
    from conversations.flows.complaint_code import new_code

    kel = _kelurahan(rt, "Sukamaju", "Kota Bandung")
    now = datetime.now(timezone.utc)
    with rt.db.session() as s:
        contact = Contact(phone="+6281200009997")
        s.add(contact)
        s.flush()
        for i in range(130):
            late = i % 3 == 0
            s.add(Complaint(code=new_code(), contact_id=contact.id, channel="sms",
                            text=f"aduan {i}", kelurahan_id=kel.id, kota_area_id=kel.kota_area_id,
                            provinsi_area_id=kel.provinsi_area_id, level="kelurahan",
                            status="new", anonymous=True, names_bkm_member=False,
                            due_at=now + timedelta(days=-1 if late else 1)))
    officer_login("ppm_a", "ppm", kelurahan=kel)
    seen: list[int] = []
    url: str | None = "/complaints/"
    while url:
        page = client.get(url).get_data(as_text=True)
        seen += [int(x) for x in re.findall(r'href="/complaints/(\d+)"', page)]
        found = re.search(r'href="([^"]+)">berikutnya', page)
        url = found.group(1).replace("&amp;", "&") if found else None
    assert len(seen) == 130 == len(set(seen))
    with rt.db.session() as s:
        late = {x.id for x in s.scalars(select(Complaint).where(Complaint.due_at < now))}
    assert set(seen[:len(late)]) == late  # every late one before any other
    assert seen[:len(late)] == sorted(seen[:len(late)], reverse=True)
    assert seen[len(late):] == sorted(seen[len(late):], reverse=True)


def test_a_ppm_officer_hands_to_ppm_colleagues_first(rt, officer_login) -> None:  # type: ignore[no-untyped-def]
    from bot.complaints.assignment import colleagues
    from bot.models import Officer
    from bot.officers.accounts import create_or_update

    kel = _kelurahan(rt, "Sukamaju", "Kota Bandung")
    with rt.db.session() as s:
        kel = s.merge(kel)
        for username, role in (("anwar_bkm", "bkm"), ("zaki_ppm", "ppm"), ("budi_ppm", "ppm")):
            create_or_update(s, username, "password-123", role, kel)
        me = s.scalar(select(Officer).where(Officer.username == "zaki_ppm"))
        assert [o.username for o in colleagues(s, me)] == ["budi_ppm", "zaki_ppm", "anwar_bkm"]


def test_the_complaint_page_shows_the_whole_conversation_that_filed_it(
        rt, client, officer_login) -> None:  # type: ignore[no-untyped-def]
    """Every answer the resident typed in the ADUAN dialog and the bot's closing message,
    in order; nothing from before the complaint or after its dialog."""
    kel = _kelurahan(rt, "Sukamaju", "Kota Bandung")
    phone = Phone(client, number="+6281255550001")
    phone.send("MENU")  # before: not part of it
    phone.send("ADUAN dana BLM dipotong ketua")
    code = phone.complaint_code()
    phone.send("Sukamaju RW 02").send("3").send("LEWATI").send("tidak tahu").send("1")
    closing = phone.reply
    assert "Terima kasih" in closing
    phone.send("BAHASA EN")  # after: not part of it
    officer_login("ppm_a", "ppm", kelurahan=kel)
    page = client.get(f"/complaints/{_id(rt, code)}").get_data(as_text=True)
    thread = page[page.find('class="thread"'):page.find("</div>\n</div>", page.find('class="thread"'))]
    mine = re.findall(r'<div class="bubble mine"><small>[^<]*</small>([^<]*)</div>', thread)
    assert mine == ["ADUAN dana BLM dipotong ketua", "Sukamaju RW 02", "3", "LEWATI",
                    "tidak tahu", "1"]
    assert html.escape(closing.splitlines()[0]) in thread  # the bot's closing message
    assert "BAHASA EN" not in thread and "Balas nomor/kata" not in thread
