"""Levels that oversee: a kota officer sees and can take over the complaints of the
kelurahan in their kota, a provinsi officer those of its kota; kota names repeat
across provinces, so a kota is always matched with its provinsi."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.models import Complaint, Kelurahan
from bot.officers.accounts import OfficerError, create_or_update
from tests.test_complaints_placement import _logout
from tests.test_complaints_queue import _file, _id, _token


@pytest.fixture
def two_bandungs(rt, client):  # type: ignore[no-untyped-def]
    with rt.db.session() as s:
        jabar = Kelurahan(name="Sukamaju", kota="Kota Bandung", provinsi="Jawa Barat",
                          time_zone="Asia/Jakarta")
        lampung = Kelurahan(name="Cibeureum", kota="Kota Bandung", provinsi="Lampung",
                            time_zone="Asia/Jakarta")
        s.add_all([jabar, lampung])
        s.flush()
        s.expunge_all()
    return (jabar, lampung, _file(client, "+6281211110001", "Sukamaju"),
            _file(client, "+6281211110002", "Cibeureum"))


def _queue(client, query: str = "") -> str:  # type: ignore[no-untyped-def]
    return client.get(f"/complaints/{query}").get_data(as_text=True)


def test_kota_officer_oversees_the_kelurahan_of_their_kota_only(
    rt, client, officer_login, two_bandungs
) -> None:
    jabar, _lampung, code_jabar, code_lampung = two_bandungs
    officer_login("ppm_bdg", "ppm", kota="Kota Bandung", provinsi="Jawa Barat")
    page = _queue(client)
    assert code_jabar in page and code_lampung not in page
    assert client.get(f"/complaints/{_id(rt, code_lampung)}").status_code == 404
    assert code_jabar in _queue(client, "?level=kelurahan")
    assert code_jabar not in _queue(client, "?level=kota")

    # Taking it over brings it to the kota's own level, assigned to the officer.
    client.post(f"/complaints/{_id(rt, code_jabar)}/take", data={"csrf_token": _token(client)})
    with rt.db.session() as s:
        taken = s.get(Complaint, _id(rt, code_jabar))
        assert taken.level == "kota" and taken.assigned_officer_id is not None
    assert code_jabar in _queue(client, "?level=kota&mine=1")
    detail = client.get(f"/complaints/{_id(rt, code_jabar)}").get_data(as_text=True)
    assert "mengambil alih aduan; aduan naik dari tingkat kelurahan" in detail

    _logout(client)
    officer_login("ppm_suka", "ppm", kelurahan=jabar)
    assert code_jabar not in _queue(client)  # the kota handles it now


def test_provinsi_officer_oversees_its_kota(rt, client, officer_login, two_bandungs) -> None:
    _jabar, _lampung, code_jabar, code_lampung = two_bandungs
    officer_login("ppm_jabar", "ppm", provinsi="Jawa Barat")
    page = _queue(client)
    assert code_jabar in page and code_lampung not in page
    assert code_jabar in _queue(client, "?level=kelurahan")
    assert code_jabar not in _queue(client, "?level=provinsi")


def test_a_kota_officer_is_bound_to_one_provinsi(rt, two_bandungs) -> None:
    with rt.db.session() as s:
        with pytest.raises(OfficerError, match="provinsi"):
            create_or_update(s, "ppm_bdg", "password-123", "ppm", kota="Kota Bandung")
        s.add(Kelurahan(name="Bojong", kota="Kota Bogor", provinsi="Jawa Barat"))
        s.flush()
        officer = create_or_update(s, "ppm_bgr", "password-123", "ppm", kota="Kota Bogor")
        assert officer.provinsi_name == "Jawa Barat"
        assert s.scalar(select(Complaint.id).limit(1)) is not None
