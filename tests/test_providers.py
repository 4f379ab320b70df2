"""What each provider's errors mean, through the registry the generic code asks."""
from __future__ import annotations

import pytest

from bot.providers.registry import PROVIDERS, provider
from bot.send_outcome import FAILED, INVALID_NUMBER, OPTED_OUT, RETRY


@pytest.mark.parametrize(("code", "http_status", "outcome", "slower"), [
    (21610, 400, OPTED_OUT, False),
    (21211, 400, INVALID_NUMBER, False),
    (21614, 400, INVALID_NUMBER, False),
    (21610, None, OPTED_OUT, False),  # a status callback's code: no HTTP status
    (30003, None, RETRY, False),
    (20429, 429, RETRY, True),
    (63018, 400, RETRY, True),
    (None, 503, RETRY, False),
    (None, None, RETRY, False),  # Twilio could not be reached
    (21408, 400, FAILED, False),
    (None, 400, FAILED, False),
])
def test_twilio_error_codes(code, http_status, outcome, slower) -> None:  # type: ignore[no-untyped-def]
    twilio = provider("twilio")
    assert twilio.error_outcome(code, http_status) == outcome
    assert twilio.slow_down(code, http_status) is slower


@pytest.mark.parametrize(("http_status", "outcome", "slower"), [
    (None, RETRY, False), (429, RETRY, True), (502, RETRY, False), (400, FAILED, False),
])
def test_gateway_errors_never_blame_the_number(http_status, outcome, slower) -> None:  # type: ignore[no-untyped-def]
    gateway = provider("smsgate")
    assert gateway.error_outcome(None, http_status) == outcome
    assert gateway.slow_down(None, http_status) is slower
    # A Twilio code a gateway never sends means nothing to it.
    assert gateway.error_outcome(21610, 400) == FAILED


def test_only_the_gateway_delivers_a_webhook_again() -> None:
    assert {name: p.redelivers for name, p in PROVIDERS.items()} == {
        "twilio": False, "smsgate": True}


def test_a_webhook_path_no_provider_reads_is_not_found(client) -> None:  # type: ignore[no-untyped-def]
    assert client.post("/webhooks/nobody", data={"Body": "x"}).status_code == 404
    assert client.post("/webhooks/twilio/other", data={"Body": "x"}).status_code == 404
    assert client.post("/webhooks/smsgate/other", data=b"{}").status_code == 404


def test_every_provider_reads_its_webhook_and_builds_its_sender() -> None:
    from bot.settings import Settings

    for entry in PROVIDERS.values():
        # Unconfigured (the embedded default): no sender of its own.
        assert entry.make_sender(Settings()) is None, entry.name
