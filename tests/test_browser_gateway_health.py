"""An admin reads the gateway phones' delivery on the jobs page in a real browser, at
phone (390 px) and laptop width (tests/browser_harness.py: no sideways scrolling, no JS
error, tap targets of 44 px and no serious axe violation at 390 px): a dual-SIM phone
with a long device id, its figures per SIM and kind (announcements beside messages),
and a phone flagged for failing."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest
from sqlalchemy import update

from bot.models import GatewayDevice
from tests.broadcasting import broadcast_to, residents
from tests.browser_harness import browser, chrome, make_officer, served  # noqa: F401
from tests.test_gateway_health import report, send_notices
from tests.test_smsgate import app, fake_smsgate, gateway  # noqa: F401 - fixtures
from tests.test_smsgate_devices import ping

LONG_ID = "ffffffffceb0b1db0000018e937c815b"


@pytest.mark.clock("2026-11-18T10:00:00+07:00")
def test_an_admin_reads_each_phones_delivery_and_its_flags(browser, app, rt, run_jobs,  # type: ignore[no-untyped-def]
                                                           gateway) -> None:
    client = app.test_client()
    ping(client, LONG_ID)
    ping(client, "dev-b")
    for n, record in enumerate(send_notices(rt, run_jobs, gateway, 6)):
        report(client, "sms:delivered" if n % 3 else "sms:failed", record, 1 + n // 3)
    before = len(gateway.messages)
    broadcast_to(rt, residents(rt, 4))
    run_jobs()
    for record in gateway.messages[before:]:
        report(client, "sms:delivered", record, 2)
    with rt.db.session() as session:
        session.execute(update(GatewayDevice).where(GatewayDevice.device_id == "dev-b")
                        .values(recent_failures=7, last_failed_at=datetime.now(timezone.utc)))
    make_officer(rt, "root", "admin")
    browser.login("root").get("/admin/jobs/")
    text = browser.text()
    assert "Pengiriman per ponsel" in text and "Perlu diperiksa (1 ponsel)" in text
    assert "gagal mengirim 7 kali berturut-turut" in text
    assert "937c815b" in text and "Pemberitahuan" in text and "Pengumuman" in text
