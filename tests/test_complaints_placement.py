"""No complaint nowhere: every intake path places the complaint in the best area known
(the complainant's KSM, the area named or its code, the gateway phone's kelurahan), and
what has no area lands in the national officers' "needs an area" list, its complainant
masked until it is placed."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

import pytest
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
                          provinsi="Prov")
            | _codes_seen(client, officer_login, username="ppm_pusat", role="ppm"))
    missing = {path: code for path, code in filed.items() if code not in seen}
    assert not missing, missing


def test_a_national_officer_places_a_complaint_that_needs_an_area(rt, client, officer_login) -> None:
    with rt.db.session() as s:
        here = Kelurahan(name="Sukamaju", kota="Kota Bandung", provinsi="Jawa Barat", time_zone=WIB)
        other = Kelurahan(name="Cibeureum", kota="Kota Bandung", provinsi="Lampung", time_zone=WIB)
        s.add_all([here, other])
        s.flush()
        here_id, other_id = here.id, other.id
    Phone(client, number="+6281299990002").send("ADUAN ada pungutan").send("LEWATI")
    code = _code_of_last(rt)
    with rt.db.session() as s:
        complaint_id = s.scalar(select(Complaint.id).where(Complaint.code == code))
    # A kota officer neither sees it nor may place it: nothing says it is theirs.
    officer_login("ppm_kota", "ppm", kota="Kota Bandung", provinsi="Jawa Barat")
    assert code not in client.get("/complaints/?area=none").get_data(as_text=True)
    assert client.get(f"/complaints/{complaint_id}").status_code == 404
    _logout(client)
    officer_login("ppm_pusat", "ppm")
    page = client.get("/complaints/").get_data(as_text=True)
    assert "<b>1</b> <span>aduan perlu wilayah</span>" in page  # the count said once
    listed = client.get("/complaints/?area=none").get_data(as_text=True)
    assert code in listed
    detail = client.get(f"/complaints/{complaint_id}").get_data(as_text=True)
    assert "Tentukan wilayah" in detail
    assert other_id  # a national officer may choose any kelurahan
    token = re.search(r'name="csrf-token" content="([^"]+)"', detail).group(1)
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


def _two_sukamaju(rt: Any) -> tuple[Kelurahan, Kelurahan]:
    with rt.db.session() as s:
        bandung = Kelurahan(name="Sukamaju", kota="Kota Bandung", provinsi="Jawa Barat",
                            code="32.73.14.1004", time_zone=WIB)
        garut = Kelurahan(name="Sukamaju", kota="Kabupaten Garut", provinsi="Jawa Barat",
                          code="32.05.11.2001", time_zone=WIB)
        s.add_all([bandung, garut])
        s.flush()
        s.expunge_all()
        return bandung, garut


def _placed(rt: Any) -> int | None:
    with rt.db.session() as s:
        return s.scalar(select(Complaint.kelurahan_id).order_by(Complaint.id.desc()).limit(1))


@pytest.mark.parametrize("answer", ["32.73.14.1004", "kel 3273141004 rw 5", "Sukamaju 32.73.14.1004"])
def test_a_kemendagri_code_places_the_complaint(rt, client, answer) -> None:  # type: ignore[no-untyped-def]
    bandung, _garut = _two_sukamaju(rt)
    Phone(client, number="+6281299990011").send("ADUAN dana dipotong").send(answer)
    assert _placed(rt) == bandung.id


def test_a_name_two_kelurahan_share_is_placed_by_the_gateway_phones_kelurahan(rt, client) -> None:  # type: ignore[no-untyped-def]
    from tests.test_smsgate import event, post

    bandung, garut = _two_sukamaju(rt)
    from tests.test_smsgate import DEVICE

    assert post(client, event("system:ping", {"health": {}}, device=DEVICE)).status_code == 200
    with rt.db.session() as s:
        from bot.models import GatewayDevice

        s.execute(update(GatewayDevice).values(kelurahan_id=garut.id))
    assert sms(client, "ADUAN dana dipotong", phone="+6281299990012").status_code == 200
    assert _placed(rt) == garut.id  # the phone's kelurahan, before any answer
    assert sms(client, "Sukamaju rw 2", phone="+6281299990012").status_code == 200
    assert _placed(rt) == garut.id
    # Through Twilio, with nothing to choose between them, it stays unplaced.
    Phone(client, number="+6281299990013").send("ADUAN dana dipotong").send("Sukamaju")
    assert _placed(rt) is None


def test_unplaced_complaints_are_seen_by_pusat_only_and_masked_until_placed(
        rt, client, officer_login) -> None:  # type: ignore[no-untyped-def]
    _two_sukamaju(rt)
    Phone(client, number="+6281299990014").send("ADUAN ada pungutan").send("LEWATI")
    with rt.db.session() as s:
        s.execute(update(Contact).where(Contact.phone == "+6281299990014").values(name="Dewi Lestari"))
        complaint = s.scalar(select(Complaint).order_by(Complaint.id.desc()).limit(1))
        s.execute(update(Complaint).where(Complaint.id == complaint.id).values(anonymous=False))
    code = complaint.code
    # A kota officer of some province does not see the country's unplaced complaints.
    assert code not in _codes_seen(client, officer_login, username="ppm_garut", role="ppm",
                                   kota="Kabupaten Garut", provinsi="Jawa Barat")
    _logout(client)
    officer_login("ppm_pusat", "ppm")
    assert code in client.get("/complaints/?area=none").get_data(as_text=True)
    detail = client.get(f"/complaints/{complaint.id}").get_data(as_text=True)
    export = client.get("/complaints/export.csv?area=none").get_data(as_text=True)
    for page in (detail, export):
        digits = re.sub(r"[^0-9]", "", page)
        assert "Dewi Lestari" not in page and "81299990014" not in digits
