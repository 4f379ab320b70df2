"""A complaint that names a BKM member by name only (no "BKM" in it) is kept from that
kelurahan's BKM: the name is matched against the BKM officers' full names and the
roster an admin keeps."""
from __future__ import annotations


from sqlalchemy import select

from bot.models import Complaint
from bot.complaints.bkm_roster import matches
from bot.officers.accounts import create_or_update
from tests.test_complaints_queue import _id, _kelurahan, _token
from tests.transcript import Phone



def _file(client, number: str, accused: str,  # type: ignore[no-untyped-def]
          area: str = "Sukamaju RW 02") -> str:
    phone = Phone(client, number=number)
    phone.send("ADUAN dana bantuan dipotong separuh")
    code = phone.complaint_code()
    phone.send(area).send("3").send(accused).send("5jt").send("1")
    phone.expect("Terima kasih")
    return code


def _queue(client) -> str:  # type: ignore[no-untyped-def]
    return client.get("/complaints/").get_data(as_text=True)


def test_a_complaint_naming_a_bkm_member_by_name_is_hidden_from_that_bkm(
    rt, client, officer_login
) -> None:
    sukamaju = _kelurahan(rt, "Sukamaju", "Kota Bandung")
    with rt.db.session() as s:
        create_or_update(s, "bkm_siti", "password-123", "bkm", s.merge(sukamaju),
                         full_name="Siti Aminah")
    officer_login("admin")
    client.post("/admin/bkm-roster/", data={"csrf_token": _token(client),
                                           "kelurahan_id": sukamaju.id, "name": "Rahman Hakim"})
    page = client.get(f"/admin/bkm-roster/?kelurahan={sukamaju.id}").get_data(as_text=True)
    assert "Rahman Hakim" in page and "Siti Aminah" in page

    by_roster = _file(client, "+6281211110001", "Pak Rahman")
    by_officer = _file(client, "+6281211110002", "bu siti aminah bendahara")
    someone_else = _file(client, "+6281211110003", "Pak Budi, ketua KSM Mawar")

    officer_login("bkm_sukamaju", "bkm", kelurahan=sukamaju)
    queue = _queue(client)
    assert someone_else in queue
    assert by_roster not in queue and by_officer not in queue
    assert client.get(f"/complaints/{_id(rt, by_roster)}").status_code == 404
    with rt.db.session() as s:
        assert {x.level for x in s.scalars(select(Complaint).where(
            Complaint.code.in_((by_roster, by_officer))))} == {"kota"}

    officer_login("ppm_bandung", "ppm", kota="Kota Bandung")
    detail = client.get(f"/complaints/{_id(rt, by_roster)}").get_data(as_text=True)
    assert ("Yang diadukan cocok dengan anggota BKM kelurahan: aduan disembunyikan dari BKM dan "
            "naik ke tingkat kota/kabupaten (Cocok dengan roster BKM: Rahman Hakim).") in detail


def test_a_name_added_to_the_roster_later_moves_open_complaints(
    rt, client, officer_login
) -> None:
    sukamaju = _kelurahan(rt, "Sukamaju", "Kota Bandung")
    code = _file(client, "+6281211110004", "Haji Darto")
    officer_login("bkm_sukamaju", "bkm", kelurahan=sukamaju)
    assert code in _queue(client)
    officer_login("admin")
    response = client.post("/admin/bkm-roster/", follow_redirects=True, data={
        "csrf_token": _token(client), "kelurahan_id": sukamaju.id, "name": "H. Darto Wiyono"})
    assert "1 aduan terbuka" in response.get_data(as_text=True)
    officer_login("bkm_sukamaju", "bkm", kelurahan=sukamaju)
    assert code not in _queue(client)


def test_only_admin_keeps_the_roster(rt, client, officer_login) -> None:
    sukamaju = _kelurahan(rt, "Sukamaju", "Kota Bandung")
    officer_login("bkm_sukamaju", "bkm", kelurahan=sukamaju)
    assert client.get("/admin/bkm-roster/").status_code in (302, 403)
    assert client.post("/admin/bkm-roster/", data={
        "csrf_token": _token(client), "kelurahan_id": sukamaju.id,
        "name": "Siapa Saja"}).status_code in (302, 403)


def test_matching_names() -> None:
    assert matches("Pak Rahman", "Rahman Hakim")
    assert matches("rahman hakim, bendahara UPK", "Rahman Hakim")
    assert not matches("Pak Budi", "Rahman Hakim")
    assert not matches("Ketua BKM", "Rahman Hakim")  # the keyword rule covers that one
    assert not matches("Pak Ra", "Rahman Hakim")  # too little to tell
    assert not matches("Pak Rahmat", "Rahman Hakim")
