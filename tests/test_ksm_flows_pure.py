"""The KSM flows without a server: (conversation, message) -> outcome, with an
in-memory directory standing in for the database."""
from __future__ import annotations

from dataclasses import dataclass, field

from conversations.engine import Engine
from conversations.flows.ksm_common import KsmView, Membership, MemberView
from conversations.flows.ksm_members import AddKsmMember
from conversations.flows.ksm_registration import RegisterKsm
from conversations.model import Conversation, Inbound, Outcome

ME = "+6281234567890"


@dataclass
class MemoryDirectory:
    kelurahan: list[tuple[int, str]] = field(default_factory=lambda: [(7, "Sukamaju"), (8, "Cibeunying")])
    led: list[KsmView] = field(default_factory=list)
    contact_id: int = 1

    def kelurahan_names(self) -> list[tuple[int, str]]:
        return self.kelurahan

    def ksms_led(self) -> list[KsmView]:
        return self.led

    def ksm_by_code(self, code: str) -> KsmView | None:
        return next((k for k in self.led if k.code == code), None)

    def member_status(self, ksm_id: int, phone: str) -> str | None:
        return None

    def my_status_in(self, ksm_id: int) -> str | None:
        return "confirmed" if any(k.id == ksm_id for k in self.led) else None

    def my_ksms(self) -> list[Membership]:
        return [Membership(ksm=k, role="leader", status="confirmed") for k in self.led]

    def ksm_members(self, ksm_id: int) -> list[MemberView]:
        return [MemberView("Siti", "P", "leader", "confirmed")]

    def pjm_programs(self, kelurahan_id: int) -> list[tuple[int, str]]:
        return []


def talk(directory: MemoryDirectory, *texts: str) -> Outcome:
    engine = Engine()
    conversation = Conversation()
    outcome = Outcome()
    for text in texts:
        outcome = engine.handle(conversation, Inbound(text=text, phone=ME), directory)
        conversation = Conversation(dialog=outcome.dialog)
    return outcome


def test_daftar_ends_with_one_register_effect() -> None:
    outcome = talk(MemoryDirectory(), "DAFTAR", "cibeunyin", "Maju Jaya", "Siti", "P", "6",
                   "TIDAK", "Bank sampah RW 2", "ya")
    assert outcome.dialog is None
    assert outcome.effects == [RegisterKsm(kelurahan_id=8, name="Maju Jaya", field="sampah", women=False,
                                           goal="Bank sampah RW 2", leader_name="Siti", leader_gender="P")]
    assert outcome.replies[0].key == "ksm.registered"


def test_anggota_in_one_message() -> None:
    view = KsmView(id=3, code="48213", name="Maju Jaya", kelurahan_id=7, kelurahan="Sukamaju",
                   field="ekonomi", unit="UPK", women_ksm=False, status="forming", leader_contact_id=1,
                   confirmed=1)
    outcome = talk(MemoryDirectory(led=[view]), "ANGGOTA Ani Suryani , p , 0813-1111-0001")
    assert outcome.effects == [AddKsmMember(ksm_id=3, name="Ani Suryani", gender="P", phone="+6281311110001")]
    status = talk(MemoryDirectory(led=[view]), "KSM")
    assert status.replies[0].key == "ksm.status.one"
    assert status.replies[0].params["members"] == "Siti(P) ok"
