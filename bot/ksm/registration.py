"""KSM registration and membership: effect handlers and the BKM's verification.

Rules: a KSM needs 3 confirmed members (the leader counts) to wait for verification;
an added member counts only after confirming; women under 30% is told, not blocked.
"""
from __future__ import annotations

import secrets
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.effect_context import EffectContext
from bot.models import Contact, Ksm, KsmMember, Officer
from bot.models import ksm as k
from bot.outbox import queue_message
from bot.phone import display
from bot.ksm.lookups import ksm_view
from bot.ksm import poor_list
from bot.ksm.poor_list import match_member
from conversations.catalogue import render
from conversations.flows.ksm_common import (
    FIELDS,
    KSM_CODE_DIGITS,
    MIN_MEMBERS,
    progress_text,
    women_warning,
)
from conversations.flows.ksm_members import (
    AddKsmMember,
    AnswerJoinRequest,
    DeclineKsm,
    JoinKsm,
    RequestToJoinKsm,
)
from conversations.flows.ksm_registration import RegisterKsm
from conversations.gsm import to_gsm7

CODE_DIGITS = KSM_CODE_DIGITS


class KsmError(ValueError):
    """A decision the KSM's state does not allow; the text says why."""


def new_code(session: Session) -> str:
    """A free 5-digit code that does not start with 0 (easy to read out and type)."""
    while True:
        code = str(10 ** (CODE_DIGITS - 1) + secrets.randbelow(9 * 10 ** (CODE_DIGITS - 1)))
        if session.scalar(select(Ksm.id).where(Ksm.code == code)) is None:
            return code


def contact_for(session: Session, phone: str, now: datetime, simulated: bool = False) -> Contact:
    """The contact of ``phone``, created when the number never wrote to us (marked
    ``simulated`` when a simulated contact's message names it)."""
    contact = session.execute(select(Contact).where(Contact.phone == phone)).scalar_one_or_none()
    if contact is None:
        contact = Contact(phone=phone, language="id", uses_sms=True, created_at=now,
                          simulated=simulated)
        session.add(contact)
        session.flush()
    return contact


NOTICE = "notice"  # the kind of the messages notify queues


def notice_channel(uses_whatsapp: bool, uses_sms: bool) -> str:
    """The channel a notice is queued for: WhatsApp only for those who use nothing else."""
    return "whatsapp" if uses_whatsapp and not uses_sms else "sms"


def notify(session: Session, contact_id: int, key: str, now: datetime, **params: object) -> int:
    """Queue catalogue text ``key`` to a contact in their language; returns the message id."""
    contact = session.get(Contact, contact_id)
    assert contact is not None
    channel = notice_channel(contact.uses_whatsapp, contact.uses_sms)
    body = render(key, contact.language, **params)
    return queue_message(session, contact_id, channel, body, kind=NOTICE, now=now)


def locked_ksm(session: Session, ksm_id: int) -> Ksm | None:
    """The KSM with its row locked, so that two members confirming at the same moment
    count each other (PostgreSQL; SQLite serialises writers anyway)."""
    return session.get(Ksm, ksm_id, with_for_update=True)


def refresh_status(session: Session, ksm: Ksm, now: datetime) -> bool:
    """Move a KSM between forming and waiting as its confirmed members change.

    Returns:
        True when the KSM has just reached the members it needs.
    """
    confirmed = ksm_view(session, ksm.id).confirmed
    reached = False
    if ksm.status == k.FORMING and confirmed >= MIN_MEMBERS:
        ksm.status = k.WAITING
        ksm.submitted_at = now
        ksm.cycle_stage = "KSM-3"
        reached = True
    elif ksm.status == k.WAITING and confirmed < MIN_MEMBERS:
        ksm.status = k.FORMING
        ksm.cycle_stage = "KSM-2"
    session.flush()
    return reached


def _tell_leader(session: Session, ksm: Ksm, key: str, member: str, ctx: EffectContext,
                 reached: bool = False) -> None:
    if ksm.leader_contact_id == ctx.contact_id:
        return
    view = ksm_view(session, ksm.id)
    leader = session.get(Contact, ksm.leader_contact_id)
    language = leader.language if leader else "id"
    ctx.queued_message_ids.append(notify(
        session, ksm.leader_contact_id, key, ctx.now,
        member=member, ksm=ksm.name, progress=progress_text(view, language),
    ))
    warning = women_warning(view)
    if warning is not None and reached:
        ctx.queued_message_ids.append(notify(session, ksm.leader_contact_id, warning.key, ctx.now,
                                             **warning.params))


def register(effect: RegisterKsm, ctx: EffectContext) -> dict[str, object]:
    session = ctx.session
    ksm = Ksm(
        code=new_code(session), name=effect.name, kelurahan_id=effect.kelurahan_id,
        field=effect.field, unit=FIELDS[effect.field], women=effect.women, goal=effect.goal,
        values_agreed=True, status=k.FORMING, cycle_stage="KSM-2",
        leader_contact_id=ctx.contact_id, simulated=ctx.simulated, created_at=ctx.now,
    )
    session.add(ksm)
    session.flush()
    session.add(KsmMember(
        ksm_id=ksm.id, contact_id=ctx.contact_id, name=effect.leader_name,
        gender=effect.leader_gender, role=k.LEADER, status=k.CONFIRMED,
        created_at=ctx.now, responded_at=ctx.now,
    ))
    session.flush()
    leader = session.execute(select(KsmMember).where(KsmMember.ksm_id == ksm.id)).scalar_one()
    match_member(session, leader, ksm.kelurahan_id, ctx.phone)
    contact = session.get(Contact, ctx.contact_id)
    if contact is not None:
        contact.kelurahan_id = contact.kelurahan_id or effect.kelurahan_id
        contact.name = contact.name or effect.leader_name
    session.flush()
    return {"code": ksm.code}


def add_member(effect: AddKsmMember, ctx: EffectContext) -> dict[str, object]:
    session = ctx.session
    ksm = session.get(Ksm, effect.ksm_id)
    if ksm is None or ksm.leader_contact_id != ctx.contact_id or ksm.status == k.REJECTED:
        raise KsmError("only the leader of an open KSM adds members")
    contact = contact_for(session, effect.phone, ctx.now, ctx.simulated)
    member = session.execute(
        select(KsmMember).where(KsmMember.ksm_id == ksm.id, KsmMember.contact_id == contact.id)
    ).scalar_one_or_none()
    if member is None:
        member = KsmMember(ksm_id=ksm.id, contact_id=contact.id, role=k.MEMBER, created_at=ctx.now)
        session.add(member)
    if member.status != k.CONFIRMED:
        member.status = k.INVITED
    member.name, member.gender = effect.name, effect.gender
    match_member(session, member, ksm.kelurahan_id, contact.phone)
    session.flush()
    leader = session.execute(
        select(KsmMember.name).where(KsmMember.ksm_id == ksm.id, KsmMember.role == k.LEADER)
    ).scalar() or ""
    kelurahan = ksm_view(session, ksm.id).kelurahan
    ctx.queued_message_ids.append(notify(
        session, contact.id, "ksm.invite", ctx.now,
        leader=leader, ksm=ksm.name, kelurahan=kelurahan, code=ksm.code,
    ))
    return {"code": ksm.code, "progress": progress_text(ksm_view(session, ksm.id), ctx.language)}


def _open_ksm_and_membership(
    session: Session, ksm_id: int, contact_id: int
) -> tuple[Ksm, KsmMember | None]:
    """The KSM, locked, if it is still open to members, and the contact's membership row
    in it (invited, asked, declined...) if there is one."""
    ksm = locked_ksm(session, ksm_id)
    if ksm is None or ksm.status == k.REJECTED:
        raise KsmError("no such open KSM")
    member = session.execute(
        select(KsmMember).where(KsmMember.ksm_id == ksm.id, KsmMember.contact_id == contact_id)
    ).scalar_one_or_none()
    return ksm, member


def join(effect: JoinKsm, ctx: EffectContext) -> dict[str, object]:
    session = ctx.session
    ksm, member = _open_ksm_and_membership(session, effect.ksm_id, ctx.contact_id)
    if member is None:
        member = KsmMember(ksm_id=ksm.id, contact_id=ctx.contact_id, role=k.MEMBER,
                           name=effect.name or "", created_at=ctx.now)
        session.add(member)
    if effect.name:
        member.name = effect.name
    if effect.gender:
        member.gender = effect.gender
    member.status = k.CONFIRMED
    member.responded_at = ctx.now
    match_member(session, member, ksm.kelurahan_id, ctx.phone)
    session.flush()
    reached = refresh_status(session, ksm, ctx.now)
    _tell_leader(session, ksm, "ksm.notice.joined", member.name, ctx, reached)
    return {"code": ksm.code}


def _next_request_no(session: Session, leader_contact_id: int) -> int:
    """One more than the leader's last request number (over all the KSMs they lead)."""
    # The leader's contact row is the lock: two requests to two KSMs of one leader at
    # the same moment must not get the same number. Locked before the KSM row, the
    # order the leader's own messages lock them in.
    session.execute(select(Contact.id).where(Contact.id == leader_contact_id).with_for_update())
    last = session.scalar(
        select(func.max(KsmMember.request_no)).join(Ksm, Ksm.id == KsmMember.ksm_id)
        .where(Ksm.leader_contact_id == leader_contact_id))
    return (last or 0) + 1


def request_to_join(effect: RequestToJoinKsm, ctx: EffectContext) -> dict[str, object]:
    session = ctx.session
    leader_id = session.scalar(select(Ksm.leader_contact_id).where(Ksm.id == effect.ksm_id))
    if leader_id is None:
        raise KsmError("no such KSM")
    number = _next_request_no(session, leader_id)
    ksm, member = _open_ksm_and_membership(session, effect.ksm_id, ctx.contact_id)
    if member is not None and member.status != k.DECLINED:
        return {"code": ksm.code}  # asked already, or invited meanwhile: nothing new to ask
    if member is None:
        member = KsmMember(ksm_id=ksm.id, contact_id=ctx.contact_id, role=k.MEMBER,
                           name=effect.name, created_at=ctx.now)
        session.add(member)
    member.name, member.gender = effect.name, effect.gender
    member.status = k.REQUESTED
    member.request_no = number
    member.responded_at = ctx.now
    session.flush()
    ctx.queued_message_ids.append(notify(
        session, ksm.leader_contact_id, "ksm.notice.request", ctx.now,
        member=member.name, phone=display(ctx.phone), ksm=ksm.name, n=number,
    ))
    return {"code": ksm.code}


def answer_join_request(effect: AnswerJoinRequest, ctx: EffectContext) -> dict[str, object]:
    session = ctx.session
    ksm = locked_ksm(session, effect.ksm_id)
    if ksm is None or ksm.leader_contact_id != ctx.contact_id:
        raise KsmError("only the KSM's leader answers a request to join")
    member = session.execute(
        select(KsmMember).where(KsmMember.ksm_id == ksm.id, KsmMember.request_no == effect.number)
    ).scalar_one_or_none()
    wanted = k.CONFIRMED if effect.accept else k.REFUSED
    if member is None or member.status not in (k.REQUESTED, k.REFUSED) or member.status == wanted:
        return {"progress": progress_text(ksm_view(session, ksm.id), ctx.language)}
    member.status = wanted
    member.responded_at = ctx.now
    session.flush()
    if effect.accept:
        match_member(session, member, ksm.kelurahan_id, _phone_of(session, member.contact_id))
        reached = refresh_status(session, ksm, ctx.now)
        ctx.queued_message_ids.append(notify(session, member.contact_id, "ksm.notice.accepted",
                                             ctx.now, ksm=ksm.name, code=ksm.code))
        warning = women_warning(ksm_view(session, ksm.id))
        if warning is not None and reached:
            ctx.queued_message_ids.append(notify(session, ksm.leader_contact_id, warning.key,
                                                 ctx.now, **warning.params))
    else:
        ctx.queued_message_ids.append(notify(session, member.contact_id, "ksm.notice.refused",
                                             ctx.now, ksm=ksm.name))
    return {"progress": progress_text(ksm_view(session, ksm.id), ctx.language)}


def _phone_of(session: Session, contact_id: int) -> str:
    return session.scalar(select(Contact.phone).where(Contact.id == contact_id)) or ""


def decline(effect: DeclineKsm, ctx: EffectContext) -> None:
    session = ctx.session
    ksm = locked_ksm(session, effect.ksm_id)
    member = session.execute(
        select(KsmMember).where(KsmMember.ksm_id == effect.ksm_id, KsmMember.contact_id == ctx.contact_id)
    ).scalar_one_or_none()
    if member is None or ksm is None or member.role == k.LEADER:
        return
    member.status = k.DECLINED
    member.responded_at = ctx.now
    session.flush()
    if ksm.status != k.VERIFIED:
        refresh_status(session, ksm, ctx.now)
    _tell_leader(session, ksm, "ksm.notice.declined", member.name, ctx)


def verify(session: Session, ksm: Ksm, officer: Officer, now: datetime,
           rule_override: str = "") -> list[int]:
    """The BKM verifies a KSM waiting for it; returns the leader's message ids to send.

    A KSM whose poor-list rule fails (``poor_list.standing``) is verified only with a
    reason for the exception, kept on the KSM, as a proposal's (``bot.ksm.proposals``).
    """
    if ksm.status != k.WAITING:
        raise KsmError("Hanya KSM yang menunggu verifikasi dapat diverifikasi.")
    rule_override = to_gsm7(" ".join((rule_override or "").split()))[:REASON_MAX]
    standing = poor_list.standing(session, ksm)
    if standing.ok is False and not rule_override:
        raise KsmError(f"KSM ini belum memenuhi aturan daftar miskin ({standing.summary}): "
                       "tulis alasan pengecualian untuk memverifikasinya.")
    ksm.rule_override_reason = rule_override if standing.ok is False else None
    ksm.status = k.VERIFIED
    ksm.verified_at = now
    ksm.verified_by_id = officer.id
    ksm.rejection_reason = None
    ksm.cycle_stage = "KSM-3"
    return [notify(session, ksm.leader_contact_id, "ksm.notice.verified", now, ksm=ksm.name, code=ksm.code)]


REASON_MAX = 200


def reject(session: Session, ksm: Ksm, officer: Officer, reason: str, now: datetime) -> list[int]:
    """The BKM rejects a KSM with a reason that is sent to its leader."""
    reason = to_gsm7(" ".join((reason or "").split()))[:REASON_MAX]
    if not reason:
        raise KsmError("Alasan penolakan wajib diisi.")
    if ksm.status == k.REJECTED:
        raise KsmError("KSM ini sudah ditolak.")
    ksm.status = k.REJECTED
    ksm.rejection_reason = reason
    ksm.verified_by_id = officer.id
    return [notify(session, ksm.leader_contact_id, "ksm.notice.rejected", now,
                   ksm=ksm.name, code=ksm.code, reason=reason)]
