"""KSM (community self-help groups), their members, the PJM programs and proposals.

Statuses are documented next to their constants; the rules they follow (3 members,
30% women, poor-list rules per unit) live in ``bot.ksm.registration`` and
``bot.ksm.poor_list``.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Boolean, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column
from sqlalchemy.sql.expression import false

from bot.models.base import Base, UtcDateTime, utcnow
from conversations.flows.ksm_common import (  # noqa: F401  (the statuses' home)
    CONFIRMED,
    DECLINED,
    FORMING,
    INVITED,
    KSM_STATUSES,
    REFUSED,
    REJECTED,
    REQUESTED,
    UNITS,
    UPK,
    UPL,
    UPS,
    VERIFIED,
    WAITING,
)

# KSM statuses (FORMING, WAITING, VERIFIED, REJECTED), member statuses (INVITED,
# CONFIRMED, DECLINED, REQUESTED, REFUSED) and the BKM units: the KSM flows' words,
# documented where they are defined (``conversations.flows.ksm_common``).

# KSM cycle stages (guideline section E).
STAGES = ("KSM-1", "KSM-2", "KSM-3", "KSM-4")

LEADER, MEMBER = "leader", "member"

# Proposal statuses.
SUBMITTED = "submitted"  # in the unit's review queue
ELIGIBLE = "eligible"  # the unit found it eligible (goes to the priority meeting)
NOT_ELIGIBLE = "not_eligible"  # not eligible; ``reviewer_notes`` says why
PROPOSAL_STATUSES = (SUBMITTED, ELIGIBLE, NOT_ELIGIBLE)


class Ksm(Base):
    """A KSM registered by its leader, reviewed by the BKM of its kelurahan."""

    __tablename__ = "ksm"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Digits only, 5 of them: easy to type on a keypad.
    code: Mapped[str] = mapped_column(String(8), unique=True)
    name: Mapped[str] = mapped_column(String(80))
    kelurahan_id: Mapped[int] = mapped_column(ForeignKey("kelurahan.id"), index=True)
    field: Mapped[str] = mapped_column(String(20))
    unit: Mapped[str] = mapped_column(String(3))
    women: Mapped[bool] = mapped_column(Boolean, default=False)
    goal: Mapped[str] = mapped_column(String(200))
    values_agreed: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[str] = mapped_column(String(24), default=FORMING, index=True)
    rejection_reason: Mapped[str | None] = mapped_column(String(300))
    # Verified though the poor-list rule failed: the BKM officer's reason, kept.
    rule_override_reason: Mapped[str | None] = mapped_column(String(300))
    cycle_stage: Mapped[str] = mapped_column(String(6), default="KSM-2")
    leader_contact_id: Mapped[int] = mapped_column(ForeignKey("contact.id"), index=True)
    # Registered by a simulated leader (the dashboard's simulator): counted nowhere unless
    # an officer asks for it (``bot.ksm.area.real_ksm``).
    simulated: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    verified_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    verified_by_id: Mapped[int | None] = mapped_column(ForeignKey("officer.id"))


class KsmMember(Base):
    """A phone number's place in one KSM; a number may be in several KSMs."""

    __tablename__ = "ksm_member"
    __table_args__ = (UniqueConstraint("ksm_id", "contact_id", name="uq_ksm_member_ksm_contact"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    ksm_id: Mapped[int] = mapped_column(ForeignKey("ksm.id"), index=True)
    contact_id: Mapped[int] = mapped_column(ForeignKey("contact.id"), index=True)
    name: Mapped[str] = mapped_column(String(80))
    gender: Mapped[str | None] = mapped_column(String(1))  # L or P
    role: Mapped[str] = mapped_column(String(8), default=MEMBER)
    status: Mapped[str] = mapped_column(String(10), default=INVITED)
    # The member's entry on the poor list: matched by phone, or confirmed by an officer.
    poor_resident_id: Mapped[int | None] = mapped_column(ForeignKey("poor_resident.id"))
    poor_match: Mapped[str | None] = mapped_column(String(8))  # phone / officer
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    responded_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    # A request to join (GABUNG without an invitation): the number its leader answers
    # with (TERIMA/TOLAK <n>), counted per leader so it stays short and never changes.
    request_no: Mapped[int | None] = mapped_column(Integer)


class PjmProgram(Base):
    """A program of the kelurahan's PJM Pronangkis; every proposal serves one."""

    __tablename__ = "pjm_program"

    id: Mapped[int] = mapped_column(primary_key=True)
    kelurahan_id: Mapped[int] = mapped_column(ForeignKey("kelurahan.id"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class Proposal(Base):
    """A KSM's activity proposal (usulan kegiatan), reviewed by the unit of its field."""

    __tablename__ = "proposal"

    id: Mapped[int] = mapped_column(primary_key=True)
    ksm_id: Mapped[int] = mapped_column(ForeignKey("ksm.id"), index=True)
    title: Mapped[str] = mapped_column(String(120))
    pjm_program_id: Mapped[int | None] = mapped_column(ForeignKey("pjm_program.id"))
    field: Mapped[str] = mapped_column(String(20))
    unit: Mapped[str] = mapped_column(String(3), index=True)
    amount: Mapped[int] = mapped_column(BigInteger)  # Rupiah
    beneficiaries: Mapped[int] = mapped_column(Integer)
    poor_beneficiaries: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16), default=SUBMITTED, index=True)
    reviewer_notes: Mapped[str | None] = mapped_column(Text)
    interview_done: Mapped[bool] = mapped_column(Boolean, default=False)
    field_visit_done: Mapped[bool] = mapped_column(Boolean, default=False)
    source: Mapped[str] = mapped_column(String(10), default="sms")  # sms / dashboard
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("officer.id"))
    reviewed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    # Eligible although it breaks its unit's beneficiary rule: why (the reviewer's words).
    rule_override_reason: Mapped[str | None] = mapped_column(Text)
    # Eligible without the interview or the field visit recorded: why not.
    checks_skipped_reason: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class ProposalReview(Base):
    """The audit trail of a proposal's reviews: each decision with its reasons."""

    __tablename__ = "proposal_review"

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposal.id"), index=True)
    officer_id: Mapped[int] = mapped_column(ForeignKey("officer.id"))
    status: Mapped[str] = mapped_column(String(16))
    notes: Mapped[str | None] = mapped_column(Text)
    interview_done: Mapped[bool] = mapped_column(Boolean, default=False)
    field_visit_done: Mapped[bool] = mapped_column(Boolean, default=False)
    rule_override_reason: Mapped[str | None] = mapped_column(Text)
    checks_skipped_reason: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
