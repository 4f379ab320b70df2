"""Statement.of: a Core select run as a prepared statement, the same on both databases."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import bindparam, func, select

from bot.models import Contact
from bot.statements import Statement

# A constant of its own ("id"), two parameters, and columns of several types.
RECENT_IN_LANGUAGE = Statement.of(
    select(Contact.id, Contact.phone, Contact.opted_out, Contact.last_seen_at,
           func.count().over().label("found"))
    .where(Contact.language == "id", Contact.last_seen_at >= bindparam("since"),
           Contact.phone.like(bindparam("prefix")))
    .order_by(Contact.phone)
)

SEEN = datetime(2026, 11, 28, 1, 2, 3, tzinfo=timezone.utc)


def add_contacts(session) -> None:  # type: ignore[no-untyped-def]
    session.add_all([
        Contact(phone="+6281200000001", language="id", opted_out=True, last_seen_at=SEEN),
        Contact(phone="+6281200000002", language="en", last_seen_at=SEEN),
        Contact(phone="+6281200000003", language="id", last_seen_at=SEEN - timedelta(days=2)),
        Contact(phone="+6281300000004", language="id", last_seen_at=SEEN),
    ])


def test_rows_come_back_typed_by_name_and_position(rt) -> None:  # type: ignore[no-untyped-def]
    with rt.db.session() as session:
        add_contacts(session)
    with rt.db.session() as session:
        rows = RECENT_IN_LANGUAGE.read(session, {"since": SEEN - timedelta(days=1),
                                                 "prefix": "+62812%"})
    assert [(r.phone, r.opted_out, r.last_seen_at, r.found) for r in rows] == [
        ("+6281200000001", True, SEEN, 1),
    ]
    contact_id, phone, *_ = rows[0]
    assert isinstance(contact_id, int) and phone == "+6281200000001"


def test_what_the_session_holds_pending_is_read_too(rt) -> None:  # type: ignore[no-untyped-def]
    with rt.db.session() as session:
        add_contacts(session)  # not flushed yet, as an effect's new rows
        rows = RECENT_IN_LANGUAGE.read(session, {"since": SEEN, "prefix": "+628%"})
        assert [r.phone for r in rows] == ["+6281200000001", "+6281300000004"]


def test_an_expanding_in_is_refused_when_built() -> None:
    with pytest.raises(ValueError, match="expanding"):
        Statement.of(select(Contact.id).where(Contact.id.in_(bindparam("ids", expanding=True))))
