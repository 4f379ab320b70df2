"""The monthly recap (page, CSV, chart) and issuing API tokens (dashboard and CLI)."""

from __future__ import annotations

import csv
import io
import re

from sqlalchemy import select

from bot.models import ApiToken, Officer
from tests.test_complaints_queue import _api, _file, _kelurahan, _token


def test_monthly_recap_counts_per_area_and_downloads_as_csv(rt, client, officer_login) -> None:
    suka = _kelurahan(rt, "Sukamaju", "Kota Bandung")
    _kelurahan(rt, "Cibeureum", "Kota Bogor")
    _file(client, "+6281200000001", "Sukamaju")
    _file(client, "+6281200000002", "Sukamaju")
    _file(client, "+6281200000003", "Cibeureum")
    officer_login("admin", "admin")
    page = client.get("/complaints/recap/").get_data(as_text=True)
    assert "Sukamaju, Kota Bandung" in page and 'class="bar"' in page
    rows = list(csv.reader(io.StringIO(client.get("/complaints/recap/csv").get_data(as_text=True))))
    header, body = rows[0], {r[0]: dict(zip(rows[0], r)) for r in rows[1:]}
    assert header[:3] == ["Wilayah", "Total", "Lewat tenggat"]
    assert body["Sukamaju, Kota Bandung"]["Total"] == "2"
    assert body["Sukamaju, Kota Bandung"]["Jenis: Penyalahgunaan dana"] == "2"
    assert body["Total"]["Total"] == "3" and body["Total"]["Tingkat: Kelurahan"] == "3"
    assert "Status: Baru" in header and "Jenis: Belum diisi" in header

    client.post("/logout", data={"csrf_token": _token(client)})
    officer_login("ppm_suka", "ppm", kelurahan=suka)
    rows = list(csv.reader(io.StringIO(client.get("/complaints/recap/csv").get_data(as_text=True))))
    assert [r[0] for r in rows[1:]] == ["Sukamaju, Kota Bandung", "Total"]  # only their area


def test_officer_issues_an_api_token_from_the_dashboard_and_the_cli(
    rt, client, officer_login, runner
) -> None:
    kel = _kelurahan(rt, "Sukamaju", "Kota Bandung")
    officer_login("ppm_suka", "ppm", kelurahan=kel)
    page = client.post("/complaints/api-token", data={"csrf_token": _token(client)}).get_data(
        as_text=True
    )
    token = re.search(r"<code>(ksm_[^<]+)</code>", page).group(1)
    assert _api(client, token, "/api/complaints").status_code == 200

    settings = rt.settings
    env = {
        "DATABASE_URL": settings.database_url,
        "SECRET_KEY": "cli-secret-key-0123456789",
        "TWILIO_ACCOUNT_SID": settings.twilio_account_sid,
        "TWILIO_AUTH_TOKEN": settings.twilio_auth_token,
        "TWILIO_SMS_FROM": settings.twilio_sms_from,
        "PUBLIC_BASE_URL": settings.public_base_url,
    }
    result = runner.invoke(args=["api-token", "ppm_suka"], env=env)
    assert result.exit_code == 0, result.output
    fresh = result.output.strip().splitlines()[-1]
    assert _api(client, fresh, "/api/complaints").status_code == 200
    assert _api(client, token, "/api/complaints").status_code == 200  # several tokens each
    with rt.db.session() as s:
        stored = list(s.scalars(select(ApiToken.token_hash).join(
            Officer, Officer.id == ApiToken.officer_id).where(Officer.username == "ppm_suka")))
    assert len(stored) == 2 and all(fresh not in h and token not in h for h in stored)


def test_the_recap_counts_what_the_officers_queue_shows(rt, client, officer_login) -> None:
    from bot.models import Complaint

    suka = _kelurahan(rt, "Sukamaju", "Kota Bandung")
    codes = [_file(client, f"+62812000000{i:02d}", "Sukamaju") for i in range(5)]
    with rt.db.session() as s:  # three went up to the kota
        for code in codes[:3]:
            s.scalar(select(Complaint).where(Complaint.code == code)).level = "kota"
    officer_login("ppm_suka", "ppm", kelurahan=suka)
    queue = client.get("/complaints/").get_data(as_text=True)
    assert sum(code in queue for code in codes) == 2
    rows = list(csv.reader(io.StringIO(client.get("/complaints/recap/csv").get_data(as_text=True))))
    body = {r[0]: dict(zip(rows[0], r)) for r in rows[1:]}
    assert body["Total"]["Total"] == "2"
