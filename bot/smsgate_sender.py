"""Sending SMS through SMS Gateway for Android's API with its own client.

The gateway's API (cloud ``https://api.sms-gate.app/3rdparty/v1``, a private server, or
the phone's local server) takes a message and answers at once with its id and state
``Pending``; the phone sends it later and reports ``sms:sent``/``sms:delivered``/
``sms:failed`` to the webhook (``bot.web.smsgate``). Errors become :class:`SendError`
so the send job's retry schedule and leases (``workers.outbound``) apply unchanged:
5xx, 429, timeouts and an unreachable server are retried; any other 4xx fails the
message with the gateway's reason.
"""
from __future__ import annotations

import logging
from typing import Any

import requests
from android_sms_gateway import APIClient, Message, TextMessage
from android_sms_gateway.errors import APIError
from android_sms_gateway.http import RequestsHttpClient

from bot.senders import Outgoing, SendError
from bot.smsgate_events import SENT_KEY

log = logging.getLogger(__name__)


class _TimedSession(requests.Session):
    """A requests session with a timeout on every call: the client sets none, and a
    hung server would hold the send job past its lease."""

    def __init__(self, timeout: float) -> None:
        super().__init__()
        self.timeout = timeout

    def request(self, method: str, url: str,  # type: ignore[override]
                *args: Any, **kwargs: Any) -> Any:
        kwargs.setdefault("timeout", self.timeout)
        return super().request(method, url, *args, **kwargs)


def gateway_client(url: str, username: str | None, password: str,
                   timeout: float = 10.0) -> APIClient:
    """The real ``android-sms-gateway`` client for ``url``: Basic auth with a username,
    else ``password`` is a token (Bearer)."""
    http = RequestsHttpClient(session=_TimedSession(timeout))
    return APIClient(username, password, base_url=url, http=http)


class SmsGateSender:
    """Sends SMS through one gateway account (all its phones)."""

    def __init__(self, url: str, username: str | None, password: str,
                 timeout: float = 10.0) -> None:
        self.client = gateway_client(url, username, password, timeout)

    def send(self, message: Outgoing) -> str:
        request = Message(
            phone_numbers=[message.to],
            text_message=TextMessage(text=message.body),
            with_delivery_report=True,
            device_id=message.device_id,
        )
        try:
            state = self.client.send(request)
        except APIError as exc:
            status = exc.status_code
            raise SendError(f"gateway refused: {_reason(exc)}", code=None,
                            http_status=status) from exc
        except (requests.RequestException, OSError) as exc:
            raise SendError(f"gateway unreachable: {exc}", code=None, http_status=None) from exc
        # Stored under this key (message.external_id): what its delivery reports name.
        return SENT_KEY + state.id


def _reason(exc: APIError) -> str:
    """The gateway's own message when its error body has one."""
    body = exc.response if isinstance(exc.response, dict) else {}
    return str(body.get("message") or body.get("error") or exc)[:200]
