"""Duplicate complaints through the app: filed by SMS, suggested on both pages within the
officer's scope, merged by an officer; the merged complaint keeps its code and its
complainant follows the other one's status."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.models import Complaint, Officer
from bot.complaints import actions as complaint_actions
from conversations.flows.complaint_code import grouped
from tests.conftest import SERVER_DB
from tests.test_complaints_queue import DAY_WIB, _file, _id, _kelurahan, _token
from tests.transcript import Phone

A_TEXT = "Dana BLM utk KSM Mawar dipotong 500rb oleh ketua BKM, katanya buat biaya administrasi"
B_TEXT = "ketua bkm motong dana blm ksm mawar lima ratus ribu alasan biaya adm, tdk ada kwitansi"
OTHER_TEXT = "Bendahara UPK minta setoran 10% dr pinjaman bergulir KSM Melati"
NUMBER_A, NUMBER_B = "+6281211110001", "+6281211110002"


def _panel(page: str) -> str:
    """The "Mungkin aduan yang sama" part of a complaint page ('' when absent)."""
    start = page.find("Mungkin aduan yang sama")
    return page[start:page.index("Jejak audit", start)] if start >= 0 else ""


def _complaint(rt, code: str) -> Complaint:  # type: ignore[no-untyped-def]
    with rt.db.session() as s:
        found = s.scalar(select(Complaint).where(Complaint.code == code))
        s.expunge(found)
        return found


@pytest.fixture
def filed(rt, client):  # type: ignore[no-untyped-def]
    """Two tellings of one incident in Sukamaju, another incident there, the same words in
    a neighbouring kelurahan of the same kota and in another kota."""
    sukamaju = _kelurahan(rt, "Sukamaju", "Kota Bandung")
    _kelurahan(rt, "Cicadas", "Kota Bandung")
    cibeureum = _kelurahan(rt, "Cibeureum", "Kota Bogor")
    codes = {
        "a": _file(client, NUMBER_A, "Sukamaju RW 02", text=A_TEXT),
        "b": _file(client, NUMBER_B, "Sukamaju RW 03", text=B_TEXT),
        "other": _file(client, "+6281211110003", "Sukamaju RW 04", text=OTHER_TEXT),
        "cicadas": _file(client, "+6281211110004", "Cicadas RW 01", text=A_TEXT),
        "bogor": _file(client, "+6281211110005", "kel cibeureum rw 7", text=A_TEXT),
    }
    return sukamaju, cibeureum, codes


def test_similar_complaints_show_on_both_pages_and_only_those(
    rt, client, officer_login, filed
) -> None:
    sukamaju, _cibeureum, codes = filed
    officer_login("ppm_a", "ppm", kelurahan=sukamaju)
    page_a = client.get(f"/complaints/{_id(rt, codes['a'])}").get_data(as_text=True)
    page_b = client.get(f"/complaints/{_id(rt, codes['b'])}").get_data(as_text=True)
    assert codes["b"] in _panel(page_a) and codes["a"] in _panel(page_b)
    for page in (page_a, page_b):
        assert codes["other"] not in _panel(page)  # same kind and kelurahan, another incident
        assert codes["bogor"] not in page and codes["cicadas"] not in page
        for number in (NUMBER_A, NUMBER_B, "0812-1111-0001", "0812-1111-0002"):
            assert number not in page  # anonymous complainants stay hidden
    assert _panel(client.get(f"/complaints/{_id(rt, codes['other'])}").get_data(as_text=True)) == ""

    # The kota officer sees Cicadas too, but another kelurahan is another place.
    officer_login("ppm_bdg", "ppm", kota="Kota Bandung")
    page_a = client.get(f"/complaints/{_id(rt, codes['a'])}").get_data(as_text=True)
    assert codes["b"] in _panel(page_a) and codes["cicadas"] not in _panel(page_a)


def test_a_complaint_hidden_from_the_bkm_is_never_suggested_to_it(
    rt, client, officer_login, filed
) -> None:
    sukamaju, _cibeureum, codes = filed
    officer_login("ppm_bdg", "ppm", kota="Kota Bandung")
    client.post(f"/complaints/{_id(rt, codes['b'])}/bkm",
                data={"csrf_token": _token(client), "reason": "menyebut ketua BKM"})
    page_a = client.get(f"/complaints/{_id(rt, codes['a'])}").get_data(as_text=True)
    assert codes["b"] in _panel(page_a)  # the kota still sees both

    officer_login("bkm_a", "bkm", kelurahan=sukamaju)
    page_a = client.get(f"/complaints/{_id(rt, codes['a'])}").get_data(as_text=True)
    assert codes["b"] not in page_a and "Mungkin aduan yang sama" not in page_a


def test_merge_keeps_the_code_and_the_complainant_follows_the_other_status(
    rt, client, officer_login, filed, twilio, run_jobs, monkeypatch
) -> None:
    sukamaju, _cibeureum, codes = filed
    monkeypatch.setattr(complaint_actions, "clock", lambda: DAY_WIB)
    a_id, b_id = _id(rt, codes["a"]), _id(rt, codes["b"])
    officer_login("ppm_a", "ppm", kelurahan=sukamaju)
    response = client.post(f"/complaints/{b_id}/merge",
                           data={"confirm": "1", "csrf_token": _token(client), "into": codes["a"]})
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/{a_id}")
    run_jobs()
    # Not while the merge may still be taken back...
    assert [m for m in twilio.notices if m["To"] == NUMBER_B] == []
    # ...then, once the window is over, the sweep sends it.
    from datetime import timedelta

    from workers.sweep import requeue_stale_messages

    later = DAY_WIB + timedelta(minutes=13)
    rt.extras["clock"] = lambda: later
    assert requeue_stale_messages(rt, later) >= 1
    run_jobs()
    told = [m["Body"] for m in twilio.notices if m["To"] == NUMBER_B]
    assert len(told) == 1 and f"Aduan {grouped(codes['b'])} digabung" in told[0]
    assert codes["a"] not in told[0]  # nothing of the other complaint

    b = _complaint(rt, codes["b"])
    assert (b.status, b.merged_into_id, b.due_at) == ("merged", a_id, None)
    page_a = client.get(f"/complaints/{a_id}").get_data(as_text=True)  # (shows the flash)
    assert f"Aduan {codes['b']} digabung ke aduan {codes['a']}." in page_a
    queue = client.get("/complaints/?status=open").get_data(as_text=True)
    assert codes["a"] in queue and codes["b"] not in queue
    page_b = client.get(f"/complaints/{b_id}").get_data(as_text=True)
    assert "Aduan yang digabung ke sini" in page_a and codes["b"] in page_a
    assert ("Petugas PPM ppm_a menggabungkan aduan lain tentang kejadian yang sama ke aduan ini"
            in page_a)
    assert "Petugas PPM ppm_a menggabungkan aduan ini ke aduan lain tentang kejadian yang sama" \
        in page_b
    assert f"digabung ke aduan <a href=\"/complaints/{a_id}\">{codes['a']}</a>" in page_b

    for status in ("verified", "in_follow_up"):
        client.post(f"/complaints/{a_id}/status",
                    data={"csrf_token": _token(client), "status": status})
    client.post(f"/complaints/{a_id}/status", data={
        "csrf_token": _token(client), "status": "resolved",
        "response": "Dana sudah dikembalikan ke KSM Mawar."})
    run_jobs()
    to_b = [m["Body"] for m in twilio.notices if m["To"] == NUMBER_B]
    to_a = [m["Body"] for m in twilio.notices if m["To"] == NUMBER_A]
    assert len(to_b) == 4 and len(to_a) == 3
    assert f"Aduan {grouped(codes['b'])} kini selesai" in to_b[-1] and "dikembalikan" in to_b[-1]
    assert f"Aduan {grouped(codes['a'])} kini selesai" in to_a[-1]
    assert "aduan tempat aduan ini digabung kini berstatus Selesai" in client.get(
        f"/complaints/{b_id}").get_data(as_text=True)

    Phone(client, number=NUMBER_B).send(f"CEK {codes['b']}").expect(
        grouped(codes["b"]), "selesai", "dikembalikan")


def test_merge_is_scoped_checked_and_csrf_protected(
    rt, client, officer_login, filed
) -> None:
    sukamaju, cibeureum, codes = filed
    ids = {k: _id(rt, v) for k, v in codes.items()}
    officer_login("ppm_a", "ppm", kelurahan=sukamaju)

    def merge(source: str, into: str) -> str:
        return client.post(f"/complaints/{ids[source]}/merge", follow_redirects=True,
                           data={"confirm": "1", "csrf_token": _token(client), "into": into}).get_data(as_text=True)

    assert "Aduan tujuan tidak ditemukan di wilayah Anda." in merge("a", codes["bogor"])
    assert "Aduan tujuan tidak ditemukan di wilayah Anda." in merge("a", "bukan kode")
    assert "Aduan tujuan tidak ditemukan di wilayah Anda." in merge("a", str(ids["b"]))  # an id
    assert "Aduan tujuan tidak ditemukan di wilayah Anda." in merge("a", codes["b"][:-1] + (
        "0" if codes["b"][-1] != "0" else "1"))  # a typo in the check digit
    assert "tidak bisa digabung ke dirinya sendiri" in merge("a", codes["a"])
    assert client.post(f"/complaints/{ids['a']}/merge",
                       data={"confirm": "1", "into": codes["b"]}).status_code == 400  # no CSRF token
    assert client.post(f"/complaints/{ids['bogor']}/merge",
                       data={"confirm": "1", "csrf_token": _token(client), "into": codes["a"]}).status_code == 404

    assert f"digabung ke aduan {codes['a']}" in merge("b", codes["a"])
    assert f"sudah digabung ke aduan {codes['a']}: gabungkan ke sana" in merge("other", codes["b"])
    assert f"Aduan {codes['b']} sudah digabung ke aduan lain" in merge("b", codes["other"])
    assert _complaint(rt, codes["other"]).status == "new"

    # A merged root keeps no chain: its duplicates follow the new root.
    assert f"digabung ke aduan {codes['other']}" in merge("a", codes["other"])
    assert _complaint(rt, codes["b"]).merged_into_id == ids["other"]

    officer_login("fas_a", "fasilitator", kelurahan=sukamaju)
    assert client.post(f"/complaints/{ids['other']}/merge",
                       data={"confirm": "1", "csrf_token": _token(client), "into": codes["a"]}).status_code == 403
    page = client.get(f"/complaints/{ids['other']}").get_data(as_text=True)
    assert "Gabungkan" not in page  # it may look, not merge
    officer_login("ppm_b", "ppm", kelurahan=cibeureum)
    assert client.post(f"/complaints/{ids['a']}/merge",
                       data={"confirm": "1", "csrf_token": _token(client), "into": codes["bogor"]}
                       ).status_code == 404


def test_a_complaint_naming_the_bkm_joins_only_one_hidden_from_it(
    rt, client, officer_login, filed
) -> None:
    _sukamaju, _cibeureum, codes = filed
    officer_login("ppm_bdg", "ppm", kota="Kota Bandung")
    b_id = _id(rt, codes["b"])
    client.post(f"/complaints/{b_id}/bkm",
                data={"csrf_token": _token(client), "reason": "menyebut ketua BKM"})
    page = client.post(f"/complaints/{b_id}/merge", follow_redirects=True,
                       data={"confirm": "1", "csrf_token": _token(client), "into": codes["a"]}
                       ).get_data(as_text=True)
    assert "menyebut anggota BKM: gabungkan hanya ke aduan yang juga disembunyikan" in page
    assert _complaint(rt, codes["b"]).status == "new"
    assert _complaint(rt, codes["a"]).status == "new"


def test_a_simulated_complaint_is_never_merged_with_a_real_one(
    rt, client, officer_login, filed
) -> None:
    from bot.models import Contact

    sukamaju, _cibeureum, codes = filed
    with rt.db.session() as s:  # as if filed from the dashboard's simulator
        s.get(Contact, _complaint(rt, codes["b"]).contact_id).simulated = True
    officer_login("ppm_a", "ppm", kelurahan=sukamaju)
    page_a = client.get(f"/complaints/{_id(rt, codes['a'])}").get_data(as_text=True)
    assert codes["b"] not in page_a  # simulated complaints count nowhere
    page = client.post(f"/complaints/{_id(rt, codes['b'])}/merge", follow_redirects=True,
                       data={"confirm": "1", "csrf_token": _token(client), "into": codes["a"]}
                       ).get_data(as_text=True)
    assert "Aduan dari simulator tidak digabung dengan aduan sungguhan." in page
    assert _complaint(rt, codes["b"]).status == "new"


def test_a_merged_complainant_hears_when_the_other_moves_up_by_itself(
    rt, client, officer_login, twilio, run_jobs, monkeypatch
) -> None:
    from datetime import datetime, timezone

    from tests.meeting_helpers import say
    from workers.sweep import escalate_overdue_complaints

    wednesday = datetime(2026, 11, 25, 3, 0, tzinfo=timezone.utc)  # 10:00 WIB
    sukamaju = _kelurahan(rt, "Sukamaju", "Kota Bandung")
    for number, text in ((NUMBER_A, A_TEXT), (NUMBER_B, B_TEXT)):
        say(rt, number, f"ADUAN {text}", wednesday)
        say(rt, number, "Sukamaju", wednesday)
    with rt.db.session() as s:
        (a_id, a_code), (b_id, b_code) = s.execute(
            select(Complaint.id, Complaint.code).order_by(Complaint.id)).all()
    monkeypatch.setattr(complaint_actions, "clock", lambda: wednesday)
    officer_login("ppm_a", "ppm", kelurahan=sukamaju)
    client.post(f"/complaints/{b_id}/merge", data={"confirm": "1", "csrf_token": _token(client), "into": a_code})

    tuesday = datetime(2026, 12, 1, 3, 0, tzinfo=timezone.utc)  # A not verified in 3 days
    assert escalate_overdue_complaints(rt, tuesday) == 1  # A only: B left the queue
    run_jobs()
    to_b = [m["Body"] for m in twilio.messages if m["To"] == NUMBER_B]
    assert f"Aduan {grouped(b_code)} diteruskan ke tingkat kota/kabupaten" in to_b[-1]
    officer_login("ppm_bdg", "ppm", kota="Kota Bandung")
    assert "aduan tempat aduan ini digabung naik ke tingkat kota/kabupaten" in client.get(
        f"/complaints/{b_id}").get_data(as_text=True)


@pytest.mark.skipif(not SERVER_DB, reason="row locks need PostgreSQL (server mode)")
def test_two_officers_merging_each_way_at_once_make_no_loop(rt, client, filed) -> None:
    import threading

    from bot.complaints import merge as complaint_merge
    from bot.complaints.actions import ActionError
    from bot.officers.accounts import create_or_update

    sukamaju, _cibeureum, codes = filed
    a_id, b_id = _id(rt, codes["a"]), _id(rt, codes["b"])
    with rt.db.session() as s:
        create_or_update(s, "ppm_a", "password-123", "ppm", s.merge(sukamaju))
    first = rt.db.sessions()
    officer = first.scalar(select(Officer).where(Officer.username == "ppm_a"))
    complaint_merge.merge(first, first.get(Complaint, b_id), first.get(Complaint, a_id), officer,
                          now=DAY_WIB)  # B into A, not committed yet
    outcome: list[str] = []

    def the_other_way() -> None:
        with rt.db.session() as second:
            other = second.scalar(select(Officer).where(Officer.username == "ppm_a"))
            a, b = second.get(Complaint, a_id), second.get(Complaint, b_id)
            try:
                complaint_merge.merge(second, a, b, other, now=DAY_WIB)
                outcome.append("merged")
            except ActionError as exc:
                outcome.append(str(exc))
                second.rollback()

    thread = threading.Thread(target=the_other_way)
    thread.start()
    thread.join(1.0)
    assert thread.is_alive()  # waits on the row lock
    first.commit()
    first.close()
    thread.join(10)
    assert outcome == [f"Aduan {codes['b']} sudah digabung ke aduan {codes['a']}: gabungkan ke sana."]
    assert _complaint(rt, codes["a"]).status == "new"


def _csv_row(client, code: str) -> dict[str, str]:  # type: ignore[no-untyped-def]
    import csv
    import io

    rows = csv.DictReader(io.StringIO(client.get("/complaints/export.csv?status=all").get_data(as_text=True)))
    return next(r for r in rows if r["Kode"] == code)


def test_the_api_and_the_csv_name_the_complaint_it_joined_only_to_who_sees_it(
    rt, client, officer_login, filed
) -> None:
    from tests.test_complaints_queue import _api, _issue

    sukamaju, _cibeureum, codes = filed
    a_id, b_id = _id(rt, codes["a"]), _id(rt, codes["b"])
    officer_login("ppm_bdg", "ppm", kota="Kota Bandung")
    # A names a BKM member: the BKM of Sukamaju does not see it, but sees B.
    client.post(f"/complaints/{a_id}/bkm", data={"csrf_token": _token(client), "reason": "ketua BKM"})
    client.post(f"/complaints/{b_id}/merge", data={"confirm": "1", "csrf_token": _token(client), "into": codes["a"]})

    token = _issue(rt, "ppm_api", "ppm", kota="Kota Bandung")
    b = _api(client, token, f"/api/complaints/{b_id}").get_json()
    assert (b["status"], b["merged_into"]) == ("merged", codes["a"])
    assert _api(client, token, f"/api/complaints/{a_id}").get_json()["merged_into"] is None
    listed = {x["code"]: x for x in _api(client, token, "/api/complaints").get_json()["complaints"]}
    assert listed[codes["b"]]["merged_into"] == codes["a"]
    row = _csv_row(client, codes["b"])
    assert (row["Status"], row["Digabung ke"]) == ("Digabung", codes["a"])
    assert _csv_row(client, codes["a"])["Digabung ke"] == ""

    bkm_token = _issue(rt, "bkm_api", "bkm", kelurahan=sukamaju)
    b = _api(client, bkm_token, f"/api/complaints/{b_id}").get_json()
    assert (b["status"], b["merged_into"]) == ("merged", None)  # just the status
    assert codes["a"] not in _api(client, bkm_token, "/api/complaints").get_data(as_text=True)
    officer_login("bkm_a", "bkm", kelurahan=sukamaju)
    row = _csv_row(client, codes["b"])
    assert (row["Status"], row["Digabung ke"]) == ("Digabung", "")
    assert codes["a"] not in client.get("/complaints/export.csv?status=all").get_data(as_text=True)


def test_a_reply_on_the_root_reaches_its_merged_complainants_under_their_own_code(
    rt, client, officer_login, filed, twilio, run_jobs, monkeypatch
) -> None:
    """CEK with a merged code already answers with the root's last response; the reply is
    sent to the merged complainants too, each under their own code, nothing of the root
    complaint in it, not to one who sent BERHENTI; each follower's trail says so."""
    sukamaju, _cibeureum, codes = filed
    monkeypatch.setattr(complaint_actions, "clock", lambda: DAY_WIB)
    a_id, b_id, other_id = (_id(rt, codes[k]) for k in ("a", "b", "other"))
    officer_login("ppm_a", "ppm", kelurahan=sukamaju)
    for duplicate in ("b", "other"):
        client.post(f"/complaints/{_id(rt, codes[duplicate])}/merge",
                    data={"confirm": "1", "csrf_token": _token(client), "into": codes["a"]})
    Phone(client, number="+6281211110003").send("BERHENTI")
    run_jobs()
    assert "Pengadunya juga menerima kabar status dan balasan petugas pada aduan ini." in \
        client.get(f"/complaints/{a_id}").get_data(as_text=True)  # the officer knows
    before = len(twilio.messages)

    client.post(f"/complaints/{a_id}/reply", data={
        "csrf_token": _token(client), "text": "Tim PPM akan memeriksa pembukuan BKM Senin depan."})
    run_jobs()
    sent = {m["To"]: m["Body"] for m in twilio.messages[before:]}
    assert sent[NUMBER_A] == (f"Petugas PPM, aduan {grouped(codes['a'])}: Tim PPM akan memeriksa "
                              "pembukuan BKM Senin depan.")
    assert sent[NUMBER_B] == (f"Petugas PPM, aduan {grouped(codes['b'])}: Tim PPM akan memeriksa "
                              "pembukuan BKM Senin depan.")
    assert "+6281211110003" not in sent  # opted out
    assert set(sent) == {NUMBER_A, NUMBER_B}
    page_b = client.get(f"/complaints/{b_id}").get_data(as_text=True)
    assert "Pengadu diberi tahu: balasan petugas pada aduan tempat aduan ini digabung" in page_b
    assert "Pengadu diberi tahu: balasan petugas" in client.get(
        f"/complaints/{other_id}").get_data(as_text=True)  # queued, skipped at send time


def test_merging_asks_first_and_can_be_taken_back_for_ten_minutes(
        rt, client, officer_login, filed, twilio, run_jobs, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from datetime import timedelta

    sukamaju, _cibeureum, codes = filed
    a_id, b_id = _id(rt, codes["a"]), _id(rt, codes["b"])
    before = _complaint(rt, codes["b"])
    monkeypatch.setattr(complaint_actions, "clock", lambda: DAY_WIB)
    officer_login("ppm_a", "ppm", kelurahan=sukamaju)
    asked = client.post(f"/complaints/{b_id}/merge",
                        data={"csrf_token": _token(client), "into": codes["a"]})
    page = asked.get_data(as_text=True)
    assert asked.status_code == 200
    assert f"Gabungkan aduan {codes['b']} ke aduan {codes['a']}?" in page
    assert _complaint(rt, codes["b"]).status == before.status  # nothing done yet

    client.post(f"/complaints/{b_id}/merge",
                data={"confirm": "1", "csrf_token": _token(client), "into": codes["a"]})
    page_a = client.get(f"/complaints/{a_id}").get_data(as_text=True)
    assert f"Batalkan penggabungan {codes['b']}" in page_a
    monkeypatch.setattr(complaint_actions, "clock", lambda: DAY_WIB + timedelta(minutes=9))
    undone = client.post(f"/complaints/{b_id}/unmerge", data={"csrf_token": _token(client)},
                         follow_redirects=True).get_data(as_text=True)
    assert "Penggabungan dibatalkan" in undone
    b = _complaint(rt, codes["b"])
    assert (b.status, b.merged_into_id, b.due_at) == (before.status, None, before.due_at)
    assert "membatalkan penggabungan" in undone  # the audit trail says so
    run_jobs()
    with rt.db.session() as session:
        from bot.models import Message

        notice = session.scalars(select(Message.status).where(
            Message.body.contains("digabung"), Message.direction == "out")).all()
    assert notice == ["skipped"]  # the complainant never hears of the merge taken back

    # Merged again, and past the window: no taking back.
    monkeypatch.setattr(complaint_actions, "clock", lambda: DAY_WIB + timedelta(minutes=20))
    client.post(f"/complaints/{b_id}/merge",
                data={"confirm": "1", "csrf_token": _token(client), "into": codes["a"]})
    monkeypatch.setattr(complaint_actions, "clock", lambda: DAY_WIB + timedelta(minutes=31))
    assert f"Batalkan penggabungan {codes['b']}" not in client.get(
        f"/complaints/{a_id}").get_data(as_text=True)
    late = client.post(f"/complaints/{b_id}/unmerge", data={"csrf_token": _token(client)},
                       follow_redirects=True).get_data(as_text=True)
    assert "tidak bisa dibatalkan lagi" in late
    assert _complaint(rt, codes["b"]).status == "merged"


def test_each_suggestion_says_why_in_indonesian(rt, client, officer_login, filed) -> None:  # type: ignore[no-untyped-def]
    """The officer judges a suggestion at a glance: the facts both complaints name alike
    (500rb and "lima ratus ribu", KSM Mawar) and whether the words are alike."""
    sukamaju, _cibeureum, codes = filed
    officer_login("ppm_a", "ppm", kelurahan=sukamaju)
    panel = _panel(client.get(f"/complaints/{_id(rt, codes['a'])}").get_data(as_text=True))
    item = panel[panel.index(codes["b"]):]
    why = item[item.index("Alasan:"):item.index("</p>", item.index("Alasan:"))]
    assert "jumlah Rp 500.000 sama" in why and "KSM sama: Mawar" in why and "teks mirip" in why
