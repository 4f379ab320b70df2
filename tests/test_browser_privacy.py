"""An admin decides residents' HAPUS DATA requests in a real browser, at phone (390 px)
and laptop width (see tests/browser_harness.py); an anonymous complaint with numbers in
its text reads masked for a PPM officer."""
from __future__ import annotations

from sqlalchemy import select

from bot.models import Complaint, ErasureRequest, Kelurahan
from bot.models import privacy as p
from tests.browser_harness import browser, chrome, make_officer, served  # noqa: F401
from tests.transcript import Phone


def test_an_admin_decides_erasure_requests(browser, rt, client) -> None:  # type: ignore[no-untyped-def]
    Phone(client, number="+6281277770001").send("HAPUS DATA")
    Phone(client, number="+6281277770002").send("HAPUS DATA")
    make_officer(rt, "admin1", "admin")
    browser.login("admin1").get("/admin/privacy/")
    assert "0812-7777-0001" in browser.text()
    browser.click("form[action$='/approve'] button")
    browser.fill("form[action$='/refuse'] input[name=reason]", "masih ada aduan yang diproses")
    browser.click("form[action$='/refuse'] button")
    with rt.db.session() as session:
        statuses = sorted(session.scalars(select(ErasureRequest.status)))
    assert statuses == sorted([p.APPROVED, p.REFUSED])


def test_a_ppm_officer_reads_an_anonymous_complaint_masked(browser, rt, client) -> None:  # type: ignore[no-untyped-def]
    with rt.db.session() as session:
        session.add(Kelurahan(name="Sukamaju", kota="Kota Bandung", provinsi="Jawa Barat",
                              time_zone="Asia/Jakarta"))
    resident = Phone(client, number="+6281211110001")
    resident.send("ADUAN dana dipotong, NIK saya 3273010101010001 hp 0812-3456-7890")
    resident.send("Sukamaju RW 02").send("3").send("Pak Budi").send("5jt").send("1")
    with rt.db.session() as session:
        complaint_id = session.scalar(select(Complaint.id))
        kelurahan = session.scalar(select(Kelurahan))
        session.expunge(kelurahan)
    make_officer(rt, "ppm1", "ppm", kelurahan)
    browser.login("ppm1").get("/complaints/").get(f"/complaints/{complaint_id}")
    assert "3273********0001" in browser.text() and "0812****7890" in browser.text()
    assert "3273010101010001" not in browser.text()
