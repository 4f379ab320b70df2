"""An admin ties a gateway phone to a kelurahan by its official code, on the jobs page
or with ``ksm-bot smsgate assign``; SMS then leave from that kelurahan's phone."""
from __future__ import annotations

import logging
from datetime import datetime, timedelta, timezone
from typing import Any

from bot.models import Kelurahan
from tests.conftest import _csrf
from tests.test_smsgate import (  # noqa: F401 - fixtures
    app,
    event,
    fake_smsgate,
    gateway,
    post,
)
from tests.test_smsgate_devices import RESIDENT, devices, notices, ping, set_device

NORTH, SOUTH = "32.73.14.1004", "32.73.14.1005"


def areas(rt: Any) -> dict[str, int]:
    with rt.db.session() as session:
        rows = [Kelurahan(code=NORTH, name="Utara", kota="Kota Bandung", provinsi="Jawa Barat"),
                Kelurahan(code=SOUTH, name="Selatan", kota="Kota Bandung", provinsi="Jawa Barat")]
        session.add_all(rows)
        session.flush()
        return {r.code: r.id for r in rows}


def assign(client: Any, device: str, code: str) -> Any:
    token = _csrf(client.get("/admin/jobs/").data)
    return client.post("/admin/jobs/phones/kelurahan", follow_redirects=True,
                       data={"device_id": device, "kelurahan_code": code, "csrf_token": token})


def test_an_admin_assigns_a_phone_on_the_jobs_page_and_a_reply_follows(client, rt, officer_login, run_jobs, gateway, caplog) -> None:  # type: ignore[no-untyped-def]
    caplog.set_level(logging.INFO, logger="bot.gateway_devices")
    ids = areas(rt)
    for device in ("dev-a", "dev-b", "dev-c"):
        ping(client, device)
    officer_login("root", "admin")
    for device, code in (("dev-a", NORTH), ("dev-b", SOUTH), ("dev-c", NORTH)):
        page = assign(client, device, code).get_data(as_text=True)
        assert f"Ponsel {device} sekarang melayani kelurahan" in page
    assert {d: row.kelurahan_id for d, row in devices(rt).items()} == {
        "dev-a": ids[NORTH], "dev-b": ids[SOUTH], "dev-c": ids[NORTH]}
    assert "gateway phone dev-b: kelurahan none -> 32.73.14.1005 Selatan, by officer root" \
        in caplog.text
    page = client.get("/admin/jobs/").get_data(as_text=True)
    assert f"Selatan <code>{SOUTH}</code>" in page

    # dev-a takes a resident's SMS, then falls silent: the reply leaves from dev-c, the
    # other phone of its kelurahan, not from dev-b.
    post(client, event("sms:received", {"messageId": "x", "message": "MENU",
                                        "phoneNumber": RESIDENT}, device="dev-a"))
    later = datetime.now(timezone.utc) + timedelta(minutes=20)
    set_device(rt, "dev-b", last_ping_at=later)
    set_device(rt, "dev-c", last_ping_at=later)
    rt.extras["clock"] = lambda: later
    run_jobs()
    [sent] = gateway.messages
    assert sent["deviceId"] == "dev-c" and sent["phoneNumbers"] == [RESIDENT]

    # Unassigned (empty code), dev-c no longer counts as North's.
    assert "melayani semua kelurahan" in assign(client, "dev-c", "").get_data(as_text=True)
    assert devices(rt)["dev-c"].kelurahan_id is None


def test_unknown_phone_or_code_is_refused_with_the_reason(client, rt, officer_login) -> None:  # type: ignore[no-untyped-def]
    ids = areas(rt)
    ping(client, "dev-a")
    officer_login("root", "admin")
    page = assign(client, "dev-a", "32.73.99.9999").get_data(as_text=True)
    assert "Tidak ada kelurahan dengan kode &#39;32.73.99.9999&#39;" in page
    page = assign(client, "dev-zz", NORTH).get_data(as_text=True)
    assert "Ponsel &#39;dev-zz&#39; tidak dikenal" in page
    assert devices(rt)["dev-a"].kelurahan_id is None
    assert ids


def test_only_an_admin_may_assign(client, rt, officer_login) -> None:  # type: ignore[no-untyped-def]
    areas(rt)
    ping(client, "dev-a")
    officer_login("bkm1", "bkm")
    token = _csrf(client.get("/").data)
    refused = client.post("/admin/jobs/phones/kelurahan",
                          data={"device_id": "dev-a", "kelurahan_code": NORTH, "csrf_token": token})
    assert refused.status_code == 403
    assert devices(rt)["dev-a"].kelurahan_id is None


def test_the_cli_assigns_and_unassigns(client, rt, runner, run_jobs, gateway, caplog) -> None:  # type: ignore[no-untyped-def]
    caplog.set_level(logging.INFO, logger="bot.gateway_devices")
    ids = areas(rt)
    ping(client, "dev-a")
    ping(client, "dev-b")
    result = runner.invoke(args=["smsgate", "assign", "dev-b", SOUTH])
    assert result.exit_code == 0, result.output
    assert result.output == f"gateway phone dev-b: kelurahan Selatan ({SOUTH})\n"
    assert "gateway phone dev-b: kelurahan none -> 32.73.14.1005 Selatan, by cli" in caplog.text
    # A notice to a resident of Selatan leaves from its phone.
    notices(rt, 3, kelurahan_id=ids[SOUTH])
    run_jobs()
    assert [m["deviceId"] for m in gateway.messages] == ["dev-b"] * 3

    unknown = runner.invoke(args=["smsgate", "assign", "dev-x", SOUTH])
    assert unknown.exit_code == 1 and "Ponsel 'dev-x' tidak dikenal" in unknown.output
    bad_code = runner.invoke(args=["smsgate", "assign", "dev-b", "99.99"])
    assert bad_code.exit_code == 1 and "Tidak ada kelurahan dengan kode '99.99'" in bad_code.output
    neither = runner.invoke(args=["smsgate", "assign", "dev-b"])
    assert neither.exit_code == 2 and "KELURAHAN_CODE or --none" in neither.output
    both = runner.invoke(args=["smsgate", "assign", "dev-b", SOUTH, "--none"])
    assert both.exit_code == 2

    cleared = runner.invoke(args=["smsgate", "assign", "dev-b", "--none"])
    assert cleared.exit_code == 0 and cleared.output == "gateway phone dev-b: no kelurahan\n"
    assert devices(rt)["dev-b"].kelurahan_id is None
