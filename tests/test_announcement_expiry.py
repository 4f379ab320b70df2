"""An announcement's "berlaku sampai": set on the confirmation (default
ANNOUNCEMENT_USEFUL_DAYS), shown on its page; past it, its messages not yet sent expire,
and the progress counts them (Kedaluwarsa) beside sent and failed."""
from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

import pytest

from tests.test_announcements import cell, published
from workers.sweep import sweep

NOW = datetime(2026, 12, 8, 3, 0, tzinfo=timezone.utc)  # 10:00 WIB


@pytest.mark.clock("2026-12-08T10:00:00+07:00")
def test_the_officer_sets_until_when_and_past_it_nothing_more_is_sent(
        rt, client, officer_login, csrf_token, twilio, run_jobs) -> None:  # type: ignore[no-untyped-def]
    ann = published(rt, client, officer_login, csrf_token)
    confirm = client.get(ann["url"] + "/confirm").get_data(as_text=True)
    # Today in Sukamaju (WIB) plus 14 days, and no earlier than today.
    assert 'name="useful_until" value="2026-12-22" min="2026-12-08"' in confirm
    publish = ann["url"] + "/publish"
    too_early = client.post(publish, data={"csrf_token": ann["token"], "messages": "7",
                                           "useful_until": "2026-12-07"})
    assert too_early.status_code == 400
    assert "tidak boleh sebelum hari ini" in too_early.get_data(as_text=True)
    assert "Pengiriman" not in client.get(ann["url"]).get_data(as_text=True)  # still a draft

    # Published for today only; the workers do not run before tomorrow morning.
    assert client.post(publish, data={"csrf_token": ann["token"], "messages": "7",
                                      "useful_until": "2026-12-08"}).status_code == 302
    page = client.get(ann["url"]).get_data(as_text=True)
    assert "Berlaku sampai: <strong>08/12/2026</strong>" in page
    assert (cell(page, "Antre"), cell(page, "Kedaluwarsa")) == ("6", "0")

    tomorrow = NOW + timedelta(days=1)
    rt.extras["clock"] = lambda: tomorrow
    sweep()
    run_jobs()
    announced = [m for m in twilio.messages if "Hasil rapat" in str(m["Body"])]
    assert announced == []
    page = client.get(ann["url"]).get_data(as_text=True)
    assert (cell(page, "Antre"), cell(page, "Terkirim"), cell(page, "Gagal"),
            cell(page, "Kedaluwarsa"), cell(page, "Total")) == ("0", "0", "0", "6", "6")
    progress = client.get(ann["url"] + "/progress").get_json()
    assert progress["done"] is True and progress["state"] == "Selesai dikirim"
    assert progress["summary"] == "Antre 0, Terkirim 0, Diterima 0, Gagal 0, Kedaluwarsa 6"
    # The home page's "sedang dikirim" and its list agree: nothing is sending any more.
    home = client.get("/").get_data(as_text=True)
    found = re.search(r'href="([^"]*sending=1[^"]*)"><b>(\d+)</b>', home)
    assert found and found.group(2) == "0"
    assert "terbit, sedang dikirim" not in client.get(
        found.group(1).replace("&amp;", "&")).get_data(as_text=True)
    # No later sweep sends them.
    rt.extras["clock"] = lambda: tomorrow + timedelta(hours=1)
    sweep()
    run_jobs()
    assert [m for m in twilio.messages if "Hasil rapat" in str(m["Body"])] == []


@pytest.mark.clock("2026-12-08T10:00:00+07:00")
def test_published_with_the_default_date_it_goes_out(
        rt, client, officer_login, csrf_token, twilio, run_jobs) -> None:  # type: ignore[no-untyped-def]
    ann = published(rt, client, officer_login, csrf_token)
    client.post(ann["url"] + "/publish", data={"csrf_token": ann["token"], "messages": "7"})
    run_jobs()
    page = client.get(ann["url"]).get_data(as_text=True)
    assert "Berlaku sampai: <strong>22/12/2026</strong>" in page
    assert (cell(page, "Terkirim"), cell(page, "Kedaluwarsa")) == ("6", "0")
