"""Settings come from the environment; a wrong production setting names itself."""
from __future__ import annotations

import pytest

from bot.settings import SettingsError, from_env

PRODUCTION = {
    "DATABASE_URL": "postgres://u:p@db.example:5432/ksm",
    "REDIS_URL": "redis://cache:6379/0",
    "SECRET_KEY": "x" * 32,
    "TWILIO_ACCOUNT_SID": "AC" + "1" * 32,
    "TWILIO_AUTH_TOKEN": "token",
    "TWILIO_SMS_FROM": "+15005550006",
    "PUBLIC_BASE_URL": "https://bot.example.org/",
}


def test_embedded_default_needs_nothing() -> None:
    settings = from_env({})
    assert settings.embedded and settings.database_url.startswith("sqlite")
    assert settings.secret_key  # generated for the trial run


def test_hosting_platform_database_urls_are_accepted() -> None:
    settings = from_env(PRODUCTION)
    assert settings.database_url == "postgresql+psycopg://u:p@db.example:5432/ksm"
    assert settings.public_base_url == "https://bot.example.org"
    assert from_env({**PRODUCTION, "DATABASE_URL": "postgresql://u@h/d"}).database_url.startswith(
        "postgresql+psycopg://")


@pytest.mark.parametrize(("name", "value", "message"), [
    ("SECRET_KEY", "", "SECRET_KEY is required"),
    ("SECRET_KEY", "short", "SECRET_KEY must be at least 16"),
    ("REDIS_URL", "", "REDIS_URL is required"),
    ("REDIS_URL", "http://x", "REDIS_URL must start with"),
    ("TWILIO_AUTH_TOKEN", "", "TWILIO_AUTH_TOKEN is required"),
    ("TWILIO_ACCOUNT_SID", "XX12", "TWILIO_ACCOUNT_SID must start with AC"),
    ("TWILIO_SMS_FROM", "", "TWILIO_SMS_FROM or TWILIO_MESSAGING_SERVICE_SID"),
    ("PUBLIC_BASE_URL", "bot.example.org", "PUBLIC_BASE_URL must start with"),
    ("DATABASE_URL", "mysql://x/y", "DATABASE_URL must be"),
    ("PORT", "eighty", "PORT must be a whole number"),
])
def test_a_wrong_or_missing_setting_is_named_in_one_line(name: str, value: str, message: str) -> None:
    with pytest.raises(SettingsError) as error:
        from_env({**PRODUCTION, name: value})
    assert message in str(error.value)
    assert "\n" not in str(error.value)


def test_whatsapp_sender_gets_its_prefix() -> None:
    settings = from_env({**PRODUCTION, "TWILIO_WHATSAPP_FROM": "+14155238886"})
    assert settings.twilio_whatsapp_from == "whatsapp:+14155238886"


GATEWAY = {
    "SMSGATE_URL": "https://api.sms-gate.app/3rdparty/v1/",
    "SMSGATE_USERNAME": "ABCDEF",
    "SMSGATE_PASSWORD": "secret",
    "SMSGATE_SIGNING_KEY": "signing-key",
}


def test_the_gateway_carries_sms_by_default_once_it_is_configured() -> None:
    assert from_env(PRODUCTION).sms_provider == "twilio"
    settings = from_env({**PRODUCTION, **GATEWAY})
    assert settings.sms_provider == "smsgate"
    assert settings.smsgate_url == "https://api.sms-gate.app/3rdparty/v1"
    assert settings.smsgate_rate_per_minute == 10.0
    assert from_env({**PRODUCTION, **GATEWAY, "SMS_PROVIDER": "twilio"}).sms_provider == "twilio"
    # Twilio's SMS sender is not needed when the gateway carries SMS.
    without_twilio_sms = {k: v for k, v in PRODUCTION.items() if k != "TWILIO_SMS_FROM"}
    assert from_env({**without_twilio_sms, **GATEWAY}).sms_provider == "smsgate"


@pytest.mark.parametrize(("name", "value", "message"), [
    ("SMSGATE_URL", "api.sms-gate.app", "SMSGATE_URL must start with"),
    ("SMSGATE_PASSWORD", "", "SMSGATE_PASSWORD is required"),
    ("SMSGATE_SIGNING_KEY", "", "SMSGATE_SIGNING_KEY is required"),
    ("SMSGATE_RATE_PER_MINUTE", "fast", "SMSGATE_RATE_PER_MINUTE must be"),
    ("SMSGATE_RATE_PER_MINUTE", "0", "SMSGATE_RATE_PER_MINUTE must be positive"),
    ("SMS_PROVIDER", "nexmo", "SMS_PROVIDER must be smsgate or twilio"),
])
def test_a_wrong_gateway_setting_is_named_in_one_line(name: str, value: str, message: str) -> None:
    with pytest.raises(SettingsError) as error:
        from_env({**PRODUCTION, **GATEWAY, name: value})
    assert message in str(error.value)
    assert "\n" not in str(error.value)


def test_the_gateway_as_provider_needs_its_url() -> None:
    with pytest.raises(SettingsError, match="SMSGATE_URL is required"):
        from_env({"SMS_PROVIDER": "smsgate"})
