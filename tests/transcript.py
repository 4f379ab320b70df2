"""A fluent transcript helper: ``phone.send("DAFTAR").expect("Nama KSM")``.

Messages go through the signed Twilio webhook, exactly as Twilio would send them.
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


def replies_of(response: Any) -> list[str]:
    """The <Message> texts of a TwiML answer."""
    from xml.etree import ElementTree

    root = ElementTree.fromstring(response.data)
    return [m.text or "" for m in root.findall("Message")]


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
        self.last = replies_of(response)
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

    def expect_not(self, *fragments: str) -> Phone:
        for fragment in fragments:
            assert fragment.lower() not in self.reply.lower(), (fragment, self.reply)
        return self

    def expect_match(self, pattern: str) -> re.Match[str]:
        found = re.search(pattern, self.reply)
        assert found, f"no {pattern!r} in {self.reply!r}"
        return found
