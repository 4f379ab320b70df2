"""Phone numbers as residents and Twilio write them, and what is not a phone number."""
from __future__ import annotations

import pytest

from bot.phone import InvalidPhone, normalise, twilio_sender


@pytest.mark.parametrize("written", [
    "0812-3456-7890", "+62 812 3456 7890", "6281234567890", "62 812-3456-7890",
    "(0812) 3456-7890", "0812.3456.7890", "0812\u00a03456\u00a07890", "+6281234567890",
    "whatsapp:+6281234567890", " 081234567890 ",
])
def test_numbers_as_residents_write_them(written: str) -> None:
    assert normalise(written) == "+6281234567890"


def test_a_foreign_number_keeps_its_country() -> None:
    assert normalise("+1 415 523 8886") == "+14155238886"


@pytest.mark.parametrize("written", [
    "messenger:12345",  # another channel's address, not a number
    "sms:+6281234567890", "tel:+6281234567890", "whatsapp:messenger:12345",
    "1-800-FLOWERS",  # letters spell digits on a keypad; no resident writes that
    "0812-3456-789O",  # the letter O, not a zero
    "+62 812 3456 7890 ext 5", "0812\x003456\x007890", "0812\t34567890", "",
    "whatsapp:", "+", "hello",
])
def test_what_is_not_a_phone_number(written: str) -> None:
    with pytest.raises(InvalidPhone):
        normalise(written)


@pytest.mark.parametrize(("address", "e164"), [
    ("+6281234567890", "+6281234567890"), ("whatsapp:+6281234567890", "+6281234567890"),
    ("+14155238886", "+14155238886"),
])
def test_twilio_senders(address: str, e164: str) -> None:
    assert twilio_sender(address) == e164


@pytest.mark.parametrize("address", [
    "2147483648",  # normalise would read it as a Jakarta landline: Twilio writes E.164
    "6281234567890", "081234567890", "+62 812 3456 7890", "+62-812-3456-7890",
    "WhatsApp:+6281234567890", "whatsapp: +6281234567890", "messenger:12345", "12345",
    "+6281234567890 ", "+62812345678901234567890", "+0812345678",
])
def test_what_twilio_never_writes_as_a_sender(address: str) -> None:
    with pytest.raises(InvalidPhone):
        twilio_sender(address)
