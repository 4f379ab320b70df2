"""``ksm-bot smsgate setup``: connect a gateway account to this bot in one command.

After installing SMS Gateway for Android on the phone (and, in cloud or private mode,
noting the username and password it shows), this registers the bot's webhook for
every event it acts on, gives the gateway the signing key, and checks ``/health``.
Running it again changes nothing: a webhook already registered for the bot's URL is
kept.
"""
from __future__ import annotations

from typing import Callable

from android_sms_gateway import DeviceSettings, SettingsWebhooks, Webhook
from android_sms_gateway.enums import HealthStatus, WebhookEvent
from android_sms_gateway.errors import APIError
from requests import RequestException

from bot.settings import Settings
from bot.providers.smsgate import gateway_client

# What the bot acts on (bot.web.webhooks, bot.providers.smsgate); system:ping tells it the phone is alive.
EVENTS = (WebhookEvent.SMS_RECEIVED, WebhookEvent.SMS_SENT, WebhookEvent.SMS_DELIVERED,
          WebhookEvent.SMS_FAILED, WebhookEvent.SYSTEM_PING)


class SetupError(Exception):
    """The gateway cannot be set up; the message is one line saying why."""


def webhook_url(settings: Settings) -> str:
    if not settings.public_base_url:
        raise SetupError("PUBLIC_BASE_URL is required: the gateway posts events to it")
    return settings.public_base_url + "/webhooks/smsgate"


def setup(settings: Settings, echo: Callable[[str], None] = print) -> None:
    """Check the gateway's health, register the webhooks, set the signing key.

    Raises:
        SetupError: the gateway is not configured, unreachable, refuses the
            credentials, or reports itself failing.
    """
    if not settings.smsgate_url or not settings.smsgate_password:
        raise SetupError("SMSGATE_URL and SMSGATE_PASSWORD are required")
    url = webhook_url(settings)
    client = gateway_client(settings.smsgate_url, settings.smsgate_username,
                            settings.smsgate_password)
    try:
        health = client.health_check()
        echo(f"gateway health: {health.status.value}")
        if health.status == HealthStatus.FAIL:
            raise SetupError("the gateway reports its health as failing: see the app's logs")
        existing = {(hook.event, hook.url) for hook in client.get_webhooks()}
        for event in EVENTS:
            if (event, url) in existing:
                echo(f"webhook {event.value}: already registered")
                continue
            client.create_webhook(Webhook(id=None, url=url, event=event))
            echo(f"webhook {event.value}: registered -> {url}")
    except APIError as exc:
        raise SetupError(f"the gateway refused ({exc.status_code}): check SMSGATE_USERNAME "
                         "and SMSGATE_PASSWORD") from None
    except RequestException as exc:
        raise SetupError(f"the gateway at {settings.smsgate_url} cannot be reached: "
                         f"{exc.__class__.__name__}") from None
    try:
        client.patch_settings(DeviceSettings(
            webhooks=SettingsWebhooks(signing_key=settings.smsgate_signing_key)))
        echo("signing key: set")
    except (APIError, RequestException):
        # A phone's local server may not offer remote settings: the key is typed once.
        echo("signing key: could not be set remotely; in the app open Settings > Webhooks "
             "> Signing Key and enter SMSGATE_SIGNING_KEY")
