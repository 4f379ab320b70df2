"""``ksm-bot smsgate probe`` (issue 24): the filter probes go through the gateway to a test
phone, and their delivery states are read back and reported, against the fake gateway."""
from __future__ import annotations

import pytest
from click.testing import CliRunner

from bot.cli import main
from bot.providers.smsgate_probe import PROBES, probe, report
from bot.settings import from_env
from conversations.gsm import non_gsm7_chars, segments
from tests.test_smsgate import _setup_env, fake_smsgate, gateway  # noqa: F401  (fixtures)

TEST_PHONE = "+6281298765432"


def test_the_probes_go_out_and_a_filtered_one_shows_as_failed(gateway) -> None:  # type: ignore[no-untyped-def]
    def reports_arrive(_seconds: float) -> None:
        # The phone's delivery reports: the one with "dana" is refused by the network.
        for sent in gateway.messages:
            text = sent["textMessage"]["text"]
            gateway.states[sent["_id"]] = "Failed" if " dana " in text else "Delivered"

    results = probe(from_env(_setup_env(gateway)), TEST_PHONE, wait=60, every=10,
                    device_id="dev-kelurahan-1", sim=2, echo=lambda _: None,
                    sleep=reports_arrive)
    sent = gateway.messages
    assert [r.name for r in results] == [p[0] for p in PROBES] and len(sent) == len(PROBES)
    for message in sent:
        text = message["textMessage"]["text"]
        assert segments(text) == 1 and not non_gsm7_chars(text), text
        assert message["phoneNumbers"] == [TEST_PHONE] and message["withDeliveryReport"] is True
        assert message["deviceId"] == "dev-kelurahan-1" and message["simNumber"] == 2
        assert message["validUntil"]  # a phone that is away does not send them days later
    assert "https://bot.example.org" in sent[5]["textMessage"]["text"]  # the bot's own link
    states = {r.name: r.state for r in results}
    assert states.pop("P5") == "Failed" and set(states.values()) == {"Delivered"}
    assert "P5    word dana            Failed (RESULT_ERROR_GENERIC_FAILURE)" in report(results)
    # Read once more after the sends, then all were final: no more polling.
    polls = [r for r in gateway.requests if r["method"] == "GET" and "/messages/" in r["path"]]
    assert len(polls) == len(PROBES)


def test_probes_without_a_report_stay_as_the_gateway_last_said(gateway) -> None:  # type: ignore[no-untyped-def]
    waited: list[float] = []
    results = probe(from_env(_setup_env(gateway)), TEST_PHONE, wait=30, every=10,
                    echo=lambda _: None, sleep=waited.append)
    assert waited == [10, 10, 10]  # gave up after ``wait``
    assert {r.state for r in results} == {"Pending"}


def test_the_command_sends_to_the_number_as_typed_and_reports(gateway, tmp_path) -> None:  # type: ignore[no-untyped-def]
    env = _setup_env(gateway, DATABASE_URL=f"sqlite:///{tmp_path / 'x.sqlite3'}")
    result = CliRunner().invoke(main, ["smsgate", "probe", "--to", "0812-9876-5432",
                                       "--wait", "0"], env=env)
    assert result.exit_code == 0, result.output
    assert {tuple(m["phoneNumbers"]) for m in gateway.messages} == {(TEST_PHONE,)}
    for name, varies, _ in PROBES:
        assert f"{name:5} {varies:20} Pending" in result.output
    assert "which of P1..P9 arrived" in result.output


@pytest.mark.parametrize(("args", "change", "message"), [
    (["--to", "halo"], {}, "--to"),
    (["--to", "08129876543"], {"SMSGATE_URL": "", "SMSGATE_PASSWORD": ""},
     "SMSGATE_URL and SMSGATE_PASSWORD are required"),
    (["--to", "08129876543"], {"SMSGATE_URL": "http://127.0.0.1:9/3rdparty/v1"}, "cannot be reached"),
])
def test_the_command_says_in_one_line_what_is_wrong(gateway, tmp_path, args, change, message) -> None:  # type: ignore[no-untyped-def]
    env = _setup_env(gateway, DATABASE_URL=f"sqlite:///{tmp_path / 'x.sqlite3'}", **change)
    result = CliRunner().invoke(main, ["smsgate", "probe", "--wait", "0", *args], env=env)
    assert result.exit_code != 0 and message in result.output, result.output
    assert not gateway.messages
