"""Dates as the bot writes them to residents: ``Selasa 8 Des``, never ``08-12-2026``.

Words read better on a small screen than a run of digits, and a long run of digits is
one of the things some operators' SMS filters are said to look for (issue 24).
"""
from __future__ import annotations

from datetime import date

WEEKDAYS = {"id": ("Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu"),
            "en": ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")}
MONTHS = {"id": ("Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agu", "Sep", "Okt", "Nov",
                 "Des"),
          "en": ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov",
                 "Dec")}


def day_words(day: date, language: str = "id", year: bool = False) -> str:
    """``Selasa 8 Des`` (``Tue 8 Dec``); ``Jumat 1 Jan 2027`` with ``year``."""
    lang = "en" if language == "en" else "id"
    words = f"{WEEKDAYS[lang][day.weekday()]} {day.day} {MONTHS[lang][day.month - 1]}"
    return f"{words} {day.year}" if year else words
