"""Priority announcements: record the result, preview, publish to every KSM member,
tell leaders not chosen, progress, and TANYA / SANGGAH as complaints."""
from __future__ import annotations

import re
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import func, select, update

from bot.models import AnnouncementComplaint, Complaint, Contact, Kelurahan, Ksm, Proposal
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
    # 5 members of the two KSMs, all SMS users (Twilio here): 1 segment x 5 x Rp 350,
    # and the notice to the leader of the KSM not chosen: Rp 350.
    assert "Perbaikan jalan setapak" in page
    assert ("Penerima: <strong>5 orang</strong> dan 1 ketua KSM yang belum terpilih: "
            "<strong>6 pesan</strong>, perkiraan biaya <strong>Rp 2.100</strong> (6 SMS)") \
        in page, page

    publish = detail_url + "/publish"
    confirm = client.get(detail_url + "/confirm").get_data(as_text=True)
    assert ("Kirim 6 pesan (5 anggota KSM, 1 ketua KSM yang belum terpilih), perkiraan biaya "
            "Rp 2.100 (6 SMS)") in confirm
    assert client.post(publish, data={"csrf_token": token, "messages": "6"}).status_code == 302
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
    client.post(publish, data={"csrf_token": token, "messages": "6"})
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
    from bot.ksm.announcements import SHORT_TITLE, cut_at_word

    title = "Pelatihan menjahit untuk 4 anggota KSM perempuan RW 05"
    short = cut_at_word(title, SHORT_TITLE)
    assert len(short) <= SHORT_TITLE and short.endswith("..")
    assert title.startswith(short[:-2]) and title[len(short) - 2] == " "  # a whole word
    assert cut_at_word("Perbaikan jalan", SHORT_TITLE) == "Perbaikan jalan"
    assert cut_at_word("x" * 40, 10) == "xxxxxxxx.."  # over twice the limit: not a word
    # A first word a little over the limit stays whole; a "/" between words is a place
    # to cut; what is left never ends in a separator.
    assert cut_at_word("Rehabilitasi-drainase jalan", 15) == "Rehabilitasi-drainase.."
    assert cut_at_word("Jalan/drainase/saluran RT 03", 20) == "Jalan/drainase.."
    assert cut_at_word("Jalan, saluran dan taman kota", 12) == "Jalan.."
    assert cut_at_word("Pelatihan   menjahit", 30) == "Pelatihan menjahit"


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
    client.post(ann["url"] + "/publish", data={"csrf_token": ann["token"], "messages": "7"})
    run_jobs()
    page = client.get(ann["url"]).get_data(as_text=True)
    assert (cell(page, "Antre"), cell(page, "Terkirim")) == ("0", "6")
    for message in twilio.messages:
        signed_post(client, "/webhooks/twilio/status",
                    {"MessageSid": str(message["_sid"]), "MessageStatus": "delivered"})
    page = client.get(ann["url"]).get_data(as_text=True)
    assert (cell(page, "Antre"), cell(page, "Terkirim"), cell(page, "Diterima")) == ("0", "6", "6")


def test_nothing_is_sent_before_the_officer_confirms(rt, client, officer_login, csrf_token,
                                                     twilio, run_jobs) -> None:
    ann = published(rt, client, officer_login, csrf_token)
    gone = ann["ksms"][1]["members"][0]
    with rt.db.session() as session:  # said BERHENTI: neither counted nor sent to
        session.execute(update(Contact).where(Contact.phone == gone).values(opted_out=True))
    publish, token = ann["url"] + "/publish", ann["token"]
    # The detail page's button leads to the confirmation, a GET that sends nothing.
    assert "/confirm" in client.get(ann["url"]).get_data(as_text=True)
    confirm = client.get(ann["url"] + "/confirm").get_data(as_text=True)
    # 5 members (one said BERHENTI) and the leader of the KSM not chosen.
    assert ("Kirim 6 pesan (5 anggota KSM, 1 ketua KSM yang belum terpilih), perkiraan biaya "
            "Rp 2.100 (6 SMS)") in confirm
    assert 'name="messages" value="6"' in confirm
    # A publish that did not come from the confirmation only leads to it.
    assert client.post(publish, data={"csrf_token": token}).headers["Location"].endswith(
        "/confirm")
    # Without the CSRF token: refused.
    assert client.post(publish, data={"messages": "6"}).status_code == 400
    # The number changed since the officer looked: shown again, not sent.
    stale = client.post(publish, data={"csrf_token": token, "messages": "5"})
    assert stale.status_code == 409 and "berubah menjadi 6" in stale.get_data(as_text=True)
    run_jobs()
    assert twilio.messages == []
    # Confirmed, twice (a double tap): sent once.
    assert client.post(publish, data={"csrf_token": token, "messages": "6"}).status_code == 302
    again = client.post(publish, data={"csrf_token": token, "messages": "6"}, follow_redirects=True)
    assert "sudah diterbitkan" in again.get_data(as_text=True)
    run_jobs()
    recipients = [str(m["To"]) for m in twilio.messages if "Hasil rapat" in str(m["Body"])]
    assert len(recipients) == len(set(recipients)) == 5 and gone not in recipients
    # The confirmation of a published announcement leads back to it.
    assert client.get(ann["url"] + "/confirm").status_code == 302


def test_the_estimate_counts_sms_by_the_provider_that_carries_them(
        rt, client, officer_login, csrf_token) -> None:
    """SMS users, and WhatsApp users outside the 24-hour window without a template, go
    by SMS through SMS_PROVIDER; WhatsApp users inside the window by WhatsApp."""
    ann = published(rt, client, officer_login, csrf_token, members=(4, 3))
    now = datetime.now(UTC)
    recent, old = ann["ksms"][0]["members"][:2]
    with rt.db.session() as session:  # WhatsApp only (on both, the price decides:
        # tests/test_cheapest_route_sending.py)
        session.execute(update(Contact).where(Contact.phone == recent).values(
            uses_whatsapp=True, uses_sms=False, last_whatsapp_at=now - timedelta(hours=2)))
        session.execute(update(Contact).where(Contact.phone == old).values(
            uses_whatsapp=True, uses_sms=False, last_whatsapp_at=now - timedelta(days=3)))
    rt.settings = replace(rt.settings, sms_provider="smsgate", smsgate_url="http://gateway.test",
                          smsgate_price_per_segment=150.0, whatsapp_price_per_message=100.0)
    page = client.get(ann["url"] + "/confirm").get_data(as_text=True)
    # 6 by SMS from a gateway phone (5 SMS users + 1 outside the window) x 1 segment x
    # Rp 150, and 1 WhatsApp text x Rp 100; the notice to the leader not chosen, Rp 150.
    assert ("Kirim 8 pesan (7 anggota KSM, 1 ketua KSM yang belum terpilih), perkiraan biaya "
            "Rp 1.150 (7 SMS)") in page, page
    assert cell(page, "Dikirim lewat") == "SMS lewat ponsel gateway (SIM lokal)"
    assert "WhatsApp (dalam 24 jam" in page and "Twilio" not in page

    rt.settings = replace(rt.settings, sms_provider="twilio", sms_price_per_segment=350.0,
                          whatsapp_templates={"announcement": "HX" + "1" * 32},
                          whatsapp_template_price=500.0)
    page = client.get(ann["url"] + "/confirm").get_data(as_text=True)
    # With a template the one outside the window gets WhatsApp: 5 SMS by Twilio x Rp 350,
    # a template Rp 500, a text Rp 100; the leader's notice by Twilio Rp 350.
    assert ("Kirim 8 pesan (7 anggota KSM, 1 ketua KSM yang belum terpilih), perkiraan biaya "
            "Rp 2.700 (6 SMS)") in page, page
    assert "SMS lewat Twilio" in page and "WhatsApp template" in page


def test_progress_is_polled_as_json_within_the_officers_area(
        rt, client, officer_login, csrf_token, twilio, run_jobs) -> None:
    ann = published(rt, client, officer_login, csrf_token)
    progress = ann["url"] + "/progress"
    draft = client.get(progress).get_json()
    assert (draft["state"], draft["done"]) == ("Belum dikirim (draf)", False)
    client.post(ann["url"] + "/publish", data={"csrf_token": ann["token"], "messages": "7"})
    page = client.get(ann["url"]).get_data(as_text=True)
    # The page says where to poll, and loads the script that does (no inline script).
    assert f'data-progress-url="{progress.split("localhost")[-1]}"' in page
    assert "/static/announcements.js" in page and "<script>" not in page
    sending = client.get(progress)
    assert sending.headers["Cache-Control"] == "no-store"
    assert sending.get_json()["state"] == "Sedang dikirim"
    assert sending.get_json()["summary"] == "Antre 6, Terkirim 0, Diterima 0, Gagal 0"
    run_jobs()
    done = client.get(progress).get_json()
    assert (done["state"], done["done"]) == ("Selesai dikirim", True)
    assert done["summary"] == "Antre 0, Terkirim 6, Diterima 0, Gagal 0"
    assert {k: done["counts"][k] for k in ("queued", "sent", "failed", "total")} == {
        "queued": 0, "sent": 6, "failed": 0, "total": 6}

    # Another kelurahan's officer, and a fasilitator of this one.
    with rt.db.session() as session:
        lain = Kelurahan(name="Lain", kota="Kota Lain", provinsi="Prov", time_zone=WIB)
        session.add(lain)
        session.flush()
        sukamaju = session.scalar(select(Kelurahan).where(Kelurahan.name == "Sukamaju"))
    officer_login("bkm2", "bkm", kelurahan=lain)
    assert client.get(progress).status_code == 404
    officer_login("faskel", "fasilitator", kelurahan=sukamaju)
    assert client.get(progress).get_json()["done"] is True
    assert client.get(progress.replace("/progress", "9999/progress")).status_code == 404


def test_published_in_quiet_hours_the_progress_says_it_waits(
        rt, client, officer_login, csrf_token, twilio, run_jobs) -> None:
    """Published at 22:00 WIB the SMS wait until 06:00: 'Antre 6, Terkirim 0' after the
    jobs ran is right then, and the progress says why."""
    tomorrow = datetime.now(UTC) + timedelta(days=1)
    rt.settings = replace(rt.settings, quiet_hours=True)
    rt.extras["clock"] = lambda: tomorrow.replace(hour=15, minute=0)  # 22:00 WIB
    ann = published(rt, client, officer_login, csrf_token)
    client.post(ann["url"] + "/publish", data={"csrf_token": ann["token"], "messages": "7"})
    run_jobs()
    held = client.get(ann["url"] + "/progress").get_json()
    assert twilio.messages == []
    assert held["state"] == "Menunggu: jam tenang (21.00-06.00) atau coba lagi nanti"
    # Held until morning: counted once, as held, not also as queued.
    assert (held["counts"]["queued"], held["counts"]["held"], held["done"]) == (0, 6, False)
    assert held["counts"]["total"] == 6


def test_the_whole_sms_body_is_cut_at_words_and_plain_gsm7(
        rt, client, officer_login, csrf_token) -> None:
    """Long titles and KSM names, a title that is one long word, hyphens and curly
    quotes: every word of the SMS is a whole word of what the officer and KSMs wrote."""
    from conversations.gsm import is_gsm7

    fast(rt)
    titles = ["Pelatihan menjahit untuk 4 anggota KSM perempuan RW 05",
              "Pembangunan/rehabilitasi/perbaikan-saluran-drainase",
              "Modal usaha \u201cwarung\u201d ibu-ibu RT 03 dan RT 04 Sukamaju"]
    names = ["Kelompok Usaha Bersama Maju Sejahtera Abadi 03", "Mawar\u2019s", "Melati"]
    ksms = [make_ksm(rt, WIB, members=3, kelurahan="Sukamaju") for _ in titles]
    ids = [proposal(rt, ksm["id"], title) for ksm, title in zip(ksms, titles)]
    with rt.db.session() as session:
        for ksm, name in zip(ksms, names):
            session.execute(update(Ksm).where(Ksm.id == ksm["id"]).values(name=name))
        kelurahan = session.scalar(select(Kelurahan).where(Kelurahan.name == "Sukamaju"))
    officer_login("bkm1", "bkm", kelurahan=kelurahan)
    token = csrf_token(client.get(f"/announcements/new?kelurahan_id={kelurahan.id}").data)
    form: dict[str, Any] = {"csrf_token": token, "kelurahan_id": kelurahan.id,
                            "title": "Prioritas 2026"}
    for rank, proposal_id in enumerate(ids, 1):
        form |= {f"chosen_{proposal_id}": "1", f"rank_{proposal_id}": str(rank),
                 f"reason_{proposal_id}": "Perlu"}
    url = client.post("/announcements/new", data=form).headers["Location"]
    page = client.get(url + "/confirm").get_data(as_text=True)
    sms = re.search(r"<h2>Teks SMS</h2>\s*<pre>(.*?)</pre>", page, re.S).group(1)
    sms = sms.replace("&lt;", "<").replace("&gt;", ">").replace("&#39;", "'").replace(
        "&#34;", '"').replace("&quot;", '"')
    assert is_gsm7(sms), sms
    from conversations.catalogue import render

    sources = " ".join([*titles, *names, "Sukamaju", render("ann.sms", "id", kelurahan="",
                                                            items="")])
    sources = sources.replace("\u201c", '"').replace("\u201d", '"').replace("\u2019", "'")
    words = set(re.findall(r"[\w'\"-]+", sources))
    for word in re.findall(r"[\w'\"-]+", sms):
        assert word in words or word.isdigit(), f"{word!r} is cut mid-word in {sms!r}"
    assert "untuk 4.. (KSM Kelompok" in sms and "Pembangunan/rehabilitasi.. (KSM Mawar's)" in sms


def test_two_confirmations_at_once_send_once(app, rt, client, officer_login, csrf_token,
                                             twilio, run_jobs) -> None:
    """A double tap that reaches two web threads at the same moment: one publishes."""
    import threading

    ann = published(rt, client, officer_login, csrf_token)
    cookie = client.get_cookie("session")
    barrier, answers = threading.Barrier(2), []

    def confirm() -> None:
        other = app.test_client()
        other.set_cookie(cookie.key, cookie.value)
        barrier.wait()
        answers.append(other.post(ann["url"] + "/publish",
                                  data={"csrf_token": ann["token"], "messages": "7"},
                                  follow_redirects=True).get_data(as_text=True))

    threads = [threading.Thread(target=confirm) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert sorted("sudah diterbitkan" in page for page in answers) == [False, True]
    run_jobs()
    recipients = [str(m["To"]) for m in twilio.messages if "Hasil rapat" in str(m["Body"])]
    assert len(recipients) == len(set(recipients)) == 6


def test_the_estimate_includes_the_notices_to_leaders_not_chosen_and_equals_what_is_queued(
        rt, client, officer_login, csrf_token, twilio, run_jobs) -> None:
    """Leaders of KSMs not chosen are told too: their notices are messages that cost,
    priced by the route each one takes; what confirming queues is what was shown."""
    from bot.models import BroadcastSend, Message
    from bot.models import messaging as m

    ann = published(rt, client, officer_login, csrf_token, members=(3, 3, 2))
    now = datetime.now(UTC)
    whatsapp_leader = ann["ksms"][2]["leader"]
    with rt.db.session() as session:  # in the WhatsApp window, writes only WhatsApp
        session.execute(update(Contact).where(Contact.phone == whatsapp_leader).values(
            uses_whatsapp=True, uses_sms=False, last_whatsapp_at=now - timedelta(hours=2)))
        # A longer title: the SMS leader's notice takes 2 segments.
        session.execute(update(Proposal).where(Proposal.ksm_id == ann["ksms"][1]["id"])
                        .values(title="Pelatihan menjahit dan tata busana RW 05"))
    rt.settings = replace(rt.settings, sms_provider="twilio", sms_price_per_segment=350.0,
                          whatsapp_price_per_message=100.0)
    page = client.get(ann["url"] + "/confirm").get_data(as_text=True)
    # Members: 7 by SMS (1 segment) x Rp 350 + 1 WhatsApp x Rp 100 = Rp 2.550.
    # Leaders not chosen: one by SMS, the notice is 2 segments: Rp 700; one by WhatsApp
    # (its route, as bot.channels decides): Rp 100. 10 messages, Rp 3.350, 9 SMS.
    assert ("Kirim 10 pesan (8 anggota KSM, 2 ketua KSM yang belum terpilih), "
            "perkiraan biaya Rp 3.350 (9 SMS)") in page, page
    assert "di luar perkiraan" not in page
    assert 'name="messages" value="10"' in page
    assert cell(page, "Pesan") == "8"  # SMS lewat Twilio: 7 members and a leader

    def outbound() -> int:  # send rows of broadcasts and single messages out
        with rt.db.session() as session:
            return (session.scalar(select(func.count()).select_from(BroadcastSend))
                    + session.scalar(select(func.count()).select_from(Message)
                                     .where(Message.direction == m.OUT)))

    before, sent_before = outbound(), len(twilio.messages)
    # Agreed to 8 (the old count without the notices): shown again, not sent.
    stale = client.post(ann["url"] + "/publish", data={"csrf_token": ann["token"], "messages": "8"})
    assert stale.status_code == 409 and "berubah menjadi 10" in stale.get_data(as_text=True)
    assert client.post(ann["url"] + "/publish",
                       data={"csrf_token": ann["token"], "messages": "10"}).status_code == 302
    assert outbound() - before == 10
    run_jobs()
    assert len(twilio.messages) - sent_before == 10


def test_the_home_pages_sending_figure_is_the_list_behind_it(rt, client, officer_login,
                                                              csrf_token, run_jobs) -> None:
    """One truth per number: 'pengumuman sedang dikirim' on the home page is the count
    of the list its link opens; a leader's meeting notice (a broadcast too) is not an
    announcement."""
    ann = published(rt, client, officer_login, csrf_token)
    leader = ann["ksms"][0]["leader"]
    say(rt, leader, "RAPAT besok 19.30 Balai RW 03", datetime.now(UTC))
    say(rt, leader, "YA", datetime.now(UTC))  # the members' notice: a broadcast sending

    def figure() -> tuple[int, str]:
        home = client.get("/").get_data(as_text=True)
        found = re.search(r'href="([^"]*sending=1[^"]*)"><b>(\d+)</b><span>pengumuman '
                          r'sedang dikirim', home)
        assert found, home
        return int(found.group(2)), found.group(1).replace("&amp;", "&")

    count, href = figure()
    assert count == 0
    listed = client.get(href).get_data(as_text=True)
    assert "Tidak ada pengumuman yang sedang dikirim" in listed

    client.post(ann["url"] + "/publish", data={"csrf_token": ann["token"], "messages": "7"})
    count, href = figure()
    listed = client.get(href).get_data(as_text=True)
    assert count == 1 == listed.count("terbit, sedang dikirim")
    run_jobs()
    count, href = figure()
    assert count == 0 and "sedang dikirim" not in client.get("/announcements/").get_data(
        as_text=True).replace("Sedang dikirim", "")


def test_a_proposal_already_announced_as_chosen_is_not_offered_again(
        rt, client, officer_login, csrf_token) -> None:  # type: ignore[no-untyped-def]
    ann = published(rt, client, officer_login, csrf_token)
    with rt.db.session() as session:
        kelurahan = session.scalar(select(Kelurahan).where(Kelurahan.name == "Sukamaju"))
    new_page = f"/announcements/new?kelurahan_id={kelurahan.id}"
    # A draft does not take it away yet...
    assert "Perbaikan jalan setapak" in client.get(new_page).get_data(as_text=True)
    client.post(ann["url"] + "/publish", data={"csrf_token": ann["token"], "messages": "7"})
    # ...once published, the chosen one is done; the one not chosen may go again.
    page = client.get(new_page).get_data(as_text=True)
    assert "Perbaikan jalan setapak" not in page and "Pelatihan menjahit" in page
