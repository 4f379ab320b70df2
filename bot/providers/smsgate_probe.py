"""``ksm-bot smsgate probe --to <number>``: measure operators' content filters (issue 24).

Some Indonesian operators are reported to filter bulk SMS by content (links, OTP-like
wording, long digit runs, words such as "dana"). Whether that reaches SMS sent from an
ordinary SIM through a gateway phone is not known, and cannot be learnt without a real
SIM. This sends a fixed set of probe texts, which differ from a plain one in one thing
each, through the gateway to a test phone, then reads each one's state from the gateway
until it is delivered or failed, or ``wait`` has passed.

How to read it: "Delivered" means the recipient's network reported delivery; "Sent" with
no delivery after the wait is what a silent filter looks like, but a network that sends
no delivery reports looks the same, so the person holding the test phone also says which
probe numbers (P1..P9) arrived. Run it from each SIM/operator the bot uses (``--device``,
``--sim``) to a phone on each operator residents use, and write the figures next to
``bench/RESULTS-sms-wording.md``. Nothing is stored in the bot's database.
"""
from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Callable

import click
from android_sms_gateway import APIClient, Message, TextMessage
from android_sms_gateway.errors import APIError
from requests import RequestException

from bot.command_env import command_settings
from bot.phone import InvalidPhone, normalise
from bot.settings import Settings
from bot.providers.smsgate import gateway_client

# Each probe differs from P1 in what its name says; all are plain GSM-7, one segment.
PROBES = (
    ("P1", "plain", "P1 KSM-bot PNPM: pesan uji, tidak perlu dibalas. Terima kasih."),
    ("P2", "code in groups", "P2 Pengaduan diterima. Kode aduan: 904 294 976. Simpan kode ini. "
                             "Cek status: CEK 904 294 976"),
    ("P3", "code in one run", "P3 Pengaduan diterima. Kode aduan: 904294976. Simpan kode ini. "
                              "Cek status: CEK 904294976"),
    ("P4", "code, no word kode", "P4 Pengaduan diterima: aduan 904 294 976. Cek status: "
                                 "CEK 904 294 976"),
    ("P5", "word dana", "P5 KSM-bot PNPM: dana BLM tahap 2 sudah cair, tidak perlu dibalas."),
    ("P6", "link", "P6 KSM-bot PNPM: pesan uji, tidak perlu dibalas. Info: {link}"),
    ("P7", "date in digits", "P7 KSM-bot PNPM: rapat KSM 09-12-2026 19.30 WIB di balai RW."),
    ("P8", "date in words", "P8 KSM-bot PNPM: rapat KSM Selasa 9 Des 19.30 WIB di balai RW."),
    ("P9", "OTP wording", "P9 ksm-bot: kode verifikasi 123456. Jangan berikan kode ini "
                          "kepada siapa pun."),
)
FINAL = {"Delivered", "Failed"}
VALID_FOR = timedelta(hours=1)  # a phone that is away does not send the probes days later


class ProbeError(Exception):
    """The probe cannot run; the message is one line saying why."""


@dataclass
class ProbeResult:
    name: str
    varies: str
    text: str
    message_id: str | None = None
    state: str = "not sent"
    error: str | None = None


def probe_texts(link: str) -> list[tuple[str, str, str]]:
    """The probes with ``link`` (the bot's own public address, where there is one)."""
    return [(name, varies, text.format(link=link)) for name, varies, text in PROBES]


def probe(settings: Settings, to: str, wait: float = 300.0, every: float = 10.0,
          device_id: str | None = None, sim: int | None = None,
          echo: Callable[[str], None] = print,
          sleep: Callable[[float], None] = time.sleep) -> list[ProbeResult]:
    """Send every probe to ``to`` (E.164) and read their states until final or ``wait``.

    Raises:
        ProbeError: the gateway is not configured or cannot be reached.
    """
    if not settings.smsgate_url or not settings.smsgate_password:
        raise ProbeError("SMSGATE_URL and SMSGATE_PASSWORD are required")
    client = gateway_client(settings.smsgate_url, settings.smsgate_username,
                            settings.smsgate_password)
    link = settings.public_base_url or "https://pnpm.example.id"
    until = datetime.now(timezone.utc) + VALID_FOR
    results = [ProbeResult(name, varies, text) for name, varies, text in probe_texts(link)]
    try:
        for result in results:
            state = client.send(Message(
                phone_numbers=[to], text_message=TextMessage(text=result.text),
                with_delivery_report=True, device_id=device_id, sim_number=sim,
                valid_until=until))
            result.message_id, result.state = state.id, state.state.value
            echo(f"{result.name} sent ({result.varies})")
        waited = 0.0
        while waited < wait and any(r.state not in FINAL for r in results):
            sleep(every)
            waited += every
            for result in results:
                if result.state not in FINAL and result.message_id:
                    _read(client, to, result)
    except APIError as exc:
        raise ProbeError(f"the gateway refused ({exc.status_code}): check SMSGATE_USERNAME "
                         "and SMSGATE_PASSWORD") from None
    except RequestException as exc:
        raise ProbeError(f"the gateway at {settings.smsgate_url} cannot be reached: "
                         f"{exc.__class__.__name__}") from None
    return results


def _read(client: APIClient, to: str, result: ProbeResult) -> None:
    state = client.get_state(result.message_id or "")
    mine = [r for r in state.recipients if r.phone_number in (to, to.lstrip("+"))]
    result.state = (mine[0].state if mine else state.state).value
    result.error = mine[0].error if mine else None


def report(results: list[ProbeResult]) -> str:
    """One line a probe: its number, what it varies, its state (and the gateway's error)."""
    lines = [f"{'probe':5} {'varies':20} state"]
    for r in results:
        lines.append(f"{r.name:5} {r.varies:20} {r.state}" + (f" ({r.error})" if r.error else ""))
    return "\n".join(lines)


@click.command("probe")
@click.option("--to", "to", required=True, help="the test phone's number, e.g. 0812-3456-7890")
@click.option("--wait", default=300, show_default=True, help="seconds to wait for delivery")
@click.option("--device", "device_id", help="the gateway phone to send from (its device id)")
@click.option("--sim", type=click.IntRange(1, 3), help="the SIM slot to send from")
def probe_command(to: str, wait: int, device_id: str | None, sim: int | None) -> None:
    """Send the filter probes (P1..P9) to a test phone and report their delivery."""
    try:
        number = normalise(to)
    except InvalidPhone as exc:
        raise click.BadParameter(str(exc), param_hint="--to") from None
    try:
        results = probe(command_settings(), number, wait=wait, device_id=device_id, sim=sim,
                        echo=click.echo)
    except ProbeError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(report(results))
    click.echo("Ask the person holding the test phone which of P1..P9 arrived: a probe "
               "'Sent' but never 'Delivered' may have been filtered.")
