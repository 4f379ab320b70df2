"""An officer proves a phone number is theirs: a 6-digit code is sent to it through the
outbox, and they type it on their page within :data:`CODE_TTL`.

The code is kept as a salted SHA-256 (``OfficerPhoneCode``), each try is counted in the
database before it is checked (so tries sent at once meet one limit, as logins do), and
a few codes an hour at most go to any number from one officer's page.
"""
from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime, timedelta

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from bot.models import Contact, Message, Officer, OfficerPhoneCode
from bot.models import messaging as m
from bot.models.officer_notify import CHANNELS
from bot.officers import notify
from bot.outbox import queue_message
from bot.phone import InvalidPhone, typed_number

CODE_TTL = timedelta(minutes=15)
MAX_TRIES = 5  # per code; then a new code is needed
MAX_CODES_PER_HOUR = 3  # per officer: the page must not become a way to spam a number
CODE_KIND = "officer_code"  # Message.kind
SPENT_TEXT = "ksm-bot: kode verifikasi nomor petugas (sudah tidak berlaku)."


class VerificationError(ValueError):
    """The code was not sent or not accepted; the text says why, in Indonesian."""


def code_text(code: str) -> str:
    """The SMS carrying the code (named, as Indonesian operators block brand-less OTPs)."""
    return (f"ksm-bot: kode verifikasi nomor petugas {code}. Berlaku 15 menit. "
            "Abaikan jika Anda tidak memintanya.")


def _hash(salt: str, code: str) -> str:
    return hashlib.sha256(f"{salt}:{code}".encode()).hexdigest()


def request_code(session: Session, officer: Officer, raw_phone: str, channel: str,
                 now: datetime) -> int:
    """Send a new code to ``raw_phone`` on ``channel``; an earlier code stops working.

    Returns:
        The code message's id, to enqueue after the caller commits.

    Raises:
        VerificationError: not a valid number, or too many codes this hour.
    """
    if channel not in CHANNELS:
        raise VerificationError("Pilih WhatsApp atau SMS.")
    try:
        phone = typed_number(raw_phone)
    except InvalidPhone:
        raise VerificationError(
            "Nomor tidak valid. Tulis nomor ponsel, mis. 0812-3456-7890.") from None
    recent = session.scalar(select(func.count()).select_from(OfficerPhoneCode).where(
        OfficerPhoneCode.officer_id == officer.id,
        OfficerPhoneCode.created_at > now - timedelta(hours=1)))
    if recent >= MAX_CODES_PER_HOUR:
        raise VerificationError("Terlalu banyak permintaan kode. Coba lagi satu jam lagi.")
    contact = notify.contact_for(session, phone)
    _spend(session, officer.id, now)
    code, salt = f"{secrets.randbelow(10**6):06d}", secrets.token_hex(16)
    message_id = queue_message(session, contact.id, channel, code_text(code), kind=CODE_KIND,
                               now=now, expires_at=now + CODE_TTL)
    session.add(OfficerPhoneCode(officer_id=officer.id, contact_id=contact.id, channel=channel,
                                 code_hash=_hash(salt, code), salt=salt, tries=0,
                                 created_at=now, expires_at=now + CODE_TTL,
                                 message_id=message_id))
    return message_id


def _spend(session: Session, officer_id: int, now: datetime) -> None:
    """The officer's codes not yet spent stop working; a code message still waiting is
    not sent, and every code message of theirs no longer in flight loses its code (the
    outbox's copy of it is the only one in clear)."""
    session.execute(update(OfficerPhoneCode).where(
        OfficerPhoneCode.officer_id == officer_id, OfficerPhoneCode.used_at.is_(None))
        .values(used_at=now))
    theirs = select(OfficerPhoneCode.message_id).where(
        OfficerPhoneCode.officer_id == officer_id).scalar_subquery()
    session.execute(update(Message).where(Message.id.in_(theirs),
                                          Message.status.in_((m.QUEUED, m.HELD)))
                    .values(status=m.SKIPPED, updated_at=now))
    session.execute(update(Message).where(Message.id.in_(theirs),
                                          Message.status.not_in((m.CLAIMED, m.SENDING)),
                                          Message.body != SPENT_TEXT)
                    .values(body=SPENT_TEXT))


def pending(session: Session, officer: Officer, now: datetime) -> OfficerPhoneCode | None:
    """The officer's code still waiting to be typed, if any."""
    return session.scalar(
        select(OfficerPhoneCode)
        .where(OfficerPhoneCode.officer_id == officer.id, OfficerPhoneCode.used_at.is_(None),
               OfficerPhoneCode.expires_at > now, OfficerPhoneCode.tries < MAX_TRIES)
        .order_by(OfficerPhoneCode.id.desc()).limit(1))


def pending_phone(session: Session, code: OfficerPhoneCode) -> str | None:
    """The number a pending code went to (E.164)."""
    return session.scalar(select(Contact.phone).where(Contact.id == code.contact_id))


def confirm_code(session: Session, officer: Officer, typed: str, now: datetime) -> Contact:
    """Check the code the officer typed; if right, the number is theirs
    (:func:`bot.officers.notify.verified`). A wrong try counts even though it raises:
    the caller commits either way.

    Raises:
        VerificationError: no code asked for, expired, wrong, or too many tries.
    """
    row = session.scalar(
        select(OfficerPhoneCode)
        .where(OfficerPhoneCode.officer_id == officer.id, OfficerPhoneCode.used_at.is_(None))
        .order_by(OfficerPhoneCode.id.desc()).limit(1))
    if row is None:
        raise VerificationError("Minta kode dulu: tulis nomor ponsel Anda.")
    if row.expires_at <= now:
        raise VerificationError("Kode kedaluwarsa. Minta kode baru.")
    tries = session.execute(
        update(OfficerPhoneCode)
        .where(OfficerPhoneCode.id == row.id, OfficerPhoneCode.tries < MAX_TRIES)
        .values(tries=OfficerPhoneCode.tries + 1)
        .returning(OfficerPhoneCode.tries)).scalar()
    if tries is None:
        raise VerificationError("Terlalu banyak percobaan. Minta kode baru.")
    typed = "".join(ch for ch in str(typed or "") if ch.isdigit())
    if not hmac.compare_digest(_hash(row.salt, typed), row.code_hash):
        left = MAX_TRIES - tries
        if left <= 0:
            raise VerificationError("Kode salah. Terlalu banyak percobaan. Minta kode baru.")
        raise VerificationError(f"Kode salah. Sisa {left} kali percobaan.")
    _spend(session, officer.id, now)
    contact = session.get(Contact, row.contact_id)
    notify.verified(session, officer, contact, row.channel, now)
    return contact
