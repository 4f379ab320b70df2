"""Complaint intake: the effect handlers behind ADUAN and CEK, inside the inbound
transaction. The officers' side is in ``bot.complaints.queue``."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from sqlalchemy import bindparam, delete, func, insert, select
from sqlalchemy.orm import Session

from bot.effect_context import EffectContext
from bot.models import (
    Complaint,
    ComplaintCheckMiss,
    ComplaintMedia,
    Contact,
    GatewayDevice,
    Kelurahan,
    Ksm,
    KsmMember,
    Message,
)
from bot.models import complaint as c
from bot.models import ksm as ksm_states
from bot.models import officer as levels
from bot.areas.working_days import deadline
from bot.complaints.bkm_roster import hide_from_bkm, keep_from_bkm
from bot.complaints.events import record
from bot.settings import Settings
from conversations.flows import complaint_code
from conversations.flows.code_misses import RecordCheckMiss
from conversations.flows.complaint import (
    MAX_TEXT,
    QUESTIONS,
    AttachComplaintMedia,
    ContinueComplaint,
    FileComplaint,
    UpdateComplaint,
)
from conversations.model import Media


def working_days_allowed(settings: Settings | None, status: str) -> int:
    """Working days a complaint in ``status`` has before it is overdue: to be verified
    while new, to be followed up once verified (``bot.settings``; its defaults when the
    caller has no settings)."""
    settings = settings or Settings()
    if status == c.NEW:
        return settings.complaint_verify_working_days
    return settings.complaint_follow_up_working_days


# The complaint's columns the ADUAN dialog's questions fill: the flow's own list, so a new
# question with a column of its name needs no change here ("area" is placed, below).
ANSWER_FIELDS = frozenset(question.name for question in QUESTIONS)


def new_unique_code(session: Session) -> str:
    """A random code no complaint has yet (the unique index is the final guard)."""
    for _ in range(20):
        code = complaint_code.new_code()
        if session.scalar(select(Complaint.id).where(Complaint.code == code)) is None:
            return code
    raise RuntimeError("no free complaint code after 20 tries")


def place(complaint: Complaint, kelurahan: Kelurahan | None) -> None:
    """Put ``complaint`` in ``kelurahan``'s area and pick its first handling level.

    Without a known kelurahan it waits at kota level in the "needs an area" list that
    every kota and provinsi officer sees (``complaint_queue.scope``), until one of them
    or the complainant's answer places it. A complaint naming a BKM member starts at
    kota level: the BKM must not handle it.
    """
    if kelurahan is None:
        complaint.kelurahan_id = complaint.kota_area_id = complaint.provinsi_area_id = None
        complaint.level = levels.KOTA
        return
    complaint.kelurahan_id = kelurahan.id
    complaint.kota_area_id = kelurahan.kota_area_id
    complaint.provinsi_area_id = kelurahan.provinsi_area_id
    complaint.level = levels.KOTA if complaint.names_bkm_member else levels.KELURAHAN


def names_bkm(text: str) -> bool:
    """True when an answer names the BKM (or one of its units) as who is complained about."""
    return bool(re.search(r"\b(bkm|upk|ups|upl)\b", text.lower()))


# A Kemendagri kelurahan code as residents type it: 32.73.14.1004 or 3273141004.
_CODE_IN_TEXT = re.compile(r"(?<![0-9.])(\d{2})\.?(\d{2})\.?(\d{2})\.?(\d{4})(?![0-9])")


def match_kelurahan(session: Session, text: str, preferred_id: int | None) -> Kelurahan | None:
    """The kelurahan a free-text answer names: by its Kemendagri code anywhere in it, else
    by name (``Sukamaju RW 05``) if exactly one fits or ``preferred_id`` (the gateway
    phone's kelurahan) is among those that do."""
    for match in _CODE_IN_TEXT.finditer(text):
        coded = session.scalar(select(Kelurahan).where(Kelurahan.code == ".".join(match.groups())))
        if coded is not None:
            return coded
    tokens = re.findall(r"[a-z0-9]+", text.lower())
    grams = {" ".join(tokens[i : i + n]) for n in (1, 2, 3) for i in range(len(tokens) - n + 1)}
    grams -= {"rw", "rt", "kel", "kelurahan", "desa"}
    if not grams:
        return None
    found = session.scalars(
        select(Kelurahan).where(func.lower(Kelurahan.name).in_(sorted(grams))).limit(20)
    ).all()
    if len(found) == 1:
        return found[0]
    return next((k for k in found if k.id == preferred_id), None)


def _attach(
    session: Session,
    complaint_id: int,
    media: tuple[Media, ...],
    message_id: int | None,
    now: datetime,
) -> None:
    if media:
        session.execute(
            insert(ComplaintMedia.__table__),
            [
                {
                    "complaint_id": complaint_id,
                    "message_id": message_id,
                    "url": m.url,
                    "content_type": m.content_type[:100],
                    "created_at": now,
                }
                for m in media
            ],
        )


def channel_kelurahan(session: Session, inbound_id: int | None) -> Kelurahan | None:
    """The kelurahan the message came in through: its gateway phone's, when the phone is
    tied to one (``bot.gateway_devices.assign``)."""
    if inbound_id is None:
        return None
    kelurahan_id = session.scalar(
        select(GatewayDevice.kelurahan_id)
        .join(Message, Message.device_id == GatewayDevice.device_id)
        .where(Message.id == inbound_id))
    return session.get(Kelurahan, kelurahan_id) if kelurahan_id else None


def best_kelurahan(session: Session, contact_id: int) -> Kelurahan | None:
    """The contact's area as best known: the kelurahan of a KSM they are a confirmed
    member of (the newest membership), else the contact's own kelurahan."""
    kelurahan_id = session.scalar(
        select(Ksm.kelurahan_id)
        .join(KsmMember, KsmMember.ksm_id == Ksm.id)
        .where(
            KsmMember.contact_id == contact_id,
            KsmMember.status == ksm_states.CONFIRMED,
            Ksm.status != ksm_states.REJECTED,
        )
        .order_by(KsmMember.id.desc())
        .limit(1)
    ) or session.scalar(select(Contact.kelurahan_id).where(Contact.id == contact_id))
    return session.get(Kelurahan, kelurahan_id) if kelurahan_id else None


def file_complaint(effect: FileComplaint, ctx: EffectContext) -> None:
    open_complaint(effect, ctx)


def open_complaint(
    effect: FileComplaint, ctx: EffectContext, kelurahan_id: int | None = None
) -> Complaint:
    """Store a new complaint, placed in ``kelurahan_id`` when the caller knows where it
    belongs (a reply to an announcement), else in the complainant's best known area."""
    session = ctx.session
    kelurahan = session.get(Kelurahan, kelurahan_id) if kelurahan_id else None
    kelurahan = (kelurahan or best_kelurahan(session, ctx.contact_id)
                 or channel_kelurahan(session, ctx.inbound_id))
    complaint = Complaint(
        code=effect.code,  # drawn free by the flow; the unique index is the final guard
        contact_id=ctx.contact_id,
        inbound_message_id=ctx.inbound_id,
        channel=effect.channel,
        text=effect.text,
        anonymous=True,
        names_bkm_member=False,
        kind=effect.kind,
        status=c.NEW,
        created_at=ctx.now,
        updated_at=ctx.now,
    )
    place(complaint, kelurahan)
    complaint.due_at = deadline(
        ctx.now,
        working_days_allowed(ctx.settings, c.NEW),
        kelurahan.time_zone if kelurahan else None,
    )
    session.add(complaint)
    session.flush()
    record(
        session,
        complaint.id,
        "filed",
        after={"status": c.NEW, "level": complaint.level},
        message_id=ctx.inbound_id,
        now=ctx.now,
    )
    _attach(session, complaint.id, effect.media, ctx.inbound_id, ctx.now)
    return complaint


def _open_complaint(ctx: EffectContext, ref: int | None) -> Complaint | None:
    if ref is None:
        return None
    return ctx.session.scalar(_OPEN_COMPLAINT, {"ref": ref, "contact_id": ctx.contact_id})


# Built once: every answer in the ADUAN dialog looks its complaint up.
_OPEN_COMPLAINT = select(Complaint).where(
    Complaint.inbound_message_id == bindparam("ref"),
    Complaint.contact_id == bindparam("contact_id"),
)


def continue_complaint(effect: ContinueComplaint, ctx: EffectContext) -> None:
    """The rest of a complaint the phone cut in two: appended to its text."""
    complaint = _open_complaint(ctx, effect.ref)
    if complaint is None:
        return
    before = {"text": complaint.text}
    complaint.text = f"{complaint.text} {effect.text}"[:MAX_TEXT]
    complaint.updated_at = ctx.now
    ctx.session.flush()
    record(ctx.session, complaint.id, "continued", before=before, after={"text": complaint.text},
           message_id=ctx.inbound_id, now=ctx.now)


def update_complaint(effect: UpdateComplaint, ctx: EffectContext) -> None:
    complaint = _open_complaint(ctx, effect.ref)
    if complaint is None or effect.field not in ANSWER_FIELDS:
        return
    if effect.field == "area":
        before = {"location": complaint.location_text, "kelurahan_id": complaint.kelurahan_id}
        complaint.location_text = str(effect.value)[:200]
        if complaint.kelurahan_id is None or (
            complaint.status == c.NEW and complaint.level == levels.KELURAHAN
        ):
            by_phone = channel_kelurahan(ctx.session, ctx.inbound_id)
            kelurahan = match_kelurahan(ctx.session, complaint.location_text,
                                        by_phone.id if by_phone else None)
            if kelurahan is not None:
                place(complaint, kelurahan)
        after = {"location": complaint.location_text, "kelurahan_id": complaint.kelurahan_id}
    else:
        before = {effect.field: getattr(complaint, effect.field)}
        setattr(complaint, effect.field, effect.value)
        after = {effect.field: effect.value}
        if (
            effect.field == "accused"
            and names_bkm(str(effect.value))
            and not complaint.names_bkm_member
        ):
            # Whoever is complained about must not handle it: keep it from the BKM at once.
            before["names_bkm_member"], before["level"] = False, complaint.level
            hide_from_bkm(complaint)
            after["names_bkm_member"], after["level"] = True, complaint.level
    complaint.updated_at = ctx.now
    ctx.session.flush()
    record(
        ctx.session,
        complaint.id,
        "answered",
        before=before,
        after=after,
        message_id=ctx.inbound_id,
        now=ctx.now,
    )
    if effect.field in ("accused", "area") and complaint.accused:
        keep_from_bkm(ctx.session, complaint, ctx.now)


def attach_media(effect: AttachComplaintMedia, ctx: EffectContext) -> None:
    complaint = _open_complaint(ctx, effect.ref)
    if complaint is None:
        return
    _attach(ctx.session, complaint.id, effect.media, ctx.inbound_id, ctx.now)
    record(
        ctx.session,
        complaint.id,
        "media",
        after={"count": len(effect.media)},
        message_id=ctx.inbound_id,
        now=ctx.now,
    )


def record_check_miss(effect: RecordCheckMiss, ctx: EffectContext) -> None:
    ctx.session.execute(
        insert(ComplaintCheckMiss.__table__).values(contact_id=ctx.contact_id, created_at=ctx.now)
    )


def forget_old_check_misses(rt, now: datetime) -> int:  # type: ignore[no-untyped-def]
    """Sweep task: CEK misses older than a day no longer count; delete them."""
    with rt.db.session() as session:
        result = session.execute(
            delete(ComplaintCheckMiss).where(ComplaintCheckMiss.created_at < now - timedelta(days=1))
        )
        return result.rowcount or 0
