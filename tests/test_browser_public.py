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


def test_the_kota_page_breaks_figures_down_per_kelurahan_on_a_phone_and_a_laptop(browser, rt: Any) -> None:  # type: ignore[no-untyped-def]
    kota = "Kota Bandung Raya Jaya"
    long = _area(rt, "32.73.14.1004", "Sukamaju Kidul Tengah Wetan Lor", kota=kota)
    for i, name in enumerate(("Cihapit", "Tamansari", "Babakan Ciamis")):
        _area(rt, f"32.73.02.100{i + 1}", name, kota=kota)
    _complaints(rt, long, c.MISUSE_OF_FUNDS, 14)
    _complaints(rt, long, c.QUESTION, 1)
    _ksms(rt, long, k.VERIFIED, 12)
    _funded(rt, long, "Perbaikan saluran drainase lingkungan RW 03", 145_000_000, "KSM Maju")
    browser.get("/publik/kota/32.73")
    rows = browser.find_all("table.breakdown tbody tr")
    assert len(rows) == 4
    first = rows[0].text  # ordered by name: Babakan Ciamis
    assert "Babakan Ciamis" in first
    card = next(r for r in rows if "Sukamaju" in r.text)
    shown = browser.driver.execute_script(
        "return getComputedStyle(arguments[0]).display", card)
    if browser.phone:  # one card per kelurahan, each value beside its column's name
        assert shown == "block"
        labels = browser.driver.execute_script(
            "return [...arguments[0].querySelectorAll('td')].map("
            "td => getComputedStyle(td, '::before').content)", card)
        assert labels == ['"Aduan masuk"', '"Selesai"', '"Tepat waktu"', '"KSM terverifikasi"',
                          '"Usulan didanai"']
        assert "15-16" in card.text
    else:
        assert shown == "table-row" and "15-16" in card.text
    assert "Jumlah" in browser.find("table.breakdown tfoot").text
    browser.click("table.breakdown a[href=\"/publik/32.73.14.1004\"]")  # to its own page
    assert "Kelurahan Sukamaju Kidul Tengah Wetan Lor" in browser.text()
