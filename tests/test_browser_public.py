"""The public figures pages in a real browser at phone (390 px) and laptop width: they
fit the screen, break no CSP rule (console errors) and need no login."""
from __future__ import annotations

from typing import Any

from bot.models import complaint as c
from bot.models import ksm as k
from tests.browser_harness import browser, chrome, served  # noqa: F401
from tests.test_public_figures import _area, _complaints, _funded, _ksms


def test_a_resident_finds_a_kelurahans_figures_without_login(browser, rt: Any) -> None:  # type: ignore[no-untyped-def]
    kel = _area(rt, "32.73.14.1004", "Sukamaju Kidul Tengah Wetan", kota="Kota Bandung Raya Jaya")
    _area(rt, "32.73.02.1001", "Cihapit")
    _complaints(rt, kel, c.MISUSE_OF_FUNDS, 14)
    _complaints(rt, kel, c.QUESTION, 1)
    _ksms(rt, kel, k.VERIFIED, 12)
    _funded(rt, kel, "Perbaikan saluran drainase lingkungan RW 03 sampai RW 07 Kelurahan",
            145_000_000, "KSM Maju Bersama Sejahtera Selamanya")
    browser.get("/publik/")
    browser.fill("input[name=q]", "suka")
    browser.click("form.filters button")
    assert "Sukamaju Kidul Tengah Wetan" in browser.text()
    browser.click("ul.links a")
    assert "15-16" in browser.text() and "KSM Maju Bersama" in browser.text()
    browser.click("form.filters button")  # the month picker
    browser.get("/publik/kota/32.73")
    assert "Cihapit" in browser.text()
