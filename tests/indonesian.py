"""What gives away English (or a Python value) in text an officer reads.

``tests/conftest.py`` holds every flash message of every test to it; the page scan in
``tests/test_officer_indonesian.py`` holds every dashboard page and CSV to it.
"""
from __future__ import annotations

import html
import re

# Words that are not Indonesian and that English interface text can hardly avoid. Not
# "no" (``No.`` is Indonesian for nomor) nor names of things kept in English by the
# program (SMS, WhatsApp, Token, Job, Status, Total, Simulator, template, ping).
GIVEAWAYS = frozenset("""
    the is are was were be been and not of to with for from must please this that these
    only already such missing error errors invalid required field submit saved created
    updated deleted failed success successfully login logout password username page
    found forbidden allowed request you your cannot unknown none null true false yes
    expired characters enter choose select wrong there name phone date created member
    gender role code kind level overdue amount anonymous accused location response reason
    text channel verified resolved rejected new waiting forming submitted eligible
""".split())
WORD = re.compile(r"[A-Za-z]+")  # created_at is "created" and "at"
TAG = re.compile(r"<script\b.*?</script>|<style\b.*?</style>|<[^>]+>", re.S | re.I)


def english_words(text: str) -> set[str]:
    """The giveaway words in ``text`` (case ignored)."""
    return {w for w in WORD.findall(text) if w.lower() in GIVEAWAYS}


def visible_text(page: str) -> str:
    """What a person reads on an HTML page: no tags, no attribute values, entities decoded."""
    return html.unescape(TAG.sub(" ", page))
