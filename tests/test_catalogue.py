"""Every resident-facing text is plain GSM-7 and within its SMS segment budget."""
from __future__ import annotations

import pytest

import conversations.engine  # noqa: F401  (loads the engine's texts)
from conversations.catalogue import entries, render
from conversations.engine import Engine
from conversations.gsm import non_gsm7_chars, segments
from conversations.model import Conversation, Inbound
from conversations.registry import default_registry

default_registry()  # every flow module defines its texts on import

ALL = sorted(entries().items())


@pytest.mark.parametrize(("key", "text"), ALL, ids=[k for k, _ in ALL])
@pytest.mark.parametrize("language", ["id", "en"])
def test_text_is_gsm7_within_budget(key: str, text, language: str) -> None:  # type: ignore[no-untyped-def]
    rendered = render(key, language, **text.example)  # as residents get it: codes grouped
    assert not non_gsm7_chars(rendered), f"{key}/{language}: {non_gsm7_chars(rendered)}"
    assert segments(rendered) <= text.segments, (
        f"{key}/{language} is {segments(rendered)} segments, budget {text.segments}: {rendered!r}"
    )


@pytest.mark.parametrize("language", ["id", "en"])
def test_the_real_menu_fits_its_budget(language: str) -> None:
    from bot.messaging.handling import render_replies

    outcome = Engine().handle(Conversation(language=language), Inbound(text="MENU"))
    text = render_replies(outcome.replies, language, {})[0]
    assert not non_gsm7_chars(text)
    assert segments(text) <= entries()[outcome.replies[0].key].segments


def test_segment_arithmetic() -> None:
    assert segments("a" * 160) == 1
    assert segments("a" * 161) == 2
    assert segments("a" * 306) == 2
    assert segments("é" * 160) == 1  # é is in GSM-7
    assert segments("\u2019" + "a" * 69) == 1  # a curly quote forces UCS-2: 70 per segment
    assert segments("\u2019" + "a" * 70) == 2
    assert segments("[" * 80) == 1 and segments("[" * 81) == 2  # extension chars count twice


def test_a_ksm_named_with_the_word_ksm_is_not_called_ksm_twice() -> None:
    from conversations.catalogue import ksm_title

    text = render("rapat.next", "id", ksm="KSM Mawar", when="Sabtu 19.30", place="balai")
    assert "KSM Mawar" in text and "KSM KSM" not in text
    assert render("rapat.next", "id", ksm="Mawar", when="x", place="y") == render(
        "rapat.next", "id", ksm="ksm. Mawar", when="x", place="y")
    assert [ksm_title(n) for n in ("KSM Mawar", "Mawar", "Ksm-Jaya")] == [
        "KSM Mawar", "KSM Mawar", "KSM Jaya"]
