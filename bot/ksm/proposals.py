"""Activity proposals: stored from USUL or the dashboard, reviewed by the BKM unit of
their field, and every status change sent to the KSM's leader."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from bot.effect_context import EffectContext
from bot.models import Ksm, Officer, PjmProgram, Proposal, ProposalReview
from bot.models import ksm as k
from bot.ksm.poor_list import beneficiaries_ok
from bot.ksm.registration import KsmError, notify
from conversations.flows.ksm_common import FIELDS
from conversations.flows.ksm_proposal import SubmitProposal
from conversations.gsm import to_gsm7

NOTES_MAX = 300


def create(session: Session, ksm: Ksm, title: str, pjm_program_id: int, field: str, amount: int,
           beneficiaries: int, poor_beneficiaries: int, now: datetime, source: str = "sms") -> Proposal:
    """Store a proposal in its unit's queue after checking what the dialog cannot."""
    if ksm.status != k.VERIFIED:
        raise KsmError("Hanya KSM terverifikasi yang dapat mengajukan usulan.")
    program = session.get(PjmProgram, pjm_program_id)
    if program is None or program.kelurahan_id != ksm.kelurahan_id:
        raise KsmError("Program PJM tidak ada di kelurahan KSM ini.")
    if field not in FIELDS:
        raise KsmError("Bidang tidak dikenal.")
    if not 0 <= poor_beneficiaries <= beneficiaries or amount <= 0:
        raise KsmError("Jumlah penerima manfaat atau dana tidak masuk akal.")
    proposal = Proposal(
        ksm_id=ksm.id, title=title, pjm_program_id=program.id, field=field, unit=FIELDS[field],
        amount=amount, beneficiaries=beneficiaries, poor_beneficiaries=poor_beneficiaries,
        status=k.SUBMITTED, source=source, created_at=now,
    )
    session.add(proposal)
    # Proposals are the routine work of KSM-4 (guideline section E).
    ksm.cycle_stage = "KSM-4"
    session.flush()
    return proposal


def submit(effect: SubmitProposal, ctx: EffectContext) -> dict[str, object]:
    ksm = ctx.session.get(Ksm, effect.ksm_id)
    if ksm is None or ksm.leader_contact_id != ctx.contact_id:
        raise KsmError("only the KSM's leader submits proposals")
    proposal = create(ctx.session, ksm, effect.title, effect.pjm_program_id, effect.field,
                      effect.amount, effect.beneficiaries, effect.poor_beneficiaries, ctx.now)
    return {"number": proposal.id}


def review(session: Session, proposal: Proposal, officer: Officer, status: str, notes: str,
           interview_done: bool, field_visit_done: bool, now: datetime,
           rule_override: str = "", checks_skipped: str = "") -> list[int]:
    """A reviewer marks a proposal eligible or not; the leader is told. Returns message ids.

    Eligible asks more than a click: a proposal that breaks its unit's beneficiary rule
    needs an explicit override with a reason, and one whose interview or field visit is
    not recorded needs a reason why not (D.6-D.9: the BKM verifies documents, interview
    and field visit). Every review is kept in ``proposal_review``.
    """
    if status not in (k.ELIGIBLE, k.NOT_ELIGIBLE):
        raise KsmError("Pilih layak atau tidak layak.")
    notes = _clean(notes)
    rule_override, checks_skipped = _clean(rule_override), _clean(checks_skipped)
    if status == k.NOT_ELIGIBLE and not notes:
        raise KsmError("Alasan wajib diisi bila usulan tidak layak.")
    if status == k.ELIGIBLE:
        if breaks_rule(proposal):
            if not rule_override:
                raise KsmError(f"Usulan no. {proposal.id} belum memenuhi aturan {proposal.unit}: "
                               "tulis alasan pengecualian untuk menyatakannya layak.")
        else:
            rule_override = ""
        if interview_done and field_visit_done:
            checks_skipped = ""
        elif not checks_skipped:
            raise KsmError("Catat wawancara dan kunjungan lapangan, atau tulis alasan "
                           "mengapa belum dilakukan.")
    else:
        rule_override = checks_skipped = ""
    changed = status != proposal.status
    proposal.status = status
    proposal.reviewer_notes = notes or None
    proposal.interview_done = interview_done
    proposal.field_visit_done = field_visit_done
    proposal.rule_override_reason = rule_override or None
    proposal.checks_skipped_reason = checks_skipped or None
    proposal.reviewed_by_id = officer.id
    proposal.reviewed_at = now
    session.add(ProposalReview(
        proposal_id=proposal.id, officer_id=officer.id, status=status, notes=notes or None,
        interview_done=interview_done, field_visit_done=field_visit_done,
        rule_override_reason=rule_override or None, checks_skipped_reason=checks_skipped or None,
        created_at=now,
    ))
    session.flush()
    if not changed:
        return []
    ksm = session.get(Ksm, proposal.ksm_id)
    assert ksm is not None
    return [notify(session, ksm.leader_contact_id, f"usul.notice.{status}", now, number=proposal.id,
                   title=proposal.title, unit=proposal.unit, notes=notes)]


def _clean(text: str | None) -> str:
    return to_gsm7(" ".join((text or "").split()))[:NOTES_MAX]


def breaks_rule(proposal: Proposal) -> bool:
    """The proposal breaks its unit's BLM beneficiary rule (``poor_list.beneficiaries_ok``)."""
    return not beneficiaries_ok(proposal.unit, proposal.beneficiaries, proposal.poor_beneficiaries)
