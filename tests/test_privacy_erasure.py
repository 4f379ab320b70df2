"""HAPUS DATA: a resident asks that their data be erased; an admin approves or refuses
on the dashboard; the resident gets a last SMS, then the number and name are erased and
what the program's audit needs (complaints, KSM membership counts) stays without them."""

from __future__ import annotations

import re
from datetime import datetime, timezone

import pytest
from sqlalchemy import func, select

from bot.models import Complaint, Contact, ErasureRequest, Ksm, KsmMember, Message
from bot.models import privacy as p
from conversations.catalogue import render
from conversations.gsm import non_gsm7_chars, segments
from tests.ksm_helpers import add_kelurahan, form_ksm
from tests.transcript import Phone
from workers.sweep import TASKS, erase_approved_personal_data

LEADER = "+6281277770001"
SHOWN = "0812-7777-0001"


def _requests(rt) -> list[ErasureRequest]:  # type: ignore[no-untyped-def]
    with rt.db.session() as s:
        rows = s.scalars(select(ErasureRequest).order_by(ErasureRequest.id)).all()
        for row in rows:
            s.expunge(row)
        return rows


def _token(client) -> str:  # type: ignore[no-untyped-def]
    html = client.get("/").get_data(as_text=True)
    return re.search(r'name="csrf-token" content="([^"]+)"', html).group(1)


def test_hapus_data_is_confirmed_in_one_sms_and_recorded_once(rt, client) -> None:
    phone = Phone(client, number=LEADER)
    phone.send("hapus data").expect("Permintaan HAPUS DATA Anda kami terima")
    assert segments(phone.reply) == 1 and not non_gsm7_chars(phone.reply)
    phone.send("HAPUS DTA")  # a typo, and asked twice: still one request
    phone.expect("Permintaan HAPUS DATA Anda kami terima")
    rows = _requests(rt)
    assert len(rows) == 1 and rows[0].status == p.PENDING and rows[0].channel == "sms"


def test_every_hapus_data_text_fits_its_sms() -> None:
    for key in ("erasure.received", "erasure.done"):
        for language in ("id", "en"):
            text = render(key, language)
            assert segments(text) == 1 and not non_gsm7_chars(text), (key, language)


@pytest.fixture
def resident(rt, client):  # type: ignore[no-untyped-def]
    """A KSM leader (with two members) who also filed a complaint, then asked HAPUS DATA."""
    add_kelurahan(rt, "Sukamaju")
    phone = Phone(client, number=LEADER)
    ksm_code = form_ksm(phone, rt)
    phone.send("ADUAN dana BLM dipotong, hubungi saya 0812-7777-0001")
    code = phone.complaint_code()
    phone.send("BATAL")
    phone.send("HAPUS DATA").expect("kami terima")
    return phone, ksm_code, code


def test_admin_approves_and_the_number_goes_after_the_last_sms(
    rt, client, officer_login, twilio, run_jobs, resident
) -> None:
    phone, ksm_code, code = resident
    with rt.db.session() as s:
        ksm_id = s.scalar(select(Ksm.id).where(Ksm.code == ksm_code))
        members = s.scalar(select(func.count()).select_from(KsmMember)
                           .where(KsmMember.ksm_id == ksm_id))
        contact_id = s.scalar(select(Contact.id).where(Contact.phone == LEADER))
    officer_login("admin", "admin")
    page = client.get("/admin/privacy/").get_data(as_text=True)
    assert "Menunggu keputusan" in page and SHOWN in page and "Setujui dan hapus" in page
    request_id = _requests(rt)[0].id

    response = client.post(f"/admin/privacy/{request_id}/approve",
                           data={"csrf_token": _token(client)})
    assert response.status_code == 302
    assert _requests(rt)[0].status == p.APPROVED
    # Not erased before the last SMS has gone.
    now = datetime.now(timezone.utc)
    assert erase_approved_personal_data(rt, now) == 0
    with rt.db.session() as s:
        assert s.get(Contact, contact_id).phone == LEADER
    run_jobs()
    last = [m for m in twilio.messages if m["To"] == LEADER]
    assert last and "nomor dan nama Anda kami hapus" in last[-1]["Body"]

    assert erase_approved_personal_data in TASKS
    assert erase_approved_personal_data(rt, now) == 1
    assert erase_approved_personal_data(rt, now) == 0
    assert _requests(rt)[0].status == p.ERASED

    with rt.db.session() as s:
        contact = s.get(Contact, contact_id)
        assert contact.phone == f"hapus:{contact_id}" and contact.name is None
        assert contact.erased_at is not None and contact.opted_out
        assert s.scalar(select(Contact.id).where(Contact.phone == LEADER)) is None
        # The KSM keeps its members (counts, women's share), the leader without a name.
        assert s.scalar(select(func.count()).select_from(KsmMember)
                        .where(KsmMember.ksm_id == ksm_id)) == members
        assert s.scalar(select(KsmMember.name).where(KsmMember.contact_id == contact_id)) == (
            "(data dihapus)")
        assert s.scalar(select(Ksm.leader_contact_id).where(Ksm.id == ksm_id)) == contact_id
        # The complaint stays, cut from the number, its text masked.
        complaint = s.scalar(select(Complaint).where(Complaint.code == code))
        assert complaint.contact_id is None and complaint.status == "new"
        assert "0812-7777-0001" not in complaint.text and "0812****0001" in complaint.text
        # Every message keeps its row, none its text.
        bodies = s.scalars(select(Message.body).where(Message.contact_id == contact_id)).all()
        assert bodies and set(bodies) == {""}

    page = client.get("/admin/privacy/").get_data(as_text=True)
    assert "Data dihapus" in page and SHOWN not in page
    ksm_page = client.get(f"/ksm/{ksm_id}").get_data(as_text=True)
    assert "(data dihapus)" in ksm_page and "(dihapus)" in ksm_page and SHOWN not in ksm_page
    detail = client.get(f"/complaints/{complaint.id}").get_data(as_text=True)
    assert SHOWN not in detail and "HAPUS DATA" in detail  # the audit trail says why

    # The same number writing again is a new resident.
    phone.send("MENU").expect("ADUAN")
    with rt.db.session() as s:
        assert s.scalar(select(Contact.id).where(Contact.phone == LEADER)) != contact_id


def test_admin_refuses_with_a_reason_the_resident_is_sent(
    rt, client, officer_login, twilio, run_jobs, resident
) -> None:
    officer_login("admin", "admin")
    request_id = _requests(rt)[0].id
    client.post(f"/admin/privacy/{request_id}/refuse",
                data={"csrf_token": _token(client), "reason": "  "})
    assert _requests(rt)[0].status == p.PENDING  # no reason: nothing decided
    page = client.get("/admin/privacy/").get_data(as_text=True)
    assert "Tulis alasan penolakan" in page

    client.post(f"/admin/privacy/{request_id}/refuse",
                data={"csrf_token": _token(client), "reason": "aduan Anda masih diproses"})
    assert _requests(rt)[0].status == p.REFUSED
    run_jobs()
    sent = [m for m in twilio.messages if m["To"] == LEADER]
    assert "Alasan: aduan Anda masih diproses." in sent[-1]["Body"]
    assert erase_approved_personal_data(rt, datetime.now(timezone.utc)) == 0
    with rt.db.session() as s:
        assert s.scalar(select(Contact.id).where(Contact.phone == LEADER)) is not None
    # Deciding twice is refused, with a message, not an error page.
    again = client.post(f"/admin/privacy/{request_id}/approve",
                        data={"csrf_token": _token(client)}, follow_redirects=True)
    assert again.status_code == 200 and "sudah diputuskan" in again.get_data(as_text=True)
    assert client.post("/admin/privacy/999999/approve",
                       data={"csrf_token": _token(client)}).status_code == 404


def test_only_admins_see_or_decide_requests(rt, client, officer_login, resident) -> None:
    assert client.get("/admin/privacy/").status_code == 302  # to the login page
    request_id = _requests(rt)[0].id
    for role in ("ppm", "bkm", "fasilitator"):
        officer_login(f"{role}_x", role)
        assert client.get("/admin/privacy/").status_code == 403
        for action in ("approve", "refuse"):
            response = client.post(f"/admin/privacy/{request_id}/{action}",
                                   data={"csrf_token": _token(client), "reason": "x"})
            assert response.status_code == 403
        client.post("/logout", data={"csrf_token": _token(client)})
    assert _requests(rt)[0].status == p.PENDING
