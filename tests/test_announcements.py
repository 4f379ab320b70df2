"""Priority announcements: record the result, preview, publish to every KSM member,
tell leaders not chosen, progress, and TANYA / SANGGAH as complaints."""
from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select

from bot.models import AnnouncementComplaint, Complaint, Kelurahan, Proposal
from bot.models import ksm as k
from tests.meeting_helpers import WIB, bodies_to, fast, make_ksm, say


def proposal(rt: Any, ksm_id: int, title: str) -> int:
    with rt.db.session() as session:
        row = Proposal(ksm_id=ksm_id, title=title, field="ekonomi", unit="UPK", amount=5_000_000,
                       beneficiaries=10, poor_beneficiaries=10, status=k.ELIGIBLE)
        session.add(row)
        session.flush()
        return row.id


def test_record_preview_publish_and_replies(rt, client, officer_login, csrf_token, twilio,
                                            run_jobs, phone) -> None:
    fast(rt)
    a = make_ksm(rt, WIB, members=3, kelurahan="Sukamaju")
    b = make_ksm(rt, WIB, members=2, kelurahan="Sukamaju")
    elsewhere = make_ksm(rt, WIB, members=2, kelurahan="Lain")
    road = proposal(rt, a["id"], "Perbaikan jalan setapak RT 03")
    proposal(rt, b["id"], "Pelatihan menjahit")
    with rt.db.session() as session:
        kelurahan = session.scalar(select(Kelurahan).where(Kelurahan.name == "Sukamaju"))
    officer_login("bkm1", "bkm", kelurahan=kelurahan)
    page = client.get(f"/announcements/new?kelurahan_id={kelurahan.id}")
    assert b"Pelatihan menjahit" in page.data
    token = csrf_token(page.data)
    form = {"csrf_token": token, "kelurahan_id": kelurahan.id, "title": "Prioritas 2026",
            f"chosen_{road}": "1", f"rank_{road}": "1", f"reason_{road}": ""}
    bad = client.post("/announcements/new", data=form)
    assert bad.status_code == 400 and "wajib diberi alasan" in bad.get_data(as_text=True)
    form[f"reason_{road}"] = "Paling banyak warga miskin yang terbantu"
    done = client.post("/announcements/new", data=form)
    assert done.status_code == 302
    detail_url = done.headers["Location"]
    page = client.get(detail_url).get_data(as_text=True)
    # 5 members of the two KSMs, all SMS users; the text's segments and cost are shown.
    assert re.search(r"SMS \(singkat\)</td><td[^>]*>5</td>", page), page
    # 1 segment x 5 recipients x Rp 350.
    assert "Perbaikan jalan setapak" in page and re.search(r">1</td><td[^>]*>Rp 1.750</td>", page)

    publish = detail_url + "/publish"
    assert client.post(publish, data={"csrf_token": token}).status_code == 302
    run_jobs()
    for number in [a["leader"], *a["members"], b["leader"], *b["members"]]:
        assert any("Hasil rapat prioritas BKM Sukamaju" in x for x in bodies_to(twilio, number))
    assert bodies_to(twilio, elsewhere["leader"]) == []
    assert any("belum terpilih" in x and "dapat diajukan lagi tahun depan" in x
               for x in bodies_to(twilio, b["leader"]))
    assert not any("belum terpilih" in x for x in bodies_to(twilio, a["leader"]))
    page = client.get(detail_url).get_data(as_text=True)
    assert "Pengiriman" in page and re.search(r"<td[^>]*>5</td>", page)
    # Publishing twice sends nothing more.
    client.post(publish, data={"csrf_token": token})
    run_jobs()
    assert len(bodies_to(twilio, a["members"][0])) == 1

    now = datetime.now(UTC)
    assert "Kode" in say(rt, a["members"][0], "TANYA kenapa usulan kami tidak dipilih?", now)
    assert "Tulis pertanyaan" in say(rt, b["members"][0], "SANGGAH", now)
    assert "Kode" in say(rt, b["members"][0], "Alasan tidak jelas", now)
    with rt.db.session() as session:
        links = session.execute(select(AnnouncementComplaint.kind, Complaint.kind, Complaint.text)
                                .join(Complaint, Complaint.id == AnnouncementComplaint.complaint_id)
                                .order_by(AnnouncementComplaint.id)).all()
    assert [(x[0], x[1]) for x in links] == [("tanya", "question"), ("sanggah", "other")]
    assert "Prioritas 2026" in links[0][2]
    assert "TANYA - aduan" in client.get(detail_url).get_data(as_text=True)
    assert "Belum ada pengumuman" in say(rt, elsewhere["members"][0], "TANYA apa ini", now)


def test_other_area_and_roles(rt, client, officer_login) -> None:
    make_ksm(rt, WIB, kelurahan="Sukamaju")
    with rt.db.session() as session:
        lain = Kelurahan(name="Lain", kota="Kota Lain", provinsi="Prov", time_zone=WIB)
        session.add(lain)
        session.flush()
        sukamaju = session.scalar(select(Kelurahan).where(Kelurahan.name == "Sukamaju"))
    officer_login("bkm2", "bkm", kelurahan=lain)
    assert client.get(f"/announcements/new?kelurahan_id={sukamaju.id}").status_code == 404
    officer_login("faskel", "fasilitator", kelurahan=sukamaju)
    assert client.get(f"/announcements/new?kelurahan_id={sukamaju.id}").status_code == 403
    assert client.get("/announcements/").status_code == 200


def test_the_sms_cuts_a_long_title_after_a_whole_word() -> None:
    from bot.services.announcements import SHORT_TITLE, cut_at_word

    title = "Pelatihan menjahit untuk 4 anggota KSM perempuan RW 05"
    short = cut_at_word(title, SHORT_TITLE)
    assert len(short) <= SHORT_TITLE and short.endswith("..")
    assert title.startswith(short[:-2]) and title[len(short) - 2] == " "  # a whole word
    assert cut_at_word("Perbaikan jalan", SHORT_TITLE) == "Perbaikan jalan"
    assert cut_at_word("x" * 40, 10) == "xxxxxxxx.."  # one long word: cut it anyway


def published(rt: Any, client: Any, officer_login: Any, csrf_token: Any,
              members: tuple[int, ...] = (3, 3)) -> dict[str, Any]:
    """KSMs of Sukamaju with ``members`` each, the first one's proposal chosen, and the
    announcement recorded by a logged-in BKM officer; returns its URL and the KSMs."""
    fast(rt)
    ksms = [make_ksm(rt, WIB, members=n, kelurahan="Sukamaju") for n in members]
    chosen = proposal(rt, ksms[0]["id"], "Perbaikan jalan setapak RT 03")
    for ksm in ksms[1:]:
        proposal(rt, ksm["id"], "Pelatihan menjahit")
    with rt.db.session() as session:
        kelurahan = session.scalar(select(Kelurahan).where(Kelurahan.name == "Sukamaju"))
    officer_login("bkm1", "bkm", kelurahan=kelurahan)
    token = csrf_token(client.get(f"/announcements/new?kelurahan_id={kelurahan.id}").data)
    done = client.post("/announcements/new", data={
        "csrf_token": token, "kelurahan_id": kelurahan.id, "title": "Prioritas 2026",
        f"chosen_{chosen}": "1", f"rank_{chosen}": "1", f"reason_{chosen}": "Paling perlu"})
    assert done.status_code == 302
    return {"url": done.headers["Location"], "token": token, "ksms": ksms}


def cell(page: str, label: str) -> str:
    found = re.search(rf'data-label="{re.escape(label)}"[^>]*>([^<]*)<', page)
    assert found, f"no {label} in the page"
    return found.group(1).strip()


def test_progress_counts_delivered_messages_as_sent(rt, client, officer_login, csrf_token,
                                                    twilio, run_jobs) -> None:
    """Terkirim is what reached the provider: a delivery report must not take a message
    out of it (the progress read 'Terkirim 0' once every SMS was delivered)."""
    from tests.transcript import signed_post

    ann = published(rt, client, officer_login, csrf_token)
    client.post(ann["url"] + "/publish", data={"csrf_token": ann["token"], "confirmed": "1"})
    run_jobs()
    page = client.get(ann["url"]).get_data(as_text=True)
    assert (cell(page, "Antre"), cell(page, "Terkirim")) == ("0", "6")
    for message in twilio.messages:
        signed_post(client, "/webhooks/twilio/status",
                    {"MessageSid": str(message["_sid"]), "MessageStatus": "delivered"})
    page = client.get(ann["url"]).get_data(as_text=True)
    assert (cell(page, "Antre"), cell(page, "Terkirim"), cell(page, "Diterima")) == ("0", "6", "6")
