"""Phone numbers as residents write them (0812-3456-7890, +62 812..., 62812...) -> E.164."""
from __future__ import annotations

import re
from functools import lru_cache

import phonenumbers

DEFAULT_REGION = "ID"
WHATSAPP_PREFIX = "whatsapp:"
# A contact whose number was erased (HAPUS DATA, bot.privacy.erasure) keeps its row
# with ``hapus:<id>`` instead of a number; it reads as ERASED_LABEL everywhere.
ERASED_PREFIX = "hapus:"
ERASED_LABEL = "(dihapus)"

# Digits and the separators people put between them. phonenumbers alone also reads
# keypad letters (1-800-FLOWERS) and drops what it does not know (messenger:12345 ->
# +6212345), turning what is no phone number into someone's number.
_WRITTEN_NUMBER = re.compile(r"\+?[0-9 \u00a0().\-]+")


class InvalidPhone(ValueError):
    """Not a phone number we can write to."""


# Parsing is the dearest step of reading a webhook, and residents write again and
# again from the same few thousand numbers.
@lru_cache(maxsize=16384)
def normalise(raw: str, region: str = DEFAULT_REGION) -> str:
    """E.164 form of ``raw``; a ``whatsapp:`` prefix is dropped.

    Only digits with an optional leading ``+`` and spaces, dashes, dots or brackets
    between them are a number: letters and other prefixes (``messenger:``, ``tel:``)
    are not.

    Raises:
        InvalidPhone: when ``raw`` is not a possible number.
    """
    value = (raw or "").strip()
    if value.lower().startswith(WHATSAPP_PREFIX):
        value = value[len(WHATSAPP_PREFIX):]
    if not _WRITTEN_NUMBER.fullmatch(value):
        raise InvalidPhone(f"not a phone number: {raw!r}")
    digits = "".join(ch for ch in value if ch.isdigit())
    if value.startswith("62") or (digits.startswith("62") and not value.startswith(("0", "+"))):
        value = "+" + digits
    try:
        number = phonenumbers.parse(value, region)
    except phonenumbers.NumberParseException as exc:
        raise InvalidPhone(f"not a phone number: {raw!r}") from exc
    if not phonenumbers.is_possible_number(number):
        raise InvalidPhone(f"not a possible phone number: {raw!r}")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


# A sender as Twilio writes it: E.164 (+ and up to 15 digits), for WhatsApp after
# "whatsapp:". Nothing else is a resident's phone: not a short code, not another
# channel's address (messenger:...), and not 2147483648, which normalise() would read
# as a Jakarta landline.
_TWILIO_ADDRESS = re.compile(r"(?:whatsapp:)?\+[1-9][0-9]{5,14}")


def typed_number(raw: str, region: str = DEFAULT_REGION) -> str:
    """E.164 form of a number an officer typed (an import, a form): it must be a number
    that exists in its country's numbering plan, not only one of a possible length
    (``0812222`` once became ``+620812222``).

    Raises:
        InvalidPhone: when ``raw`` is not a valid number.
    """
    e164 = normalise(raw, region)
    if not phonenumbers.is_valid_number(phonenumbers.parse(e164)):
        raise InvalidPhone(f"not a valid phone number: {raw!r}")
    return e164


def twilio_sender(address: str) -> str:
    """E.164 number of a Twilio ``From`` address (``+6281...`` or ``whatsapp:+6281...``).

    Raises:
        InvalidPhone: when ``address`` is not written as Twilio writes a phone number,
            or is not a possible number.
    """
    if not _TWILIO_ADDRESS.fullmatch(address):
        raise InvalidPhone(f"not a phone number: {address!r}")
    return normalise(address)


def display(e164: str) -> str:
    """How an Indonesian reads the number: 0812-3456-7890."""
    if e164.startswith(ERASED_PREFIX):
        return ERASED_LABEL
    try:
        number = phonenumbers.parse(e164, DEFAULT_REGION)
    except phonenumbers.NumberParseException:
        return e164
    if number.country_code == 62:
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def mask(e164: str) -> str:
    """A number with its middle hidden, for places that must not show it whole."""
    if e164.startswith(ERASED_PREFIX):
        return ERASED_LABEL
    if len(e164) < 8:
        return "***"
    return e164[:5] + "*" * (len(e164) - 8) + e164[-3:]
