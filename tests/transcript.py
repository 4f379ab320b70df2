"""A fluent transcript helper: ``phone.send("DAFTAR").expect("Nama KSM")``.

Messages go through the signed Twilio webhook, exactly as Twilio would send them. The
webhook stores the message and queues its handling; the helper then does what a worker
does at once (``bot.messaging.handling.handle_contact``) and reads the replies from the
outbox, where the send jobs take them.
"""
from __future__ import annotations

import re
import uuid
from typing import Any

from twilio.request_validator import RequestValidator

PUBLIC_BASE_URL = "https://bot.example.org"
AUTH_TOKEN = "test-auth-token-0123456789"


def signed_post(client: Any, path: str, form: dict[str, str], token: str = AUTH_TOKEN) -> Any:
    """POST ``form`` to ``path`` with a valid X-Twilio-Signature."""
    signature = RequestValidator(token).compute_signature(PUBLIC_BASE_URL + path, form)
    return client.post(path, data=form, headers={"X-Twilio-Signature": signature})


def handle_and_read_replies(rt: Any, external_id: str) -> list[str]:
    """Handle the stored message ``external_id`` as a worker would, and return the
    replies stored for it (none if it was not stored: spooled, refused)."""
    from sqlalchemy import select

    from bot.db import is_unavailable
    from bot.messaging.handling import handle_contact
    from bot.models import Message

    try:
        with rt.db.session() as session:
            contact_id = session.scalar(select(Message.contact_id)
                                        .where(Message.external_id == external_id))
    except Exception as exc:
        if not is_unavailable(exc):
            raise
        return []  # the database is down (a fault test): the message was spooled
    if contact_id is None:
        return []
    handle_contact(rt, contact_id)
    inbound = Message.__table__.alias("inbound")
    with rt.db.session() as session:
        replies = session.execute(
            select(Message.id, Message.body)
            .join(inbound, Message.reply_to_id == inbound.c.id)
            .where(inbound.c.external_id == external_id, Message.kind == "reply")
            .order_by(Message.id)).all()
    # The fake Twilio's ``notices`` leave out the replies the phone read here.
    rt.extras.setdefault("replies_read", set()).update(r.id for r in replies)
    return [r.body for r in replies]


class Phone:
    """A resident's phone talking to the bot through the webhook."""

    def __init__(self, client: Any, number: str = "+6281234567890", whatsapp: bool = False,
                 to: str = "+6281100000000") -> None:
        self.client = client
        self.number = number
        self.whatsapp = whatsapp
        self.to = to
        self.last: list[str] = []
        self.history: list[tuple[str, list[str]]] = []

    def _address(self, number: str) -> str:
        return f"whatsapp:{number}" if self.whatsapp else number

    def send(self, text: str, sid: str | None = None, **extra: str) -> Phone:
        form = {
            "MessageSid": sid or "SM" + uuid.uuid4().hex,
            "AccountSid": "AC" + "0" * 32,
            "From": self._address(self.number),
            "To": self._address(self.to),
            "Body": text,
            "NumMedia": "0",
            **extra,
        }
        response = signed_post(self.client, "/webhooks/twilio/messages", form)
        assert response.status_code == 200, (response.status_code, response.data)
        rt = self.client.application.extensions["ksm_runtime"]
        self.last = handle_and_read_replies(rt, form["MessageSid"])
        self.history.append((text, self.last))
        return self

    @property
    def reply(self) -> str:
        return "\n".join(self.last)

    def expect(self, *fragments: str) -> Phone:
        """Every fragment (case-insensitive) appears in the last reply."""
        for fragment in fragments:
            assert fragment.lower() in self.reply.lower(), (
                f"expected {fragment!r} in reply to {self.history[-1][0]!r}: {self.reply!r}"
            )
        return self

    def expect_nothing(self) -> Phone:
        """No reply yet (the message was spooled, or waits behind one that failed)."""
        assert self.last == [], (self.history[-1][0], self.last)
        return self

    def expect_not(self, *fragments: str) -> Phone:
        for fragment in fragments:
            assert fragment.lower() not in self.reply.lower(), (fragment, self.reply)
        return self

    def complaint_code(self) -> str:
        """The complaint code the last reply gives (``Kode aduan: 904 294 976``, ``Kode: ...``,
        English ``Code: ...``), as its nine digits: texts write it in groups (issue 24)."""
        found = re.search(r"(?:Kode aduan|Kode|Code): (\d{3} \d{3} \d{3})\b", self.reply)
        assert found, f"no complaint code in {self.reply!r}"
        return found[1].replace(" ", "")

    def expect_match(self, pattern: str) -> re.Match[str]:
        found = re.search(pattern, self.reply)
        assert found, f"no {pattern!r} in {self.reply!r}"
        return found
