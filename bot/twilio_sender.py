"""Sending through Twilio's REST API with the real ``twilio`` client; its errors become
:class:`~bot.senders.SendError`, which ``bot.providers`` maps to an outcome."""
from __future__ import annotations

from typing import Any

from bot.senders import Outgoing, SendError


class TwilioSender:
    """Sends through the real ``twilio`` client.

    Args:
        account_sid, auth_token: the account.
        sms_from: an SMS number, used when no messaging service is set.
        messaging_service_sid: a Messaging Service (preferred for SMS when set).
        whatsapp_from: the ``whatsapp:+...`` sender.
        api_base_url: send to this base URL instead of api.twilio.com (tests, staging).
    """

    def __init__(
        self,
        account_sid: str,
        auth_token: str,
        sms_from: str | None = None,
        messaging_service_sid: str | None = None,
        whatsapp_from: str | None = None,
        api_base_url: str | None = None,
        timeout: float = 10.0,
    ) -> None:
        from twilio.rest import Client

        self.sms_from = sms_from
        self.messaging_service_sid = messaging_service_sid
        self.whatsapp_from = whatsapp_from
        http_client = _http_client(api_base_url, timeout)
        self.client = Client(account_sid, auth_token, http_client=http_client)

    def send(self, message: Outgoing) -> str:
        from twilio.base.exceptions import TwilioException, TwilioRestException

        params: dict[str, Any] = {"to": message.to}
        if message.channel == "whatsapp":
            if not self.whatsapp_from:
                raise SendError("no WhatsApp sender configured", code=None, http_status=400)
            params["to"] = "whatsapp:" + message.to
            params["from_"] = self.whatsapp_from
        elif self.messaging_service_sid:
            params["messaging_service_sid"] = self.messaging_service_sid
        else:
            params["from_"] = self.sms_from
        if message.content_sid:
            params["content_sid"] = message.content_sid
            if message.content_variables:
                params["content_variables"] = message.content_variables
        else:
            params["body"] = message.body
        if message.media_urls:
            params["media_url"] = list(message.media_urls)
        if message.status_callback:
            params["status_callback"] = message.status_callback
        try:
            created = self.client.messages.create(**params)
        except TwilioRestException as exc:
            raise SendError(str(exc.msg), code=exc.code, http_status=exc.status) from exc
        except (TwilioException, OSError) as exc:
            raise SendError(f"Twilio unreachable: {exc}", code=None, http_status=None) from exc
        return str(created.sid)


def _http_client(api_base_url: str | None, timeout: float) -> Any:
    from twilio.http.http_client import TwilioHttpClient

    class _Client(TwilioHttpClient):
        def request(self, method, url, *args, **kwargs):  # type: ignore[no-untyped-def]
            if api_base_url:
                for host in ("https://api.twilio.com", "https://messaging.twilio.com"):
                    if url.startswith(host):
                        url = api_base_url.rstrip("/") + url[len(host):]
            try:
                return super().request(method, url, *args, **kwargs)
            except OSError:
                raise
            except Exception as exc:  # requests' connection errors
                from twilio.base.exceptions import TwilioException

                raise TwilioException(str(exc)) from exc

    return _Client(timeout=timeout)
