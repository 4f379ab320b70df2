"""No complaint nowhere: every intake path places the complaint in the best area known,
and what has no area lands in the kota officers' "needs an area" list."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select, update

from bot.models import Announcement, Complaint, Contact, Kelurahan
from bot.models import announcement as an
from tests.meeting_helpers import WIB, make_ksm
from tests.test_smsgate import app, fake_smsgate, gateway, sms  # noqa: F401  (fixtures)
from tests.transcript import Phone

CODE = re.compile(r"Kode aduan: (\d{9})")


def _logout(client: Any) -> None:
    html = client.get("/complaints/").get_data()
    found = re.search(rb'name="csrf-token" content="([^"]+)"', html)
    if found:
        client.post("/logout", data={"csrf_token": found.group(1).decode()})


def _codes_seen(client: Any, officer_login: Any, **officer: Any) -> set[str]:
    """Every complaint code an officer finds in their queue and their needs-area list."""
    _logout(client)
    officer_login(**officer)
    seen: set[str] = set()
    for url in ("/complaints/", "/complaints/?area=none"):
        seen |= set(re.findall(r">(\d{9})</a>", client.get(url).get_data(as_text=True)))
    return seen


def _code_of_last(rt: Any) -> str:
    with rt.db.session() as s:
        return s.scalar(select(Complaint.code).order_by(Complaint.id.desc()).limit(1))


def test_every_intake_path_reaches_a_non_admin_officer(
    rt, client, officer_login, run_jobs, gateway  # noqa: F811
) -> None:
    ksm = make_ksm(rt, WIB, members=3, kelurahan="Sukamaju")
    with rt.db.session() as s:
        suka = s.get(Kelurahan, ksm["kelurahan_id"])
        s.expunge(suka)
        # Members a leader added by SMS have no kelurahan of their own.
        s.execute(update(Contact).where(Contact.id.in_(ksm["contact_ids"][1:]))
                  .values(kelurahan_id=None))
        s.add(Announcement(kelurahan_id=suka.id, title="Prioritas 2026", status=an.PUBLISHED,
                           published_at=datetime.now(UTC)))
    filed: dict[str, str] = {}

    # ADUAN by SMS from a KSM member without a kelurahan: the KSM's.
    Phone(client, number=ksm["members"][0]).send("ADUAN dana dipotong").expect("Kode aduan")
    filed["sms_member"] = _code_of_last(rt)
    # ADUAN by WhatsApp from a stranger who names the kelurahan.
    wa = Phone(client, number="+6281299990001", whatsapp=True)
    wa.send("ADUAN jalan rusak").send("kel sukamaju rw 3")
    filed["whatsapp_named"] = _code_of_last(rt)
    # ADUAN by SMS from a stranger who names no area: needs an area.
    Phone(client, number="+6281299990002").send("ADUAN ada pungutan").send("LEWATI")
    filed["sms_unknown"] = _code_of_last(rt)
    # ADUAN through the gateway phone.
    assert sms(client, "ADUAN MCK belum selesai", phone="+6281299990003").status_code == 200
    filed["gateway"] = _code_of_last(rt)
    # TANYA and SANGGAH from members who are not leaders: the announcement's kelurahan.
    Phone(client, number=ksm["members"][0]).send("TANYA kenapa usulan kami kalah?")
    filed["tanya"] = _code_of_last(rt)
    Phone(client, number=ksm["members"][1]).send("SANGGAH").send("Alasan tidak jelas")
    filed["sanggah"] = _code_of_last(rt)
    assert len(set(filed.values())) == len(filed), filed

    with rt.db.session() as s:
        placed = dict(s.execute(select(Complaint.code, Complaint.kelurahan_id)).all())
        tanya = s.scalar(select(Complaint).where(Complaint.code == filed["tanya"]))
        assert (tanya.kota_name, tanya.provinsi_name, tanya.level) == ("Kota", "Prov", "kelurahan")
    assert placed[filed["sms_member"]] == suka.id
    assert placed[filed["whatsapp_named"]] == suka.id
    assert placed[filed["sanggah"]] == suka.id
    assert placed[filed["sms_unknown"]] is None

    seen = (_codes_seen(client, officer_login, username="ppm_suka", role="ppm", kelurahan=suka)
            | _codes_seen(client, officer_login, username="ppm_kota", role="ppm", kota="Kota",
                          provinsi="Prov"))
    missing = {path: code for path, code in filed.items() if code not in seen}
    assert not missing, missing


def test_kota_officer_places_a_complaint_that_needs_an_area(rt, client, officer_login) -> None:
    with rt.db.session() as s:
        here = Kelurahan(name="Sukamaju", kota="Kota Bandung", provinsi="Jawa Barat", time_zone=WIB)
        other = Kelurahan(name="Cibeureum", kota="Kota Bandung", provinsi="Lampung", time_zone=WIB)
        s.add_all([here, other])
        s.flush()
        here_id, other_id = here.id, other.id
    Phone(client, number="+6281299990002").send("ADUAN ada pungutan").send("LEWATI")
    code = _code_of_last(rt)
    officer_login("ppm_kota", "ppm", kota="Kota Bandung", provinsi="Jawa Barat")
    page = client.get("/complaints/").get_data(as_text=True)
    assert "1 aduan perlu wilayah" in page
    listed = client.get("/complaints/?area=none").get_data(as_text=True)
    assert code in listed
    with rt.db.session() as s:
        complaint_id = s.scalar(select(Complaint.id).where(Complaint.code == code))
    detail = client.get(f"/complaints/{complaint_id}").get_data(as_text=True)
    assert "Tentukan wilayah" in detail
    token = re.search(r'name="csrf-token" content="([^"]+)"', detail).group(1)
    # A Kota Bandung in another province is not this officer's to choose from.
    refused = client.post(f"/complaints/{complaint_id}/place",
                          data={"csrf_token": token, "kelurahan_id": other_id})
    assert refused.status_code == 302
    assert "bukan wilayah Anda" in client.get(f"/complaints/{complaint_id}").get_data(as_text=True)
    client.post(f"/complaints/{complaint_id}/place",
                data={"csrf_token": token, "kelurahan_id": here_id})
    with rt.db.session() as s:
        stored = s.get(Complaint, complaint_id)
        assert (stored.kelurahan_id, stored.provinsi_name, stored.level) == (
            here_id, "Jawa Barat", "kelurahan")
    assert code not in client.get("/complaints/?area=none").get_data(as_text=True)
    _logout(client)
    officer_login("ppm_suka", "ppm", kelurahan=here)
    assert code in client.get("/complaints/").get_data(as_text=True)
