"""Public pages per kelurahan and kota (no login) and INFO <kelurahan> by SMS: masked
counts, nothing that names anyone, simulated data left out, cached figures."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from itertools import count

from sqlalchemy import event, select

from bot.models import (
    Announcement,
    AnnouncementItem,
    Complaint,
    Contact,
    Kelurahan,
    Ksm,
    Officer,
    Proposal,
)
from bot.models import complaint as c
from bot.models import ksm as k
from bot.complaints import actions as complaint_actions
from bot.officers.accounts import create_or_update
from conversations.gsm import segments
from tests.transcript import Phone

SUKAMAJU = "32.73.14.1004"
CIHAPIT = "32.73.02.1001"
_numbers = count(1)


def _area(rt, code: str, name: str, kota: str = "Kota Bandung", provinsi: str = "Jawa Barat"):  # type: ignore[no-untyped-def]
    with rt.db.session() as s:
        kel = Kelurahan(code=code, name=name, kecamatan="Cibeunying Kidul", kota=kota,
                        provinsi=provinsi, time_zone="Asia/Jakarta")
        s.add(kel)
        s.flush()
        s.expunge(kel)
        return kel


def _contact(s, simulated: bool = False, name: str | None = None, phone: str | None = None) -> Contact:  # type: ignore[no-untyped-def]
    contact = Contact(phone=phone or f"+62812{next(_numbers):08d}", name=name, simulated=simulated,
                      uses_sms=True)
    s.add(contact)
    s.flush()
    return contact


def _complaints(rt, kel, kind: str, n: int, simulated: bool = False, created_at: datetime | None = None,  # type: ignore[no-untyped-def]
                text: str = "dana BLM dipotong", name: str | None = None, phone: str | None = None) -> list[int]:
    ids = []
    with rt.db.session() as s:
        for _ in range(n):
            contact = _contact(s, simulated, name, phone if n == 1 else None)
            complaint = Complaint(
                code=f"{next(_numbers):09d}", contact_id=contact.id, channel="sms", text=text,
                kelurahan_id=kel.id, kota_area_id=kel.kota_area_id,
                provinsi_area_id=kel.provinsi_area_id, kind=kind,
                level="kelurahan", status=c.NEW, accused="Pak Joko Santoso",
                created_at=created_at or datetime.now(timezone.utc),
                due_at=datetime.now(timezone.utc) + timedelta(days=3))
            s.add(complaint)
            s.flush()
            ids.append(complaint.id)
    return ids


def _admin(rt) -> int:  # type: ignore[no-untyped-def]
    with rt.db.session() as s:
        return create_or_update(s, "admin", "password-123", "admin").id


def _resolve(rt, complaint_id: int, late: bool = False) -> None:  # type: ignore[no-untyped-def]
    """Verify, follow up and resolve through the officers' actions (audit trail and all);
    a late one is resolved after its follow-up deadline passed."""
    officer_id = _admin(rt) if not getattr(rt, "_admin_id", None) else rt._admin_id
    with rt.db.session() as s:
        officer = s.get(Officer, officer_id)
        complaint = s.get(Complaint, complaint_id)
        now = datetime.now(timezone.utc) - timedelta(days=20 if late else 0, minutes=5)
        complaint_actions.change_status(s, complaint, officer, c.VERIFIED, now=now)
        complaint_actions.change_status(s, complaint, officer, c.IN_FOLLOW_UP, now=now)
        complaint_actions.change_status(s, complaint, officer, c.RESOLVED,
                                        now=datetime.now(timezone.utc))


def _ksms(rt, kel, status: str, n: int, simulated: bool = False) -> None:  # type: ignore[no-untyped-def]
    with rt.db.session() as s:
        for _ in range(n):
            leader = _contact(s, simulated, name="Ibu Ketua Rahayu")
            s.add(Ksm(code=f"{next(_numbers):05d}"[-5:], name=f"KSM {next(_numbers)}",
                      kelurahan_id=kel.id, field="ekonomi", unit=k.UPK, goal="usaha",
                      status=status, leader_contact_id=leader.id, simulated=simulated))


def _funded(rt, kel, title: str, amount: int, ksm_name: str, simulated: bool = False,  # type: ignore[no-untyped-def]
            phone: str = "+6281377788899") -> None:
    with rt.db.session() as s:
        leader = _contact(s, simulated, name="Bapak Ketua Sutrisno", phone=phone
                          if not simulated else None)
        ksm = Ksm(code=f"{next(_numbers) % 100000:05d}", name=ksm_name, kelurahan_id=kel.id,
                  field="lingkungan", unit=k.UPL, goal="jalan", status=k.VERIFIED,
                  leader_contact_id=leader.id, simulated=simulated)
        s.add(ksm)
        s.flush()
        proposal = Proposal(ksm_id=ksm.id, title=title, field="lingkungan", unit=k.UPL,
                            amount=amount, beneficiaries=40, poor_beneficiaries=30,
                            status=k.ELIGIBLE)
        s.add(proposal)
        s.flush()
        announcement = Announcement(kelurahan_id=kel.id, title="Hasil rapat prioritas",
                                    status="published", published_at=datetime.now(timezone.utc))
        s.add(announcement)
        s.flush()
        s.add(AnnouncementItem(announcement_id=announcement.id, proposal_id=proposal.id,
                               chosen=True, rank=1, reason="paling mendesak"))


def _cells(html: str, table: int = 0) -> dict[str, list[str]]:
    """Rows of a public page's table (0: complaints, 1: KSMs): first cell -> the others."""
    rows = {}
    for row in re.findall(r"<tr>(.*?)</tr>", html.split("<table")[table + 1], re.S):
        cells = [re.sub(r"<[^>]+>", "", x).strip() for x in re.findall(r"<t[dh]>(.*?)</t[dh]>", row, re.S)]
        if cells:
            rows[cells[0]] = cells[1:]
    return rows


def test_public_pages_need_no_login_and_show_no_text_names_or_numbers(rt, client, phone) -> None:
    kel = _area(rt, SUKAMAJU, "Sukamaju")
    _area(rt, CIHAPIT, "Cihapit")
    # A real resident files through the webhook; the others are seeded directly.
    Phone(client, number="+6281299887766").send("ADUAN Pak Lurah Joko memotong dana BLM RW 05") \
        .send("Sukamaju").send("3").send("Pak Joko Santoso").send("5jt").send("2").expect("Terima kasih")
    with rt.db.session() as s:
        s.scalar(select(Contact).where(Contact.phone == "+6281299887766")).name = "Siti Rahmawati"
    _complaints(rt, kel, c.MISUSE_OF_FUNDS, 3, text="Bendahara BKM Wawan korupsi semen")
    _complaints(rt, kel, c.QUESTION, 1, name="Dewi Lestari", phone="+6285711223344",
                text="kapan pencairan tahap dua")
    _funded(rt, kel, "Perbaikan jalan gang RW 03", 45_000_000, "KSM Maju Bersama")

    for path in ("/publik/", f"/publik/{SUKAMAJU}", "/publik/3273141004", "/publik/kota/32.73",
                 "/publik/kota/3273", "/publik/?q=suka"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert "Set-Cookie" not in response.headers, path  # a proxy may cache it
        assert response.headers["Cache-Control"] == "public, max-age=60"
        assert "<script" not in response.get_data(as_text=True) and "style=" not in response.get_data(as_text=True)
        html = response.get_data(as_text=True)
        for secret in ("Siti", "Rahmawati", "Dewi", "Lestari", "Joko", "Santoso", "Wawan",
                       "memotong", "korupsi", "pencairan", "9887766", "99887766", "0812",
                       "+62", "1223344", "Sutrisno", "7788899", "Rahayu"):
            assert secret not in html, (path, secret)

    page = client.get(f"/publik/{SUKAMAJU}").get_data(as_text=True)
    assert "Kelurahan Sukamaju" in page and "Kota Bandung" in page
    rows = _cells(page)
    assert rows["Penyalahgunaan dana"][0] == "4"
    assert rows["Pertanyaan, informasi"][0] == "&lt;3"
    assert rows["Jumlah"][0] == "5-6"
    assert "Perbaikan jalan gang RW 03" in page and "Rp 45.000.000" in page and "KSM Maju Bersama" in page
    kota = client.get("/publik/kota/32.73").get_data(as_text=True)
    assert f"/publik/{SUKAMAJU}" in kota and f"/publik/{CIHAPIT}" in kota
    assert "KSM Maju Bersama" in kota
    index = client.get("/publik/").get_data(as_text=True)
    assert "/publik/kota/32.73" in index and "Kota Bandung" in index
    assert f"/publik/{SUKAMAJU}" in client.get("/publik/?q=suka").get_data(as_text=True)


def test_counts_of_one_and_two_show_as_less_than_three_and_sums_cannot_unmask_them(rt, client) -> None:
    suka = _area(rt, SUKAMAJU, "Sukamaju")
    cihapit = _area(rt, CIHAPIT, "Cihapit")
    _complaints(rt, suka, c.QUESTION, 1)
    _complaints(rt, suka, c.SUGGESTION, 2)
    _complaints(rt, suka, c.MISUSE_OF_FUNDS, 3)
    _complaints(rt, cihapit, c.MISUSE_OF_FUNDS, 4)
    _ksms(rt, suka, k.VERIFIED, 1)
    _ksms(rt, suka, k.FORMING, 3)
    with rt.db.session() as s:  # one complaint in the kota that no kelurahan holds yet
        contact = _contact(s)
        s.add(Complaint(code="900000001", contact_id=contact.id, channel="sms", text="x",
                        kota_area_id=suka.kota_area_id, provinsi_area_id=suka.provinsi_area_id,
                        kind=c.OTHER, level="kota"))

    rows = _cells(client.get(f"/publik/{SUKAMAJU}").get_data(as_text=True))
    assert rows["Pertanyaan, informasi"][0] == "&lt;3"  # 1
    assert rows["Saran, kritik"][0] == "&lt;3"  # 2
    assert rows["Penyalahgunaan dana"][0] == "3"
    assert rows["Lainnya"][0] == "0"
    # 6 in truth; 3 + two parts of "1 or 2" each: only the range they allow.
    assert rows["Jumlah"][0] == "5-7"
    ksm = _cells(client.get(f"/publik/{SUKAMAJU}").get_data(as_text=True), 1)
    assert ksm["Terverifikasi"] == ["&lt;3"] and ksm["Sedang dibentuk"] == ["3"]
    assert ksm["Jumlah"] == ["4-5"]

    kota = _cells(client.get("/publik/kota/32.73").get_data(as_text=True))
    # Cihapit's 4 and Sukamaju's 3 are exact parts: the kota's figure is exact.
    assert kota["Penyalahgunaan dana"][0] == "7"
    # Sukamaju's single question is a masked part of the kota's figure as well.
    assert kota["Pertanyaan, informasi"][0] == "&lt;3"
    # The complaint not placed yet is one more masked part of the kota's figures.
    assert kota["Lainnya"][0] == "&lt;3"
    assert kota["Jumlah"][0] == "10-13"


def test_simulated_complaints_and_ksms_never_count(rt, client) -> None:
    kel = _area(rt, SUKAMAJU, "Sukamaju")
    _complaints(rt, kel, c.MISUSE_OF_FUNDS, 5, simulated=True)
    _ksms(rt, kel, k.VERIFIED, 4, simulated=True)
    _funded(rt, kel, "Usulan dari simulator", 10_000_000, "KSM Simulasi", simulated=True)
    _complaints(rt, kel, c.OTHER, 3)

    html = client.get(f"/publik/{SUKAMAJU}").get_data(as_text=True)
    rows = _cells(html)
    assert rows["Penyalahgunaan dana"][0] == "0" and rows["Lainnya"][0] == "3"
    assert rows["Jumlah"][0] == "3" and _cells(html, 1)["Terverifikasi"] == ["0"]
    assert "KSM Simulasi" not in html
    assert _cells(client.get("/publik/kota/32.73").get_data(as_text=True))["Jumlah"][0] == "3"


def test_resolved_and_resolved_within_the_deadline(rt, client) -> None:
    kel = _area(rt, SUKAMAJU, "Sukamaju")
    ids = _complaints(rt, kel, c.PROCEDURE, 5)
    rt._admin_id = _admin(rt)
    for complaint_id in ids[:3]:
        _resolve(rt, complaint_id)
    _resolve(rt, ids[3], late=True)

    rows = _cells(client.get(f"/publik/{SUKAMAJU}").get_data(as_text=True))
    assert rows["Pelanggaran prosedur"] == ["5", "4", "3"]  # received, resolved, on time


def test_figures_are_cached_a_hit_asks_the_database_nothing(rt, client) -> None:
    kel = _area(rt, SUKAMAJU, "Sukamaju")
    _complaints(rt, kel, c.OTHER, 3)
    assert _cells(client.get(f"/publik/{SUKAMAJU}").get_data(as_text=True))["Lainnya"][0] == "3"
    _complaints(rt, kel, c.OTHER, 4)

    statements: list[str] = []

    def seen(conn, cursor, statement, *args):  # type: ignore[no-untyped-def]
        statements.append(statement)

    event.listen(rt.db.engine, "before_cursor_execute", seen)
    try:
        again = client.get(f"/publik/{SUKAMAJU}").get_data(as_text=True)
        client.get("/publik/kota/32.73")
        client.get("/publik/kota/32.73")
        client.get(f"/publik/{SUKAMAJU}")
    finally:
        event.remove(rt.db.engine, "before_cursor_execute", seen)
    assert _cells(again)["Lainnya"][0] == "3"  # the cached figure until the TTL passes
    kota_statements = len(statements)
    assert kota_statements > 0  # the kota page was a miss once...
    statements.clear()
    event.listen(rt.db.engine, "before_cursor_execute", seen)
    try:
        client.get(f"/publik/{SUKAMAJU}")
        client.get("/publik/kota/32.73")
        client.get("/publik/")
        client.get("/publik/")
    finally:
        event.remove(rt.db.engine, "before_cursor_execute", seen)
    assert [s for s in statements if "kelurahan" in s.lower() or "complaint" in s.lower()] == \
        [s for s in statements if "substr" in s.lower()]  # ...then only the index's first miss


def test_unknown_codes_get_a_404_page_in_indonesian(rt, client) -> None:
    _area(rt, SUKAMAJU, "Sukamaju")
    for path in ("/publik/99.99.99.9999", "/publik/kota/99.99", "/publik/bukan-kode",
                 "/publik/kota/3273141004", "/publik/32.73"):
        response = client.get(path)
        assert response.status_code == 404, path
        html = response.get_data(as_text=True)
        assert "Wilayah tidak ditemukan" in html and "Set-Cookie" not in response.headers


def test_a_month_with_no_figures_is_said_so_not_swapped_for_this_one(rt, client) -> None:
    _area(rt, SUKAMAJU, "Sukamaju")
    for month in ("2026-13", "2099-01", "kemarin", "2026-1"):
        response = client.get(f"/publik/32.73.14.1004?bulan={month}")
        assert response.status_code == 400, month
        html = response.get_data(as_text=True)
        assert "Bulan tidak dikenal" in html and "?bulan=2026-11" in html, month
    assert client.get("/publik/kota/32.73?bulan=2026-13").status_code == 400
    assert client.get("/publik/32.73.14.1004?bulan=2026-10").status_code == 200


def test_the_computation_time_is_the_areas_local_time(rt, client) -> None:
    _area(rt, SUKAMAJU, "Sukamaju")
    html = client.get("/publik/32.73.14.1004").get_data(as_text=True)
    assert "Dihitung 18/11/2026 10." in html and " WIB;" in html and "UTC" not in html


def test_info_by_sms_answers_this_months_figures_in_one_segment(rt, client) -> None:
    suka = _area(rt, SUKAMAJU, "Sukamaju")
    _complaints(rt, suka, c.MISUSE_OF_FUNDS, 4)
    _complaints(rt, suka, c.QUESTION, 1)
    _ksms(rt, suka, k.VERIFIED, 3)
    _ksms(rt, suka, k.FORMING, 2)
    resident = Phone(client, number="+6281311112222")

    for typed in ("INFO Sukamaju", "info sukamaju", "INFO 32.73.14.1004", "INFO 3273141004",
                  "INFO Sukamaju Bandung"):
        resident.send(typed).expect("Sukamaju", "aduan masuk 5-6", "KSM baru 4-5, terverifikasi 3")
        assert len(resident.last) == 1 and segments(resident.reply) == 1, resident.reply
        resident.expect_not("Joko", "+62")

    _complaints(rt, _area(rt, CIHAPIT, "Cihapit"), c.OTHER, 2)
    resident.send("INFO cihapit").expect("Cihapit", "aduan masuk <3,", "KSM baru 0, terverifikasi 0")

    resident.send("INFO Atlantis").expect("tidak ditemukan")
    assert segments(resident.reply) == 1
    resident.send("INFO Sukamju").expect("Sukamaju")  # a typo gets the nearest name
    assert segments(resident.reply) == 1


def test_info_for_an_ambiguous_name_lists_three_with_their_kota(rt, client) -> None:
    for i, kota in enumerate(("Kota Bandung", "Kabupaten Bandung Barat Yang Panjang Sekali",
                              "Kota Cimahi", "Kabupaten Garut")):
        _area(rt, f"32.{71 + i}.01.1001", "Sukajadi", kota=kota)
    resident = Phone(client, number="+6281311113333")
    resident.send("INFO Sukajadi").expect("4 kelurahan Sukajadi", "32.71.01.1001", "Kota Bandung",
                                          "INFO <kode>")
    assert segments(resident.reply) == 1 and "Kabupaten Garut" not in resident.reply
    resident.send("INFO Sukajadi Cimahi").expect("Sukajadi", "aduan masuk 0")
    # Bare INFO is still the help menu; INFO KSM still the KSM status.
    resident.send("INFO").expect("BATAL=batal")
    resident.send("INFO KSM").expect_not("tidak ditemukan")


def test_a_figure_one_web_process_computed_serves_the_others_until_it_expires(rt) -> None:
    from bot.areas.figure_cache import FigureCache

    first, second = FigureCache(rt.redis, ttl=1), FigureCache(rt.redis, ttl=1)
    computed = []
    assert first.fetch("kel:x:2026-12", lambda: computed.append(1) or {"n": "<3"}) == {"n": "<3"}
    # With Redis the other process finds it there; without, it computes its own.
    assert second.fetch("kel:x:2026-12", lambda: computed.append(2) or {"n": "<3"}) == {"n": "<3"}
    assert computed == ([1] if rt.redis is not None else [1, 2])
    import time

    time.sleep(1.1)
    assert first.get("kel:x:2026-12") is None and second.get("kel:x:2026-12") is None


def test_pages_still_answer_when_redis_is_down(rt, client) -> None:
    from bot.runtime import redis_client
    from bot.areas.figure_cache import FigureCache

    kel = _area(rt, SUKAMAJU, "Sukamaju")
    _complaints(rt, kel, c.OTHER, 3)
    rt.extras["public_figures_cache"] = FigureCache(redis_client("redis://127.0.0.1:1/0"))
    response = client.get(f"/publik/{SUKAMAJU}")
    assert response.status_code == 200
    assert _cells(response.get_data(as_text=True))["Lainnya"][0] == "3"
    assert client.get(f"/publik/{SUKAMAJU}").status_code == 200  # from memory meanwhile


def _breakdown(html: str) -> dict[str, dict[str, str]]:
    """The kota page's per-kelurahan table: row name -> {column label: value}, the
    labels being the ones a phone shows beside each value (data-label)."""
    table = html.split('<table class="breakdown"')[1].split("</table>")[0]
    rows = {}
    for row in re.findall(r"<tr[^>]*>(.*?)</tr>", table, re.S):
        cells = re.findall(r'<t[dh][^>]*data-label="([^"]*)"[^>]*>(.*?)</t[dh]>', row, re.S)
        if cells:
            values = {label: re.sub(r"<[^>]+>", "", value).strip() for label, value in cells}
            rows[values.pop("Kelurahan")] = values
    return rows


def test_kota_page_breaks_the_month_down_per_kelurahan_with_the_same_masking(rt, client) -> None:
    suka = _area(rt, SUKAMAJU, "Sukamaju")
    cihapit = _area(rt, CIHAPIT, "Cihapit")
    _area(rt, "32.73.03.1002", "Tamansari")  # nothing happened there: a row of zeros
    _complaints(rt, suka, c.QUESTION, 1, name="Dewi Lestari", text="kapan pencairan tahap dua")
    _complaints(rt, suka, c.SUGGESTION, 2)
    procedure = _complaints(rt, suka, c.PROCEDURE, 4)
    _complaints(rt, cihapit, c.MISUSE_OF_FUNDS, 4)
    _complaints(rt, cihapit, c.OTHER, 6, simulated=True)  # never counts
    rt._admin_id = _admin(rt)
    for complaint_id in procedure[:3]:
        _resolve(rt, complaint_id)
    _resolve(rt, procedure[3], late=True)
    _ksms(rt, suka, k.VERIFIED, 1)
    _ksms(rt, cihapit, k.VERIFIED, 5)
    _ksms(rt, cihapit, k.WAITING, 2)  # not verified: not in the table
    _funded(rt, cihapit, "Perbaikan jalan gang RW 03", 45_000_000, "KSM Maju Bersama")
    _funded(rt, cihapit, "Sumur bor RW 07", 30_000_000, "KSM Air Bersih", phone="+6281377788800")
    with rt.db.session() as s:  # one complaint in the kota that no kelurahan holds yet
        s.add(Complaint(code="900000002", contact_id=_contact(s).id, channel="sms", text="x",
                        kota_area_id=suka.kota_area_id, provinsi_area_id=suka.provinsi_area_id,
                        kind=c.OTHER, level="kota"))

    html = client.get("/publik/kota/32.73").get_data(as_text=True)
    rows = _breakdown(html)
    columns = ["Aduan masuk", "Selesai", "Tepat waktu", "KSM terverifikasi", "Usulan didanai"]
    assert list(rows["Sukamaju"]) == columns
    # 1 + 2 + 4 received: 4 and two masked parts of "1 or 2" each, as the kelurahan page's total.
    assert rows["Sukamaju"] == {"Aduan masuk": "6-8", "Selesai": "4", "Tepat waktu": "3",
                                "KSM terverifikasi": "&lt;3", "Usulan didanai": "0"}
    assert _cells(client.get(f"/publik/{SUKAMAJU}").get_data(as_text=True))["Jumlah"] == \
        ["6-8", "4", "3"]
    assert rows["Cihapit"] == {"Aduan masuk": "4", "Selesai": "0", "Tepat waktu": "0",
                               "KSM terverifikasi": "7", "Usulan didanai": "2"}  # 5 + 2 funded
    assert rows["Tamansari"] == dict.fromkeys(columns, "0")
    # The complaint not placed yet is its own masked row, so the rows add up to the total,
    # and the total is the kota's own figures (sums of the same masked parts).
    assert rows["Belum diketahui"]["Aduan masuk"] == "&lt;3"
    kota = _cells(html)
    assert rows["Jumlah"] == {"Aduan masuk": kota["Jumlah"][0], "Selesai": kota["Jumlah"][1],
                              "Tepat waktu": kota["Jumlah"][2], "KSM terverifikasi": "8-9",
                              "Usulan didanai": "2"}
    assert kota["Jumlah"][0] == "11-14"
    assert _cells(html, 1)["Terverifikasi"] == ["8-9"]
    # Each kelurahan's row links to its own page; nothing names or quotes anyone.
    assert f'href="/publik/{SUKAMAJU}"' in html and f'href="/publik/{CIHAPIT}"' in html
    for secret in ("Dewi", "Lestari", "pencairan", "Joko", "Rahayu", "Sutrisno", "+62"):
        assert secret not in html, secret

    # Cached with the rest of the page: a complaint filed now shows after the TTL only,
    # and serving the page again asks the database nothing.
    _complaints(rt, cihapit, c.MISUSE_OF_FUNDS, 3)
    statements: list[str] = []

    def seen(conn, cursor, statement, *args):  # type: ignore[no-untyped-def]
        statements.append(statement)

    event.listen(rt.db.engine, "before_cursor_execute", seen)
    try:
        again = client.get("/publik/kota/32.73").get_data(as_text=True)
    finally:
        event.remove(rt.db.engine, "before_cursor_execute", seen)
    assert _breakdown(again)["Cihapit"]["Aduan masuk"] == "4" and statements == []


def test_a_page_shows_new_figures_as_soon_as_its_cached_figures_expire(rt, client) -> None:
    from bot.areas.figure_cache import FigureCache

    kel = _area(rt, SUKAMAJU, "Sukamaju")
    _complaints(rt, kel, c.OTHER, 3)
    rt.extras["public_figures_cache"] = FigureCache(rt.redis, ttl=1)
    for path in (f"/publik/{SUKAMAJU}", "/publik/kota/32.73"):
        assert _cells(client.get(path).get_data(as_text=True))["Lainnya"][0] == "3"
    assert _breakdown(client.get("/publik/kota/32.73").get_data(as_text=True))["Sukamaju"][
        "Aduan masuk"] == "3"
    _complaints(rt, kel, c.OTHER, 4)
    import time

    time.sleep(1.1)
    for path in (f"/publik/{SUKAMAJU}", "/publik/kota/32.73"):
        assert _cells(client.get(path).get_data(as_text=True))["Lainnya"][0] == "7", path
    assert _breakdown(client.get("/publik/kota/32.73").get_data(as_text=True))["Sukamaju"][
        "Aduan masuk"] == "7"


def _range(text: str) -> tuple[int, int]:
    text = text.replace("&lt;", "<").replace(".", "")
    if text == "<3":
        return 1, 2
    low, _, high = text.partition("-")
    return int(low), int(high or low)


def _pins_a_small_count(bigger: tuple[int, int], smaller: tuple[int, int]) -> bool:
    """Whether ``bigger`` minus ``smaller`` (each a shown range) is exactly 1 or 2: a
    count the masking hides (``<3`` itself, 1 or 2, tells nothing new)."""
    low, high = bigger[0] - smaller[1], bigger[1] - smaller[0]
    return low == high and low in (1, 2)


def test_no_pair_of_published_figures_differences_to_a_count_under_three(rt, client) -> None:  # type: ignore[no-untyped-def]
    """Every page an outsider can open (two months, each kelurahan, the kota), every pair
    of figures where one covers the other (a kota and its kelurahan, a total and its
    kinds, a month and the month before): their difference never pins 1 or 2."""
    suka = _area(rt, SUKAMAJU, "Sukamaju")
    cihapit = _area(rt, CIHAPIT, "Cihapit")
    november = datetime(2026, 11, 10, 3, 0, tzinfo=timezone.utc)
    december = datetime(2026, 12, 2, 3, 0, tzinfo=timezone.utc)
    for when, kel, kind, n in ((november, suka, c.MISUSE_OF_FUNDS, 4),
                               (december, suka, c.MISUSE_OF_FUNDS, 5),
                               (december, suka, c.QUESTION, 1),
                               (december, cihapit, c.MISUSE_OF_FUNDS, 3),
                               (november, cihapit, c.OTHER, 2)):
        _complaints(rt, kel, kind, n, created_at=when)
    # November: 4 KSMs registered; December: 1 more (the case that leaked: 4, then 5).
    import time_machine

    for when, kel, status, n in ((november, suka, k.VERIFIED, 4), (december, suka, k.VERIFIED, 1),
                                 (december, cihapit, k.FORMING, 3)):
        with time_machine.travel(when, tick=False):
            _ksms(rt, kel, status, n)

    figures: dict[tuple[str, str, str, str], tuple[int, int]] = {}
    with time_machine.travel(datetime(2026, 12, 20, 3, 0, tzinfo=timezone.utc), tick=True):
        for month in ("2026-11", "2026-12"):
            for area, path in (("suka", f"/publik/{SUKAMAJU}"), ("cihapit", f"/publik/{CIHAPIT}"),
                               ("kota", "/publik/kota/32.73")):
                html = client.get(f"{path}?bulan={month}").get_data(as_text=True)
                for table in (0, 1):
                    for row, cells in _cells(html, table).items():
                        for column, cell in enumerate(cells):
                            if re.fullmatch(r"(&lt;3|[0-9.]+(-[0-9.]+)?)", cell):
                                figures[(month, area, f"{table}:{row}", str(column))] = _range(cell)
    assert figures[("2026-11", "suka", "1:Terverifikasi", "0")]
    covers = []
    for (month, area, row, column), shown in figures.items():
        # A kota covers its kelurahan.
        if area == "kota":
            for kel in ("suka", "cihapit"):
                if (month, kel, row, column) in figures:
                    covers.append(((month, area, row, column), (month, kel, row, column)))
        # A total covers its rows.
        table = row.split(":")[0]
        if row.endswith(":Jumlah"):
            for other in figures:
                if other[:2] == (month, area) and other[3] == column and \
                        other[2].startswith(table + ":") and other[2] != row:
                    covers.append(((month, area, row, column), other))
        # KSMs are counted as they stand (complaints by the month they came in): a month's
        # KSM figure next to the month before's is what an outsider would subtract.
        if month == "2026-12" and table == "1" and ("2026-11", area, row, column) in figures:
            covers.append(((month, area, row, column), ("2026-11", area, row, column)))
    assert len(covers) > 40
    leaks = [(a, b, figures[a], figures[b]) for a, b in covers
             if _pins_a_small_count(figures[a], figures[b])]
    assert not leaks, leaks
