"""Masking the personal numbers residents write inside their complaints.

A complainant who stays anonymous often still writes a NIK (the 16-digit national
identity number) or a phone number into the text ("hubungi saya di 0812-3456-7890").
Officers who may not see the complainant (``complaint_queue.shows_identity``) read the
text with those numbers masked, keeping enough to tell two numbers apart and to match a
number the resident reads out on the phone: ``0812****7890``, ``3273********0001``.

One function, :func:`mask`, used by the queue (HTML, JSON API, CSV) and by the logging
filter, so what counts as a number is decided in one place.
"""

from __future__ import annotations

import logging
import re

# A separator residents type between digit groups: space, dot or dash (one at a time).
_SEP = r"[ .\-]?"
# 16 digits, possibly grouped; not part of a longer run of digits.
NIK = re.compile(r"(?<![\w+*])\d(?:" + _SEP + r"\d){15}(?!" + _SEP + r"\d)")
# An Indonesian mobile number: 08.., 628.., +628.. with 8 to 11 digits after the 8.
PHONE = re.compile(
    r"(?<![\w+*])(?:\+62|62|0)" + _SEP + r"8(?:" + _SEP + r"\d){8,11}(?!" + _SEP + r"\d)"
)

_KEEP_END = 4


def _masked(written: str, keep_start: int) -> str:
    digits = "".join(ch for ch in written if ch.isdigit() or ch == "+")
    hidden = len(digits) - keep_start - _KEEP_END
    return digits[:keep_start] + "*" * hidden + digits[-_KEEP_END:]


def _mask_nik(found: re.Match[str]) -> str:
    return _masked(found.group(0), 4)  # the first 4 digits are the province and kota


def _mask_phone(found: re.Match[str]) -> str:
    written = found.group(0)
    # Keep the prefix and the operator's first digits: 0812, 62812, +62812.
    prefix = 1 if written.startswith("0") else 3 if written.startswith("+") else 2
    return _masked(written, prefix + 3)


def mask(text: str) -> str:
    """``text`` with every NIK and Indonesian mobile number in it masked.

    Args:
        text: a complaint, a message body, a log line.

    Returns:
        The same text; each number is written without its separators, its middle
        digits replaced by ``*`` (``0812-3456-7890`` -> ``0812****7890``).
    """
    if not text or not any(ch.isdigit() for ch in text):
        return text
    return PHONE.sub(_mask_phone, NIK.sub(_mask_nik, text))


class MaskingFilter(logging.Filter):
    """A logging filter that masks NIK and phone numbers in each record's message.

    Installed on the process's log handlers (:func:`install`) so that a complaint's text
    or a resident's number that reaches a log line (an error message, a library's debug
    output, the traceback of a failed job) is written masked.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = mask(message)
        if masked != message:
            record.msg, record.args = masked, None
        if record.exc_info and not record.exc_text:
            # The handler's formatter writes exc_text when it is set: the traceback's
            # last line repeats the exception's message (a provider's "The 'To' number
            # +62812... is not valid", a database error's DETAIL).
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = mask(record.exc_text)
        return True


def install(logger: logging.Logger | None = None) -> None:
    """Put one :class:`MaskingFilter` on the log handlers of this process.

    Called by every entry point (the web app, the ``ksm-bot`` command, the RQ worker)
    once its handlers exist. Without ``logger``: the root logger's handlers and those of
    every logger that has its own (gunicorn's, RQ's ``rq.worker`` and ``rq.job``, which
    do not pass their lines to the root); with ``logger``: that logger's handlers.
    """
    if logger is not None:
        loggers = [logger]
    else:
        manager = logging.Logger.manager
        loggers = [logging.getLogger(), *(found for found in list(manager.loggerDict.values())
                                         if isinstance(found, logging.Logger))]
    for each in loggers:
        for handler in each.handlers:
            if not any(isinstance(f, MaskingFilter) for f in handler.filters):
                handler.addFilter(MaskingFilter())
