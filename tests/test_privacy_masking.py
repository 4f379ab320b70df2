"""NIK and phone numbers a resident writes inside a complaint: masked for every officer
who may not see the complainant (HTML list and detail, JSON API, CSV export), shown to
those who may; never written to the logs in clear."""

from __future__ import annotations

import logging

import pytest
from sqlalchemy import select

from bot.models import Complaint, Kelurahan
from bot.officers.api_tokens import issue as new_api_token
from bot.privacy.pii_mask import mask
from tests.transcript import Phone

TEXT = ("Dana BLM dipotong ketua. NIK saya 3273 0101 0101 0001, hubungi 0812-3456-7890 "
        "atau +62 813 1111 2222")
CLEAR = ("3273 0101 0101 0001", "0812-3456-7890", "+62 813 1111 2222")
MASKED = ("3273********0001", "0812****7890", "+62813****2222")


@pytest.mark.parametrize(("written", "shown"), [
    ("0812-3456-7890", "0812****7890"),
    ("0812 3456 7890", "0812****7890"),
    ("081234567890", "0812****7890"),
    ("+62 812 3456 7890", "+62812****7890"),
    ("6281234567890", "62812****7890"),
    ("62.812.3456.789", "62812***6789"),
    ("3273010101010001", "3273********0001"),
    ("3273.0101.0101.0001", "3273********0001"),
    ("3273-0101-0101-0001", "3273********0001"),
])
def test_mask_keeps_the_ends_of_each_number(written: str, shown: str) -> None:
    assert mask(f"no {written}, ok") == f"no {shown}, ok"


@pytest.mark.parametrize("text", [
    "Kode aduan 252782508",  # a complaint code is not personal
    "dana Rp 5.000.000 dipotong",
    "RT 03 RW 05 tahun 2026",
    "KSM 49341",
    "telepon kantor (022) 1234567",
])
def test_mask_leaves_other_numbers(text: str) -> None:
    assert mask(text) == text


def _kelurahan(rt) -> Kelurahan:  # type: ignore[no-untyped-def]
    with rt.db.session() as s:
        k = Kelurahan(name="Sukamaju", kota="Kota Bandung", provinsi="Jawa Barat",
                      time_zone="Asia/Jakarta")
        s.add(k)
        s.flush()
        s.expunge(k)
        return k


def _file(client, number: str, anonymous: bool) -> str:  # type: ignore[no-untyped-def]
    phone = Phone(client, number=number)
    phone.send(f"ADUAN {TEXT}")
    code = phone.complaint_code()
    phone.send("Sukamaju RW 02").send("3").send("Pak Budi 0857-1111-3333").send("5jt")
    phone.send("1" if anonymous else "2").expect("Terima kasih")
    return code


def _api_token(rt, username: str, role: str, kelurahan=None) -> str:  # type: ignore[no-untyped-def]
    from bot.officers.accounts import create_or_update

    with rt.db.session() as s:
        officer = create_or_update(
            s, username, "password-123", role, s.merge(kelurahan) if kelurahan else None, None
        )
        return new_api_token(s, officer)


def _outputs(rt, client, complaint_id: int, token: str) -> dict[str, str]:  # type: ignore[no-untyped-def]
    auth = {"Authorization": f"Bearer {token}"}
    return {
        "list": client.get("/complaints/").get_data(as_text=True),
        "detail": client.get(f"/complaints/{complaint_id}").get_data(as_text=True),
        "csv": client.get("/complaints/export.csv").get_data(as_text=True),
        "api list": client.get("/api/complaints", headers=auth).get_data(as_text=True),
        "api detail": client.get(f"/api/complaints/{complaint_id}", headers=auth).get_data(
            as_text=True),
    }


@pytest.fixture
def anonymous_complaint(rt, client):  # type: ignore[no-untyped-def]
    kel = _kelurahan(rt)
    code = _file(client, "+6281299990001", anonymous=True)
    with rt.db.session() as s:
        complaint_id = s.scalar(select(Complaint.id).where(Complaint.code == code))
    return kel, code, complaint_id


def test_numbers_in_an_anonymous_complaint_are_masked_for_ppm(
    rt, client, officer_login, anonymous_complaint
) -> None:
    kel, code, complaint_id = anonymous_complaint
    officer_login("ppm_a", "ppm", kelurahan=kel)
    outputs = _outputs(rt, client, complaint_id, _api_token(rt, "ppm_api", "ppm", kel))
    for name, page in outputs.items():
        assert code in page, name
        for clear in CLEAR:
            assert clear not in page, (name, clear)
    # The list shows the first 80 characters: the NIK, masked.
    assert "3273********0001" in outputs["list"]
    for name in ("detail", "csv", "api list", "api detail"):
        for masked in MASKED:
            assert masked in outputs[name], (name, masked)
    # Who is complained about, and the resident's own message in the thread, too.
    assert "0857-1111-3333" not in outputs["detail"] and "0857****3333" in outputs["detail"]
    assert "Pak Budi 0857****3333" in outputs["api detail"]


def test_admin_sees_the_numbers_of_an_anonymous_complaint(
    rt, client, officer_login, anonymous_complaint
) -> None:
    _kel, code, complaint_id = anonymous_complaint
    officer_login("admin", "admin")
    outputs = _outputs(rt, client, complaint_id, _api_token(rt, "admin_api", "admin"))
    for name in ("detail", "csv", "api list", "api detail"):
        for clear in CLEAR:
            assert clear in outputs[name], (name, clear)
        for masked in MASKED:
            assert masked not in outputs[name], (name, masked)


def test_a_complainant_who_may_be_known_is_read_in_full(rt, client, officer_login) -> None:
    kel = _kelurahan(rt)
    code = _file(client, "+6281299990002", anonymous=False)
    with rt.db.session() as s:
        complaint_id = s.scalar(select(Complaint.id).where(Complaint.code == code))
    officer_login("fasil_a", "fasilitator", kelurahan=kel)
    outputs = _outputs(rt, client, complaint_id, _api_token(rt, "fasil_api", "fasilitator", kel))
    for name in ("detail", "csv", "api detail"):
        for clear in CLEAR:
            assert clear in outputs[name], (name, clear)


def test_complaint_numbers_never_reach_the_logs_in_clear(
    rt, client, officer_login, caplog
) -> None:
    caplog.set_level(logging.DEBUG)
    kel = _kelurahan(rt)
    code = _file(client, "+6281299990003", anonymous=True)
    officer_login("ppm_a", "ppm", kelurahan=kel)
    with rt.db.session() as s:
        complaint_id = s.scalar(select(Complaint.id).where(Complaint.code == code))
    client.get(f"/complaints/{complaint_id}")
    client.get("/complaints/export.csv")
    for clear in (*CLEAR, "3273010101010001", "081234567890"):
        assert clear not in caplog.text


def test_the_log_filter_masks_a_number_that_reaches_a_log_line() -> None:
    from bot.privacy.pii_mask import MaskingFilter

    record = logging.LogRecord("x", logging.WARNING, __file__, 1,
                               "could not file %r", (TEXT,), None)
    MaskingFilter().filter(record)
    line = record.getMessage()
    for clear in CLEAR:
        assert clear not in line
    assert "3273********0001" in line and "0812****7890" in line


def test_a_worker_logger_with_its_own_handler_writes_numbers_masked_tracebacks_too() -> None:
    """RQ gives ``rq.worker`` and ``rq.job`` handlers of their own that do not pass lines
    to the root logger; the one install every entry point calls (web, CLI, worker) puts
    the filter on those too, and a failed job's traceback is masked like its message."""
    import io

    from bot.privacy import pii_mask

    written = io.StringIO()
    own = logging.getLogger("rq.job.test-masking")
    handler = logging.StreamHandler(written)
    own.addHandler(handler)
    own.propagate = False
    try:
        pii_mask.install()
        try:
            raise ValueError(f"The 'To' number +6281234567890 is not valid: {TEXT}")
        except ValueError:
            own.error("job ADU-7QK2 for %s failed", "081234567890", exc_info=True)
    finally:
        own.removeHandler(handler)
    line = written.getvalue()
    assert "ValueError" in line and "ADU-7QK2" in line  # the line and its traceback ...
    for clear in (*CLEAR, "081234567890", "+6281234567890"):
        assert clear not in line  # ... with every number masked
    assert "0812****7890" in line and "+62812****7890" in line and "3273********0001" in line


def test_the_duplicate_panel_masks_numbers_too(rt, client, officer_login) -> None:
    """The start of a similar complaint's text, shown on the other's page as a possible
    duplicate, is masked like the complaint itself for an officer who may not see the
    complainant."""
    kel = _kelurahan(rt)
    first = _file(client, "+6281299990004", anonymous=True)
    second = _file(client, "+6281299990005", anonymous=True)
    officer_login("ppm_a", "ppm", kelurahan=kel)
    with rt.db.session() as s:
        complaint_id = s.scalar(select(Complaint.id).where(Complaint.code == first))
    page = client.get(f"/complaints/{complaint_id}").get_data(as_text=True)
    assert second in page  # the other one is suggested
    for clear in CLEAR:
        assert clear not in page, clear
