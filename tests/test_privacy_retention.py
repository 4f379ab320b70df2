"""The retention policy: after RETENTION_MONTHS a closed complaint (and an anonymous one
left idle) loses its complainant's number; the complaint stays for the audit and the
statistics. ``ksm-bot privacy purge --dry-run`` shows what would go; the sweep runs it
once a day."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from bot.models import Complaint, ComplaintEvent, Contact, Kelurahan, Message
from bot.models import complaint as c
from bot.privacy.retention import months_before
from tests.transcript import Phone

NOW = datetime.now(timezone.utc)
LONG_AGO = NOW - timedelta(days=26 * 31)
RECENTLY = NOW - timedelta(days=40)


def _file(client, number: str, text: str, anonymous: bool) -> str:  # type: ignore[no-untyped-def]
    phone = Phone(client, number=number)
    phone.send(f"ADUAN {text}")
    code = phone.complaint_code()
    phone.send("Sukamaju RW 02").send("3").send("Pak Budi").send("5jt")
    phone.send("1" if anonymous else "2").expect("Terima kasih")
    return code


def _age(rt, code: str, status: str, when: datetime) -> None:  # type: ignore[no-untyped-def]
    """The complaint as if it was filed (and closed) at ``when``."""
    with rt.db.session() as s:
        x = s.scalar(select(Complaint).where(Complaint.code == code))
        x.status = status
        x.created_at = x.updated_at = when
        x.closed_at = when if status in c.CLOSED else None
        x.due_at = None


@pytest.fixture
def complaints(rt, client):  # type: ignore[no-untyped-def]
    with rt.db.session() as s:
        s.add(Kelurahan(name="Sukamaju", kota="Kota Bandung", provinsi="Jawa Barat",
                        time_zone="Asia/Jakarta"))
    codes = {
        "old resolved": _file(client, "+6281200000001", "jalan rusak, hubungi 0812-1111-2222",
                              anonymous=False),
        "old anonymous open": _file(client, "+6281200000002", "dana dipotong NIK 3273010101010001",
                                    anonymous=True),
        "new resolved": _file(client, "+6281200000003", "lampu mati", anonymous=False),
        "old open known": _file(client, "+6281200000004", "saluran mampet", anonymous=False),
    }
    _age(rt, codes["old resolved"], c.RESOLVED, LONG_AGO)
    _age(rt, codes["old anonymous open"], c.IN_FOLLOW_UP, LONG_AGO)
    _age(rt, codes["new resolved"], c.RESOLVED, RECENTLY)
    _age(rt, codes["old open known"], c.VERIFIED, LONG_AGO)
    return codes


def _complaint(rt, code: str) -> Complaint:  # type: ignore[no-untyped-def]
    with rt.db.session() as s:
        x = s.scalar(select(Complaint).where(Complaint.code == code))
        s.expunge(x)
        return x


def test_months_before_counts_calendar_months() -> None:
    assert months_before(datetime(2026, 12, 2, tzinfo=timezone.utc), 24) == datetime(
        2024, 12, 2, tzinfo=timezone.utc)
    assert months_before(datetime(2026, 3, 31, tzinfo=timezone.utc), 1) == datetime(
        2026, 2, 28, tzinfo=timezone.utc)


def test_dry_run_shows_codes_and_counts_and_changes_nothing(rt, runner, complaints) -> None:
    result = runner.invoke(args=["privacy", "purge", "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "retention 24 months" in result.output
    assert "2 complaints would be cut" in result.output
    assert "(1 closed, 1 anonymous still open)" in result.output
    assert complaints["old resolved"] in result.output
    assert complaints["old anonymous open"] in result.output
    assert complaints["new resolved"] not in result.output
    assert complaints["old open known"] not in result.output
    assert not re.search(r"\+?62\d{8,}|08\d{8,}", result.output)  # no number at all
    for code in complaints.values():
        x = _complaint(rt, code)
        assert x.contact_id is not None and x.purged_at is None


def test_purge_cuts_the_number_and_keeps_the_complaint(rt, runner, complaints,
                                                       officer_login, client) -> None:
    old = _complaint(rt, complaints["old resolved"])
    with rt.db.session() as s:
        old_messages = s.scalars(select(Message.id).where(Message.contact_id == old.contact_id)
                                 ).all()
    result = runner.invoke(args=["privacy", "purge"])
    assert result.exit_code == 0, result.output
    assert "2 complaints cut" in result.output

    for name in ("old resolved", "old anonymous open"):
        x = _complaint(rt, complaints[name])
        assert x.contact_id is None and x.inbound_message_id is None and x.purged_at
        # What the program needs stays: code, kind, area, dates, status, amount.
        assert x.kind == c.MISUSE_OF_FUNDS and x.kelurahan_id and x.created_at and x.amount
        with rt.db.session() as s:
            events = s.scalars(select(ComplaintEvent).where(
                ComplaintEvent.complaint_id == x.id)).all()
            assert events[-1].action == "purged" and events[-1].after == {"months": 24}
            assert all(e.message_id is None for e in events)
    assert _complaint(rt, complaints["old resolved"]).status == c.RESOLVED
    anonymous = _complaint(rt, complaints["old anonymous open"])
    assert "3273********0001" in anonymous.text and "3273010101010001" not in anonymous.text
    assert "0812****2222" in _complaint(rt, complaints["old resolved"]).text
    # The thread's messages keep their rows (sending statistics) without their text.
    with rt.db.session() as s:
        bodies = s.scalars(select(Message.body).where(Message.id.in_(old_messages))).all()
        assert bodies and all(b == "" for b in bodies)
        # The number itself stays a contact (it may use other services).
        assert s.scalar(select(Contact.id).where(Contact.phone == "+6281200000001"))
    for name in ("new resolved", "old open known"):
        x = _complaint(rt, complaints[name])
        assert x.contact_id is not None and x.purged_at is None

    # Officers still see the complaint, with its audit sentence and no complainant.
    officer_login("admin", "admin")
    x = _complaint(rt, complaints["old resolved"])
    page = client.get(f"/complaints/{x.id}").get_data(as_text=True)
    assert "masa simpan data 24 bulan habis" in page
    assert "0812-0000-0001" not in page
    assert complaints["old resolved"] in client.get("/complaints/?status=all").get_data(as_text=True)
    # A reply to it has nobody to go to: recorded, no message, no error.
    token = re.search(r'name="csrf-token" content="([^"]+)"', page).group(1)
    reply = client.post(f"/complaints/{x.id}/reply", data={"csrf_token": token, "text": "ok"})
    assert reply.status_code == 302

    again = runner.invoke(args=["privacy", "purge"])
    assert "0 complaints cut" in again.output


def test_the_sweep_purges_once_a_day(rt, complaints) -> None:
    from workers.sweep import TASKS, purge_expired_personal_data

    assert purge_expired_personal_data in TASKS
    day = datetime(2031, 5, 4, 1, 0, tzinfo=timezone.utc)  # a day no other test sweeps
    # RETENTION_MONTHS is measured from the sweep's clock: in 2031 all four are due,
    # except the open one whose complainant may be known.
    assert purge_expired_personal_data(rt, day) == 3
    assert purge_expired_personal_data(rt, day + timedelta(hours=5)) == 0
    assert _complaint(rt, complaints["new resolved"]).purged_at is not None
    assert _complaint(rt, complaints["old open known"]).purged_at is None


def test_retention_months_is_a_setting() -> None:
    from bot.settings import SettingsError, from_env

    assert from_env({}, testing=True).retention_months == 24
    assert from_env({"RETENTION_MONTHS": "36"}, testing=True).retention_months == 36
    with pytest.raises(SettingsError):
        from_env({"RETENTION_MONTHS": "0"}, testing=True)
