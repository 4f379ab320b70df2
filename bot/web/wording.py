"""What every template shares to say codes and times in Indonesian: the ``local`` and
``due_day`` filters and the label maps of ``bot.officers.labels``.

``{{ x.created_at | local(zone) }}`` says a UTC time in ``zone`` with its label; with no
zone (a page that belongs to no one kelurahan) in the logged-in officer's area's zone.
"""

from __future__ import annotations

from datetime import datetime

from flask import Flask, g
from flask_login import current_user

from bot.officers import labels
from bot.areas import local_time
from bot.areas.working_days import last_day, long_date
from bot.web.request import get_db
from conversations.catalogue import ksm_title
from conversations.flows.meeting_common import DEFAULT_ZONE


def officer_zone() -> str:
    """The logged-in officer's zone, looked up once per request (WIB when logged out)."""
    if "officer_zone" not in g:
        g.officer_zone = (
            local_time.officer_zone(get_db(), current_user)
            if current_user and current_user.is_authenticated
            else DEFAULT_ZONE
        )
    return g.officer_zone


def local(value: datetime | None, zone: str | None = None, fmt: str = local_time.SHORT) -> str:
    """The template filter: ``07/12/2026 14.05 WITA``."""
    if value is None:
        return "-"
    return local_time.short(value, zone or officer_zone(), fmt)


def due_day(value: datetime | None, zone: str | None = None) -> str:
    """A deadline as its last working day in the kelurahan's zone (``7 Desember 2026``)."""
    return long_date(last_day(value, zone)) if value is not None else "-"


def label(code: object, mapping: dict[object, str], missing: str = "-") -> str:
    """The template filter: ``{{ msg.status | label(MESSAGE_LABELS) }}``."""
    return labels.say(mapping, code, missing)


def _labels() -> dict[str, object]:
    return {
        "STATUS_LABELS": labels.COMPLAINT_STATUS,
        "KIND_LABELS": labels.COMPLAINT_KIND,
        "LEVEL_LABELS": labels.LEVEL,
        "MESSAGE_LABELS": labels.MESSAGE_STATUS,
        "MEMBER_STATUS_LABELS": labels.MEMBER_STATUS,
        "MEMBER_ROLE_LABELS": labels.MEMBER_ROLE,
        "PROPOSAL_LABELS": labels.PROPOSAL_STATUS,
        "ROLE_LABELS": labels.ROLE,
        "CHANNEL_LABELS": labels.CHANNEL,
        "MESSAGE_KIND_LABELS": labels.MESSAGE_KIND,
    }


def init_app(app: Flask) -> None:
    app.add_template_filter(local, "local")
    app.add_template_filter(due_day, "due_day")
    app.add_template_filter(label, "label")
    app.add_template_filter(ksm_title, "ksm_title")
    app.context_processor(_labels)
