"""The message catalogue: every text a resident reads, in Indonesian and English.

Flows declare their texts with :func:`define` at import time (pure data, no I/O).
:func:`render` writes two parameters the same way in every text: ``{ksm}`` without a
leading "KSM", and ``{code}``, when it is a complaint code, in groups of three
(``904 294 976``, issue 24). Each text declares its SMS segment budget;
``tests/test_catalogue.py`` renders every text with its example parameters and fails on
a non-GSM-7 character or a text over budget.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Mapping

from conversations.flows.complaint_code import grouped

LANGUAGES = ("id", "en")
DEFAULT_LANGUAGE = "id"


@dataclass(frozen=True)
class Text:
    """One catalogue entry.

    Attributes:
        id: Indonesian text, ``str.format`` placeholders allowed.
        en: English text.
        segments: SMS segment budget; more than 1 needs a reason in a comment.
        example: sample values for the placeholders, as long as real ones get.
    """

    id: str
    en: str
    segments: int = 1
    example: Mapping[str, object] = field(default_factory=dict)


_TEXTS: dict[str, Text] = {}


def define(texts: Mapping[str, Text]) -> None:
    """Add ``texts`` to the catalogue; a key may be defined once only."""
    for key, text in texts.items():
        if key in _TEXTS and _TEXTS[key] != text:
            raise ValueError(f"catalogue key defined twice: {key}")
        _TEXTS[key] = text


def entries() -> dict[str, Text]:
    """All catalogue entries, for tests and tooling."""
    return dict(_TEXTS)


def render(key: str, language: str = DEFAULT_LANGUAGE, **params: object) -> str:
    """The text ``key`` in ``language`` (falling back to Indonesian) with ``params``."""
    text = _TEXTS[key]
    template = text.en if language == "en" else text.id
    if not params:
        return template
    if "ksm" in params:  # every text writes "KSM {ksm}"
        params = {**params, "ksm": ksm_name(str(params["ksm"]))}
    if "code" in params:  # a complaint code in groups, "904 294 976"; KSM codes as they are
        params = {**params, "code": grouped(str(params["code"]))}
    return template.format(**params)


_KSM_WORD = re.compile(r"\s*ksm\b[\s.:-]*", re.IGNORECASE)


def ksm_name(name: str) -> str:
    """A KSM's name without the word "KSM" that residents often start it with: texts
    and pages write "KSM {name}", and "KSM KSM Mawar" reads as a mistake."""
    rest = _KSM_WORD.sub("", name, count=1) if _KSM_WORD.match(name) else name
    return rest.strip() or name


def ksm_title(name: str) -> str:
    """``KSM Mawar`` for a KSM named ``Mawar`` or ``KSM Mawar``."""
    return f"KSM {ksm_name(name)}"
