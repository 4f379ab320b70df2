"""Shared steps of the KSM tests: areas, a registered KSM, confirmed members."""
from __future__ import annotations

from typing import Any

from sqlalchemy import select

from bot.models import Contact, Kelurahan, Ksm, KsmMember, Message
from tests.transcript import Phone

LEADER = "+6281234567890"
MEMBERS = ("+6281311110001", "+6281311110002", "+6281311110003")


def add_kelurahan(rt: Any, name: str, kota: str = "Kota Bandung", provinsi: str = "Jawa Barat") -> Kelurahan:
    with rt.db.session() as session:
        kelurahan = Kelurahan(name=name, kota=kota, provinsi=provinsi, time_zone="Asia/Jakarta")
        session.add(kelurahan)
        session.flush()
        return kelurahan


def register(phone: Phone, name: str = "Maju Jaya", kelurahan: str = "1", field: str = "1",
             gender: str = "P", women: str = "TIDAK") -> str:
    """Run DAFTAR to the end; returns the new KSM's code."""
    phone.send("DAFTAR").expect("Kelurahan")
    phone.send(kelurahan).expect("Nama KSM")
    phone.send(name).expect("ketua")
    phone.send("Siti Aminah").expect("L (laki-laki) atau P")
    phone.send(gender).expect("Bidang")
    phone.send(field).expect("KSM perempuan")
    phone.send(women).expect("Tujuan")
    phone.send("Modal usaha warung untuk keluarga miskin").expect("4 nilai")
    phone.send("YA").expect("terdaftar", "ANGGOTA")
    return phone.expect_match(r"kode (\d{5})").group(1)


def other(phone: Phone, number: str) -> Phone:
    return Phone(phone.client, number=number)


def queued_to(rt: Any, number: str) -> list[str]:
    """Bodies of the notices queued or sent to ``number`` (not replies)."""
    with rt.db.session() as session:
        return list(session.execute(
            select(Message.body).join(Contact, Contact.id == Message.contact_id)
            .where(Contact.phone == number, Message.direction == "out", Message.kind == "notice")
            .order_by(Message.id)
        ).scalars())


def ksm_row(rt: Any, code: str) -> Ksm:
    with rt.db.session() as session:
        return session.execute(select(Ksm).where(Ksm.code == code)).scalar_one()


def members_of(rt: Any, code: str) -> list[tuple[str, str, str]]:
    with rt.db.session() as session:
        return [tuple(r) for r in session.execute(
            select(KsmMember.name, KsmMember.role, KsmMember.status)
            .join(Ksm, Ksm.id == KsmMember.ksm_id).where(Ksm.code == code).order_by(KsmMember.id)
        )]


def form_ksm(phone: Phone, rt: Any, genders: str = "PL", **kwargs: Any) -> str:
    """Register a KSM and confirm two more members (3 with the leader)."""
    code = register(phone, **kwargs)
    for number, gender, name in zip(MEMBERS, genders, ("Ani", "Budi")):
        phone.send(f"ANGGOTA {name}, {gender}, {number}").expect("diundang")
        other(phone, number).send(f"GABUNG {code}").expect("Terima kasih")
    return code
