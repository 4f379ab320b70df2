"""Priority announcements: recording the result, the preview, publishing, and residents'
TANYA / SANGGAH replies (filed as PPM complaints linked to the announcement).

Officer-written text (titles, reasons) goes out by SMS, so it is made plain GSM-7 first.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, func, select, update
from sqlalchemy.orm import Session

from bot.broadcasts import progress
from bot.effect_context import EffectContext
from bot.models import (
    Announcement,
    AnnouncementComplaint,
    AnnouncementItem,
    Broadcast,
    Complaint,
    Contact,
    Kelurahan,
    Ksm,
    KsmMember,
    Officer,
    Proposal,
)
from bot.models import announcement as an
from bot.models import broadcast as b
from bot.models import complaint as c
from bot.models import ksm as k
from bot.ksm.announcement_estimate import Pace, estimate, remaining_finish
from bot.complaints.intake import open_complaint
from bot.ksm.registration import notify
from bot.ksm.area import real_ksm
from bot.messaging.notices import broadcast_text
from conversations.catalogue import LANGUAGES, ksm_title, render
from conversations.flows.announcement_reply import ReplyToAnnouncement
from conversations.flows.complaint import FileComplaint
from conversations.gsm import segments, to_gsm7

KIND = "announcement"
SHORT_TITLE = 30  # characters of a proposal title in the SMS
REASON_MAX = 300
TITLE_MAX = 120


class AnnouncementError(ValueError):
    """The result cannot be recorded or published as given; the text says why."""


@dataclass(frozen=True)
class Choice:
    """What the BKM entered for one proposal."""

    proposal_id: int
    chosen: bool
    rank: int | None
    reason: str


def eligible(session: Session, kelurahan_id: int) -> list[tuple[Proposal, Ksm]]:
    """The proposals that go to the priority meeting: found eligible by their unit, and
    not chosen already in a published announcement (one not chosen may go again)."""
    announced = (select(AnnouncementItem.proposal_id)
                 .join(Announcement, Announcement.id == AnnouncementItem.announcement_id)
                 .where(Announcement.status == an.PUBLISHED, AnnouncementItem.chosen))
    return [tuple(row) for row in session.execute(  # type: ignore[misc]
        select(Proposal, Ksm).join(Ksm, Ksm.id == Proposal.ksm_id)
        .where(Ksm.kelurahan_id == kelurahan_id, Proposal.status == k.ELIGIBLE, real_ksm(),
               Proposal.id.not_in(announced))
        .order_by(Proposal.id))]


def record_result(session: Session, officer: Officer, kelurahan_id: int, title: str,
                  choices: list[Choice], now: datetime) -> Announcement:
    """Store a draft announcement.

    Raises:
        AnnouncementError: no title, nothing chosen, a chosen proposal without a reason,
            ranks that are not 1, 2, 3... , or a proposal not eligible in the kelurahan.
    """
    title = cut_at_word(to_gsm7(title), TITLE_MAX)
    if not title:
        raise AnnouncementError("Judul pengumuman wajib diisi.")
    allowed = {p.id for p, _ in eligible(session, kelurahan_id)}
    if any(choice.proposal_id not in allowed for choice in choices):
        raise AnnouncementError("Ada usulan yang tidak layak atau bukan dari kelurahan ini.")
    chosen = [x for x in choices if x.chosen]
    if not chosen:
        raise AnnouncementError("Pilih minimal satu usulan terpilih.")
    if sorted(x.rank or 0 for x in chosen) != list(range(1, len(chosen) + 1)):
        raise AnnouncementError(f"Peringkat usulan terpilih harus 1 sampai {len(chosen)}, "
                                "masing-masing sekali.")
    if any(not x.reason.strip() for x in chosen):
        raise AnnouncementError("Setiap usulan terpilih wajib diberi alasan.")
    announcement = Announcement(kelurahan_id=kelurahan_id, title=title, status=an.DRAFT,
                                created_by_id=officer.id, created_at=now)
    session.add(announcement)
    session.flush()
    session.add_all(AnnouncementItem(
        announcement_id=announcement.id, proposal_id=x.proposal_id, chosen=x.chosen,
        rank=x.rank if x.chosen else None,
        reason=cut_at_word(to_gsm7(x.reason), REASON_MAX) or None) for x in choices)
    session.flush()
    return announcement


def items(session: Session, announcement_id: int) -> list[tuple[AnnouncementItem, Proposal, Ksm]]:
    """The announcement's proposals: chosen by rank first, then those not chosen."""
    return [tuple(row) for row in session.execute(  # type: ignore[misc]
        select(AnnouncementItem, Proposal, Ksm)
        .join(Proposal, Proposal.id == AnnouncementItem.proposal_id)
        .join(Ksm, Ksm.id == Proposal.ksm_id)
        .where(AnnouncementItem.announcement_id == announcement_id)
        .order_by(AnnouncementItem.chosen.desc(), AnnouncementItem.rank, Proposal.id))]


def cut_at_word(text: str, limit: int) -> str:
    """``text`` in at most ``limit`` characters, cut before a whole word (or after a
    "/" between words) and marked with "..": a resident reads "4 anggota.." or
    "4.." rather than "4 anggot".

    A first word longer than the limit is kept whole (the text runs over rather than
    breaking it), unless it is over twice the limit: that is not a word.
    """
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    room = limit - 2
    head = text[:room]
    if text[room] != " ":  # the cut falls inside a word: back to where it starts
        boundary = max(head.rfind(" "), head.rfind("/"))
        if boundary > 0:
            head = head[:boundary]
        else:
            first = text.split(" ", 1)[0]
            if len(first) <= 2 * limit:
                head = first
            if head == text:
                return text
    return head.rstrip(" ,;:-/(") + ".."


def text_params(session: Session, announcement: Announcement) -> dict[str, Any]:
    """The catalogue parameters of the SMS (short) and WhatsApp (full) texts."""
    kelurahan = session.get(Kelurahan, announcement.kelurahan_id)
    rows = items(session, announcement.id)
    chosen = [(i, p, s) for i, p, s in rows if i.chosen]
    others = [(i, p, s) for i, p, s in rows if not i.chosen]
    # Everything that goes into the texts is made plain GSM-7: one curly apostrophe in
    # a KSM's name would make the whole SMS UCS-2 (70 characters a segment, not 160).
    short = "; ".join(f"{i.rank} {cut_at_word(to_gsm7(p.title), SHORT_TITLE)} "
                      f"({to_gsm7(ksm_title(s.name))})" for i, p, s in chosen)
    full = "\n".join(f"{i.rank}. {to_gsm7(p.title)} - {to_gsm7(ksm_title(s.name))}: {i.reason}"
                     for i, p, s in chosen)
    return {"kelurahan": to_gsm7(kelurahan.name) if kelurahan else "",
            "title": announcement.title, "items": short, "items_full": full,
            "others": "; ".join(f"{to_gsm7(p.title)} ({to_gsm7(ksm_title(s.name))})"
                                for _, p, s in others) or "-"}


def recipients(kelurahan_id: int) -> Select[Any]:
    """Every confirmed member of the kelurahan's KSMs (rejected KSMs excepted)."""
    return (select(KsmMember.contact_id).join(Ksm, Ksm.id == KsmMember.ksm_id)
            .where(Ksm.kelurahan_id == kelurahan_id, Ksm.status != k.REJECTED,
                   KsmMember.status == k.CONFIRMED))


def bodies(session: Session, announcement: Announcement) -> dict[str, tuple[str, str]]:
    """Per language, the SMS (short) and WhatsApp (full) texts the broadcast carries."""
    params = text_params(session, announcement)
    return {language: (render("ann.sms", language, **params),
                       render("ann.whatsapp", language,
                              **{**params, "items": params["items_full"]}))
            for language in LANGUAGES}


def preview(session: Session, announcement: Announcement, settings: Any,
            now: datetime, pace: Pace | None = None) -> dict[str, Any]:
    """The texts (Indonesian), the SMS segments of one message, and the estimate of
    sending it now: the broadcast's recipients and the notices to leaders not chosen,
    SMS counted by the provider that carries them, cost
    (``bot.ksm.announcement_estimate``); with ``pace``, when sending would finish."""
    texts = bodies(session, announcement)
    sms, whatsapp = texts["id"]
    return {
        "sms": {"text": sms, "segments": segments(sms)},
        "whatsapp": {"text": whatsapp},
        "estimate": estimate(session, recipients(announcement.kelurahan_id), texts, settings,
                             now, content_sid=settings.whatsapp_templates.get(KIND),
                             notices=not_chosen_notices(session, announcement),
                             pace=pace, kind=KIND),
    }


def not_chosen_notices(session: Session, announcement: Announcement) -> list[tuple[int, str, dict[str, Any]]]:
    """The notices publishing queues, one per proposal not chosen, to its KSM's leader:
    (contact id, catalogue key, parameters) as ``ksm.notify`` takes them."""
    return [(s.leader_contact_id, "ann.not_chosen", {"title": to_gsm7(p.title), "ksm": to_gsm7(s.name)})
            for i, p, s in items(session, announcement.id) if not i.chosen]


def publish(session: Session, announcement: Announcement, now: datetime,
            templates: Any = None,
            expires_at: datetime | None = None) -> tuple[list[int], list[int]]:
    """Publish a draft: broadcasts to the members, notices to leaders not chosen.

    ``expires_at``: the "berlaku sampai" the officer chose (:func:`useful_until_of`);
    the members' messages not sent by then expire. None: the default window.

    Returns:
        (broadcast ids to start, message ids to send), both after the caller's commit.
    """
    # Claimed in the database, not read from the object: of two submits at once (a
    # double tap, two officers) one finds the row no longer a draft and sends nothing.
    claimed = session.execute(
        update(Announcement)
        .where(Announcement.id == announcement.id, Announcement.status == an.DRAFT)
        .values(status=an.PUBLISHED, published_at=now))
    if claimed.rowcount != 1:
        raise AnnouncementError("Pengumuman ini sudah diterbitkan.")
    params = text_params(session, announcement)
    broadcasts = broadcast_text(
        session, KIND, "ann.sms", params, recipients(announcement.kelurahan_id), now,
        kelurahan_id=announcement.kelurahan_id, templates=templates,
        key_whatsapp="ann.whatsapp", whatsapp_params={"items": params["items_full"]},
        expires_at=expires_at)
    messages = [notify(session, contact_id, key, now, **params)
                for contact_id, key, params in not_chosen_notices(session, announcement)]
    announcement.status = an.PUBLISHED
    announcement.published_at = now
    announcement.broadcast_ids = ",".join(map(str, broadcasts))
    return broadcasts, messages


def useful_until_of(session: Session, announcement: Announcement) -> datetime | None:
    """The announcement's "berlaku sampai": when its broadcasts stop being sent."""
    ids = [int(x) for x in (announcement.broadcast_ids or "").split(",") if x]
    if not ids:
        return None
    return session.scalar(select(func.min(Broadcast.expires_at)).where(Broadcast.id.in_(ids)))


def sending_progress(session: Session, announcement: Announcement,
                     now: datetime | None = None) -> dict[str, int]:
    """Queued / held / sent / failed / skipped / expired over the announcement's broadcasts, each
    message in one of them, so they add up to the total; "delivered" is the part of
    "sent" the phones confirmed (``bot.broadcasts.progress`` counts the held among the
    queued: here they are apart, as the officer reads them side by side)."""
    total = dict.fromkeys(("queued", "held", "sent", "delivered", "failed", "unknown",
                           "skipped", "expired", "total"), 0)
    for broadcast_id in filter(None, (announcement.broadcast_ids or "").split(",")):
        for key, value in progress(session, int(broadcast_id), now).items():
            total[key] = total.get(key, 0) + value
    total["queued"] -= total["held"]
    return total


def still_sending(session: Session, announcements: list[Announcement]) -> set[int]:
    """The ids of ``announcements`` whose messages are still going out (a broadcast of
    theirs is sending): what the home page counts as "sedang dikirim" and the list shows,
    so the two agree. A meeting's notices are broadcasts too, but no announcement."""
    ids = {a.id: {int(x) for x in (a.broadcast_ids or "").split(",") if x}
           for a in announcements if a.status == an.PUBLISHED}
    wanted = set().union(*ids.values()) if ids else set()
    if not wanted:
        return set()
    sending = set(session.scalars(select(Broadcast.id).where(
        Broadcast.id.in_(wanted), Broadcast.status == b.SENDING)))
    return {announcement_id for announcement_id, broadcasts in ids.items()
            if broadcasts & sending}


# What the officer reads about the sending as a whole.
STATE_DRAFT = "Belum dikirim (draf)"
STATE_SENDING = "Sedang dikirim"
STATE_DONE = "Selesai dikirim"
STATE_HELD = "Menunggu: jam tenang (21.00-06.00) atau coba lagi nanti"


def sending_state(session: Session, announcement: Announcement,
                  now: datetime | None = None, pace: Pace | None = None) -> dict[str, Any]:
    """The progress as the dashboard polls it: the counts, whether sending is over,
    one Indonesian line ("Antre 0, Terkirim 6, Diterima 2, Gagal 0") and, with
    ``pace`` while it sends, when what is left should have gone ("selesai sekitar
    Selasa 09.40 WIB", recomputed from the rows still open and the phones online)."""
    counts = sending_progress(session, announcement, now)
    if announcement.status != an.PUBLISHED:
        state, done = STATE_DRAFT, False
    else:
        done = counts["queued"] + counts["held"] == 0
        held = not done and counts["queued"] == 0
        state = STATE_DONE if done else STATE_HELD if held else STATE_SENDING
    summary = (f"Antre {counts['queued']}, Terkirim {counts['sent']}, "
               f"Diterima {counts['delivered']}, Gagal {counts['failed']}")
    if counts["expired"]:
        summary += f", Kedaluwarsa {counts['expired']}"
    finish = ""
    if pace is not None and now is not None and announcement.status == an.PUBLISHED and not done:
        ids = [int(x) for x in (announcement.broadcast_ids or "").split(",") if x]
        finish = remaining_finish(session, ids, pace, now)[1]
    return {"state": state, "done": done, "counts": counts, "summary": summary,
            "finish": finish}


def replies(session: Session,
            announcement_id: int) -> list[tuple[AnnouncementComplaint, Complaint]]:
    return [tuple(row) for row in session.execute(  # type: ignore[misc]
        select(AnnouncementComplaint, Complaint)
        .join(Complaint, Complaint.id == AnnouncementComplaint.complaint_id)
        .where(AnnouncementComplaint.announcement_id == announcement_id)
        .order_by(AnnouncementComplaint.id))]


def reply_to_announcement(effect: ReplyToAnnouncement, ctx: EffectContext) -> None:
    """A resident's answer to an announcement, filed as a complaint linked to it."""
    session = ctx.session
    announcement = session.get(Announcement, effect.announcement_id)
    if announcement is None or announcement.status != an.PUBLISHED:
        raise AnnouncementError("no such published announcement")
    label = "Pertanyaan" if effect.kind == "tanya" else "Sanggahan"
    # The announcement says where it belongs, whatever the member's own area.
    complaint = open_complaint(FileComplaint(
        text=f"{label} tentang pengumuman '{announcement.title}': {effect.text}",
        channel=effect.channel, code=effect.code), ctx, kelurahan_id=announcement.kelurahan_id)
    complaint.kind = c.QUESTION if effect.kind == "tanya" else c.OTHER
    session.add(AnnouncementComplaint(announcement_id=announcement.id, complaint_id=complaint.id,
                                      kind=effect.kind, created_at=ctx.now))


class AnnouncementLookups:
    """Look-ups for TANYA / SANGGAH (mixed into ``bot.directory.DbDirectory``)."""

    session: Session
    contact_id: int

    def latest_announcement(self) -> int | None:
        """The newest published announcement of the contact's kelurahan or KSMs."""
        mine = select(Ksm.kelurahan_id).join(KsmMember, KsmMember.ksm_id == Ksm.id).where(
            KsmMember.contact_id == self.contact_id)
        home = select(Contact.kelurahan_id).where(Contact.id == self.contact_id)
        return self.session.scalar(
            select(Announcement.id).where(
                Announcement.status == an.PUBLISHED,
                Announcement.kelurahan_id.in_(mine) | Announcement.kelurahan_id.in_(home))
            .order_by(Announcement.published_at.desc(), Announcement.id.desc()).limit(1))
