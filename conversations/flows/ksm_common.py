"""What the KSM flows share: the views the directory returns, fields and units, parsers.

Pure: plain data and functions; ``bot`` fills the views from the database.
"""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import phonenumbers

from conversations import lexicon
from conversations.catalogue import render
from conversations.flow import Invalid, Questionnaire, check_text, invalid_choice
from conversations.gsm import PLAIN_PUNCTUATION, non_gsm7_chars
from conversations.keywords import edit_distance, normalise
from conversations.model import Dialog, Outcome, Reply, Turn
from conversations.unprompted import FILLERS

# Field key -> the BKM unit that reviews it (guideline: UPK economy, UPS social, UPL
# environment/infrastructure). Health and education are social activities; waste is
# environment.
# BKM units that review proposals.
UPK, UPS, UPL = "UPK", "UPS", "UPL"
UNITS = (UPK, UPS, UPL)
FIELDS: dict[str, str] = {
    "ekonomi": UPK,
    "sosial": UPS,
    "lingkungan": UPL,
    "kesehatan": UPS,
    "pendidikan": UPS,
    "sampah": UPL,
}
FIELD_KEYS = list(FIELDS)
# Words residents may type instead of a number, per field.
FIELD_WORDS = {
    "ekonomi": ("EKONOMI", "ECONOMY", "USAHA", "PINJAMAN", "EKO"),
    "sosial": ("SOSIAL", "SOCIAL"),
    "lingkungan": ("LINGKUNGAN", "PRASARANA", "INFRASTRUKTUR", "ENVIRONMENT", "INFRASTRUCTURE"),
    "kesehatan": ("KESEHATAN", "HEALTH", "SEHAT"),
    "pendidikan": ("PENDIDIKAN", "EDUCATION", "SEKOLAH"),
    "sampah": ("SAMPAH", "WASTE", "KEBERSIHAN"),
}
MIN_MEMBERS = 3
# Invitations are SMS to numbers that never wrote to us, paid by the program: cap them so
# one sender cannot use the bot to message strangers in bulk.
MAX_OPEN_INVITATIONS = 20
MAX_FORMING_PER_LEADER = 3
# Each request to join is an SMS to the leader: past this many unanswered ones a KSM
# takes no more until the leader answers.
MAX_OPEN_REQUESTS = 10
WOMEN_TARGET = 0.30
# KSM statuses, in the order a KSM moves through them. The home of these words (and of
# the member statuses below): ``bot.models.ksm`` imports them.
FORMING = "forming"  # registered, fewer than 3 confirmed members
WAITING = "waiting_verification"  # 3+ confirmed members, waiting for the BKM
VERIFIED = "verified"  # the BKM verified it: may submit proposals
REJECTED = "rejected"  # the BKM rejected it; ``rejection_reason`` says why
KSM_STATUSES = (FORMING, WAITING, VERIFIED, REJECTED)
# Member statuses: the leader adds someone (invited) who must reply to count. Someone
# not invited who sent GABUNG waits for the leader (requested); the leader accepts
# (confirmed) or refuses (refused). Only confirmed members count.
INVITED, CONFIRMED, DECLINED = "invited", "confirmed", "declined"
REQUESTED, REFUSED = "requested", "refused"


@dataclass(frozen=True)
class KsmView:
    """A KSM as a flow sees it (counts of confirmed members included)."""

    id: int
    code: str
    name: str
    kelurahan_id: int
    kelurahan: str
    field: str
    unit: str
    women_ksm: bool
    status: str
    leader_contact_id: int
    confirmed: int = 0
    confirmed_women: int = 0
    invited: int = 0
    rejection_reason: str | None = None
    requested: int = 0  # requests to join waiting for the leader


@dataclass(frozen=True)
class JoinRequest:
    """A request to join one of the leader's KSMs (GABUNG without an invitation).

    ``number`` is what the leader answers with: ``TERIMA <number>``/``TOLAK <number>``.
    """

    number: int
    ksm_id: int
    ksm: str
    name: str
    gender: str | None
    status: str
    ksm_closed: bool = False


@dataclass(frozen=True)
class MemberView:
    """One member of a KSM as the leader sees it."""

    name: str
    gender: str | None
    role: str
    status: str
    contact_id: int = 0


@dataclass(frozen=True)
class Membership:
    """The contact's own place in a KSM."""

    ksm: KsmView
    role: str
    status: str
    extra: dict[str, Any] = field(default_factory=dict)


def plain_text(text: str, max_length: int) -> str:
    """A free-text answer that is short, not empty, and plain GSM-7 (no emoji).

    Full-width and other compatibility letters (``Ｓｉｔｉ``, typed on some phones)
    and curly quotes are made plain first: they are letters, not emoji.
    """
    value = check_text(to_gsm7_letters(text), max_length)
    if non_gsm7_chars(value):
        raise Invalid("ksm.error.plain")
    return value


def prose(text: str, max_length: int) -> str:
    """A free-text account (a monev problem): plain as :func:`plain_text`, with the emoji
    residents end it with (``dana kurang 😔``) left out instead of refused."""
    letters = to_gsm7_letters(text)
    kept = "".join(ch for ch in letters if not non_gsm7_chars(ch))
    return plain_text(" ".join(kept.split()) if kept.strip() else letters, max_length)


def to_gsm7_letters(text: str) -> str:
    """NFKC (full-width to plain letters), plain quotes and dashes, and letters with
    an accent GSM-7 lacks without it (``Ramírez`` -> ``Ramirez``; ``é`` is kept)."""
    text = unicodedata.normalize("NFKC", text or "").translate(PLAIN_PUNCTUATION)
    return "".join(ch if not non_gsm7_chars(ch) else _unaccented(ch) for ch in text)


def _unaccented(ch: str) -> str:
    base = "".join(c for c in unicodedata.normalize("NFD", ch) if not unicodedata.combining(c))
    return base if base and not non_gsm7_chars(base) else ch


def parse_name(text: str, max_length: int) -> str:
    """A person's or a group's name: plain text with at least two letters
    (``12345`` or ``ok``-like noise is not a name)."""
    value = plain_text(text, max_length)
    if sum(ch.isalpha() for ch in value) < 2:
        raise Invalid("ksm.error.name")
    return value


def parse_goal(text: str, max_length: int) -> str:
    """A KSM's goal: a few words, not a yes/ok."""
    value = plain_text(text, max_length)
    words = [w for w in value.split() if any(ch.isalpha() for ch in w)]
    if len(words) < 2 or normalise(value) in _NOT_A_GOAL:
        raise Invalid("ksm.error.goal")
    return value


_NOT_A_GOAL = {"OK", "OKE", "YA", "YES", "TIDAK", "ADA", "BELUM", "TIDAK TAHU", "TIDAK ADA"}


def parse_yes_no(text: str) -> bool:
    """YA/TIDAK in the resident's words (setuju, siap, bkn, tdk usah...: the lexicon)."""
    if not (text or "").strip():
        raise Invalid("error.empty")
    answer = lexicon.answer_yes_or_no(text)
    if answer is None:
        raise Invalid("ksm.error.yes_no")
    return answer


def parse_gender(text: str) -> str:
    """L (laki-laki) or P (perempuan), in the resident's words (laki2, cewek...)."""
    if not (text or "").strip():
        raise Invalid("error.empty")
    found = lexicon.gender(text)
    if found is None:
        raise Invalid("ksm.error.gender")
    return found


def parse_phone(text: str) -> str:
    """An Indonesian phone number as residents write it, in E.164."""
    raw = (text or "").strip()
    if not raw:
        raise Invalid("error.empty")
    digits = re.sub(r"[^\d+]", "", raw)
    if digits.startswith("62"):
        digits = "+" + digits
    try:
        number = phonenumbers.parse(digits, "ID")
    except phonenumbers.NumberParseException:
        raise Invalid("ksm.error.phone") from None
    if not phonenumbers.is_possible_number(number) or len(digits) < 9:
        raise Invalid("ksm.error.phone")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def parse_field(text: str) -> str:
    """A field by number (1-6) or by a word for it."""
    if not (text or "").strip():
        raise Invalid("error.empty")
    norm = normalise(text)
    if norm.isdigit():
        index = int(norm) - 1
        if 0 <= index < len(FIELD_KEYS):
            return FIELD_KEYS[index]
        raise invalid_choice(len(FIELD_KEYS))
    for key, spellings in FIELD_WORDS.items():
        for word in norm.split(" "):
            if any(edit_distance(word, s, 1) <= (1 if len(s) > 4 else 0) for s in spellings):
                return key
    raise invalid_choice(len(FIELD_KEYS))


# KSM codes are 5 digits; complaint codes 9, so STATUS <digits> can tell them apart.
KSM_CODE_DIGITS = 5


# Words typed around a code that are not part of it (``gabung aja 48213``, ``GABUNG KSM
# no 48213``, ``kode 48213 pak``), with the polite words of conversations.unprompted.
CODE_WORDS = frozenset({"KSM", "KODE", "KODENYA", "NO", "NOMOR", "NOMER", "NMR", "KE", "AJA",
                        "SAJA", "DONG", "DEH", "MAU", "MO", "INI", "ITU"}) | FILLERS


def parse_code(text: str) -> str:
    """A KSM code: digits only (spaces, dashes and the words of ``CODE_WORDS`` typed
    around it are dropped)."""
    text = re.sub(r"[A-Za-z]+", lambda word: "" if word[0].upper() in CODE_WORDS else word[0],
                  text or "")
    digits = re.sub(r"[\W_]", "", text)
    if not digits:
        raise Invalid("ksm.error.code_missing")
    if not digits.isdigit() or not 4 <= len(digits) <= 8:
        raise Invalid("ksm.error.code")
    return digits


def is_code(text: str) -> bool:
    """True when ``text`` is a KSM code as :func:`parse_code` reads it."""
    try:
        parse_code(text)
    except Invalid:
        return False
    return True


def pick_by_name(text: str, names: Sequence[str]) -> int | None:
    """Index of the name ``text`` means: exact, then prefix, then one or two typos."""
    norm = normalise(text)
    if not norm:
        return None
    normed = [normalise(n) for n in names]
    for i, name in enumerate(normed):
        if name == norm:
            return i
    prefixed = [i for i, name in enumerate(normed) if name.startswith(norm) and len(norm) >= 3]
    if len(prefixed) == 1:
        return prefixed[0]
    close = [i for i, name in enumerate(normed) if edit_distance(norm, name, 2) <= 2]
    return close[0] if len(close) == 1 else None


def women_share(view: KsmView) -> float:
    return view.confirmed_women / view.confirmed if view.confirmed else 0.0


def missing_members(view: KsmView) -> int:
    return max(0, MIN_MEMBERS - view.confirmed)


def status_label(status: str, language: str) -> str:
    return render(f"ksm.label.{status}", language)


def progress_text(view: KsmView, language: str) -> str:
    """What the leader still needs (members), or where the KSM stands now."""
    if view.status == FORMING:
        return render("ksm.progress.missing", language, confirmed=view.confirmed,
                      missing=missing_members(view))
    if view.status == WAITING:
        return render("ksm.progress.waiting", language)
    return render("ksm.progress.done", language, confirmed=view.confirmed)


def women_warning(view: KsmView) -> Reply | None:
    """A warning (not a block) when women are under 30% of the confirmed members."""
    if view.confirmed >= MIN_MEMBERS and women_share(view) < WOMEN_TARGET:
        return Reply("ksm.women.low", {"share": round(100 * women_share(view))})
    return None


def options_text(items: Sequence[str]) -> str:
    """A numbered list, one item a line."""
    return "\n".join(f"{n} {item}" for n, item in enumerate(items, 1))


def ksm_options(views: Sequence[KsmView]) -> str:
    """The numbered list a leader of several KSMs picks from (code and name)."""
    return options_text([f"{view.code} {view.name}" for view in views])


def pick_ksm(text: str, views: Sequence[KsmView]) -> KsmView | None:
    """The KSM a leader picked from ``views``: by its code or its number in the list."""
    norm = normalise(text)
    for view in views:
        if norm == view.code:
            return view
    if norm.isdigit() and 1 <= int(norm) <= len(views):
        return views[int(norm) - 1]
    return None


@dataclass
class ArgsQuestionnaire(Questionnaire):
    """A questionnaire whose keyword arguments answer its first questions
    (``ANGGOTA Ani, P, 0812...``) and that may end before asking anything.

    Attributes:
        opening: initial data, or an outcome that ends the flow at once (not a leader).
        split_args: the keyword's arguments as answers, in question order.
    """

    opening: Callable[[Turn], dict[str, Any] | Outcome] | None = None
    split_args: Callable[[str], list[str]] = lambda args: [args] if args.strip() else []
    # When set: a whole request typed without the keyword at a step after these
    # (``Budi, L, 0812...`` when asked for Budi's gender) starts again with it, keeping
    # only these answers.
    restart_keeps: tuple[str, ...] | None = None

    def resume(self, turn: Turn, dialog: Dialog) -> Outcome:
        text = turn.inbound.text
        if (self.restart_keeps is not None and dialog.step not in self.restart_keeps
                and self.takes(text)):
            kept = {k: v for k, v in dialog.data.items() if k in self.restart_keeps}
            return self._fill(turn, kept, text)
        return super().resume(turn, dialog)

    def start(self, turn: Turn) -> Outcome:
        data: dict[str, Any] = {}
        if self.opening is not None:
            opened = self.opening(turn)
            if isinstance(opened, Outcome):
                return opened
            data = dict(opened)
        return self._fill(turn, data, turn.args)

    def _fill(self, turn: Turn, data: dict[str, Any], args: str) -> Outcome:
        answers = self.split_args(args)
        for question in self.questions:
            if not answers:
                break
            if question.name in data or (question.ask_if is not None and not question.ask_if(data)):
                continue
            try:
                data[question.name] = question.parse(answers.pop(0), turn, dict(data))
            except Invalid as invalid:
                return Outcome(replies=[invalid.reply], dialog=Dialog(self.name, question.name, data))
        return self._advance(turn, data, after=None)
