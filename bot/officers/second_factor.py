"""Officers' second factor: TOTP (RFC 6238, with pyotp) and one-time recovery codes.

Required for admin, offered to BKM (``bot.models.officer.SECOND_FACTOR_*``). The TOTP
secret must be readable to check codes, so it is stored as is; recovery codes are
stored as SHA-256 (80 random bits each) and shown once. A TOTP code works once: the
time step it matched is kept and older or equal steps are refused.
"""
from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timezone

import pyotp
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from bot.models import Officer, RecoveryCode
from bot.models import officer as roles
from bot.officers import accounts as officers

ISSUER = "ksm-bot"
RECOVERY_CODES = 10
_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i to misread


def required(officer: Officer) -> bool:
    return officer.role in roles.SECOND_FACTOR_REQUIRED


def offered(officer: Officer) -> bool:
    return officer.role in roles.SECOND_FACTOR_OFFERED


def enrolled(officer: Officer) -> bool:
    return bool(officer.totp_secret)


def new_secret() -> str:
    return pyotp.random_base32()


def provisioning_uri(secret: str, username: str) -> str:
    """The ``otpauth://`` URI an authenticator app takes (scanned as a QR code, typed or pasted)."""
    return pyotp.TOTP(secret).provisioning_uri(name=username, issuer_name=ISSUER)


def _step(secret: str, code: str, now: datetime) -> int | None:
    """The time step (within one either side, for clock drift) ``code`` matches."""
    code = code.strip().replace(" ", "")
    if not (code.isdigit() and len(code) == 6):
        return None
    totp = pyotp.TOTP(secret)
    current = totp.timecode(now)
    for offset in (0, -1, 1):
        if secrets.compare_digest(totp.generate_otp(current + offset), code):
            return current + offset
    return None


def confirm(session: Session, officer: Officer, secret: str, code: str,
            now: datetime | None = None) -> list[str] | None:
    """Enrol ``secret`` once a code from it is right; returns the new recovery codes."""
    step = _step(secret, code, now or datetime.now(timezone.utc))
    if step is None:
        return None
    officer.totp_secret = secret
    officer.totp_last_step = step
    return new_recovery_codes(session, officer)


def new_recovery_codes(session: Session, officer: Officer) -> list[str]:
    """Replace the officer's recovery codes; returns them (shown once)."""
    session.execute(delete(RecoveryCode).where(RecoveryCode.officer_id == officer.id))
    codes = ["-".join("".join(secrets.choice(_ALPHABET) for _ in range(4)) for _ in range(4))
             for _ in range(RECOVERY_CODES)]
    session.add_all(RecoveryCode(officer_id=officer.id, code_hash=_hash(c)) for c in codes)
    session.flush()
    return codes


def _hash(code: str) -> str:
    return hashlib.sha256(code.strip().lower().replace(" ", "").encode()).hexdigest()


def verify(session: Session, officer: Officer, code: str, now: datetime | None = None) -> bool:
    """A TOTP code not used before, or an unused recovery code (then spent)."""
    now = now or datetime.now(timezone.utc)
    if not officer.totp_secret:
        return False
    step = _step(officer.totp_secret, code, now)
    if step is not None:
        if officer.totp_last_step is not None and step <= officer.totp_last_step:
            return False
        officer.totp_last_step = step
        return True
    row = session.scalar(select(RecoveryCode).where(
        RecoveryCode.officer_id == officer.id, RecoveryCode.code_hash == _hash(code),
        RecoveryCode.used_at.is_(None)))
    if row is None:
        return False
    row.used_at = now
    return True


def just_used(officer: Officer, code: str, now: datetime | None = None) -> bool:
    """Whether ``code`` is a right TOTP code already spent (this 30-second step or one
    before): the officer waits for the next one, the code is not wrong."""
    if not officer.totp_secret or officer.totp_last_step is None:
        return False
    step = _step(officer.totp_secret, code, now or datetime.now(timezone.utc))
    return step is not None and step <= officer.totp_last_step


def reset(session: Session, officer: Officer) -> None:
    """Forget the officer's second factor (lost phone): they enrol again at next login.

    Their sessions end too, since one of them may be on the lost phone.
    """
    officer.totp_secret = None
    officer.totp_last_step = None
    session.execute(delete(RecoveryCode).where(RecoveryCode.officer_id == officer.id))
    officers.end_access(session, officer)
