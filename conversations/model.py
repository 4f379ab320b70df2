"""The values the engine takes and returns. Plain data: easy to store and to test."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

SMS = "sms"
WHATSAPP = "whatsapp"


@dataclass(frozen=True)
class Media:
    """A photo or document attached to a WhatsApp message."""

    url: str
    content_type: str


@dataclass(frozen=True)
class Inbound:
    """One message from a resident, as the engine sees it."""

    text: str
    channel: str = SMS
    phone: str = ""
    media: tuple[Media, ...] = ()
    received_at: datetime | None = None
    message_id: int | None = None


@dataclass(frozen=True)
class Dialog:
    """An open dialog: which flow, which step, and what it has collected so far."""

    flow: str
    step: str
    data: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Conversation:
    """What the engine knows about the contact before the message.

    Attributes:
        language: ``id`` or ``en``.
        opted_out: the contact said STOP/BERHENTI.
        dialog: the open dialog, if any.
        expired: an earlier dialog ran out of time just before this message.
    """

    language: str = "id"
    opted_out: bool = False
    dialog: Dialog | None = None
    expired: bool = False


@dataclass(frozen=True)
class Reply:
    """A catalogue text to send back; ``params`` fill its placeholders.

    Effects may return further parameters (a new KSM's code, say) that are
    merged in when the reply is rendered.
    """

    key: str
    params: dict[str, Any] = field(default_factory=dict)


class Effect:
    """Something the world must do because of a message (store a complaint, opt a
    contact out). Subclasses are frozen dataclasses; ``bot`` applies them."""


@dataclass(frozen=True)
class SetLanguage(Effect):
    language: str


@dataclass(frozen=True)
class OptOut(Effect):
    pass


@dataclass(frozen=True)
class KeepForOfficers(Effect):
    """The message is for a person: kept in the officers' inbox of the resident's area."""


@dataclass(frozen=True)
class OptIn(Effect):
    pass


# How a dialog ended; stored on the conversation session (RapidPro's vocabulary).
COMPLETED = "completed"
INTERRUPTED = "interrupted"
# Stopped by another task before anything was stored: kept for LANJUT (PARK_HOURS).
PARKED = "parked"
PARK_HOURS = 24
EXPIRED = "expired"


@dataclass
class Outcome:
    """What the engine decided.

    Attributes:
        replies: texts to send back now, in order.
        dialog: the dialog to keep open, or None when no dialog stays open.
        effects: what must happen in the world, applied in one transaction.
        ended: how the previous dialog ended when ``dialog`` replaces or closes it.
    """

    replies: list[Reply] = field(default_factory=list)
    dialog: Dialog | None = None
    effects: list[Effect] = field(default_factory=list)
    ended: str = COMPLETED


@dataclass(frozen=True)
class ResumeParked(Effect):
    """LANJUT took up the parked dialog stored as session ``session_id``."""

    session_id: int


@dataclass(frozen=True)
class Turn:
    """Everything a flow gets for one message."""

    inbound: Inbound
    conversation: Conversation
    # A conversations.directory.Directory. Any here: that module names the flows' views,
    # and the flows import this module.
    directory: Any = None
    args: str = ""

    @property
    def language(self) -> str:
        return self.conversation.language
