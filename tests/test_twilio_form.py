"""Signed but malformed Twilio requests: a clear 400 with nothing stored, or a normal
answer with the message stored once. Never a 500."""
from __future__ import annotations

import uuid

import pytest
from sqlalchemy import func, select
from twilio.request_validator import RequestValidator
from werkzeug.datastructures import MultiDict

from bot.models import Contact, Message
from tests.transcript import AUTH_TOKEN, PUBLIC_BASE_URL, handle_and_read_replies, signed_post

MESSAGES = "/webhooks/twilio/messages"
STATUS = "/webhooks/twilio/status"


def _sid() -> str:
    return "SM" + uuid.uuid4().hex


def captured(sid: str, sender: str = "+6281234567890", body: str = "MENU") -> dict[str, str]:
    """An inbound SMS as Twilio posts it (its fields and their order)."""
    return {
        "ToCountry": "ID", "ToState": "", "SmsMessageSid": sid, "NumMedia": "0",
        "ToCity": "", "FromZip": "", "SmsSid": sid, "FromState": "", "SmsStatus": "received",
        "FromCity": "", "Body": body, "FromCountry": "ID", "To": "+6281100000000",
        "ToZip": "", "NumSegments": "1", "MessageSid": sid, "AccountSid": "AC" + "0" * 32,
        "From": sender, "ApiVersion": "2010-04-01",
    }


def _rows(rt, *where) -> int:  # type: ignore[no-untyped-def]
    with rt.db.session() as session:
        return session.scalar(select(func.count()).select_from(Message).where(*where))


def _refused(response, reason: bytes) -> None:  # type: ignore[no-untyped-def]
    assert response.status_code == 400, (response.status_code, response.data)
    assert response.mimetype == "text/plain"
    assert response.data == reason + b"\n"


def test_a_captured_request_with_a_moved_field_boundary_is_refused(client, rt) -> None:  # type: ignore[no-untyped-def]
    # Twilio signs URL + name1 + value1 + name2 + value2 ... with no separator.
    sid = _sid()
    form = {"AccountSid": "AC" + "0" * 32, "Body": "ADUAN jalan rusak",
            "From": "+6281234567890", "MessageSid": sid, "NumMedia": "0",
            "To": "+6281100000000"}
    url = PUBLIC_BASE_URL + MESSAGES
    signature = RequestValidator(AUTH_TOKEN).compute_signature(url, form)
    first = client.post(MESSAGES, data=form, headers={"X-Twilio-Signature": signature})
    assert first.status_code == 200
    # The attacker replays the captured bytes with NumMedia=0 folded into MessageSid:
    # the signed string is the same, so the captured signature still fits.
    moved = {k: v for k, v in form.items() if k != "NumMedia"}
    moved["MessageSid"] = sid + "NumMedia0"
    assert RequestValidator(AUTH_TOKEN).validate(url, moved, signature)
    replay = client.post(MESSAGES, data=moved, headers={"X-Twilio-Signature": signature})
    _refused(replay, b"MessageSid is not a Twilio message SID")
    assert _rows(rt, Message.direction == "in") == 1


def test_the_same_move_on_twilio_s_full_form_is_refused(client, rt) -> None:  # type: ignore[no-untyped-def]
    sid = _sid()
    form = captured(sid)
    url = PUBLIC_BASE_URL + MESSAGES
    signature = RequestValidator(AUTH_TOKEN).compute_signature(url, form)
    assert client.post(MESSAGES, data=form,
                       headers={"X-Twilio-Signature": signature}).status_code == 200
    moved = {k: v for k, v in form.items() if k != "NumMedia"}
    moved["MessageSid"] = sid + "NumMedia0"
    assert RequestValidator(AUTH_TOKEN).validate(url, moved, signature)
    replay = client.post(MESSAGES, data=moved, headers={"X-Twilio-Signature": signature})
    assert replay.status_code == 400
    assert _rows(rt, Message.direction == "in") == 1


@pytest.mark.parametrize("sid", [
    "SM1", "SMdup0001", "SM" + "A" * 32,  # Twilio writes its hex in lowercase
    "SM" + "g" * 32, "SM" + "a" * 31, "SM" + "a" * 33, "MG" + "a" * 32, "AC" + "a" * 32,
    " SM" + "a" * 32, "SM" + "a" * 32 + " ",
])
def test_a_message_sid_of_another_shape_is_refused(client, rt, sid: str) -> None:  # type: ignore[no-untyped-def]
    form = captured(sid)
    _refused(signed_post(client, MESSAGES, {**form, "SmsMessageSid": sid, "SmsSid": sid}),
             b"MessageSid is not a Twilio message SID")
    assert _rows(rt) == 0


def test_mms_and_sms_sids_are_both_messages(client, rt) -> None:  # type: ignore[no-untyped-def]
    for sid in ("SM" + "0123456789abcdef" * 2, "MM" + "fedcba9876543210" * 2):
        assert signed_post(client, MESSAGES, captured(sid)).status_code == 200
    assert _rows(rt, Message.direction == "in") == 2


def test_a_nul_or_control_character_in_message_sid_is_refused(client, rt) -> None:  # type: ignore[no-untyped-def]
    for bad in ("\x00", "\x1f", "\x7f"):
        sid = _sid()[:-1] + bad
        _refused(signed_post(client, MESSAGES, {"MessageSid": sid, "From": "+6281234567890",
                                                "Body": "MENU"}),
                 b"MessageSid has control characters")
    assert _rows(rt) == 0


@pytest.mark.parametrize("alias", ["SmsMessageSid", "SmsSid"])
def test_sms_sid_aliases_must_name_the_same_message(client, rt, alias: str) -> None:  # type: ignore[no-untyped-def]
    form = {**captured(_sid()), alias: _sid()}
    _refused(signed_post(client, MESSAGES, form), alias.encode() + b" differs from MessageSid")
    assert _rows(rt) == 0


def test_a_field_twilio_sends_once_given_twice_is_refused(client, rt) -> None:  # type: ignore[no-untyped-def]
    form = captured(_sid())
    url = PUBLIC_BASE_URL + MESSAGES
    data = list(form.items()) + [("From", "+6281299999999")]
    signature = RequestValidator(AUTH_TOKEN).compute_signature(url, MultiDict(data))
    response = client.post(MESSAGES, data=MultiDict(data), headers={"X-Twilio-Signature": signature})
    _refused(response, b"From given more than once")
    assert _rows(rt) == 0


@pytest.mark.parametrize("sender", [
    "messenger:12345", "1-800-FLOWERS", "sms:+6281234567890", "whatsapp:+62812345678x",
    "+6281234567890\x00", "whatsapp:messenger:12345", "2147483648", "6281234567890",
])
def test_a_sender_that_is_no_phone_number_is_refused(client, rt, sender: str) -> None:  # type: ignore[no-untyped-def]
    _refused(signed_post(client, MESSAGES, captured(_sid(), sender=sender)),
             b"From is not a phone number")
    assert _rows(rt) == 0
    with rt.db.session() as session:
        assert session.scalar(select(func.count()).select_from(Contact)) == 0


def test_a_long_whatsapp_profile_name_is_cut_to_fit_and_answered(client, rt) -> None:  # type: ignore[no-untyped-def]
    limit = Contact.__table__.c.name.type.length
    name = "Bu Sri Wahyuningsih " * 40  # 800 characters
    form = {**captured(_sid(), sender="whatsapp:+6281234567890"), "ProfileName": name,
            "To": "whatsapp:+14155238886", "WaId": "6281234567890"}
    response = signed_post(client, MESSAGES, form)
    assert response.status_code == 200
    replies = handle_and_read_replies(rt, form["MessageSid"])
    assert replies and "gangguan" not in replies[0]
    with rt.db.session() as session:
        assert session.execute(select(Contact.name)).scalar_one() == name[:limit].rstrip()
        inbound = session.execute(select(Message).where(Message.direction == "in")).scalar_one()
        assert inbound.status == "handled"


def test_a_long_profile_name_from_a_known_contact_is_answered(client, rt) -> None:  # type: ignore[no-untyped-def]
    sender = "whatsapp:+6281234567890"
    first = captured(_sid(), sender=sender)
    assert signed_post(client, MESSAGES, first).status_code == 200
    form = {**captured(_sid(), sender=sender), "ProfileName": "\u0100" * 5000}
    response = signed_post(client, MESSAGES, form)
    assert response.status_code == 200
    assert "gangguan" not in handle_and_read_replies(rt, form["MessageSid"])[0]
    assert _rows(rt, Message.direction == "in", Message.status == "handled") == 2


def _status(client, **form: str):  # type: ignore[no-untyped-def]
    return signed_post(client, STATUS, {"AccountSid": "AC" + "0" * 32, **form})


@pytest.fixture
def sent_message(rt) -> tuple[int, str]:  # type: ignore[no-untyped-def]
    from bot.outbox import queue_message

    sid = "SM" + "5" * 32
    with rt.db.session() as session:
        contact = Contact(phone="+6281200000001")
        session.add(contact)
        session.flush()
        message_id = queue_message(session, contact.id, "sms", "Rapat besok")
        session.get(Message, message_id).external_id = sid
        session.get(Message, message_id).status = "sent"
    return message_id, sid


def _message_status(rt, message_id: int) -> tuple[str, int | None]:  # type: ignore[no-untyped-def]
    with rt.db.session() as session:
        message = session.get(Message, message_id)
        return message.status, message.error_code


@pytest.mark.parametrize("code", ["2147483648", "-2147483649", "9" * 30, "1" * 5000])
def test_an_error_code_beyond_a_32_bit_integer_is_refused(client, rt, sent_message, code: str) -> None:  # type: ignore[no-untyped-def]
    message_id, sid = sent_message
    response = _status(client, MessageSid=sid, MessageStatus="failed", ErrorCode=code)
    _refused(response, b"ErrorCode is out of range")
    assert _message_status(rt, message_id) == ("sent", None)


def test_an_error_code_at_the_edge_is_kept(client, rt, sent_message) -> None:  # type: ignore[no-untyped-def]
    message_id, sid = sent_message
    response = _status(client, MessageSid=sid, MessageStatus="failed", ErrorCode="2147483647")
    assert response.status_code == 204
    assert _message_status(rt, message_id) == ("failed", 2147483647)


@pytest.mark.parametrize(("field", "value", "reason"), [
    ("MessageSid", "SM" + "5" * 31 + "\x00", b"MessageSid has control characters"),
    ("MessageSid", "SM" + "5" * 32 + "\x00", b"MessageSid has control characters"),
    ("MessageStatus", "delivered\x00", b"MessageStatus has control characters"),
    ("MessageStatus", "\x00", b"MessageStatus has control characters"),
    ("MessageStatus", "exploded", b"unknown MessageStatus"),
    ("MessageSid", "SMabc", b"MessageSid is not a Twilio message SID"),
    ("ErrorCode", "12\x00", b"ErrorCode is not a number"),
    ("ErrorCode", "thirty", b"ErrorCode is not a number"),
])
def test_a_bad_status_field_is_refused(client, rt, sent_message, field: str, value: str,  # type: ignore[no-untyped-def]
                                       reason: bytes) -> None:
    message_id, sid = sent_message
    form = {"MessageSid": sid, "MessageStatus": "delivered", field: value}
    _refused(_status(client, **form), reason)
    assert _message_status(rt, message_id) == ("sent", None)


def test_status_sid_aliases_must_name_the_same_message(client, rt, sent_message) -> None:  # type: ignore[no-untyped-def]
    message_id, sid = sent_message
    response = _status(client, MessageSid=sid, SmsSid="SM" + "6" * 32, MessageStatus="delivered",
                       SmsStatus="delivered")
    _refused(response, b"SmsSid differs from MessageSid")
    assert _message_status(rt, message_id) == ("sent", None)
    ok = _status(client, MessageSid=sid, SmsSid=sid, MessageStatus="delivered",
                 SmsStatus="delivered")
    assert ok.status_code == 204 and _message_status(rt, message_id) == ("delivered", None)


def test_every_status_twilio_documents_is_taken(client, rt, sent_message) -> None:  # type: ignore[no-untyped-def]
    _, sid = sent_message
    for status in ("accepted", "scheduled", "canceled", "queued", "sending", "sent",
                   "receiving", "received", "delivered", "undelivered", "failed", "read",
                   "partially_delivered"):
        assert _status(client, MessageSid=sid, MessageStatus=status).status_code == 204, status


def test_an_overlong_media_url_is_not_stored_and_the_message_is(client, rt) -> None:  # type: ignore[no-untyped-def]
    # Twilio's own media URLs are about 150 characters; one signed request carried 1.9 MB.
    photo = "https://api.twilio.com/2010-04-01/Accounts/AC0/Messages/MM0/Media/ME0"
    form = {**captured(_sid(), sender="whatsapp:+6281234567890", body="ADUAN jalan rusak"),
            "NumMedia": "2", "MediaUrl0": "https://x.example/" + "a" * 2_000_000,
            "MediaContentType0": "image/jpeg" + "x" * 5_000,
            "MediaUrl1": photo, "MediaContentType1": "image/jpeg"}
    response = signed_post(client, MESSAGES, form)
    assert response.status_code == 200
    with rt.db.session() as session:
        inbound = session.execute(select(Message).where(Message.direction == "in")).scalar_one()
        assert inbound.body == "ADUAN jalan rusak"
        assert inbound.media == [{"url": photo, "type": "image/jpeg"}]
