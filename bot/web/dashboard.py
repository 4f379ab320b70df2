"""The officers' dashboard home: the officer's own work, in their area and for their
role, each count linking to the list where it is done. Every dashboard page needs a login."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

from flask import Blueprint, render_template, url_for
from flask_login import current_user, login_required
from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session

from bot.areas import scope as area_scope
from bot.ksm import announcements
from bot import clock, expired_messages
from bot.models import Announcement, Complaint, Contact, Kelurahan, Ksm, Message, MonevPeriod, Proposal
from bot.models import announcement as an
from bot.models import complaint as c
from bot.models import ksm as k
from bot.complaints import queue as complaint_queue
from bot.ksm.area import real_ksm
from bot.ksm.monev import overdue_condition
from bot.officers.accounts import area_label
from bot.web.request import get_db, get_runtime

bp = Blueprint("dashboard", __name__)
KSM_ROLES = ("admin", "bkm", "fasilitator")
OPEN = (c.NEW, c.VERIFIED, c.IN_FOLLOW_UP)


def _count(db: Session, query: Any) -> int:
    return db.scalar(select(func.count()).select_from(query.subquery())) or 0


def _ksm_work(db: Session, now: datetime, days: int) -> list[dict[str, Any]]:
    in_area = area_scope.in_area_filter(current_user, Kelurahan)
    ksms = (select(Ksm.id).join(Kelurahan, Kelurahan.id == Ksm.kelurahan_id)
            .where(in_area, real_ksm()))
    latest = (select(MonevPeriod.ksm_id, func.max(MonevPeriod.number).label("number"))
              .where(MonevPeriod.opened_at.is_not(None)).group_by(MonevPeriod.ksm_id).subquery())
    monev_late = (
        ksms.join(latest, latest.c.ksm_id == Ksm.id)
        .join(MonevPeriod, and_(MonevPeriod.ksm_id == Ksm.id, MonevPeriod.number == latest.c.number))
        .where(Ksm.status == k.VERIFIED, overdue_condition(now, days))
    )
    proposals = (select(Proposal.id).join(Ksm, Ksm.id == Proposal.ksm_id)
                 .join(Kelurahan, Kelurahan.id == Ksm.kelurahan_id)
                 .where(in_area, real_ksm(), Proposal.status == k.SUBMITTED))
    published = db.scalars(select(Announcement).where(
        Announcement.status == an.PUBLISHED,
        area_scope.in_area_filter(current_user, Announcement))).all()
    sending = len(announcements.still_sending(db, list(published)))
    return [
        {"count": _count(db, ksms.where(Ksm.status == k.WAITING)), "label": "KSM menunggu verifikasi",
         "href": url_for("ksm.index", status=k.WAITING), "warn": False},
        {"count": _count(db, proposals), "label": "usulan menunggu pemeriksaan",
         "href": url_for("ksm_proposals.queue"), "warn": False},
        {"count": _count(db, monev_late), "label": "KSM terlambat lapor monev",
         "href": url_for("monev.index", overdue=1), "warn": True},
        {"count": sending, "label": "pengumuman sedang dikirim",
         "href": url_for("announcements.index", sending=1), "warn": False},
    ]


def _complaint_work(db: Session, now: datetime) -> list[dict[str, Any]]:
    scoped = select(Complaint.id).where(complaint_queue.scope(current_user))
    overdue = scoped.where(Complaint.status.in_(OPEN), Complaint.due_at < now)
    return [
        {"count": _count(db, scoped.where(Complaint.status == c.NEW)), "label": "aduan baru",
         "href": url_for("complaints.index", status=c.NEW), "warn": False},
        {"count": _count(db, overdue), "label": "aduan lewat tenggat",
         "href": url_for("complaints.index", status="open", overdue=1), "warn": True},
    ]


def _system_counts(db: Session, now: datetime) -> dict[str, int]:
    """Message traffic of the whole system: the admin's view of its health."""
    since = datetime.now(timezone.utc) - timedelta(days=1)
    return {
        # What went stale before it could go (bot.usefulness): the list behind it is
        # the same query (bot.web.expired).
        "expired_7d": expired_messages.count_since(db, now - expired_messages.WINDOW),
        "contacts": db.scalar(select(func.count()).select_from(Contact)) or 0,
        "inbound_24h": db.scalar(
            select(func.count()).select_from(Message)
            .where(Message.direction == "in", Message.created_at >= since)
        ) or 0,
        "failed_24h": db.scalar(
            select(func.count()).select_from(Message)
            .where(Message.direction == "out", Message.status.in_(("failed", "undelivered")),
                   Message.created_at >= since)
        ) or 0,
    }


@bp.get("/")
@login_required
def index():  # type: ignore[no-untyped-def]
    db = get_db()
    rt = get_runtime()
    now = clock.now(rt)
    kelurahan = db.get(Kelurahan, current_user.kelurahan_id) if current_user.kelurahan_id else None
    work = _complaint_work(db, now)
    if current_user.role in KSM_ROLES:
        work += _ksm_work(db, now, rt.settings.monev_reminder_days)
    counts = _system_counts(db, now) if current_user.role == "admin" else None
    return render_template(
        "dashboard.html", work=work, counts=counts, area=area_label(current_user, kelurahan)
    )
