"""A seeded fuzz of both Twilio webhooks with signed requests.

Every request carries a valid signature, so each one reaches the parsing and, when it
passes, the hot path. They are Twilio's own forms, some left whole (real texts from a
few residents, so the engine runs dialogs and contacts exist, and some delivered
twice), the rest broken: fields dropped, repeated or added, values replaced by other
shapes, NUL and control characters, odd Unicode, values up to 100 KB, numbers that are
no phone numbers, integers beyond any column. Whatever arrives:

- no answer is a 5xx: a request is either refused with a 400 or answered;
- a message answered 200 is stored, once, under its MessageSid, and nothing refused
  is stored (the stored SIDs are exactly the answered ones);
- a status callback is answered 204 or 400, and leaves only statuses Twilio sends.
"""
from __future__ import annotations

import random
from typing import Any

from sqlalchemy import select
from twilio.request_validator import RequestValidator
from werkzeug.datastructures import MultiDict

from bot.models import Contact, Message
from bot.models import messaging as m
from bot.providers.twilio import TWILIO_STATUSES
from tests.transcript import AUTH_TOKEN, PUBLIC_BASE_URL

SEED = 20261201
REQUESTS = 2000
MESSAGES = "/webhooks/twilio/messages"
STATUS = "/webhooks/twilio/status"
ACCOUNT = "AC" + "0" * 32

RESIDENTS = [f"+62812{n:04d}0000" for n in range(8)] + ["+6285712345678", "+14155550123"]
TEXTS = [
    "MENU", "INFO", "DAFTAR", "ADUAN", "ADUAN jalan rusak di RT 3", "CEK PPM-0001", "RAPAT",
    "MONEV", "BATAL", "BERHENTI", "MULAI", "BAHASA EN", "BAHASA ID", "YA", "TIDAK", "1",
    "2", "3", "4", "5", "9", "0", "Budi Santoso", "Maju Jaya", "Jl. Mawar 12 RT 03/RW 04",
    "19:30", "besok", "Rp 2.500.000", "LEWATI", "SELESAI", "", "   ",
]
ODD = [
    "\x00", "\x01", "\x07", "\x1b", "\x7f", "\r\n", "\t", "\u200b", "\u202e", "\ufeff",
    "\uffff", "\ufffd", "\U0001F600", "\U0010FFFF", "e\u0301", "\u0665", "\uff11",
    "\u00a0", "%00", "&#0;", "\\x00", "'; DROP TABLE message; --", "<Response/>", "\ud7ff",
]
BAD_SENDERS = [
    "messenger:12345", "1-800-FLOWERS", "sms:+6281234567890", "whatsapp:", "+", "0",
    "whatsapp:+62812abc", "+62812345678901234567890", "tel:+6281234567890", "-1",
    "whatsapp:whatsapp:+6281234567890", "+6281234567890\x00", "\U0001F4F1", "null",
]
BAD_INTS = ["", "-1", "0", "1e3", "0x10", "9" * 40, "9" * 5000, "2147483648",
            "-2147483649", "2147483647", "１２", "1_000", " 7 ", "\x00", "NaN"]


def _sid(rng: random.Random, prefix: str = "SM") -> str:
    return prefix + "".join(rng.choice("0123456789abcdef") for _ in range(32))


def _text(rng: random.Random) -> str:
    roll = rng.random()
    if roll < 0.5:
        return rng.choice(TEXTS)
    if roll < 0.8:
        return "".join(rng.choice(ODD + TEXTS) for _ in range(rng.randrange(1, 6)))
    if roll < 0.95:
        return "".join(chr(rng.choice([rng.randrange(1, 0xD800), rng.randrange(0xE000, 0x110000)]))
                       for _ in range(rng.randrange(1, 60)))
    return rng.choice(["x", "\U0001F600", "\x00", "Aduan "]) * rng.randrange(1_000, 25_000)


def _sender(rng: random.Random) -> str:
    number = rng.choice(RESIDENTS)
    return f"whatsapp:{number}" if RESIDENTS.index(number) % 3 == 0 else number


def _inbound(rng: random.Random) -> list[tuple[str, str]]:
    """An inbound message as Twilio posts it."""
    sid = _sid(rng, rng.choice(["SM", "SM", "SM", "MM"]))
    sender = _sender(rng)
    whatsapp = sender.startswith("whatsapp:")
    form = [("ToCountry", "ID"), ("SmsMessageSid", sid), ("NumMedia", "0"), ("SmsSid", sid),
            ("SmsStatus", "received"), ("Body", _text(rng)), ("FromCountry", "ID"),
            ("To", "whatsapp:+14155238886" if whatsapp else "+6281100000000"),
            ("NumSegments", "1"), ("MessageSid", sid), ("AccountSid", ACCOUNT),
            ("From", sender), ("ApiVersion", "2010-04-01")]
    if whatsapp:
        form += [("ProfileName", rng.choice(["Bu Sri", "Pak Budi \U0001F64F", "A" * 300])),
                 ("WaId", sender[len("whatsapp:+"):])]
    if rng.random() < 0.1:
        form = [(k, v) for k, v in form if k != "NumMedia"]
        form += [("NumMedia", "1"), ("MediaUrl0", "https://api.twilio.com/m/ME1.jpg"),
                 ("MediaContentType0", "image/jpeg")]
    return form


def _status(rng: random.Random, sent_sids: list[str]) -> list[tuple[str, str]]:
    """A status callback as Twilio posts it, for a message we sent or another."""
    sid = rng.choice(sent_sids) if rng.random() < 0.6 else _sid(rng)
    status = rng.choice(sorted(TWILIO_STATUSES))
    form = [("SmsSid", sid), ("SmsStatus", status), ("MessageStatus", status),
            ("To", "+6281234567890"), ("MessageSid", sid), ("AccountSid", ACCOUNT),
            ("From", "+15005550006"), ("ApiVersion", "2010-04-01")]
    if status in ("failed", "undelivered"):
        form.append(("ErrorCode", rng.choice(["30003", "30005", "21610", "21211", "30008"])))
    return form


def _garble(rng: random.Random, form: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """One to four of the ways a form can be broken."""
    form = list(form)
    for _ in range(rng.randrange(1, 5)):
        kind = rng.randrange(10)
        names = [k for k, _ in form] or ["MessageSid"]
        if kind == 0 and form:  # a field dropped
            form.pop(rng.randrange(len(form)))
        elif kind == 1:  # a field given twice, with the same value or another
            name = rng.choice(names)
            same = dict(form).get(name, "")
            form.append((name, same if rng.random() < 0.3 else _value(rng)))
        elif kind == 2 and form:  # a value replaced
            i = rng.randrange(len(form))
            form[i] = (form[i][0], _value(rng))
        elif kind == 3:  # the SID in another shape
            sid = dict(form).get("MessageSid") or _sid(rng)
            form = [(k, v) for k, v in form if k != "MessageSid"]
            form.append(("MessageSid", rng.choice([
                sid.upper(), sid[:-1], sid + "0", sid + "NumMedia0", " " + sid, sid + "\x00",
                "SM" + sid[2:-1] + "\x00", "MG" + sid[2:], sid[:2] + "g" * 32, "", "SM",
                "SM" + "\U0001F600" * 32, sid * 3000,
            ])))
        elif kind == 4:  # a sender that is no phone number
            form = [(k, v) for k, v in form if k != "From"] + [("From", rng.choice(BAD_SENDERS))]
        elif kind == 5:  # an integer field out of any range
            name = rng.choice(["NumMedia", "ErrorCode", "NumSegments"])
            form = [(k, v) for k, v in form if k != name] + [(name, rng.choice(BAD_INTS))]
        elif kind == 6:  # a field nobody knows
            form.append((rng.choice(["X", "MediaUrl7", "Body\x00", "\u00dcber", "a" * 200]),
                         _value(rng)))
        elif kind == 7:  # control characters and odd Unicode inside a value
            if form:
                i = rng.randrange(len(form))
                k, v = form[i]
                cut = rng.randrange(len(v) + 1)
                form[i] = (k, v[:cut] + rng.choice(ODD) + v[cut:])
        elif kind == 8:  # a huge value
            name = rng.choice(["Body", "ProfileName", "MediaUrl0", "To", "MessageStatus", "X"])
            form = [(k, v) for k, v in form if k != name]
            form.append((name, rng.choice(["a", "\u00e9", "\x00", "9"]) * rng.randrange(1, 100_000)))
        else:  # SmsMessageSid / SmsSid naming another message
            name = rng.choice(["SmsMessageSid", "SmsSid"])
            form = [(k, v) for k, v in form if k != name] + [(name, _sid(rng))]
    return form


def _value(rng: random.Random) -> str:
    return rng.choice([
        "", " ", "\x00", _text(rng), rng.choice(BAD_INTS), rng.choice(BAD_SENDERS), _sid(rng),
        rng.choice(sorted(TWILIO_STATUSES)).upper(), "exploded", rng.choice(ODD) * 3,
    ])


def _post(client: Any, path: str, form: list[tuple[str, str]]) -> Any:
    data = MultiDict(form)
    signature = RequestValidator(AUTH_TOKEN).compute_signature(PUBLIC_BASE_URL + path, data)
    return client.post(path, data=data, headers={"X-Twilio-Signature": signature})


def _sent_messages(rt: Any, rng: random.Random) -> list[str]:
    """Outbound messages with Twilio SIDs, for the status callbacks to move."""
    sids = [_sid(rng) for _ in range(12)]
    with rt.db.session() as session:
        contact = Contact(phone="+6281299990000", uses_sms=True)
        session.add(contact)
        session.flush()
        for sid in sids:
            session.add(Message(contact_id=contact.id, direction=m.OUT, channel="sms",
                                body="Rapat besok", status=m.SENT, external_id=sid, attempts=1))
    return sids


def test_signed_fuzz_never_fails_and_stores_exactly_what_it_answers(client, rt, run_jobs) -> None:  # type: ignore[no-untyped-def]
    rng = random.Random(SEED)
    sent_sids = _sent_messages(rt, rng)
    answered: set[str] = set()  # MessageSids answered 200
    delivered: list[list[tuple[str, str]]] = []  # whole messages, for retries
    server_errors: list[tuple[str, int, str]] = []
    unexpected: list[tuple[str, int]] = []
    for _ in range(REQUESTS):
        roll = rng.random()
        if roll < 0.3:
            path = STATUS
            form = _status(rng, sent_sids)
            if rng.random() < 0.6:
                form = _garble(rng, form)
        else:
            path = MESSAGES
            if delivered and roll < 0.35:  # Twilio's retry of a message it sent before
                form = rng.choice(delivered)
            else:
                form = _inbound(rng)
                if rng.random() < 0.6:
                    form = _garble(rng, form)
        response = _post(client, path, form)
        code = response.status_code
        if code >= 500:
            server_errors.append((path, code, repr(form)[:300]))
            continue
        if path == STATUS:
            if code not in (204, 400):
                unexpected.append((path, code))
            continue
        if code == 200:
            fields = MultiDict(form)
            # Twilio's older names stand in for a missing MessageSid.
            sid = fields.get("MessageSid") or fields.get("SmsMessageSid") or fields.get("SmsSid")
            answered.add(sid)
            delivered.append(form)
        elif code != 400:
            unexpected.append((path, code))

    assert not server_errors, server_errors[:5]
    assert not unexpected, unexpected[:5]

    run_jobs()  # the workers: every stored message handled, its replies sent
    with rt.db.session() as session:
        stored = session.execute(
            select(Message.external_id, Message.status).where(Message.direction == m.IN)
        ).all()
        outbound = session.execute(
            select(Message.status, Message.error_code).where(Message.external_id.in_(sent_sids))
        ).all()
        contacts = session.execute(select(Contact.phone, Contact.name)).all()
    stored_sids = [row.external_id for row in stored]
    assert len(stored_sids) == len(set(stored_sids))  # each stored once
    assert set(stored_sids) == answered  # every 200 stored, nothing refused stored
    assert len(answered) > 300  # the valid messages did reach the engine
    # The engine and effects took every stored text (a failure would be an apology).
    assert [row for row in stored if row.status != m.HANDLED] == []
    assert {row.status for row in outbound} <= TWILIO_STATUSES
    assert all(row.error_code is None or -(2**31) <= row.error_code < 2**31 for row in outbound)
    assert {c.phone for c in contacts} <= set(RESIDENTS) | {"+6281299990000"}
    assert all(c.name is None or len(c.name) <= 120 for c in contacts)
