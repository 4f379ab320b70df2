"""More transcripts of what residents really send (issue 13): meeting answers, what the
bot says that must be true, guessing, keypad habits. Each asserts what the resident reads."""
from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select

from bot.models import KsmMember, Meeting, Rsvp
from bot.models import ksm as k
from conversations.flows.complaint_code import grouped
from tests.meeting_helpers import WIB, fast, make_ksm, say


def _utc(month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=UTC)


def _answers(rt, phone_contact_id):  # type: ignore[no-untyped-def]
    with rt.db.session() as s:
        rows = s.execute(select(Meeting.starts_at, Rsvp.answer)
                         .join(Meeting, Meeting.id == Rsvp.meeting_id)
                         .where(Rsvp.contact_id == phone_contact_id)).all()
    return {at.astimezone(UTC).day: answer for at, answer in rows}


# 1. Meeting answers land on the meeting they answer -------------------------------------

def test_an_answer_goes_to_the_latest_notice_and_a_date_picks_the_meeting(rt) -> None:
    fast(rt)
    ksm = make_ksm(rt, WIB, members=3)
    now = _utc(12, 1, 3)
    say(rt, ksm["leader"], "RAPAT 7/12 19.30 Balai RW", now)
    say(rt, ksm["leader"], "YA", now)
    later = _utc(12, 2, 3)
    say(rt, ksm["leader"], "RAPAT 10/12 19.30 Masjid", later)
    say(rt, ksm["leader"], "YA", later)
    member, member_id = ksm["members"][0], ksm["contact_ids"][1]

    reply = say(rt, member, "TIDAK HADIR", later)
    assert "TIDAK HADIR" in reply and "10/12" in reply
    assert _answers(rt, member_id) == {10: "tidak"}
    reply = say(rt, member, "hadir 7/12", later)
    assert "HADIR" in reply and "7/12" in reply
    reply = say(rt, member, "Hadir tgl 10/12", later)
    assert "tercatat HADIR" in reply and "10/12" in reply
    assert _answers(rt, member_id) == {7: "hadir", 10: "hadir"}
    reply = say(rt, member, "hadir 11/12", later)
    assert "11/12" in reply and "1 " in reply and "2 " in reply  # no such date: numbered
    assert "7/12" in say(rt, member, "1", later)


def test_two_meetings_on_one_date_are_asked_numbered(rt) -> None:
    fast(rt)
    first, second = make_ksm(rt, WIB, members=2), make_ksm(rt, WIB, members=2)
    member, member_id = first["members"][0], first["contact_ids"][1]
    with rt.db.session() as s:
        s.add(KsmMember(ksm_id=second["id"], contact_id=member_id, name="Siti", gender="P",
                        role=k.MEMBER, status=k.CONFIRMED))
    now = _utc(12, 1, 3)
    for ksm, place in ((first, "Balai RW"), (second, "Masjid")):
        say(rt, ksm["leader"], f"RAPAT 10/12 19.30 {place}", now)
        say(rt, ksm["leader"], "YA", now)
    reply = say(rt, member, "tdk hadir 10/12", now)
    assert "1 " in reply and "2 " in reply and second["name"] in reply, reply
    assert _answers(rt, member_id) == {}
    reply = say(rt, member, "3", now)
    assert "1 sampai 2" in reply
    reply = say(rt, member, "2", now)
    assert "TIDAK HADIR" in reply and second["name"] in reply
    with rt.db.session() as s:
        [(meeting_ksm, answer)] = s.execute(
            select(Meeting.ksm_id, Rsvp.answer).join(Meeting, Meeting.id == Rsvp.meeting_id)
            .where(Rsvp.contact_id == member_id)).all()
    assert (meeting_ksm, answer) == (second["id"], "tidak")


# 2. Told something untrue --------------------------------------------------------------

def test_the_leader_is_told_how_many_will_get_the_notice_and_who_will_not(rt) -> None:
    from bot.models import Contact

    fast(rt)
    ksm = make_ksm(rt, WIB, members=3)
    now = _utc(12, 1, 3)
    say(rt, ksm["members"][0], "BERHENTI", now)
    reply = say(rt, ksm["leader"], "RAPAT 5/12 19.30 Balai RW", now)
    assert "Kirim ke 1 anggota" in reply and "Anggota 1" in reply and "BERHENTI" in reply
    with rt.db.session() as s:
        s.execute(Contact.__table__.update().values(opted_out=False))
    reply = say(rt, ksm["leader"], "BATAL", now)
    reply = say(rt, ksm["leader"], "RAPAT 5/12 19.30 Balai RW", now)
    assert "Kirim ke 2 anggota" in reply and "BERHENTI" not in reply


def test_an_officer_reply_is_not_sent_to_a_resident_who_sent_berhenti(
        rt, client, officer_login, twilio, run_jobs, monkeypatch) -> None:
    import re

    from bot.models import Complaint
    from bot.complaints import actions as complaint_actions
    from tests.transcript import Phone

    resident = Phone(client, number="+6281299990001")
    resident.send("ADUAN dana BLM dipotong ketua")
    code = resident.complaint_code()
    resident.send("BATAL")
    resident.send("BERHENTI").expect("MULAI")
    with rt.db.session() as s:
        complaint_id = s.scalar(select(Complaint.id).where(Complaint.code == code))
    officer_login("admin_a", "admin")
    monkeypatch.setattr(complaint_actions, "clock", lambda: _utc(11, 25, 3))
    page = client.get(f"/complaints/{complaint_id}").get_data(as_text=True)
    assert "BERHENTI" in page  # the officer sees the resident opted out
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page) or re.search(
        r'name="csrf-token" content="([^"]+)"', page)
    twilio.reset()
    client.post(f"/complaints/{complaint_id}/reply",
                data={"csrf_token": token.group(1), "text": "Kami akan datang hari Senin."})
    run_jobs()
    assert [m for m in twilio.notices if m["To"] == "+6281299990001"] == []
    # Asked for, the answer is there: CEK still shows it.
    resident.send(f"CEK {code}").expect("Kami akan datang")


# 3. Guessing ---------------------------------------------------------------------------

def test_the_filer_own_code_always_answers_only_misses_are_slowed(rt, phone) -> None:

    phone.send("ADUAN jalan RW 03 rusak")
    code = phone.complaint_code()
    phone.send("BATAL")
    for typo in ("123456789", "987654321", "111111111", "222222222", "333333333"):
        phone.send(f"CEK {typo}").expect("tidak ada")
    phone.send(f"CEK {typo}").expect("Terlalu banyak")
    phone.send(f"cek {code}").expect(f"Aduan {grouped(code)}", "baru diterima")
    phone.send("CEK 444444444").expect("Terlalu banyak")


def test_status_with_a_ksm_code_is_slowed_and_tells_nothing_about_other_ksms(rt, phone) -> None:
    from tests.ksm_helpers import add_kelurahan, form_ksm, other

    add_kelurahan(rt, "Sukamaju")
    code = form_ksm(phone, rt)
    stranger = other(phone, "+6281377770001")
    stranger.send(f"STATUS {code}")
    theirs = stranger.reply
    stranger.send("STATUS 99999")
    assert stranger.reply == theirs and "bukan anggota" not in theirs, (theirs, stranger.reply)
    stranger.send(f"KSM {code}")
    assert stranger.reply == theirs
    for guess in ("99998", "99997"):
        stranger.send(f"STATUS {guess}").expect_not("Terlalu banyak")
    stranger.send(f"STATUS {code}").expect("Terlalu banyak")
    phone.send(f"STATUS {code}").expect("Maju Jaya")  # the leader's own KSM answers


# 4. Keypad habits ----------------------------------------------------------------------

def test_the_status_reply_tells_members_with_like_names_apart(rt, phone) -> None:
    from conversations.gsm import segments
    from tests.ksm_helpers import add_kelurahan, register

    add_kelurahan(rt, "Sukamaju")
    code = register(phone)
    for n, name in enumerate(("Siti Nurhaliza Rahma", "Siti Nurhaliza Putri",
                              "Siti Nurhaliza Dewi", "Budi Santoso Wibowo",
                              "Ahmad Fauzan Hidayat", "Dedi Kurniawan Saputra")):
        phone.send(f"ANGGOTA {name}, P, 08131122330{n}").expect("diundang")
    phone.send(f"KSM {code}")
    assert segments(phone.reply) <= 2, phone.reply
    members = phone.reply.split("Anggota:")[1]
    shown = [part.split("(")[0].strip() for part in members.split(",") if "(" in part]
    sitis = [name for name in shown if name.startswith("Siti")]
    assert len(sitis) >= 3 and len(set(sitis)) == len(sitis), phone.reply


def test_bare_anggota_then_the_whole_line(rt, phone) -> None:
    from tests.ksm_helpers import add_kelurahan, register

    add_kelurahan(rt, "Sukamaju")
    register(phone)
    phone.send("ANGGOTA Siti").expect("L (laki-laki)")
    phone.send("ANGGOTA Siti Aminah, P, 081311223301").expect("diundang")
    phone.send("ANGGOTA Budi").expect("L (laki-laki)")
    phone.send("Budi Santoso, L, 081311223302").expect("diundang")


def test_tolak_during_the_gabung_name_step_is_not_a_name(rt, phone) -> None:
    from tests.ksm_helpers import add_kelurahan, other, register

    add_kelurahan(rt, "Sukamaju")
    code = register(phone)
    resident = other(phone, "+6281377770002")
    resident.send(f"GABUNG {code}").expect("nama")
    resident.send("TOLAK 88897").expect_not("jenis kelamin", "L (laki-laki)")
    with rt.db.session() as s:
        names = list(s.scalars(select(KsmMember.name)))
    assert "TOLAK 88897" not in names


def test_answers_that_are_not_what_was_asked_are_refused(rt, phone) -> None:
    from tests.ksm_helpers import add_kelurahan

    add_kelurahan(rt, "Sukamaju")
    phone.send("DAFTAR").send("1").send("Maju Jaya").expect("ketua")
    phone.send("12345").expect("nama").expect_not("L (laki-laki)")
    phone.send("Ｓｉｔｉ Ａｍｉｎａｈ").expect("L (laki-laki)").expect_not("emoji")
    phone.send("P").send("1").send("TIDAK").expect("Tujuan")
    phone.send("ok").expect("tujuan").expect_not("4 nilai")
    phone.send("Modal usaha warung").expect("4 nilai")
    phone.send("BATAL")
    phone.send("DAFTAR").send("1").send("Maju \U0001F600").expect("emoji")


def test_a_long_complaint_is_kept_whole_up_to_the_inbound_limit(rt, phone) -> None:
    from bot.models import Complaint

    text = ("Dana BLM untuk perbaikan jalan RW 03 dipotong oleh ketua KSM dan bendahara. "
            * 23)[:1686]
    phone.send(f"ADUAN {text}").expect("Kode aduan")
    with rt.db.session() as s:
        [stored] = s.scalars(select(Complaint.text))
    assert len(stored) >= 1590 and text.startswith(stored.rstrip())
    phone.expect("1594 huruf")  # the reply says how much was kept
