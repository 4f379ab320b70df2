"""For a resident reachable by SMS and by WhatsApp, an unprompted message (a notice, a
reminder, an announcement) goes the cheapest way: WhatsApp text inside the 24-hour
window, else the cheaper of the kind's approved template and SMS (segments x the SMS
provider's price); a tie goes to the channel the resident wrote on last. A reply stays
on the channel the resident wrote on (issue 24)."""
from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from bot.channels import (KEEP_CHANNEL_KINDS, SMS_FALLBACK, SMSGATE, TEMPLATE, TEXT, TWILIO,
                          Prices, Reach, choose_route, keeps_channel, last_channel, route_cost)
from bot.officers.notify import ALERT_KIND
from bot.officers.phone_verification import CODE_KIND
from bot.settings import Settings
from conversations.gsm import segments

NOW = datetime(2026, 12, 1, 3, 0, tzinfo=UTC)  # 10.00 WIB
INSIDE = NOW - timedelta(hours=2)
OUTSIDE = NOW - timedelta(days=3)
TEMPLATE_SID = "HX" + "a" * 32
SHORT = "Rapat KSM Melati besok Selasa jam 19.30 di Balai RW 05."
LONG = ("Hasil rapat prioritas BKM Sukamaju 2026: 1 Perbaikan jalan setapak RT 03 (KSM "
        "Melati); 2 Pelatihan menjahit (KSM Mawar); 3 Saluran air RW 05 (KSM Anggrek). "
        "Alasan lengkap di papan pengumuman kelurahan. Tanya: balas TANYA isi pertanyaan. "
        "Keberatan: balas SANGGAH isi keberatan. Usulan yang belum terpilih dapat diajukan "
        "lagi tahun depan; hubungi BKM atau fasilitator kelurahan untuk bantuan.")
# Gateway SMS Rp 150 a segment, Twilio SMS Rp 350, WhatsApp text Rp 100.
PRICES = Prices(whatsapp_session=100.0, whatsapp_template=500.0, sms_gateway=150.0,
                sms_twilio=350.0)
BOTH = Reach(uses_sms=True, uses_whatsapp=True)
GATEWAY = (SMSGATE, None)


def route(channel: str = "sms", last_whatsapp_at: datetime | None = INSIDE, body: str = SHORT,
          content_sid: str | None = TEMPLATE_SID, kind: str = "notice", reach: Reach = BOTH,
          prices: Prices = PRICES,
          sms: tuple[str, str | None] = GATEWAY):  # type: ignore[no-untyped-def]
    return choose_route(channel, last_whatsapp_at, NOW, body, content_sid=content_sid,
                        sms=sms, kind=kind, reach=reach, prices=prices)


def test_the_texts_are_as_long_as_the_tests_say() -> None:
    assert segments(SHORT) == 1 and segments(LONG) == 3


def test_inside_the_window_a_resident_on_both_gets_whatsapp() -> None:
    # Queued for SMS (ksm.notice_channel gives a resident on both SMS): WhatsApp is cheaper.
    chosen = route("sms", INSIDE)
    assert (chosen.channel, chosen.via, chosen.body) == ("whatsapp", TEXT, SHORT)


def test_outside_the_window_a_cheap_template_beats_sms() -> None:
    chosen = route("sms", OUTSIDE, prices=replace(PRICES, whatsapp_template=100.0))
    assert (chosen.channel, chosen.via, chosen.content_sid) == ("whatsapp", TEMPLATE, TEMPLATE_SID)


def test_outside_the_window_an_expensive_template_loses_to_a_one_segment_sms() -> None:
    chosen = route("whatsapp", OUTSIDE)  # template Rp 500 against 1 x Rp 150
    assert (chosen.channel, chosen.via, chosen.provider) == ("sms", TEXT, SMSGATE)


def test_a_three_segment_text_goes_by_template_when_that_is_cheaper() -> None:
    prices = replace(PRICES, whatsapp_template=400.0)  # against 3 x Rp 150 = Rp 450
    assert route("sms", OUTSIDE, body=LONG, prices=prices).via == TEMPLATE
    # By Twilio SMS, 3 x Rp 350 against a Rp 500 template: the template; 1 x Rp 350: SMS.
    assert route("sms", OUTSIDE, body=LONG, sms=(TWILIO, None)).via == TEMPLATE
    assert route("sms", OUTSIDE, body=SHORT, sms=(TWILIO, None)).channel == "sms"
    # A short one through the gateway: SMS.
    assert route("sms", OUTSIDE, body=SHORT, prices=prices).channel == "sms"


def test_without_a_template_outside_the_window_it_is_sms() -> None:
    chosen = route("whatsapp", OUTSIDE, content_sid=None,
                   prices=replace(PRICES, whatsapp_template=1.0))
    assert (chosen.channel, chosen.provider) == ("sms", SMSGATE)


@pytest.mark.parametrize("last, expected", [("whatsapp", "whatsapp"), ("sms", "sms")])
def test_a_tie_goes_to_the_channel_the_resident_used_last(last: str, expected: str) -> None:
    # Template Rp 300 against 2 segments x Rp 150.
    two = SHORT + " " + SHORT + " " + SHORT
    assert segments(two) == 2
    prices = replace(PRICES, whatsapp_template=300.0)
    for queued in ("sms", "whatsapp"):
        chosen = route(queued, OUTSIDE, body=two, prices=prices,
                       reach=replace(BOTH, last_channel=last))
        assert chosen.channel == expected, queued
    # Inside the window, WhatsApp text at the SMS's price.
    chosen = route("sms", INSIDE, prices=replace(PRICES, whatsapp_session=150.0),
                   reach=replace(BOTH, last_channel=last))
    assert chosen.channel == expected


def test_a_tie_with_no_channel_known_keeps_the_queued_one() -> None:
    prices = replace(PRICES, whatsapp_session=150.0)
    assert route("sms", INSIDE, prices=prices).channel == "sms"
    assert route("whatsapp", INSIDE, prices=prices).channel == "whatsapp"


def test_sms_wins_inside_the_window_when_whatsapp_costs_more() -> None:
    chosen = route("whatsapp", INSIDE, prices=replace(PRICES, whatsapp_session=200.0))
    assert (chosen.channel, chosen.provider) == ("sms", SMSGATE)


def test_a_reply_stays_on_the_channel_the_resident_wrote_on() -> None:
    # Wrote by SMS, inside the WhatsApp window (WhatsApp would be cheaper): SMS.
    assert route("sms", INSIDE, kind="reply").channel == "sms"
    # Wrote by WhatsApp (SMS would be cheaper): WhatsApp.
    chosen = route("whatsapp", INSIDE, kind="reply", prices=replace(PRICES, whatsapp_session=900.0))
    assert chosen.channel == "whatsapp"
    # Unless WhatsApp cannot reach them: outside the window without a template, SMS.
    chosen = route("whatsapp", OUTSIDE, kind="reply", content_sid=None)
    assert (chosen.channel, chosen.via) == ("sms", SMS_FALLBACK)
    # An officer's code and alerts go on the channel the officer chose.
    for kind in ("officer_code", "officer_alert", "officer_reply"):
        assert keeps_channel(kind)
        assert route("sms", INSIDE, kind=kind).channel == "sms"


def test_a_resident_on_one_channel_is_not_rerouted() -> None:
    sms_only = Reach(uses_sms=True, uses_whatsapp=False)
    assert route("sms", INSIDE, reach=sms_only).channel == "sms"
    whatsapp_only = Reach(uses_sms=False, uses_whatsapp=True)
    # Outside the window, template dearer than SMS: still the template (as before).
    assert route("whatsapp", OUTSIDE, reach=whatsapp_only).via == TEMPLATE


def test_the_channel_used_last_is_read_from_the_contacts_times() -> None:
    # Receiving sets last_seen_at on every message and last_whatsapp_at on WhatsApp ones
    # (bot.inbound_store), with the same instant.
    assert last_channel(None, None) is None
    assert last_channel(None, OUTSIDE) == "sms"
    assert last_channel(OUTSIDE, OUTSIDE) == "whatsapp"
    assert last_channel(OUTSIDE, INSIDE) == "sms"
    reach = Reach.of(True, True, OUTSIDE, OUTSIDE)
    assert (reach.both, reach.last_channel) == (True, "whatsapp")


def test_the_cost_of_a_route_is_its_segments_times_its_providers_price() -> None:
    assert route_cost(route("sms", OUTSIDE, body=LONG, content_sid=None), PRICES) == 450.0
    assert route_cost(route("sms", OUTSIDE, body=LONG, content_sid=None, sms=(TWILIO, None)),
                      PRICES) == 1050.0
    assert route_cost(route("sms", INSIDE, body=LONG), PRICES) == 100.0
    assert route_cost(route("sms", OUTSIDE, body=LONG,
                            prices=replace(PRICES, whatsapp_template=400.0)), PRICES) == 500.0


def test_the_prices_are_the_settings() -> None:
    settings = Settings(smsgate_price_per_segment=175.0, sms_price_per_segment=400.0,
                        whatsapp_price_per_message=90.0, whatsapp_template_price=450.0)
    assert Prices.of(settings) == Prices(whatsapp_session=90.0, whatsapp_template=450.0,
                                         sms_gateway=175.0, sms_twilio=400.0)


def test_the_kinds_that_keep_their_channel_are_the_ones_queued() -> None:
    assert {ALERT_KIND, CODE_KIND, "reply", "officer_reply"} == set(KEEP_CHANNEL_KINDS)
