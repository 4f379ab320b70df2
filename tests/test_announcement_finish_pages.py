"""The announcement's confirmation says when sending will finish with the gateway
phones online and their limits, quiet hours included; the progress says it again
from what is still open (issue 24)."""
from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from bot.models import GatewayDevice, Kelurahan
from tests.test_announcements import published

# A Tuesday, thirty seconds before the quiet hours in Jakarta.
EVENING = "2026-12-01T20:59:30+07:00"


def gateway_phone(rt, device_id: str) -> None:  # type: ignore[no-untyped-def]
    with rt.db.session() as session:
        kelurahan = session.scalar(select(Kelurahan.id).where(Kelurahan.name == "Sukamaju"))
        session.add(GatewayDevice(device_id=device_id, kelurahan_id=kelurahan,
                                  last_ping_at=datetime.now(UTC)))


@pytest.mark.clock(EVENING)
def test_the_confirmation_and_the_progress_say_when_it_will_be_done(
        rt, client, officer_login, csrf_token) -> None:  # type: ignore[no-untyped-def]
    ann = published(rt, client, officer_login, csrf_token)
    rt.settings = replace(rt.settings, sms_provider="smsgate", smsgate_url="http://gateway.test",
                          smsgate_rate_per_minute=10.0, quiet_hours=True)
    page = client.get(ann["url"] + "/confirm").get_data(as_text=True)
    assert "tidak ada ponsel gateway yang aktif" in page
    gateway_phone(rt, "dev-a")
    page = client.get(ann["url"] + "/confirm").get_data(as_text=True)
    # 7 SMS at 10 a minute: 5 before 21:00, the last 2 from 06:00 on Wednesday.
    assert "selesai sekitar Rabu 06.00 WIB" in page, page
    client.post(ann["url"] + "/publish", data={"csrf_token": ann["token"], "messages": "7"})
    # Nothing sent yet: the 6 members' messages, 5 before 21:00, 1 at 06:00.
    assert client.get(ann["url"] + "/progress").get_json()["finish"] == \
        "selesai sekitar Rabu 06.00 WIB"
    assert "selesai sekitar Rabu 06.00 WIB" in client.get(ann["url"]).get_data(as_text=True)
    # A second phone halves the time: all 6 before 21:00.
    gateway_phone(rt, "dev-b")
    assert client.get(ann["url"] + "/progress").get_json()["finish"] == \
        "selesai sekitar Selasa 21.00 WIB"
