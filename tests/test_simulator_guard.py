"""The simulator plays only numbers the bot never addressed, and what it makes stays
simulated: nothing goes to a real phone, nothing lands in the real queue."""
from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import select

from bot.models import Complaint, Contact, Message, PoorResident
from bot.ksm.registration import contact_for
from tests.ksm_helpers import LEADER, MEMBERS, add_kelurahan, members_of, queued_to, register
from tests.simulator_helpers import SimPhone
from tests.transcript import Phone


def test_an_invited_member_who_never_replied_cannot_be_played(rt, client, phone, officer_login) -> None:  # type: ignore[no-untyped-def]
    add_kelurahan(rt, "Sukamaju")
    code = register(phone)  # a real leader, through Twilio's webhook
    phone.send(f"ANGGOTA Ani, P, {MEMBERS[0]}").expect("diundang")
    officer_login()
    refused = SimPhone(client, MEMBERS[0]).post(f"GABUNG {code}")
    assert refused.status_code == 403
    assert "uji" in refused.get_json()["error"]
    assert [m[2] for m in members_of(rt, code)] == ["confirmed", "invited"]
    assert not [b for b in queued_to(rt, LEADER) if "Ani" in b]
    # Nor can the officer read what the bot sent that number.
    assert client.get(f"/simulator/thread?phone={MEMBERS[0].replace('+', '%2B')}").status_code == 403


def test_poor_list_and_addressed_numbers_are_refused(rt, client, officer_login) -> None:  # type: ignore[no-untyped-def]
    kelurahan = add_kelurahan(rt, "Sukamaju")
    with rt.db.session() as session:
        session.add(PoorResident(kelurahan_id=kelurahan.id, name="Ibu Ratna", household="KK1",
                                 rt="01", rw="02", phone="+6281399990001"))
        contact_for(session, "+6281399990002", datetime.now(timezone.utc))  # invited, say
    officer_login()
    for number in ("+6281399990001", "+6281399990002"):
        assert SimPhone(client, number).post("MENU").status_code == 403, number
    assert SimPhone(client, "+6281399990003").post("MENU").status_code == 200


def test_what_the_simulator_creates_is_marked_and_never_sent(rt, client, officer_login, twilio, run_jobs) -> None:  # type: ignore[no-untyped-def]
    add_kelurahan(rt, "Sukamaju")
    officer_login()
    leader = SimPhone(client, "+6281377770001")
    code = register(leader)
    # The simulated leader invites a number: the invite is not sent to that phone.
    leader.send("ANGGOTA Ani, P, +6281377770002").expect("diundang")
    run_jobs()
    assert twilio.messages == []
    with rt.db.session() as session:
        contacts = dict(session.execute(select(Contact.phone, Contact.simulated)).all())
        assert contacts == {"+6281377770001": True, "+6281377770002": True}
        statuses = set(session.execute(
            select(Message.status).where(Message.direction == "out", Message.kind == "notice")
        ).scalars())
        assert statuses == {"skipped"}
    # The invitee, also simulated, can be played and joins.
    SimPhone(client, "+6281377770002").send(f"GABUNG {code}").expect("Terima kasih")


def test_simulated_complaints_stay_out_of_the_queue_unless_asked(rt, client, officer_login) -> None:  # type: ignore[no-untyped-def]
    add_kelurahan(rt, "Sukamaju")
    Phone(client, number="+6281211110001").send("ADUAN dana BLM dipotong").send(
        "Sukamaju RW 02").send("3").send("Pak Budi").send("5jt").send("1").expect("Terima kasih")
    officer_login()
    sim = SimPhone(client, "+6281211110009")
    sim.send("ADUAN lampu jalan mati").send("Sukamaju RW 02").send("3").send("Pak Budi").send(
        "5jt").send("1").expect("Terima kasih")
    with rt.db.session() as session:
        real, simulated = session.execute(
            select(Complaint.code).join(Contact, Contact.id == Complaint.contact_id)
            .order_by(Contact.simulated)).scalars().all()
    page = client.get("/complaints/").get_data(as_text=True)
    assert real in page and simulated not in page
    shown = client.get("/complaints/?simulated=1").get_data(as_text=True)
    assert simulated in shown


def test_simulated_complaints_count_nowhere_but_open_when_asked_for(rt, client, officer_login) -> None:  # type: ignore[no-untyped-def]
    """Recap, home page and overdue figures count real complaints only; an officer who
    asked to see a simulated one can open it."""
    import csv
    import io

    from bot.complaints import queue

    add_kelurahan(rt, "Sukamaju")
    officer_login()
    SimPhone(client, "+6281211110008").send("ADUAN lampu jalan mati").send("BATAL")
    Phone(client, number="+6281211110002").send("ADUAN dana BLM dipotong").send("BATAL")
    with rt.db.session() as session:
        session.execute(Complaint.__table__.update().values(
            due_at=datetime(2026, 1, 1, tzinfo=timezone.utc)))
        simulated_id = session.scalar(
            select(Complaint.id).join(Contact, Contact.id == Complaint.contact_id)
            .where(Contact.simulated.is_(True)))
        from bot.models import Officer

        admin = session.scalar(select(Officer).where(Officer.username == "admin"))
        assert queue.overdue_count(session, admin) == 1
    rows = list(csv.reader(io.StringIO(client.get("/complaints/recap/csv").get_data(as_text=True))))
    total = {r[0]: dict(zip(rows[0], r)) for r in rows[1:]}["Total"]
    assert total["Total"] == "1"
    assert client.get(f"/complaints/{simulated_id}").status_code == 200


def test_a_simulated_number_cannot_join_a_real_ksm_by_its_code(rt, client, phone, officer_login) -> None:  # type: ignore[no-untyped-def]
    add_kelurahan(rt, "Sukamaju")
    code = register(phone)  # a real leader, through Twilio's webhook
    before = members_of(rt, code)
    officer_login()
    sim = SimPhone(client, "+6281377770009").send(f"GABUNG {code}")
    # Told what a resident with a wrong code is told; nothing recorded on the real KSM.
    wrong = SimPhone(client, "+6281377770008").send("GABUNG 99999")
    assert sim.reply == wrong.reply
    sim.send("Siti Aminah").send("P")
    assert members_of(rt, code) == before
