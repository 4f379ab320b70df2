"""Wording that survives operators' filters (issue 24): a complaint code is written in
groups of three (``904 294 976``) and read back however a resident types it; a status
date is written in words (``Selasa 9 Des``), not as a run of digits; the texts that
changed cost no more SMS segments than before."""
from __future__ import annotations

from datetime import date

import pytest

import conversations.engine  # noqa: F401  (loads the engine's texts)
from conversations.catalogue import entries, render
from conversations.dates_written import day_words
from conversations.engine import Engine
from conversations.flows.complaint_check import status_reply
from conversations.flows.complaint_code import grouped
from conversations.gsm import non_gsm7_chars, segments
from conversations.model import Conversation, Inbound
from conversations.registry import default_registry
from tests.test_smsgate import app, fake_smsgate, gateway, sms  # noqa: F401  (fixtures)

default_registry()

CODE = "904294976"  # a valid code (its Damm check digit fits)
TYPED_BACK = ("CEK 904294976", "CEK 904 294 976", "cek 904-294-976", "CEK904294976",
              "cek 904.294.976", "Cek 904 294976")
RESIDENT = "+6281234567890"


def test_a_complaint_code_is_written_in_three_groups_of_three() -> None:
    assert grouped("904294976") == "904 294 976"
    assert grouped("904 294 976") == "904 294 976"  # already grouped: the same
    # Anything that is not a complaint code is left as it is (KSM codes, dashes).
    for other in ("48213", "-", "12345678", "1234567890", "abc"):
        assert grouped(other) == other


def test_every_text_naming_a_complaint_code_writes_it_in_groups() -> None:
    for key, text in entries().items():
        if "{code}" not in text.id or len(str(text.example.get("code", ""))) < 9:
            continue
        for language in ("id", "en"):
            written = render(key, language, **{**text.example, "code": CODE})
            assert "904 294 976" in written and CODE not in written, (key, written)


def test_a_ksm_code_is_left_whole() -> None:
    text = render("ksm.joined", "id", ksm="Mawar", code="48213")
    assert "kode 48213" in text


class _Directory:
    """The one complaint of this number, code ``CODE``."""

    def __init__(self) -> None:
        self.asked: list[str] = []

    def own_complaint(self, code):  # type: ignore[no-untyped-def]
        self.asked.append(code)
        if code != CODE:
            return None
        return {"status": "in_follow_up", "date": date(2026, 12, 8), "response": None}

    def own_complaint_codes(self):  # type: ignore[no-untyped-def]
        return [CODE]

    def complaint_check_misses(self) -> int:
        return 0


@pytest.mark.parametrize("typed", TYPED_BACK)
def test_cek_reads_the_code_however_it_is_typed(typed: str) -> None:
    directory = _Directory()
    outcome = Engine().handle(Conversation(), Inbound(text=typed), directory)
    assert directory.asked == [CODE], (typed, directory.asked)
    text = render(outcome.replies[0].key, "id", **outcome.replies[0].params)
    assert text.startswith("Aduan 904 294 976: sedang ditindaklanjuti (Selasa 8 Des)"), text


@pytest.mark.parametrize("typed", ["904 294 976", "904-294-976", "904294976"])
def test_the_code_asked_for_is_read_in_groups_too(typed: str) -> None:
    directory = _Directory()
    directory.own_complaint_codes = lambda: []  # type: ignore[method-assign]
    asked = Engine().handle(Conversation(), Inbound(text="CEK"), directory)
    assert asked.replies[0].key == "complaint.check.ask_code"
    outcome = Engine().handle(Conversation(dialog=asked.dialog), Inbound(text=typed), directory)
    assert directory.asked == [CODE] and outcome.replies[0].key == "complaint.check.status"


def test_a_status_date_reads_as_words() -> None:
    assert day_words(date(2026, 12, 8)) == "Selasa 8 Des"
    assert day_words(date(2026, 12, 8), "en") == "Tue 8 Dec"
    assert day_words(date(2027, 1, 1), year=True) == "Jumat 1 Jan 2027"
    for language, written in (("id", "(Selasa 8 Des)"), ("en", "(Tue 8 Dec)")):
        reply = status_reply(language, CODE, {"status": "resolved", "date": date(2026, 12, 8),
                                               "response": "Sudah diperbaiki."})
        text = render(reply.key, language, **reply.params)
        assert written in text and "2026" not in text, text


def test_a_status_date_of_another_year_says_the_year() -> None:
    reply = status_reply("id", CODE, {"status": "resolved", "date": date(2025, 12, 30),
                                      "year": True, "response": None})
    assert "(Selasa 30 Des 2025)" in render(reply.key, "id", **reply.params)


def _ungrouped(key: str, language: str) -> str:
    """The text as it was written before issue 24: the code as nine digits in a row."""
    text = entries()[key]
    template = text.en if language == "en" else text.id
    return template.format(**{**text.example, "code": CODE, "date": "08-12-2026"})


@pytest.mark.parametrize("key", sorted(k for k, t in entries().items()
                                       if "{code}" in t.id and k.startswith("complaint.")))
@pytest.mark.parametrize("language", ["id", "en"])
def test_grouping_adds_no_segment(key: str, language: str) -> None:
    example = {**entries()[key].example, "code": CODE}
    if "date" in example:
        example["date"] = day_words(date(2026, 12, 8), language)
    after = render(key, language, **example)
    assert segments(after) <= segments(_ungrouped(key, language)), (key, after)
    assert not non_gsm7_chars(after)


@pytest.mark.clock("2026-12-08T09:30:00+07:00")
def test_through_the_gateway_a_resident_gets_the_grouped_code_and_types_it_back_any_way(
        client, rt, run_jobs, gateway) -> None:  # type: ignore[no-untyped-def]
    from sqlalchemy import select

    from bot.models import Complaint

    assert sms(client, "ADUAN dana BLM tahap 2 dipotong ketua KSM").status_code == 200
    run_jobs()
    with rt.db.session() as session:
        code = session.scalars(select(Complaint.code)).one()
    written = grouped(code)
    receipt = _texts(gateway)[0]
    assert f"Kode aduan: {written}." in receipt and f"CEK {written}" in receipt, receipt
    assert code not in receipt
    sms(client, "BATAL")
    run_jobs()
    forms = (f"CEK {code}", f"CEK {written}", f"cek {written.replace(' ', '-')}",
             f"CEK{code}", f"cek {written.replace(' ', '.')}")
    for typed in forms:
        assert sms(client, typed).status_code == 200
        run_jobs()
    answers = _texts(gateway)[-len(forms):]
    for typed, answer in zip(forms, answers):
        assert answer.startswith(f"Aduan {written}: baru diterima (Selasa 8 Des)."), (typed, answer)
    for text in _texts(gateway):
        assert segments(text) == 1 and not non_gsm7_chars(text), text


def _texts(gateway) -> list[str]:  # type: ignore[no-untyped-def]
    return [m["textMessage"]["text"] for m in gateway.messages if m["phoneNumbers"] == [RESIDENT]]
