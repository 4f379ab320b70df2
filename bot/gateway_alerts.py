"""Admins told, by the officers' notification channel (``bot.officers.notify``), of a
gateway phone in trouble (``bot.gateway_health``'s flags): never only on a page nobody
opens.

The decisions, for this caller only (``tell_officer``'s other callers are unchanged):

- Who: every active admin with a verified phone, unless their mode is off. An admin who
  chose the daily digest is told at once all the same: a phone that stops delivering
  loses residents' messages every hour nobody looks, and the 07.00 digest can be a day
  late. ``tell_officer`` is called with the admin's own mode for that reason.
- How often: once per phone per problem per 24 hours. The key names the phone (its row
  id: a device id is too long for the key), the problem and the UTC day; a key of the
  same phone and problem told within the last 24 hours also counts, so midnight does not
  bring a second message. A phone still in trouble the next day is told again.
- Which way: never through the phone in trouble while another way exists. Twilio's SMS
  when it is configured (it shares nothing with the phones), else a gateway phone that
  is online and not flagged (else online at all); with neither, routing's own choice
  (the phone may still send: its reports may be what is lost). A WhatsApp message goes
  through Twilio anyway.
- When: as every message that answers nobody, held 21.00-06.00 in the admin's zone
  (the send claim, ``workers.outbound``).

Each text fits one GSM-7 SMS with a link of up to ~70 characters (a test checks).
"""
from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select

from bot.channels import SMSGATE, TWILIO
from bot.gateway_health import DAY, DROP, FAILING, NO_PING, SILENT, PhoneHealth, fleet
from bot.models import Officer
from bot.models import officer as roles
from bot.officers import notify
from bot.outbox import enqueue_sends

PAGE = "/admin/jobs/"
# The sweep runs every 30 s; the figures read a week of messages, and a phone's trouble
# is measured in hours: looked at every five minutes (every process agrees through Redis).
CHECK_EVERY = timedelta(minutes=5)
CHECK_KEY = "ksm-bot:gateway-check:"
TEXTS = {
    SILENT: "Gateway SMS: ponsel {phone} masih ping tapi {count} SMS tanpa laporan "
            ">{hours} jam. Periksa:",
    NO_PING: "Gateway SMS: ponsel {phone} tidak ping sejak {age}. Periksa:",
    FAILING: "Gateway SMS: ponsel {phone} gagal {count} kali berturut-turut "
             "(pulsa? SIM diblokir?). Periksa:",
    DROP: "Gateway SMS: SMS sampai lewat ponsel {phone}{sim} turun ke {day}% "
          "(7 hari: {week}%). Periksa:",
}
EXAMPLE = {"phone": "ceb0b1db0000", "count": 9999, "hours": 48, "age": "7 hari",
           "sim": " SIM 2", "day": 100, "week": 100}


def render(problem: str, **params: object) -> str:
    return TEXTS[problem].format(**params)


def examples(link: str) -> list[str]:
    """Every text with long values and ``link``, as an admin would get it."""
    return [f"{render(problem, **EXAMPLE)} {link}" for problem in TEXTS]


def check_phones(rt: Any, now: datetime) -> int:
    """The sweep's entry: :func:`tell_admins` when a gateway is configured, at most once
    per :data:`CHECK_EVERY`. Returns how many messages it queued."""
    if not rt.settings.smsgate_url or not _due(rt, now):
        return 0
    return tell_admins(rt, now)


def _due(rt: Any, now: datetime) -> bool:
    period = int(CHECK_EVERY.total_seconds())
    slot = int(now.timestamp()) // period
    if rt.redis is not None:
        try:
            return bool(rt.redis.set(f"{CHECK_KEY}{slot}", "1", nx=True, ex=2 * period))
        except Exception:  # noqa: BLE001 - Redis down: the next sweep tries again
            return False
    if rt.extras.get(CHECK_KEY) == slot:
        return False
    rt.extras[CHECK_KEY] = slot
    return True


def tell_admins(rt: Any, now: datetime) -> int:
    """Sweep task: every flag of every phone told to each admin who hears by message,
    once a day (see the module docstring). Safe to run twice.

    Returns:
        How many messages it queued.
    """
    queued: list[int] = []
    link = notify.page_url(rt.settings, PAGE)
    with rt.db.session() as session:
        admins = session.scalars(select(Officer).where(
            Officer.active.is_(True), Officer.role == roles.ADMIN,
            Officer.notify_contact_id.is_not(None),
            Officer.notify_mode.in_((notify.IMMEDIATE, notify.DIGEST)),
        ).order_by(Officer.id)).all()
        if not admins:
            return 0
        phones = fleet(session, now, rt.settings)
        for phone in phones:
            if not phone.flags:
                continue
            provider, device_id = route_around(rt.settings, phones, phone)
            for flag in phone.flags:
                text = flag_text(phone, flag, now, rt.settings)
                prefix = f"gateway:{phone.row_id}:{flag.problem}:"
                key = f"{prefix}{now:%Y-%m-%d}"
                for admin in admins:
                    if notify.told_since(session, admin.id, prefix, now - DAY):
                        continue
                    message_id = notify.tell_officer(
                        session, admin, text, link, key=key, now=now, mode=admin.notify_mode,
                        provider=provider, device_id=device_id)
                    if message_id:
                        queued.append(message_id)
    enqueue_sends(rt, queued)
    return len(queued)


def flag_text(phone: PhoneHealth, flag: Any, now: datetime, settings: Any) -> str:
    """The SMS an admin reads of ``flag``, without its link."""
    if flag.problem == SILENT:
        return render(SILENT, phone=phone.short, count=flag.count,
                      hours=settings.gateway_silent_hours)
    if flag.problem == NO_PING:
        return render(NO_PING, phone=phone.short, age=age(now - flag.since))
    if flag.problem == FAILING:
        return render(FAILING, phone=phone.short, count=flag.count)
    return render(DROP, phone=phone.short, sim=f" SIM {flag.sim}" if flag.sim else "",
                  day=percent(flag.day_share), week=percent(flag.week_share))


def route_around(settings: Any, phones: list[PhoneHealth],
                 troubled: PhoneHealth) -> tuple[str | None, str | None]:
    """The provider and gateway phone an alert about ``troubled`` leaves by SMS from
    (None, None: routing's choice)."""
    if settings.twilio_account_sid and (settings.twilio_sms_from
                                        or settings.twilio_messaging_service_sid):
        return TWILIO, None
    if not settings.smsgate_url:
        return None, None
    others = [p for p in phones if p.online and p.device_id != troubled.device_id]
    healthy = [p for p in others if not p.flags] or others
    if not healthy:
        return None, None
    return SMSGATE, healthy[troubled.row_id % len(healthy)].device_id


def age(elapsed: timedelta) -> str:
    """``75 menit``, ``5 jam``, ``3 hari``."""
    minutes = int(elapsed.total_seconds() // 60)
    if minutes < 120:
        return f"{minutes} menit"
    if minutes < 48 * 60:
        return f"{minutes // 60} jam"
    return f"{minutes // (24 * 60)} hari"


def percent(share: float | None) -> int | str:
    return "-" if share is None else round(share * 100)
