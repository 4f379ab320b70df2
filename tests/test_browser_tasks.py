"""An officer's tasks done in a real browser, each at phone (390 px) and laptop
(1366 px) width: every page on the way fits the screen, logs no JS error and loads
without a 4xx/5xx (see tests/browser_harness.py)."""
from __future__ import annotations

import re
from datetime import datetime, timezone
from typing import Any

from selenium.webdriver.support.ui import Select
from sqlalchemy import select

from bot.models import Complaint, GatewayDevice, Kelurahan, Ksm, Proposal
from bot.models import ksm as k
from tests.browser_harness import browser, chrome, make_officer, served  # noqa: F401
from tests.meeting_helpers import WIB, fast, make_ksm
from tests.transcript import Phone


def _kelurahan(rt: Any, name: str) -> Kelurahan:
    with rt.db.session() as session:
        kelurahan = session.scalar(select(Kelurahan).where(Kelurahan.name == name))
        session.expunge(kelurahan)
        return kelurahan


def test_a_bkm_officer_verifies_a_ksm(browser, rt) -> None:  # type: ignore[no-untyped-def]
    waiting = make_ksm(rt, WIB, members=3, status=k.WAITING, kelurahan="Sukamaju")
    verified = make_ksm(rt, WIB, members=4, kelurahan="Sukamaju")
    with rt.db.session() as session:
        session.add(Proposal(ksm_id=verified["id"], title="Pelatihan menjahit untuk ibu-ibu RW 05",
                             field="ekonomi", unit="UPK", amount=7_500_000, beneficiaries=12,
                             poor_beneficiaries=9, status=k.SUBMITTED))
    make_officer(rt, "bkm1", "bkm", _kelurahan(rt, "Sukamaju"))
    browser.login("bkm1").get("/ksm/?status=waiting_verification")
    assert waiting["code"] in browser.text()
    browser.click(f"form[action$='/ksm/{waiting['id']}/verify'] button")
    with rt.db.session() as session:
        assert session.get(Ksm, waiting["id"]).status == k.VERIFIED
    browser.get(f"/ksm/{waiting['id']}").get("/ksm/?status=verified").get("/ksm/stats")
    browser.get("/ksm/proposals/")
    browser.fill("form.review input[name=notes]", "Sesuai PJM, penerima jelas")
    browser.click("form.review input[name=interview_done]", navigates=False)
    browser.click("form.review input[name=field_visit_done]", navigates=False)
    browser.click("form.review button")
    with rt.db.session() as session:
        assert session.scalar(select(Proposal.status)) == k.ELIGIBLE
    browser.get("/ksm/proposals/programs").get("/ksm/poor-list").get("/monev/")


def test_a_ppm_officer_works_a_complaint_to_resolved(browser, rt, client) -> None:  # type: ignore[no-untyped-def]
    with rt.db.session() as session:
        session.add(Kelurahan(name="Sukamaju", kota="Kota Bandung", provinsi="Jawa Barat",
                              time_zone="Asia/Jakarta"))
    resident = Phone(client, number="+6281211110001")
    resident.send("ADUAN dana BLM dipotong ketua KSM sebesar lima ratus ribu rupiah tanpa alasan")
    resident.send("Sukamaju RW 02").send("3").send("Pak Budi").send("5jt").send("2")
    resident.expect("Terima kasih")
    with rt.db.session() as session:
        complaint_id = session.scalar(select(Complaint.id))
    make_officer(rt, "ppm1", "ppm", _kelurahan(rt, "Sukamaju"))
    browser.login("ppm1").get("/complaints/")
    browser.click(f"a[href$='/complaints/{complaint_id}']")
    browser.fill("form[action$='/reply'] textarea", "Aduan diterima, kami periksa minggu ini.")
    browser.click("form[action$='/reply'] button")
    for status in ("verified", "in_follow_up", "resolved"):
        browser.fill("form[action$='/status'] select", status)
        if status == "resolved":
            browser.fill("form[action$='/status'] input[name=response]", "Dana sudah dikembalikan.")
        browser.click("form[action$='/status'] button")
    with rt.db.session() as session:
        assert session.get(Complaint, complaint_id).status == "resolved"
    assert "Aduan diterima, kami periksa" in browser.text()
    browser.get("/complaints/recap").get("/complaints/?status=resolved")


def test_a_bkm_officer_publishes_an_announcement(browser, rt, run_jobs) -> None:  # type: ignore[no-untyped-def]
    fast(rt)
    ksms = [make_ksm(rt, WIB, members=3, kelurahan="Sukamaju") for _ in range(2)]
    with rt.db.session() as session:
        for n, ksm in enumerate(ksms):
            # A long title with a long "word": the preview must still fit a phone.
            title = ("Pembangunan/rehabilitasi/perbaikan-saluran-drainase-lingkungan "
                     f"dan jalan setapak RT 0{n + 1} RW 05 Kelurahan Sukamaju")
            session.add(Proposal(ksm_id=ksm["id"], title=title,
                                 field="ekonomi", unit="UPK", amount=5_000_000, beneficiaries=10,
                                 poor_beneficiaries=10, status=k.ELIGIBLE))
        first = session.scalar(select(Proposal.id).order_by(Proposal.id))
    make_officer(rt, "bkm1", "bkm", _kelurahan(rt, "Sukamaju"))
    browser.login("bkm1").get("/announcements/")
    browser.click("form[action$='/announcements/new'] button")
    browser.fill("input[name=title]", "Prioritas BLM 2026")
    browser.find(f"input[name=chosen_{first}]").click()
    browser.fill(f"input[name=rank_{first}]", "1")
    browser.fill(f"input[name=reason_{first}]", "Paling banyak warga miskin yang terbantu")
    browser.click("main form button[type=submit]")
    assert "Pratinjau" in browser.text()
    browser.click("form[action$='/confirm'] button")
    # 6 members x 1 segment and the leader not chosen, whose notice with that long
    # title takes 2 segments: 8 x Rp 350.
    assert ("Kirim 7 pesan (6 anggota KSM, 1 ketua KSM yang belum terpilih), perkiraan biaya "
            "Rp 2.800 (8 SMS)") in browser.text()
    browser.click("form[action$='/publish'] button")
    summary = browser.find("[data-progress=summary]")
    assert summary.text == "Antre 6, Terkirim 0, Diterima 0, Gagal 0"
    # The jobs run while the officer watches: the numbers change without a reload.
    browser.driver.execute_script("window.ksmSamePage = true")
    run_jobs()
    browser.wait_for(lambda: summary.text == "Antre 0, Terkirim 6, Diterima 0, Gagal 0",
                     "the progress to reach Terkirim 6 by itself")
    assert browser.find("[data-progress=state]").text == "Selesai dikirim"
    assert browser.driver.execute_script("return window.ksmSamePage === true")
    browser.check("the progress after sending")
    browser.get("/announcements/")


def test_an_officer_chats_in_the_simulator(browser, rt) -> None:  # type: ignore[no-untyped-def]
    make_officer(rt, "admin", "admin")
    browser.login("admin").get("/simulator/")
    browser.fill("#text", "BAHASA EN")
    browser.click("#composer button", navigates=False)
    browser.wait_for(lambda: "Language: English" in browser.find("#thread").text, "the bot's reply")
    browser.check("the simulator after a reply")
    # By WhatsApp: the reply is labelled so, SMS ones with their segments.
    Select(browser.find("#channel")).select_by_value("whatsapp")
    browser.fill("#text", "BAHASA ID")
    browser.click("#composer button", navigates=False)
    browser.wait_for(lambda: "WhatsApp - balasan bot" in browser.find("#thread").text,
                     "the WhatsApp reply")
    assert "SMS - balasan bot - 1 SMS" in browser.find("#thread").text
    browser.check("the simulator by WhatsApp")
    # An admin ties the gateway phone to a kelurahan on the jobs page.
    with rt.db.session() as session:
        session.add(Kelurahan(code="32.73.14.1004", name="Cigadung", kota="Kota Bandung",
                              provinsi="Jawa Barat"))
        session.add(GatewayDevice(device_id="dev-a", last_ping_at=datetime.now(timezone.utc)))
    browser.get("/admin/jobs/")
    browser.fill("input[name=kelurahan_code]", "32.73.14.1004")
    browser.click("form[action$='/phones/kelurahan'] button")
    assert "Ponsel dev-a sekarang melayani kelurahan Cigadung (32.73.14.1004)" in browser.text()


def test_an_officer_answers_a_residents_message_from_the_inbox(browser, rt, client) -> None:  # type: ignore[no-untyped-def]
    from sqlalchemy import update

    from bot.models import Contact, InboxItem
    from bot.models import inbox as states

    make_ksm(rt, WIB, members=3, kelurahan="Sukamaju")
    suka = _kelurahan(rt, "Sukamaju")
    resident = Phone(client, number="+6281233338888")
    resident.send("halo")
    with rt.db.session() as session:
        session.execute(update(Contact).where(Contact.phone == "+6281233338888")
                        .values(kelurahan_id=suka.id))
    resident.send("bu apakah ibu hamil boleh ikut kegiatan posyandu di balai warga")
    make_officer(rt, "ppm1", "ppm", suka)
    browser.login("ppm1").get("/inbox/")
    assert "posyandu" in browser.text()
    browser.fill("textarea[name=text]", "Boleh bu, datang saja Kamis jam 9.")
    browser.click("main form button[type=submit]")
    assert "Balasan dikirim" in browser.text()
    with rt.db.session() as session:
        assert session.scalar(select(InboxItem.status)) == states.ANSWERED


def test_new_to_resolved_with_a_reply_takes_five_taps_each_in_the_first_screen(
        browser, rt, client) -> None:  # type: ignore[no-untyped-def]
    """The work first: the complaint page opens on its status, deadline and actions, and
    every action comes back to them. Taps are counted; typing is not a tap, the tap that
    puts the cursor in the field is."""
    with rt.db.session() as session:
        session.add(Kelurahan(name="Sukamaju", kota="Kota Bandung", provinsi="Jawa Barat",
                              time_zone="Asia/Jakarta"))
    resident = Phone(client, number="+6281211110009")
    resident.send("ADUAN dana BLM dipotong ketua KSM tanpa alasan")
    resident.send("Sukamaju RW 02").send("3").send("Pak Budi").send("5jt").send("2")
    with rt.db.session() as session:
        complaint_id = session.scalar(select(Complaint.id))
    make_officer(rt, "ppm1", "ppm", _kelurahan(rt, "Sukamaju"))
    browser.login("ppm1").get("/complaints/")
    taps = 0

    def tap(css: str, navigates: bool = True) -> None:
        nonlocal taps
        if taps:  # on the complaint page: no scrolling to reach it
            top, height = browser.driver.execute_script(
                "const r = document.querySelector(arguments[0]).getBoundingClientRect();"
                "return [r.top, window.innerHeight];", css)
            assert 0 <= top < height, f"{css} is {top:.0f} px down a {height} px screen"
        taps += 1
        browser.click(css, navigates=navigates)

    status_button = "form[action$='/status'] button"
    tap(f"a[href$='/complaints/{complaint_id}']")
    tap(status_button)  # Diverifikasi (the first next status)
    tap(status_button)  # Ditindaklanjuti
    tap("form[action$='/status'] input[name=response]", navigates=False)
    browser.find("form[action$='/status'] input[name=response]").send_keys(
        "Dana sudah dikembalikan ke KSM.")
    tap(status_button)  # Selesai, with the answer to the complainant
    assert taps <= 5
    with rt.db.session() as session:
        done = session.get(Complaint, complaint_id)
        assert (done.status, done.public_response) == ("resolved", "Dana sudah dikembalikan ke KSM.")


def test_the_admin_pages_hold_at_phone_width(browser, rt) -> None:  # type: ignore[no-untyped-def]
    """Every page an admin opens (not covered by a task above) passes the harness's
    checks: no sideways scroll, tap targets of 44 px, no serious accessibility problem."""
    with rt.db.session() as session:
        session.add(Kelurahan(code="32.73.14.1004", name="Sukamaju", kota="Kota Bandung",
                              provinsi="Jawa Barat", time_zone="Asia/Jakarta"))
    make_officer(rt, "admin1", "admin")
    browser.login("admin1")
    for path in ("/admin/areas/", "/admin/bkm-roster/", "/tokens/", "/2fa/",
                 "/complaints/?status=all", "/admin/jobs/", "/admin/privacy/"):
        browser.get(path)


def test_the_complaint_actions_stay_in_reach_while_the_officer_reads(
        browser, rt, client) -> None:  # type: ignore[no-untyped-def]
    """A bar of the actions stays at the foot of the screen while the officer reads the
    complaint and its whole thread; its "Balas" brings the reply box into view."""
    with rt.db.session() as session:
        session.add(Kelurahan(name="Sukamaju", kota="Kota Bandung", provinsi="Jawa Barat",
                              time_zone="Asia/Jakarta"))
    resident = Phone(client, number="+6281211110011")
    resident.send("ADUAN dana BLM dipotong ketua KSM tanpa alasan yang jelas kepada warga")
    resident.send("Sukamaju RW 02").send("3").send("Pak Budi").send("5jt").send("2")
    for _ in range(4):  # a long thread below the details
        resident.send("CEK")
    with rt.db.session() as session:
        complaint_id = session.scalar(select(Complaint.id))
    make_officer(rt, "ppm1", "ppm", _kelurahan(rt, "Sukamaju"))
    browser.login("ppm1").get(f"/complaints/{complaint_id}")

    def in_view(css: str) -> bool:
        return browser.driver.execute_script(
            "const r = document.querySelector(arguments[0]).getBoundingClientRect();"
            "return r.top >= 0 && r.bottom <= window.innerHeight;", css)

    browser.driver.execute_script("window.scrollTo(0, document.body.scrollHeight)")
    assert browser.driver.execute_script("return window.scrollY") > 0, "the page fits one screen"
    assert in_view("nav.action-bar")
    browser.driver.execute_script("window.scrollTo(0, document.body.scrollHeight / 2)")
    assert in_view("nav.action-bar")
    assert [a.text for a in browser.find_all("nav.action-bar a")] == [
        "Ubah status", "Balas", "Eskalasi", "Tugaskan"]
    browser.click("nav.action-bar a[href='#balas']", navigates=False)
    assert in_view("#balas textarea")


# Pages without an id in their address that are not HTML pages for a person, or that a
# logged-in officer cannot open (each with why); every other one is opened below.
NOT_PAGES = {
    "/api/complaints": "JSON for API clients", "/api/complaints/": "JSON for API clients",
    "/complaints/export.csv": "a CSV download", "/complaints/recap/csv": "a CSV download",
    "/ksm/export/ksm.csv": "a CSV download", "/ksm/export/members.csv": "a CSV download",
    "/healthz": "JSON for the load balancer", "/simulator/thread": "a fragment the simulator polls",
    "/login": "before login (tests/test_browser_login.py)",
    "/login/code": "before login (tests/test_browser_login.py)",
    "/publik/": "public pages (tests/test_browser_public.py)",
}

FOR_A_KELURAHAN = {"/announcements/new"}


def test_every_page_without_an_id_holds_for_an_admin(browser, rt, app) -> None:  # type: ignore[no-untyped-def]
    """Every HTML page of the app whose address has no id, as an admin at both widths:
    no sideways scroll, no JS error, 44 px tap targets and no serious or critical axe
    violation at 390 px (the harness's checks). A new page is checked without a test
    naming it; pages with an id are opened by the tasks above."""
    with rt.db.session() as session:
        kelurahan = Kelurahan(code="32.73.14.1004", name="Sukamaju", kota="Kota Bandung",
                              provinsi="Jawa Barat", time_zone="Asia/Jakarta")
        session.add(kelurahan)
        session.flush()
        for_kelurahan = f"?kelurahan_id={kelurahan.id}"
    make_officer(rt, "admin1", "admin")
    browser.login("admin1")
    pages = sorted({rule.rule for rule in app.url_map.iter_rules()
                    if "GET" in rule.methods and not rule.arguments
                    and not rule.rule.startswith(("/static", "/webhooks"))})
    assert set(NOT_PAGES) <= set(pages), "a page left out here no longer exists"
    opened = [path for path in pages if path not in NOT_PAGES]
    assert len(opened) >= 20
    for path in opened:
        # A form that starts from a kelurahan is opened from that kelurahan's page.
        browser.get(path + (for_kelurahan if path in FOR_A_KELURAHAN else ""))
