"""A phone typed into the dashboard's simulator, with the transcript interface."""
from __future__ import annotations

from typing import Any

from tests.conftest import _csrf
from tests.transcript import Phone


class SimPhone(Phone):
    """A phone typed into the dashboard's simulator (same interface as ``Phone``);
    ``whatsapp``: the officer picked WhatsApp as the channel."""

    def __init__(self, client: Any, number: str, whatsapp: bool = False) -> None:
        super().__init__(client, number=number, whatsapp=whatsapp)
        self.token = _csrf(client.get("/simulator/").data)

    def post(self, text: str, channel: str | None = None) -> Any:
        channel = channel or ("whatsapp" if self.whatsapp else "sms")
        return self.client.post("/simulator/send",
                                data={"phone": self.number, "text": text, "channel": channel},
                                headers={"X-CSRFToken": self.token})

    def send(self, text: str, sid: str | None = None, **extra: str) -> SimPhone:
        response = self.post(text)
        assert response.status_code == 200, (response.status_code, response.data)
        self.last = response.get_json()["replies"]
        self.history.append((text, self.last))
        return self

    def thread(self) -> list[dict[str, Any]]:
        number = self.number.replace("+", "%2B")
        response = self.client.get(f"/simulator/thread?phone={number}")
        assert response.status_code == 200, response.data
        return response.get_json()["messages"]
