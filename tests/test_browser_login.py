"""In a real browser at phone and laptop width: logging in and out."""
from __future__ import annotations

from tests.browser_harness import browser, chrome, make_officer, served  # noqa: F401


def test_an_officer_logs_in_and_out(browser, rt) -> None:  # type: ignore[no-untyped-def]
    make_officer(rt, "yuli", "fasilitator")
    browser.login("yuli")
    assert "Beranda" in browser.text()
    browser.click("header form button[type=submit]")
    assert "Masuk petugas" in browser.text()
