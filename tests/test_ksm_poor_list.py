"""The poor-residents list: the import's checks (all or nothing, row-by-row report),
re-import, matching members, each KSM's standing against its rule, and who sees it."""
from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from bot.models import KsmMember, PoorResident
from tests.ksm_helpers import MEMBERS, add_kelurahan, form_ksm, ksm_row

GOOD = (
    "name,household,rt,rw,phone\n"
    "Siti Aminah,KK-01,3,5,0812-3456-7890\n"
    "Ani Suryani,KK-02,03,05,+62 813 1111 0001\n"
    "Budi Santoso,KK-03,4,5,\n"
    "Cahya,KK-03,4,5,\n"
)


@pytest.fixture
def sukamaju(rt):  # type: ignore[no-untyped-def]
    return add_kelurahan(rt, "Sukamaju")


def _write(tmp_path: Path, text: str, name: str = "daftar.csv") -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def _import(runner, path: str, kelurahan: str = "Sukamaju"):  # type: ignore[no-untyped-def]
    return runner.invoke(args=["import-poor-list", path, "--kelurahan", kelurahan])


def _listed(rt) -> list[str]:  # type: ignore[no-untyped-def]
    with rt.db.session() as session:
        return sorted(session.execute(select(PoorResident.name)).scalars())


def test_import_and_reimport_replaces(runner, rt, sukamaju, tmp_path) -> None:  # type: ignore[no-untyped-def]
    result = _import(runner, _write(tmp_path, GOOD))
    assert result.exit_code == 0, result.output
    assert "imported 4 residents for Kel. Sukamaju" in result.output
    assert _listed(rt) == ["Ani Suryani", "Budi Santoso", "Cahya", "Siti Aminah"]
    with rt.db.session() as session:
        ani = session.execute(select(PoorResident).where(PoorResident.name == "Ani Suryani")).scalar_one()
        assert (ani.rt, ani.rw, ani.phone) == ("3", "5", "+6281311110001")
    # Indonesian headers, semicolons (Excel's export in Indonesia).
    result = _import(runner, _write(tmp_path, "Nama;KK;RT;RW\nDewi;KK-9;1;2\n", "lagi.csv"))
    assert result.exit_code == 0, result.output
    assert "(replacing 4)" in result.output
    assert _listed(rt) == ["Dewi"]


def test_errors_are_reported_row_by_row_and_nothing_imported(runner, rt, sukamaju, tmp_path) -> None:  # type: ignore[no-untyped-def]
    assert _import(runner, _write(tmp_path, GOOD)).exit_code == 0
    bad = (
        "name,household,rt,rw,phone\n"
        "Dewi,KK-9,1,2,\n"
        ",KK-10,1,2,\n"
        "Eka,KK-11,satu,2,\n"
        "Fajar,KK-12,1,2,12\n"
        "Dewi,KK-9,1,2,\n"
        "Gita,,1,2,\n"
        "Hana,KK-13,1,2,0812ABC\n"
        "Indah,KK-14,1,2,0812222\n"
        "Joko,KK-15,1,2,0812-3456-7890\n"
    )
    result = _import(runner, _write(tmp_path, bad, "bad.csv"))
    assert result.exit_code == 1
    for expected in ("line 3: name is empty", "line 4: rt must be a number", "line 5: phone '12'",
                     "line 6: same name and household as line 2", "line 7: household is empty",
                     "line 8: phone '0812ABC' is not a phone number",
                     "line 9: phone '0812222' is not a phone number",
                     "7 row(s) have errors; nothing was imported"):
        assert expected in result.output, result.output
    assert _listed(rt) == ["Ani Suryani", "Budi Santoso", "Cahya", "Siti Aminah"]  # unchanged


def test_unusable_files(runner, rt, sukamaju, tmp_path) -> None:  # type: ignore[no-untyped-def]
    result = _import(runner, _write(tmp_path, "nama,alamat\nx,y\n"))
    assert result.exit_code == 1 and "missing column(s): household, rt, rw" in result.output
    result = _import(runner, _write(tmp_path, "name,household,rt,rw\n", "empty.csv"))
    assert result.exit_code == 1 and "no rows" in result.output
    result = _import(runner, _write(tmp_path, GOOD), kelurahan="Atlantis")
    assert result.exit_code == 1 and "not found" in result.output
    path = tmp_path / "latin1.csv"
    path.write_bytes("name,household,rt,rw\nJos\xe9,KK,1,2\n".encode("latin-1"))
    result = _import(runner, str(path))
    assert result.exit_code == 1 and "not UTF-8" in result.output
    assert _listed(rt) == []


def test_members_matched_and_upk_standing(runner, rt, sukamaju, tmp_path, phone, officer_login, csrf_token) -> None:  # type: ignore[no-untyped-def]
    assert _import(runner, _write(tmp_path, GOOD)).exit_code == 0
    code = form_ksm(phone, rt)  # leader, Ani (phone on list), Budi (not by phone)
    ksm = ksm_row(rt, code)
    with rt.db.session() as session:
        matched = dict(session.execute(select(KsmMember.name, KsmMember.poor_match)).all())
    assert matched == {"Siti Aminah": "phone", "Ani": "phone", "Budi": None}

    client = officer_login("bkm", "bkm", kelurahan=sukamaju)
    page = client.get(f"/ksm/{ksm.id}").data.decode()
    assert "2/3 anggota di daftar miskin" in page and "belum memenuhi" in page
    assert "Cocok: Budi Santoso, RT 4/RW 5" in page  # suggested by name for the officer
    with rt.db.session() as session:
        budi = session.execute(select(KsmMember).where(KsmMember.name == "Budi")).scalar_one()
        resident = session.execute(select(PoorResident).where(PoorResident.name == "Budi Santoso")).scalar_one()
    token = csrf_token(client.get("/").data)
    client.post(f"/ksm/members/{budi.id}/poor-match", data={"csrf_token": token, "resident_id": resident.id})
    page = client.get(f"/ksm/{ksm.id}").data.decode()
    assert "3/3 anggota di daftar miskin; memenuhi aturan UPK" in page

    # Re-importing the same list keeps the officer's match.
    assert _import(runner, _write(tmp_path, GOOD, "again.csv")).exit_code == 0
    assert "memenuhi aturan UPK" in client.get(f"/ksm/{ksm.id}").data.decode()


def test_upk_one_member_per_household(runner, rt, sukamaju, tmp_path, phone, officer_login) -> None:  # type: ignore[no-untyped-def]
    same_household = GOOD.replace("Ani Suryani,KK-02", "Ani Suryani,KK-01").replace(
        "Budi Santoso,KK-03,4,5,", f"Budi Santoso,KK-03,4,5,{MEMBERS[1]}")
    assert _import(runner, _write(tmp_path, same_household)).exit_code == 0
    code = form_ksm(phone, rt)
    client = officer_login("bkm", "bkm", kelurahan=sukamaju)
    page = client.get(f"/ksm/{ksm_row(rt, code).id}").data.decode()
    assert "3/3 anggota di daftar miskin; 1 anggota dari KK yang sama" in page


def test_only_bkm_and_admin_of_the_area_see_the_list(runner, rt, sukamaju, tmp_path, phone, officer_login, csrf_token) -> None:  # type: ignore[no-untyped-def]
    other_kel = add_kelurahan(rt, "Cibeunying")
    assert _import(runner, _write(tmp_path, GOOD)).exit_code == 0
    code = form_ksm(phone, rt, kelurahan="2")
    ksm_id = ksm_row(rt, code).id
    client = officer_login("fas", "fasilitator", kelurahan=sukamaju)
    page = client.get(f"/ksm/{ksm_id}").data.decode()
    assert "Daftar miskin" not in page and "KK-01" not in page and "Budi Santoso" not in page
    client.post("/logout", data={"csrf_token": csrf_token(client.get("/").data)})
    client = officer_login("bkm_other", "bkm", kelurahan=other_kel)
    with rt.db.session() as session:
        budi = session.execute(select(KsmMember).where(KsmMember.name == "Budi")).scalar_one()
        resident_id = session.scalar(select(func.min(PoorResident.id)))
    token = csrf_token(client.get("/").data)
    response = client.post(f"/ksm/members/{budi.id}/poor-match",
                           data={"csrf_token": token, "resident_id": resident_id})
    assert response.status_code == 404


def test_poor_list_page_is_for_bkm_of_the_area(runner, rt, sukamaju, tmp_path, officer_login, csrf_token) -> None:  # type: ignore[no-untyped-def]
    other_kel = add_kelurahan(rt, "Cibeunying")
    assert _import(runner, _write(tmp_path, GOOD)).exit_code == 0
    client = officer_login("bkm", "bkm", kelurahan=sukamaju)
    page = client.get("/ksm/poor-list").data.decode()
    assert "4 orang" in page and "Budi Santoso" in page
    client.post("/logout", data={"csrf_token": csrf_token(client.get("/").data)})
    client = officer_login("bkm_other", "bkm", kelurahan=other_kel)
    page = client.get(f"/ksm/poor-list?kelurahan_id={sukamaju.id}").data.decode()
    assert "Budi Santoso" not in page and "Kel. Cibeunying: 0 orang" in page
    client.post("/logout", data={"csrf_token": csrf_token(client.get("/").data)})
    client = officer_login("fas", "fasilitator", kelurahan=sukamaju)
    assert client.get("/ksm/poor-list").status_code == 403


def test_verifying_a_ksm_that_breaks_its_rule_needs_a_reason(runner, rt, sukamaju, tmp_path, phone, officer_login, csrf_token) -> None:  # type: ignore[no-untyped-def]
    """As for a proposal: one tap does not verify a KSM whose page says the poor-list
    rule fails; the officer writes why it is verified all the same, and the page keeps it."""
    from bot.models import Ksm

    assert _import(runner, _write(tmp_path, GOOD)).exit_code == 0
    code = form_ksm(phone, rt)  # Budi is not matched: 2/3 on the list
    ksm = ksm_row(rt, code)
    client = officer_login("bkm", "bkm", kelurahan=sukamaju)
    page = client.get(f"/ksm/{ksm.id}").data.decode()
    assert 'name="rule_override"' in page  # the form asks for the reason up front
    token = csrf_token(page.encode())
    refused = client.post(f"/ksm/{ksm.id}/verify", data={"csrf_token": token},
                          follow_redirects=True).data.decode()
    assert "belum memenuhi aturan daftar miskin" in refused and "alasan pengecualian" in refused
    with rt.db.session() as session:
        assert session.get(Ksm, ksm.id).status == "waiting_verification"

    client.post(f"/ksm/{ksm.id}/verify", data={
        "csrf_token": token, "rule_override": "Budi baru pindah, masuk daftar bulan depan"})
    with rt.db.session() as session:
        verified = session.get(Ksm, ksm.id)
        assert verified.status == "verified"
        assert verified.rule_override_reason == "Budi baru pindah, masuk daftar bulan depan"
    page = client.get(f"/ksm/{ksm.id}").data.decode()
    assert "Diverifikasi dengan pengecualian: Budi baru pindah" in page


def test_without_a_poor_list_the_rule_cannot_be_judged_and_verifying_needs_no_reason(rt, sukamaju, phone, officer_login, csrf_token) -> None:  # type: ignore[no-untyped-def]
    from bot.models import Ksm

    code = form_ksm(phone, rt)
    ksm = ksm_row(rt, code)
    client = officer_login("bkm", "bkm", kelurahan=sukamaju)
    page = client.get(f"/ksm/{ksm.id}").data.decode()
    assert "belum dapat dinilai" in page and "daftar miskin kelurahan ini belum diimpor" in page
    client.post(f"/ksm/{ksm.id}/verify", data={"csrf_token": csrf_token(page.encode())})
    with rt.db.session() as session:
        assert session.get(Ksm, ksm.id).status == "verified"
