"""An officer merges a duplicate complaint in a real browser, at phone (390 px) and
laptop (1366 px) width: the suggestions and merge buttons fit the screen, no JS error,
no 4xx/5xx (tests/browser_harness.py)."""
from __future__ import annotations

from typing import Any

from sqlalchemy import select

from bot.models import Complaint, Kelurahan
from tests.browser_harness import browser, chrome, make_officer, served  # noqa: F401
from tests.transcript import Phone

TEXTS = (
    "Dana BLM utk KSM Mawar dipotong 500rb oleh ketua BKM, katanya buat biaya administrasi",
    "ketua bkm motong dana blm ksm mawar lima ratus ribu alasan biaya adm, tdk ada kwitansi",
)


def test_a_ppm_officer_merges_a_suggested_duplicate(browser, rt, client) -> None:  # type: ignore[no-untyped-def]
    with rt.db.session() as session:
        kelurahan = Kelurahan(name="Sukamaju", kota="Kota Bandung", provinsi="Jawa Barat",
                              time_zone="Asia/Jakarta")
        session.add(kelurahan)
        session.flush()
        session.expunge(kelurahan)
    for number, text in zip(("+6281211110001", "+6281211110002"), TEXTS):
        resident = Phone(client, number=number)
        resident.send(f"ADUAN {text}")
        resident.send("Sukamaju RW 02").send("3").send("Pak Budi").send("5jt").send("1")
        resident.expect("Terima kasih")
    with rt.db.session() as session:
        first, second = session.execute(select(Complaint.id, Complaint.code)
                                        .order_by(Complaint.id)).all()
    make_officer(rt, "ppm1", "ppm", kelurahan)
    browser.login("ppm1").get(f"/complaints/{first.id}")
    assert "Mungkin aduan yang sama" in browser.text() and second.code in browser.text()
    browser.click(f"form[action$='/complaints/{second.id}/merge'] button")
    # One tap only asks: both codes named, nothing merged yet.
    assert f"Gabungkan aduan {second.code} ke aduan {first.code}?" in browser.text()
    browser.check("the merge asks first")
    with rt.db.session() as session:
        assert session.get(Complaint, second.id).status != "merged"
    browser.click("form input[name=confirm] ~ button")
    assert f"Aduan {second.code} digabung ke aduan {first.code}." in browser.text()
    assert "Aduan yang digabung ke sini" in browser.text()
    with rt.db.session() as session:
        assert session.get(Complaint, second.id).status == "merged"
    # A mistake: taken back from the same page, within the window.
    browser.click(f"form[action$='/complaints/{second.id}/unmerge'] button")
    assert f"Penggabungan dibatalkan: aduan {second.code} kembali ditangani sendiri" in browser.text()
    with rt.db.session() as session:
        assert session.get(Complaint, second.id).status == "new"
    browser.get(f"/complaints/{first.id}")
    browser.click(f"form[action$='/complaints/{second.id}/merge'] button")
    browser.click("form input[name=confirm] ~ button")
    browser.get(f"/complaints/{second.id}").get("/complaints/recap")
