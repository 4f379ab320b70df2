"""Nothing goes unheard: a message the bot cannot place is kept for the officers of
the resident's kelurahan, who answer it from the dashboard; the resident is told a
person will read it."""
from __future__ import annotations

import re
from typing import Any

from sqlalchemy import select, update

from bot.models import Contact, InboxItem, Kelurahan, Message
from tests.ksm_helpers import add_kelurahan
from tests.transcript import Phone

QUESTION = "bu apakah ibu hamil boleh ikut kegiatan posyandu di balai warga"


def _csrf(html: str) -> str:
    return re.search(r'name="csrf-token" content="([^"]+)"', html).group(1)


def test_an_unplaceable_message_reaches_the_kelurahans_officer_who_answers_it(
        rt, client, officer_login, run_jobs, twilio) -> None:  # type: ignore[no-untyped-def]
    suka = add_kelurahan(rt, "Sukamaju")
    other = add_kelurahan(rt, "Cibeureum")
    resident = Phone(client, number="+6281233334444")
    resident.send("halo").expect("1 DAFTAR")  # a greeting still gets the menu
    with rt.db.session() as s:
        s.execute(update(Contact).values(kelurahan_id=suka.id))
    resident.send(QUESTION).expect("petugas", "1 DAFTAR")
    with rt.db.session() as s:
        [item] = s.scalars(select(InboxItem)).all()
        assert (item.kelurahan_id, item.status) == (suka.id, "open")
        assert s.get(Message, item.message_id).body == QUESTION

    # An officer of another kelurahan does not see it.
    officer_login("ppm_cib", "ppm", kelurahan=other)
    assert "posyandu" not in client.get("/inbox/").get_data(as_text=True)
    client.post("/logout", data={"csrf_token": _csrf(client.get("/").get_data(as_text=True))})

    officer_login("ppm_suka", "ppm", kelurahan=suka)
    page = client.get("/inbox/").get_data(as_text=True)
    assert "posyandu" in page and "33334444" not in page  # the number stays masked
    answer = client.post(f"/inbox/{item.id}/reply", data={
        "csrf_token": _csrf(page), "text": "Boleh bu, datang saja Kamis jam 9 di balai."})
    assert answer.status_code == 302
    run_jobs()
    assert [m["Body"] for m in twilio.notices if m["To"] == "+6281233334444"] == [
        "Boleh bu, datang saja Kamis jam 9 di balai."]
    with rt.db.session() as s:
        assert s.get(InboxItem, item.id).status == "answered"
    assert "posyandu" not in client.get("/inbox/").get_data(as_text=True)  # done


def test_a_message_with_no_kelurahan_goes_to_the_national_officers(rt, client, officer_login) -> None:  # type: ignore[no-untyped-def]
    kel = add_kelurahan(rt, "Sukamaju")
    Phone(client, number="+6281233335555").send(QUESTION).expect("petugas", "1 DAFTAR")
    officer_login("ppm_suka", "ppm", kelurahan=kel)
    assert "posyandu" not in client.get("/inbox/").get_data(as_text=True)
    client.post("/logout", data={"csrf_token": _csrf(client.get("/").get_data(as_text=True))})
    officer_login("ppm_pusat", "ppm")
    assert "posyandu" in client.get("/inbox/").get_data(as_text=True)


def test_a_reply_is_refused_when_empty_or_not_for_this_officer(rt, client, officer_login) -> None:  # type: ignore[no-untyped-def]
    suka, other = add_kelurahan(rt, "Sukamaju"), add_kelurahan(rt, "Cibeureum")
    resident = Phone(client, number="+6281233336666")
    resident.send("halo")
    with rt.db.session() as s:
        s.execute(update(Contact).values(kelurahan_id=suka.id))
    resident.send(QUESTION)
    with rt.db.session() as s:
        item_id = s.scalar(select(InboxItem.id))
    officer_login("ppm_cib", "ppm", kelurahan=other)
    token = _csrf(client.get("/inbox/").get_data(as_text=True))
    assert client.post(f"/inbox/{item_id}/reply", data={"csrf_token": token, "text": "x"}).status_code == 404
    client.post("/logout", data={"csrf_token": token})
    officer_login("ppm_suka", "ppm", kelurahan=suka)
    token = _csrf(client.get("/inbox/").get_data(as_text=True))
    refused = client.post(f"/inbox/{item_id}/reply", data={"csrf_token": token, "text": "  "},
                          follow_redirects=True)
    assert "Balasan kosong" in refused.get_data(as_text=True)
