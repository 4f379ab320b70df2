"""A KSM registered from the dashboard's simulator is marked simulated and counts
nowhere (the BKM's list, figures, CSV exports, proposals, the home page) unless an
officer asks to see simulated data; then it shows, marked."""
from __future__ import annotations

import csv
import io
import re
from typing import Any

from sqlalchemy import select

from bot.models import Ksm, Proposal
from bot.models import ksm as k
from tests.ksm_helpers import add_kelurahan, form_ksm, ksm_row, register
from tests.simulator_helpers import SimPhone

SIM_LEADER, SIM_MEMBERS = "+6281355550001", ("+6281355550002", "+6281355550003")


def _simulated_ksm(client: Any) -> str:
    """A simulated leader registers a KSM and two simulated members join it."""
    leader = SimPhone(client, SIM_LEADER)
    code = register(leader, name="Uji Simulator")
    for number, name in zip(SIM_MEMBERS, ("Uji Satu", "Uji Dua")):
        leader.send(f"ANGGOTA {name}, P, {number}").expect("diundang")
        SimPhone(client, number).send(f"GABUNG {code}").expect("Terima kasih")
    return code


def _csv(client: Any, path: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(client.get(path).get_data(as_text=True))))


def _stats_ksms(html: str) -> int:
    return int(re.search(r'<td data-label="KSM">(\d+)</td>', html).group(1))


def _tiles(html: str) -> dict[str, int]:
    return {label: int(n) for n, label in re.findall(r"<b>(\d+)</b><span>([^<]+)</span>", html)}


def test_a_ksm_from_the_simulator_counts_only_when_asked_for(phone, rt, client, officer_login) -> None:  # type: ignore[no-untyped-def]
    sukamaju = add_kelurahan(rt, "Sukamaju")
    real = form_ksm(phone, rt, name="Punya Warga")  # a real leader, through Twilio
    officer_login("sim_admin", "admin")
    simulated = _simulated_ksm(client)
    assert (ksm_row(rt, real).simulated, ksm_row(rt, simulated).simulated) == (False, True)
    assert ksm_row(rt, simulated).status == k.WAITING  # it works like a real one
    with rt.db.session() as session:
        for code in (real, simulated):
            ksm = session.scalar(select(Ksm).where(Ksm.code == code))
            session.add(Proposal(ksm_id=ksm.id, title=f"Usulan {ksm.name}", field="ekonomi",
                                 unit="UPK", amount=1_000_000, beneficiaries=5,
                                 poor_beneficiaries=5, status=k.SUBMITTED))
    client.post("/logout", data={"csrf_token": re.search(
        r'name="csrf-token" content="([^"]+)"', client.get("/").get_data(as_text=True)).group(1)})

    client = officer_login("bkm_suka", "bkm", kelurahan=sukamaju)
    # Left out: the list and its counts, the figures, both CSVs, proposals, home page.
    page = client.get("/ksm/?status=waiting_verification").get_data(as_text=True)
    assert "Punya Warga" in page and "Uji Simulator" not in page
    assert "Menunggu verifikasi (1)" in page
    assert _stats_ksms(client.get("/ksm/stats").get_data(as_text=True)) == 1
    assert [r["Nama KSM"] for r in _csv(client, "/ksm/export/ksm.csv")] == ["Punya Warga"]
    members = {r["Anggota"] for r in _csv(client, "/ksm/export/members.csv")}
    assert members == {"Siti Aminah", "Ani", "Budi"}
    proposals = client.get("/ksm/proposals/").get_data(as_text=True)
    assert "Usulan Punya Warga" in proposals and "Usulan Uji Simulator" not in proposals
    tiles = _tiles(client.get("/").get_data(as_text=True))
    assert tiles["KSM menunggu verifikasi"] == 1
    assert tiles["usulan menunggu pemeriksaan"] == 1

    # Asked for: shown, and marked as simulated.
    page = client.get("/ksm/?status=waiting_verification&simulated=1").get_data(as_text=True)
    assert "Uji Simulator" in page and "(simulasi)" in page
    assert "Menunggu verifikasi (2)" in page
    assert 'href="/ksm/stats?simulated=1"' in page
    assert _stats_ksms(client.get("/ksm/stats?simulated=1").get_data(as_text=True)) == 2
    rows = _csv(client, "/ksm/export/ksm.csv?simulated=1")
    assert {(r["Nama KSM"], r["Simulasi"]) for r in rows} == {("Punya Warga", "tidak"),
                                                               ("Uji Simulator", "ya")}
    members = {r["Anggota"] for r in _csv(client, "/ksm/export/members.csv?simulated=1")}
    assert {"Uji Satu", "Uji Dua"} <= members
    proposals = client.get("/ksm/proposals/?simulated=1").get_data(as_text=True)
    assert "Usulan Uji Simulator" in proposals
    detail = client.get(f"/ksm/{ksm_row(rt, simulated).id}")
    assert detail.status_code == 200
    assert "didaftarkan dari simulator" in detail.get_data(as_text=True)
