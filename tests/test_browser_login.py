"""In a real browser at phone and laptop width: logging in and out."""
from __future__ import annotations

from tests.browser_harness import browser, chrome, make_officer, served  # noqa: F401


def test_an_officer_logs_in_and_out(browser, rt) -> None:  # type: ignore[no-untyped-def]
    make_officer(rt, "yuli", "fasilitator")
    browser.login("yuli")
    if browser.phone:  # a compact menu: one row until asked for
        header = browser.find("header").size["height"]
        assert header <= 64, header
        assert "Beranda" not in browser.text()
    browser.open_menu()
    assert "Beranda" in browser.text()
    browser.click("header form button[type=submit]")
    assert "Masuk petugas" in browser.text()


def test_a_bkm_officer_sees_the_second_factor_qr_code(browser, rt) -> None:  # type: ignore[no-untyped-def]
    make_officer(rt, "sari", "bkm")
    browser.login("sari").get("/2fa/")
    qr = browser.find("img.qr")
    # Drawn (the CSP let the data: image load), square, and within the screen.
    width, height, shown = browser.driver.execute_script(
        "const i = arguments[0]; return [i.naturalWidth, i.naturalHeight, i.getBoundingClientRect().right];",
        qr)
    assert width > 100 and width == height
    assert shown <= browser.width
    assert "Kunci:" in browser.text()
