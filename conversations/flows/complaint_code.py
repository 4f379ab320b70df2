"""Complaint tracking codes: random digits plus a Damm check digit.

The Damm check digit catches every single mistyped digit and every swap of two
adjacent digits, which are the mistakes people make on a keypad. The digits before it
come from :mod:`secrets`, so one complaint's code says nothing about another's.
"""

from __future__ import annotations

import secrets

RANDOM_DIGITS = 8
CODE_LENGTH = RANDOM_DIGITS + 1

# The quasigroup of order 10 from Damm (2004), weakly totally anti-symmetric.
_DAMM = (
    (0, 3, 1, 7, 5, 9, 8, 6, 4, 2),
    (7, 0, 9, 2, 1, 5, 4, 8, 6, 3),
    (4, 2, 0, 6, 8, 7, 1, 3, 5, 9),
    (1, 7, 5, 0, 9, 8, 3, 4, 2, 6),
    (6, 1, 2, 3, 0, 4, 5, 9, 7, 8),
    (3, 6, 7, 4, 2, 0, 9, 5, 8, 1),
    (5, 8, 6, 9, 7, 2, 0, 1, 3, 4),
    (8, 9, 4, 5, 3, 6, 2, 0, 1, 7),
    (9, 4, 3, 8, 6, 1, 7, 2, 0, 5),
    (2, 5, 8, 1, 4, 3, 6, 7, 9, 0),
)


def _interim(digits: str) -> int:
    state = 0
    for ch in digits:
        state = _DAMM[state][int(ch)]
    return state


def check_digit(digits: str) -> str:
    """The Damm check digit of ``digits``."""
    return str(_interim(digits))


def is_valid(code: str) -> bool:
    """True when ``code`` is digits only, of the right length, and its check digit fits."""
    return len(code) == CODE_LENGTH and code.isdigit() and _interim(code) == 0


def new_code() -> str:
    """A fresh random code; the caller makes sure it is not taken yet."""
    body = "".join(str(secrets.randbelow(10)) for _ in range(RANDOM_DIGITS))
    return body + check_digit(body)


def clean(text: str) -> str:
    """The digits a resident typed, without spaces, dots or dashes (``1234-5678 9``)."""
    return "".join(ch for ch in text if ch.isdigit())


def grouped(code: str) -> str:
    """``904 294 976`` for ``904294976``: a complaint code as texts write it, in three
    groups of three. Nine digits in a row read like a one-time password to the content
    filters some operators run on bulk SMS, and groups are easier to copy on a keypad;
    residents may type it back either way (:func:`clean`). Anything that is not a
    complaint code (a KSM code, "-") is returned as it is."""
    digits = clean(code)
    if len(digits) != CODE_LENGTH or digits != "".join(code.split()):
        return code
    return " ".join(digits[i:i + 3] for i in range(0, CODE_LENGTH, 3))
