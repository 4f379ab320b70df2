"""An officer sets up how they hear of their work in a real browser, at phone (390 px)
and laptop width (tests/browser_harness.py: no sideways scrolling, no JS error, tap
targets of 44 px and no serious axe violation at 390 px): from the menu to the page,
their number, the code the fake provider got, the mode."""
from __future__ import annotations

import re

from sqlalchemy import select

from bot.models import Contact, Kelurahan, Officer
from tests.browser_harness import browser, chrome, make_officer, served  # noqa: F401


def test_an_officer_registers_a_phone_and_chooses_immediate_messages(
        browser, rt, run_jobs, twilio) -> None:  # type: ignore[no-untyped-def]
    with rt.db.session() as session:
        kelurahan = Kelurahan(name="Sukamaju", kota="Kota Bandung", provinsi="Jawa Barat",
                              time_zone="Asia/Jakarta")
        session.add(kelurahan)
        session.flush()
        session.expunge(kelurahan)
    make_officer(rt, "ppm1", "ppm", kelurahan)
    browser.login("ppm1").open_menu()
    browser.click("nav a[href$='/notifikasi/']")
    assert "Belum ada nomor" in browser.text()
    browser.fill("form[action$='/nomor'] input[name=phone]", "0812-3456-7001")
    browser.click("form[action$='/nomor'] label:has(input[value=whatsapp])", navigates=False)
    browser.click("form[action$='/nomor'] button")
    assert "Kode dikirim" in browser.text()
    run_jobs()
    sent = [r for r in twilio.messages if str(r["To"]).endswith("+6281234567001")]
    code = re.search(r"\b(\d{6})\b", str(sent[-1]["Body"])).group(1)
    browser.fill("form[action$='/kode'] input[name=code]", code)
    browser.click("form[action$='/kode'] button")
    assert "terverifikasi" in browser.text()
    browser.click("form[action$='/pilihan'] label:has(input[value=segera])", navigates=False)
    browser.click("form[action$='/pilihan'] button")
    assert "Tersimpan" in browser.text() and "0812-3456-7001" in browser.text()
    with rt.db.session() as session:
        officer = session.scalar(select(Officer).where(Officer.username == "ppm1"))
        assert (officer.notify_mode, officer.notify_channel) == ("segera", "whatsapp")
        assert session.get(Contact, officer.notify_contact_id).phone == "+6281234567001"
