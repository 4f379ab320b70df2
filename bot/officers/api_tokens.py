"""Officers' API tokens: issued, resolved, revoked, and every use recorded.

A token is ``ksm_`` and 256 random bits, shown once; only its SHA-256 is stored
(``bot.models.api_token``). Each officer may hold several (one per script or device),
each with an expiry, and sees and revokes them on the tokens page.
"""
from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta, timezone

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from bot.models import ApiToken, ApiTokenUse, Officer

DEFAULT_DAYS = 90
MAX_DAYS = 365


def hash_token(token: str) -> str:
    """What is stored of ``token``: its SHA-256, in hex."""
    return hashlib.sha256(token.encode()).hexdigest()


def issue(session: Session, officer: Officer, name: str = "", days: int = DEFAULT_DAYS,
          now: datetime | None = None) -> str:
    """Create a token for ``officer`` valid ``days`` days; returns it (shown once)."""
    now = now or datetime.now(timezone.utc)
    days = max(1, min(int(days), MAX_DAYS))
    token = "ksm_" + secrets.token_urlsafe(32)
    session.add(ApiToken(officer_id=officer.id, name=name.strip()[:80], created_at=now,
                         token_hash=hash_token(token), expires_at=now + timedelta(days=days)))
    session.flush()
    return token


def find(session: Session, token: str) -> ApiToken | None:
    """The stored token row for ``token``, usable or not."""
    return session.scalar(select(ApiToken).where(ApiToken.token_hash == hash_token(token)))


def usable(row: ApiToken, officer: Officer | None, now: datetime) -> bool:
    return (row.revoked_at is None and row.expires_at > now
            and officer is not None and officer.active)


def record_use(session: Session, row: ApiToken, method: str, path: str, status: int,
               address: str | None, now: datetime) -> None:
    """Log one request made with ``row`` (the caller commits)."""
    session.add(ApiTokenUse(token_id=row.id, officer_id=row.officer_id, method=method[:8],
                            path=path[:200], status=status, address=address, at=now))
    if status < 400:
        row.last_used_at = now


def of_officer(session: Session, officer_id: int) -> list[ApiToken]:
    return list(session.scalars(
        select(ApiToken).where(ApiToken.officer_id == officer_id).order_by(ApiToken.id.desc())))


def revoke(session: Session, officer_id: int, token_id: int, now: datetime) -> bool:
    """Revoke one of the officer's own tokens; False when it is not theirs or gone."""
    return bool(session.execute(
        update(ApiToken)
        .where(ApiToken.id == token_id, ApiToken.officer_id == officer_id,
               ApiToken.revoked_at.is_(None))
        .values(revoked_at=now)).rowcount)


def uses(session: Session, officer_id: int, limit: int = 50) -> list[ApiTokenUse]:
    return list(session.scalars(
        select(ApiTokenUse).where(ApiTokenUse.officer_id == officer_id)
        .order_by(ApiTokenUse.id.desc()).limit(limit)))
