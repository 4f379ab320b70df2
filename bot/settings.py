"""Settings, read from the environment by ``create_app()`` and the worker entry point.

Nothing reads the environment at import time. With no ``DATABASE_URL`` the bot runs on
the embedded default: SQLite in the working directory and an in-process job runner.
"""
from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field, fields, replace
from typing import Any, Mapping
from urllib.parse import urlsplit

DEFAULT_SQLITE_URL = "sqlite:///ksm-bot.sqlite3"


class SettingsError(Exception):
    """A wrong or missing setting; the message is one line naming it."""


@dataclass(frozen=True)
class Settings:
    """Everything configurable, with the embedded default's values."""

    database_url: str = DEFAULT_SQLITE_URL
    redis_url: str | None = None
    secret_key: str = ""
    twilio_account_sid: str | None = None
    twilio_auth_token: str | None = None
    twilio_sms_from: str | None = None
    twilio_messaging_service_sid: str | None = None
    twilio_whatsapp_from: str | None = None
    # Only for tests and staging: where the real twilio client sends its requests.
    twilio_api_base_url: str | None = None
    public_base_url: str | None = None
    port: int = 5000
    session_timeout_minutes: int = 60
    sweep_interval_seconds: int = 30
    # Tries at handling one inbound message (bot.messaging.handling) before it is marked
    # failed and the resident gets an apology; the sweep makes each try after the first.
    handling_attempts: int = 3
    # Replies per resident's number: past these counts their messages are stored and
    # answered once with "too many messages", then not answered for a while.
    sender_messages_per_minute: int = 10
    sender_messages_per_day: int = 100
    # Messages per second per sender, shared by all workers (Redis) or per process.
    sms_rate_per_second: float = 10.0
    whatsapp_rate_per_second: float = 20.0
    # Approved WhatsApp templates (ContentSid) by message kind, for use outside the
    # 24-hour window; a kind without one falls back to SMS.
    whatsapp_templates: Mapping[str, str] = field(default_factory=dict)
    # Monev: days from the first reminder to the second, and again to "overdue".
    monev_reminder_days: int = 7
    # PPM deadlines in working days (as LAPOR!): a complaint not verified, or not
    # followed up, within them climbs one handling level by itself.
    complaint_verify_working_days: int = 3
    complaint_follow_up_working_days: int = 5
    # Months after which a closed complaint (and an idle anonymous one) is cut from its
    # complainant's number (bot.privacy.retention).
    retention_months: int = 24
    # Until when an outbound message is worth sending, counted from when it was queued
    # (bot.usefulness): a reply (the resident is waiting), a notice (a KSM's or a
    # complaint's news, a monev reminder), an announcement (the BKM may set its own date
    # at publishing). Past it a message is not sent but counted expired.
    reply_useful_hours: int = 6
    notice_useful_days: int = 3
    announcement_useful_days: int = 14
    # Estimated prices (Rupiah): bot.channels sends an unprompted message to a resident on
    # both SMS and WhatsApp the cheaper way by them, and the announcement's confirmation
    # counts its cost with them. Set them to what you pay; the defaults' grounds:
    # - an SMS segment through Twilio: a placeholder; Twilio prices SMS to Indonesia per
    #   operator on its pricing page (and has no two-way SMS there).
    # - an SMS segment from a gateway phone's SIM: the operator's tariff, Rp 150-350 a
    #   message by package; 150 is a bulk SMS package's.
    # - a WhatsApp text inside the 24-hour window: Meta charges nothing for it (service
    #   messages free since November 2024; per-message pricing since July 2025), Twilio
    #   USD 0.005 a message: about Rp 85.
    # - a template outside it: Meta's utility rate for Indonesia, about USD 0.02 (its rate
    #   card; marketing about USD 0.041), plus Twilio's USD 0.005: about Rp 410; 500 leaves
    #   room for the exchange rate. Service messages are reported to become chargeable
    #   from October 2026 (not confirmed on Meta's own page): raise the first then.
    sms_price_per_segment: float = 350.0
    smsgate_price_per_segment: float = 150.0
    whatsapp_price_per_message: float = 100.0
    whatsapp_template_price: float = 500.0
    # Hold unprompted messages 21:00-06:00 local; only test suites turn this off.
    quiet_hours: bool = True
    # Where a web process keeps messages received while both the database and Redis
    # are down (bot.spool): a directory on this machine that survives a restart.
    spool_dir: str = "ksm-bot-spool"
    # Reverse proxies in front of the web process whose X-Forwarded-For is trusted (the
    # officer's own address counts failed logins; behind a proxy it is in that header).
    trusted_proxies: int = 0
    # SMS Gateway for Android (a phone with a local SIM): Twilio has no two-way SMS in
    # Indonesia. SMSGATE_URL is the API base (cloud, self-hosted or the phone's own).
    smsgate_url: str | None = None
    smsgate_username: str | None = None
    smsgate_password: str | None = None
    # Signs the gateway's webhooks; without it every gateway event is refused.
    smsgate_signing_key: str | None = None
    # SMS per minute per gateway phone: Android caps how many SMS an app may send, and
    # operators block SIMs that look like spam, so the default is cautious.
    smsgate_rate_per_minute: float = 10.0
    # SMS per day per SIM of a gateway phone (each SIM of a dual-SIM phone has its own):
    # operators block SIMs that send like spammers. Past it the phone's other SIM, then
    # the kelurahan's other phones carry the rest, else it waits for the next local day.
    smsgate_daily_cap_per_sim: int = 200
    # A little random spacing between one phone's sends: each send is moved later by up
    # to this fraction of the interval, without moving the schedule (the rate holds).
    smsgate_jitter: float = 0.2
    # Who carries SMS nobody asked for (notices, reminders, broadcasts): "smsgate" or
    # "twilio". Replies always go back the way the resident wrote.
    sms_provider: str = "twilio"
    # When a gateway phone is flagged and admins are told (bot.gateway_health). Cautious:
    # an alarm that cries wolf is muted within a week, so each needs a clear signal.
    # A sent SMS without a delivery report after this long counts as not delivered.
    gateway_report_grace_minutes: int = 30
    # Stops reporting: this many SMS sent this many hours ago still without a report,
    # and no report of any SMS since, while the phone pings (operators' reports can
    # take an hour when the recipient's phone is off).
    gateway_silent_hours: int = 2
    gateway_silent_messages: int = 3
    # Stops pinging: no event for this long (routing gives up on it after 15 minutes;
    # the alarm waits for more than a reboot or a short loss of signal). Phones silent
    # for more than a week count as retired: shown, not alarmed.
    gateway_ping_alarm_minutes: int = 60
    # Keeps failing: this many failures in a row (routing rests it after 3; by this
    # many it failed again when tried back: no credit, SIM blocked).
    gateway_failures_alarm: int = 5
    # Falls sharply: the last day's share delivered under this fraction of the week's,
    # over at least this many SMS in the day (fewer say nothing).
    gateway_drop_ratio: float = 0.5
    gateway_drop_min_messages: int = 20
    testing: bool = False
    extra: Mapping[str, Any] = field(default_factory=dict)

    @property
    def embedded(self) -> bool:
        """True on the embedded default: SQLite and no Redis."""
        return self.database_url.startswith("sqlite") and not self.redis_url

    @property
    def production(self) -> bool:
        """A server database means production: every Twilio setting is required."""
        return not self.database_url.startswith("sqlite") and not self.testing

    def with_overrides(self, overrides: Mapping[str, Any]) -> Settings:
        known = {f.name for f in fields(self)}
        values = {k.lower(): v for k, v in overrides.items() if k.lower() in known}
        return replace(self, **values)


def normalise_database_url(url: str) -> str:
    """Accept the ``postgres://`` form hosting platforms hand out; use psycopg 3."""
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://"):]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    return url


def _number(
    environ: Mapping[str, str], name: str, default: float, kind: type = float,
    what: str = "a number", allow_zero: bool = False,
) -> float:
    """Read a positive (or, with ``allow_zero``, non-negative) number setting."""
    raw = environ.get(name)
    if raw in (None, ""):
        return default
    try:
        value = kind(raw)
    except ValueError:
        raise SettingsError(f"{name} must be {what}, got {raw!r}") from None
    if value < 0 or (value == 0 and not allow_zero):
        raise SettingsError(f"{name} must be {'non-negative' if allow_zero else 'positive'}, got {raw!r}")
    return value


def _int(environ: Mapping[str, str], name: str, default: int) -> int:
    return int(_number(environ, name, default, kind=int, what="a whole number"))


def _rate(environ: Mapping[str, str], name: str, default: float) -> float:
    return _number(environ, name, default, what="a number of messages per second")


def _price(environ: Mapping[str, str], name: str, default: float) -> float:
    return _number(environ, name, default, what="a price in Rupiah", allow_zero=True)


def parse_templates(raw: str | None) -> dict[str, str]:
    """``WHATSAPP_TEMPLATES``: ``kind=HX...`` pairs separated by commas.

    Raises:
        SettingsError: a pair without ``=`` or a ContentSid not starting with HX.
    """
    templates: dict[str, str] = {}
    for pair in (raw or "").split(","):
        if not pair.strip():
            continue
        kind, sep, sid = (part.strip() for part in pair.partition("="))
        if not sep or not kind or not sid.startswith("HX"):
            raise SettingsError(f"WHATSAPP_TEMPLATES must be kind=HX... pairs, got {pair.strip()!r}")
        templates[kind] = sid
    return templates


def from_env(environ: Mapping[str, str] | None = None, testing: bool = False) -> Settings:
    """Build and check the settings.

    Raises:
        SettingsError: one line naming the wrong or missing setting.
    """
    env = os.environ if environ is None else environ

    def get(name: str) -> str | None:
        value = env.get(name, "").strip()
        return value or None

    database_url = normalise_database_url(get("DATABASE_URL") or DEFAULT_SQLITE_URL)
    scheme = database_url.split("://", 1)[0]
    if not (scheme.startswith("sqlite") or scheme.startswith("postgresql")):
        raise SettingsError(f"DATABASE_URL must be a postgres:// or sqlite:// URL, got {scheme}://")
    redis_url = get("REDIS_URL")
    if redis_url and urlsplit(redis_url).scheme not in ("redis", "rediss", "unix"):
        raise SettingsError("REDIS_URL must start with redis://, rediss:// or unix://")
    public_base_url = get("PUBLIC_BASE_URL")
    if public_base_url and urlsplit(public_base_url).scheme not in ("http", "https"):
        raise SettingsError("PUBLIC_BASE_URL must start with https:// (or http://)")
    account_sid = get("TWILIO_ACCOUNT_SID")
    if account_sid and not account_sid.startswith("AC"):
        raise SettingsError("TWILIO_ACCOUNT_SID must start with AC")
    service_sid = get("TWILIO_MESSAGING_SERVICE_SID")
    if service_sid and not service_sid.startswith("MG"):
        raise SettingsError("TWILIO_MESSAGING_SERVICE_SID must start with MG")
    whatsapp_from = get("TWILIO_WHATSAPP_FROM")
    if whatsapp_from and not whatsapp_from.startswith("whatsapp:"):
        whatsapp_from = "whatsapp:" + whatsapp_from

    default = Settings  # every default is written there, once
    settings = Settings(
        database_url=database_url,
        redis_url=redis_url,
        secret_key=get("SECRET_KEY") or "",
        twilio_account_sid=account_sid,
        twilio_auth_token=get("TWILIO_AUTH_TOKEN"),
        twilio_sms_from=get("TWILIO_SMS_FROM"),
        twilio_messaging_service_sid=service_sid,
        twilio_whatsapp_from=whatsapp_from,
        twilio_api_base_url=get("TWILIO_API_BASE_URL"),
        public_base_url=public_base_url.rstrip("/") if public_base_url else None,
        port=_int(env, "PORT", default.port),
        session_timeout_minutes=_int(env, "SESSION_TIMEOUT_MINUTES",
                                     default.session_timeout_minutes),
        sweep_interval_seconds=_int(env, "SWEEP_INTERVAL_SECONDS", default.sweep_interval_seconds),
        handling_attempts=_int(env, "HANDLING_ATTEMPTS", default.handling_attempts),
        sender_messages_per_minute=_int(env, "SENDER_MESSAGES_PER_MINUTE",
                                        default.sender_messages_per_minute),
        sender_messages_per_day=_int(env, "SENDER_MESSAGES_PER_DAY",
                                     default.sender_messages_per_day),
        sms_rate_per_second=_rate(env, "SMS_RATE_PER_SECOND", default.sms_rate_per_second),
        whatsapp_rate_per_second=_rate(env, "WHATSAPP_RATE_PER_SECOND",
                                       default.whatsapp_rate_per_second),
        whatsapp_templates=parse_templates(get("WHATSAPP_TEMPLATES")),
        monev_reminder_days=_int(env, "MONEV_REMINDER_DAYS", default.monev_reminder_days),
        complaint_verify_working_days=_int(env, "COMPLAINT_VERIFY_WORKING_DAYS",
                                           default.complaint_verify_working_days),
        complaint_follow_up_working_days=_int(env, "COMPLAINT_FOLLOW_UP_WORKING_DAYS",
                                              default.complaint_follow_up_working_days),
        retention_months=_int(env, "RETENTION_MONTHS", default.retention_months),
        reply_useful_hours=_int(env, "REPLY_USEFUL_HOURS", default.reply_useful_hours),
        notice_useful_days=_int(env, "NOTICE_USEFUL_DAYS", default.notice_useful_days),
        announcement_useful_days=_int(env, "ANNOUNCEMENT_USEFUL_DAYS",
                                      default.announcement_useful_days),
        sms_price_per_segment=_price(env, "SMS_PRICE_PER_SEGMENT", default.sms_price_per_segment),
        smsgate_price_per_segment=_price(env, "SMSGATE_PRICE_PER_SEGMENT",
                                         default.smsgate_price_per_segment),
        whatsapp_price_per_message=_price(env, "WHATSAPP_PRICE_PER_MESSAGE",
                                          default.whatsapp_price_per_message),
        whatsapp_template_price=_price(env, "WHATSAPP_TEMPLATE_PRICE",
                                       default.whatsapp_template_price),
        quiet_hours=(get("QUIET_HOURS") or "on").lower() not in ("0", "off", "false", "no"),
        spool_dir=get("SPOOL_DIR") or default.spool_dir,
        trusted_proxies=int(_number(env, "TRUSTED_PROXIES", default.trusted_proxies, kind=int,
                                    what="a whole number", allow_zero=True)),
        testing=testing,
        **_smsgate(get, env),
    )
    return check(settings)


SMS_PROVIDERS = ("smsgate", "twilio")


def _smsgate(get: Any, env: Mapping[str, str]) -> dict[str, Any]:
    """The gateway's settings and the SMS provider (smsgate by default when the
    gateway is configured)."""
    url = get("SMSGATE_URL")
    if url and urlsplit(url).scheme not in ("http", "https"):
        raise SettingsError("SMSGATE_URL must start with https:// (or http://)")
    provider = (get("SMS_PROVIDER") or ("smsgate" if url else "twilio")).lower()
    if provider not in SMS_PROVIDERS:
        raise SettingsError(f"SMS_PROVIDER must be smsgate or twilio, got {provider!r}")
    return {
        "smsgate_url": url.rstrip("/") if url else None,
        "smsgate_username": get("SMSGATE_USERNAME"),
        "smsgate_password": get("SMSGATE_PASSWORD"),
        "smsgate_signing_key": get("SMSGATE_SIGNING_KEY"),
        "smsgate_rate_per_minute": _number(env, "SMSGATE_RATE_PER_MINUTE",
                                           Settings.smsgate_rate_per_minute,
                                           what="a number of SMS per minute"),
        "smsgate_daily_cap_per_sim": _int(env, "SMSGATE_DAILY_CAP_PER_SIM",
                                          Settings.smsgate_daily_cap_per_sim),
        "smsgate_jitter": _fraction(env, "SMSGATE_JITTER", Settings.smsgate_jitter),
        "sms_provider": provider,
        "gateway_report_grace_minutes": _int(env, "GATEWAY_REPORT_GRACE_MINUTES",
                                             Settings.gateway_report_grace_minutes),
        "gateway_silent_hours": _int(env, "GATEWAY_SILENT_HOURS", Settings.gateway_silent_hours),
        "gateway_silent_messages": _int(env, "GATEWAY_SILENT_MESSAGES",
                                        Settings.gateway_silent_messages),
        "gateway_ping_alarm_minutes": _int(env, "GATEWAY_PING_ALARM_MINUTES",
                                           Settings.gateway_ping_alarm_minutes),
        "gateway_failures_alarm": _int(env, "GATEWAY_FAILURES_ALARM",
                                       Settings.gateway_failures_alarm),
        "gateway_drop_ratio": _ratio(env, "GATEWAY_DROP_RATIO", Settings.gateway_drop_ratio),
        "gateway_drop_min_messages": _int(env, "GATEWAY_DROP_MIN_MESSAGES",
                                          Settings.gateway_drop_min_messages),
    }


def _fraction(env: Mapping[str, str], name: str, default: float) -> float:
    value = _number(env, name, default, what="a fraction such as 0.2", allow_zero=True)
    if value > 1:
        raise SettingsError(f"{name} must be at most 1, got {env.get(name)!r}")
    return value


def _ratio(env: Mapping[str, str], name: str, default: float) -> float:
    value = _number(env, name, default, what="a fraction such as 0.5")
    if value >= 1:
        raise SettingsError(f"{name} must be under 1, got {env.get(name)!r}")
    return value


def check(settings: Settings) -> Settings:
    """Refuse a production configuration that cannot work; fill embedded defaults."""
    _check_smsgate(settings)
    if settings.production:
        required = [
            ("SECRET_KEY", settings.secret_key),
            ("REDIS_URL", settings.redis_url),
            ("TWILIO_ACCOUNT_SID", settings.twilio_account_sid),
            ("TWILIO_AUTH_TOKEN", settings.twilio_auth_token),
            ("PUBLIC_BASE_URL", settings.public_base_url),
        ]
        for name, value in required:
            if not value:
                raise SettingsError(f"{name} is required when DATABASE_URL is a server database")
        if settings.sms_provider == "twilio" and not (
                settings.twilio_sms_from or settings.twilio_messaging_service_sid):
            raise SettingsError(
                "TWILIO_SMS_FROM or TWILIO_MESSAGING_SERVICE_SID is required in production"
            )
        if len(settings.secret_key) < 16:
            raise SettingsError("SECRET_KEY must be at least 16 characters")
    if not settings.secret_key:
        # Embedded default: a fresh key per process is fine for a trial run.
        settings = replace(settings, secret_key=secrets.token_hex(32))
    return settings


def _check_smsgate(settings: Settings) -> None:
    """A gateway that is half configured fails at its first message: refuse it now."""
    if settings.sms_provider == "smsgate" and not settings.smsgate_url:
        raise SettingsError("SMSGATE_URL is required when SMS_PROVIDER is smsgate")
    if not settings.smsgate_url:
        return
    # A username and password (cloud, private server), or a token alone as the password.
    if not settings.smsgate_password:
        raise SettingsError("SMSGATE_PASSWORD is required when SMSGATE_URL is set")
    if not settings.smsgate_signing_key:
        raise SettingsError("SMSGATE_SIGNING_KEY is required when SMSGATE_URL is set")
