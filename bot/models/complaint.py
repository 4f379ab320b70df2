"""PPM complaints: the complaint, its audit trail, its media, notices and CEK misses."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    func,
    literal_column,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from bot.models.area import Area
from bot.models.base import Base, JsonType, UtcDateTime, utcnow
from conversations.flows.complaint import (  # noqa: F401  (the kinds' home)
    KINDS,
    MISUSE_OF_FUNDS,
    OTHER,
    PROCEDURE,
    QUESTION,
    SUGGESTION,
)

# Statuses. NEW -> VERIFIED -> IN_FOLLOW_UP -> RESOLVED, or REJECTED / NOT_OUR_AUTHORITY
# (both need a reason). Closed complaints take no more transitions.
NEW = "new"
VERIFIED = "verified"
IN_FOLLOW_UP = "in_follow_up"
RESOLVED = "resolved"
REJECTED = "rejected"
NOT_OUR_AUTHORITY = "not_our_authority"
# A duplicate joined to another complaint (``merged_into_id``): handled there, its
# complainant told of that one's status (bot.complaints.merge).
MERGED = "merged"
STATUSES = (NEW, VERIFIED, IN_FOLLOW_UP, RESOLVED, REJECTED, NOT_OUR_AUTHORITY, MERGED)
CLOSED = (RESOLVED, REJECTED, NOT_OUR_AUTHORITY, MERGED)
NEEDS_REASON = (REJECTED, NOT_OUR_AUTHORITY)
TRANSITIONS = {
    NEW: (VERIFIED, REJECTED, NOT_OUR_AUTHORITY),
    VERIFIED: (IN_FOLLOW_UP, REJECTED, NOT_OUR_AUTHORITY),
    IN_FOLLOW_UP: (RESOLVED, REJECTED, NOT_OUR_AUTHORITY),
}

# Kinds, in the order the resident's numbered question lists them: the complaint
# flow's words, imported above.


_COVER = ["status", "due_at"]


class Complaint(Base):
    """One complaint, stored the moment its first text arrives.

    The area columns (``kota_area_id``, ``provinsi_area_id``: rows of the areas table)
    are copied from the kelurahan so that an officer's scope is one indexed comparison. ``due_at`` is the current deadline
    (verify, then follow up) and is cleared once the complaint is in follow-up or closed.
    ``anonymous`` starts True: the complainant's identity stays hidden until they say
    it may be shown.
    """

    __tablename__ = "complaint"
    # One index per way an officer's scope narrows the queue, each ending in ``id`` so
    # that the newest-first keyset page is an index range scan; status and due_at ride
    # along so the overdue count and status filter need no table look-ups on PostgreSQL
    # (bench/complaints_queue.py).
    __table_args__ = (
        Index(
            "ix_complaint_kelurahan_scope", "kelurahan_id", "level", "id", postgresql_include=_COVER
        ),
        Index("ix_complaint_kota_scope", "kota_area_id", "level", "id", postgresql_include=_COVER),
        Index(
            "ix_complaint_provinsi_scope",
            "provinsi_area_id",
            "level",
            "id",
            postgresql_include=_COVER,
        ),
        Index("ix_complaint_level", "level", "id", postgresql_include=_COVER),
        Index("ix_complaint_status", "status", "id"),
        Index("ix_complaint_assigned", "assigned_officer_id", "id"),
        Index("ix_complaint_due", "due_at"),
        Index("ix_complaint_created", "created_at"),
        Index("ix_complaint_contact", "contact_id", "id"),
        # A provinsi officer's overdue count: only complaints with a deadline (new or
        # verified), with what the scope checks, so the count reads the index alone.
        Index(
            "ix_complaint_provinsi_due",
            "provinsi_area_id",
            "due_at",
            postgresql_include=["level", "status", "contact_id", "names_bkm_member"],
            postgresql_where=text("due_at IS NOT NULL"),
            sqlite_where=text("due_at IS NOT NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer(), "sqlite"), primary_key=True
    )
    code: Mapped[str] = mapped_column(String(12), unique=True)
    # None once the retention policy has cut the complaint from its complainant
    # (``bot.privacy.retention``, ``purged_at``).
    contact_id: Mapped[int | None] = mapped_column(ForeignKey("contact.id"))
    # The inbound message that opened the complaint: later answers find it by this.
    inbound_message_id: Mapped[int | None] = mapped_column(ForeignKey("message.id"), unique=True)
    channel: Mapped[str] = mapped_column(String(10))
    text: Mapped[str] = mapped_column(Text)
    location_text: Mapped[str | None] = mapped_column(String(200))
    kelurahan_id: Mapped[int | None] = mapped_column(ForeignKey("kelurahan.id"))
    kota_area_id: Mapped[int | None] = mapped_column(ForeignKey("area.id"))
    provinsi_area_id: Mapped[int | None] = mapped_column(ForeignKey("area.id"))
    kind: Mapped[str | None] = mapped_column(String(24))
    accused: Mapped[str | None] = mapped_column(String(300))
    amount: Mapped[int | None] = mapped_column(BigInteger)
    anonymous: Mapped[bool] = mapped_column(Boolean, default=True)
    names_bkm_member: Mapped[bool] = mapped_column(Boolean, default=False)
    level: Mapped[str] = mapped_column(String(12))
    status: Mapped[str] = mapped_column(String(20), default=NEW)
    status_reason: Mapped[str | None] = mapped_column(Text)
    public_response: Mapped[str | None] = mapped_column(Text)
    assigned_officer_id: Mapped[int | None] = mapped_column(ForeignKey("officer.id"))
    due_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    # The complaint this one was merged into (always a root: never itself merged).
    merged_into_id: Mapped[int | None] = mapped_column(
        BigInteger().with_variant(Integer(), "sqlite"), ForeignKey("complaint.id"), index=True
    )
    purged_at: Mapped[datetime | None] = mapped_column(UtcDateTime)

    kota_area: Mapped[Area | None] = relationship(foreign_keys=[kota_area_id])
    provinsi_area: Mapped[Area | None] = relationship(foreign_keys=[provinsi_area_id])

    @property
    def kota_name(self) -> str | None:
        return self.kota_area.name if self.kota_area is not None else None

    @property
    def provinsi_name(self) -> str | None:
        return self.provinsi_area.name if self.provinsi_area is not None else None


def _search_document() -> Any:
    # Literals, not bound parameters: PostgreSQL uses the index only for the very same
    # expression. The newline keeps a search from matching across two fields (the
    # queue's search words never hold one).
    newline, blank = literal_column("'\n'"), literal_column("''")
    return (
        Complaint.text
        + newline
        + func.coalesce(Complaint.accused, blank)
        + newline
        + func.coalesce(Complaint.location_text, blank)
    )


# What a word search looks in: the text, who is complained about and the location
# (``complaint_queue.search``). On PostgreSQL one GIN trigram index serves ILIKE on it;
# SQLite scans within the officer's scope.
SEARCH_DOCUMENT = _search_document()
Index(
    "ix_complaint_search_trgm",
    SEARCH_DOCUMENT.label("search_document"),
    postgresql_using="gin",
    postgresql_ops={"search_document": "gin_trgm_ops"},
    info={"postgresql_only": True},
)


class ComplaintEvent(Base):
    """The audit trail: who did what to a complaint, when, with the values before/after.

    ``officer_id`` is None for the complainant's own messages and for the system.
    """

    __tablename__ = "complaint_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    complaint_id: Mapped[int] = mapped_column(ForeignKey("complaint.id"), index=True)
    officer_id: Mapped[int | None] = mapped_column(ForeignKey("officer.id"))
    action: Mapped[str] = mapped_column(String(30))
    before: Mapped[dict[str, Any] | None] = mapped_column(JsonType)
    after: Mapped[dict[str, Any] | None] = mapped_column(JsonType)
    note: Mapped[str | None] = mapped_column(Text)
    message_id: Mapped[int | None] = mapped_column(ForeignKey("message.id"))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class ComplaintMedia(Base):
    """A WhatsApp photo or document attached to a complaint (the URL Twilio gave)."""

    __tablename__ = "complaint_media"

    id: Mapped[int] = mapped_column(primary_key=True)
    complaint_id: Mapped[int] = mapped_column(ForeignKey("complaint.id"), index=True)
    message_id: Mapped[int | None] = mapped_column(ForeignKey("message.id"))
    url: Mapped[str] = mapped_column(Text)
    content_type: Mapped[str] = mapped_column(String(100), default="")
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class ComplaintNotice(Base):
    """A message to the complainant held back by the 21:00-06:00 quiet hours.

    The sweep queues it as an outbound message once ``not_before`` has passed and
    records the message id, so it is released once only.
    """

    __tablename__ = "complaint_notice"
    __table_args__ = (Index("ix_complaint_notice_due", "not_before", "message_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    complaint_id: Mapped[int] = mapped_column(ForeignKey("complaint.id"), index=True)
    body: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(20), default="notice")
    not_before: Mapped[datetime] = mapped_column(UtcDateTime)
    message_id: Mapped[int | None] = mapped_column(ForeignKey("message.id"))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class ComplaintCheckMiss(Base):
    """A CEK with a code that is not this number's complaint; counted to slow guessing.

    Stored in the database (not in process memory) so every web process sees the count.
    """

    __tablename__ = "complaint_check_miss"
    __table_args__ = (Index("ix_complaint_check_miss_contact", "contact_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    contact_id: Mapped[int] = mapped_column(ForeignKey("contact.id"))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
