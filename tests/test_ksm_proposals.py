"""USUL: a verified KSM's leader submits a proposal; the unit reviews it in the
dashboard and the leader gets each status change by message."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.models import Proposal
from conversations.flow import Invalid
from conversations.flows.ksm_proposal import parse_amount
from tests.ksm_helpers import add_kelurahan, form_ksm, ksm_row, other, queued_to


@pytest.mark.parametrize(("typed", "amount"), [
    ("5000000", 5_000_000), ("5.000.000", 5_000_000), ("Rp 5.000.000", 5_000_000),
    ("5jt", 5_000_000), ("5 juta", 5_000_000), ("2,5jt", 2_500_000), ("750rb", 750_000),
    ("5,000,000", 5_000_000), ("rp. 12.500.000", 12_500_000),
])
def test_amounts_as_residents_write_them(typed: str, amount: int) -> None:
    assert parse_amount(typed) == amount


@pytest.mark.parametrize("typed", ["banyak", "5.00.000", "5xyz", "1,2,3jt", "0", "99999999999999"])
def test_unclear_amounts(typed: str) -> None:
    with pytest.raises(Invalid):
        parse_amount(typed)


@pytest.fixture
def sukamaju(rt):  # type: ignore[no-untyped-def]
    return add_kelurahan(rt, "Sukamaju")


def _post(client, csrf_token, url: str, **data: object):  # type: ignore[no-untyped-def]
    return client.post(url, data={"csrf_token": csrf_token(client.get("/").data), **data})


@pytest.fixture
def verified(phone, rt, sukamaju, officer_login, csrf_token):  # type: ignore[no-untyped-def]
    """A verified UPK KSM and two PJM programs; the client is logged in as its bkm."""
    code = form_ksm(phone, rt)
    client = officer_login("bkm", "bkm", kelurahan=sukamaju)
    for name in ("Pinjaman bergulir usaha mikro", "Sanitasi dan air bersih"):
        _post(client, csrf_token, "/ksm/proposals/programs", kelurahan_id=sukamaju.id, name=name)
    _post(client, csrf_token, f"/ksm/{ksm_row(rt, code).id}/verify")
    assert ksm_row(rt, code).status == "verified"
    return code


def _proposals(rt) -> list[Proposal]:  # type: ignore[no-untyped-def]
    with rt.db.session() as session:
        return list(session.execute(select(Proposal).order_by(Proposal.id)).scalars())


def test_usul_dialog_and_review(phone, rt, verified, client, csrf_token, run_jobs, twilio) -> None:  # type: ignore[no-untyped-def]
    phone.send("USUL").expect("Judul kegiatan")
    phone.send("Modal warung sembako").expect("1 Pinjaman bergulir", "2 Sanitasi")
    phone.send("1").expect("Bidang")
    phone.send("ekonomi").expect("Rupiah")
    phone.send("5jt").expect("penerima manfaat")
    phone.send("12").expect("Dari 12 penerima")
    phone.send("12").expect("Usulan no.", "Rp 5.000.000", "UPK")
    [proposal] = _proposals(rt)
    assert (proposal.unit, proposal.amount, proposal.beneficiaries, proposal.poor_beneficiaries,
            proposal.status, proposal.source) == ("UPK", 5_000_000, 12, 12, "submitted", "sms")
    assert ksm_row(rt, verified).cycle_stage == "KSM-4"

    queue = client.get("/ksm/proposals/?unit=UPK").data.decode()
    assert "Modal warung sembako" in queue and "Pinjaman bergulir" in queue
    assert "Modal warung" not in client.get("/ksm/proposals/?unit=UPL").data.decode()

    # Not eligible needs a reason; the reason reaches the leader.
    _post(client, csrf_token, f"/ksm/proposals/{proposal.id}/review", status="not_eligible", notes="")
    assert _proposals(rt)[0].status == "submitted"
    _post(client, csrf_token, f"/ksm/proposals/{proposal.id}/review", status="not_eligible",
          notes="Rencana usaha belum ada", interview_done="1")
    reviewed = _proposals(rt)[0]
    assert (reviewed.status, reviewed.interview_done, reviewed.field_visit_done) == ("not_eligible", True, False)
    assert "TIDAK LAYAK" in queued_to(rt, phone.number)[-1]
    assert "Alasan: Rencana usaha belum ada" in queued_to(rt, phone.number)[-1]
    _post(client, csrf_token, f"/ksm/proposals/{proposal.id}/review", status="eligible",
          notes="Rencana sudah lengkap", interview_done="1", field_visit_done="1")
    assert "LAYAK oleh UPK" in queued_to(rt, phone.number)[-1]
    run_jobs()
    assert sum(1 for m in twilio.notices if m["To"] == phone.number and "Usulan no." in m["Body"]) == 2


def test_social_proposal_warns_about_its_rule(phone, rt, verified) -> None:  # type: ignore[no-untyped-def]
    phone.send("USUL").send("Posyandu lansia").send("2").send("4").send("Rp 2.500.000").send("30")
    phone.send("20").expect("UPS", "100% untuk warga miskin")
    assert _proposals(rt)[0].unit == "UPS"


def test_bad_input_at_every_usul_step(phone, rt, verified) -> None:  # type: ignore[no-untyped-def]
    phone.send("USUL").expect("Judul")
    phone.send("").expect("kosong")
    phone.send("j" * 81).expect("terlalu panjang")
    phone.send("Warung \U0001F600").expect("emoji")
    phone.send("Warung").expect("Program PJM")
    phone.send("9").expect("1 sampai 2")
    phone.send("").expect("kosong")
    phone.send("2").expect("Bidang")
    phone.send("7").expect("1 sampai 6")
    phone.send("1").expect("Rupiah")
    phone.send("banyak sekali").expect("tidak jelas")
    phone.send("").expect("kosong")
    phone.send("3jt").expect("penerima manfaat")
    phone.send("dua puluh").expect("satu angka")
    phone.send("20").expect("Dari 20")
    phone.send("21").expect("lebih dari 20")
    phone.send("\U0001F600").expect("satu angka")
    phone.send("20").expect("Usulan no.")


def test_only_a_verified_ksms_leader_proposes(phone, rt, sukamaju) -> None:  # type: ignore[no-untyped-def]
    phone.send("USUL").expect("Hanya ketua KSM")
    code = form_ksm(phone, rt)
    phone.send("USUL").expect("Hanya ketua KSM")  # waiting for verification
    other(phone, "+6281311110001").send("USUL").expect("Hanya ketua KSM")  # a member
    assert ksm_row(rt, code).status == "waiting_verification"


def test_no_programs_yet(phone, rt, sukamaju, officer_login, csrf_token) -> None:  # type: ignore[no-untyped-def]
    code = form_ksm(phone, rt)
    client = officer_login("bkm", "bkm", kelurahan=sukamaju)
    _post(client, csrf_token, f"/ksm/{ksm_row(rt, code).id}/verify")
    phone.send("USUL").expect("belum ada di sistem")


def test_dashboard_enters_a_proposal_and_scoping(phone, rt, verified, client, csrf_token, officer_login) -> None:  # type: ignore[no-untyped-def]
    page = client.get("/ksm/proposals/new").data.decode()
    assert "Maju Jaya" in page
    ksm_id = ksm_row(rt, verified).id
    with rt.db.session() as session:
        from bot.models import PjmProgram

        program_id = session.scalar(select(PjmProgram.id).order_by(PjmProgram.id))
    response = _post(client, csrf_token, "/ksm/proposals/new", ksm_id=ksm_id, title="Jalan setapak",
                     pjm_program_id=program_id, field="lingkungan", amount="abc",
                     beneficiaries="40", poor_beneficiaries="30")
    assert response.status_code == 400 and "tidak jelas" in response.data.decode()
    _post(client, csrf_token, "/ksm/proposals/new", ksm_id=ksm_id, title="Jalan setapak",
          pjm_program_id=program_id, field="lingkungan", amount="15.000.000",
          beneficiaries="40", poor_beneficiaries="30")
    [proposal] = _proposals(rt)
    assert (proposal.unit, proposal.source, proposal.amount) == ("UPL", "dashboard", 15_000_000)

    client.post("/logout", data={"csrf_token": csrf_token(client.get("/").data)})
    client = officer_login("bkm_other", "bkm", kelurahan=add_kelurahan(rt, "Cibeunying"))
    assert "Jalan setapak" not in client.get("/ksm/proposals/?unit=UPL").data.decode()
    response = _post(client, csrf_token, f"/ksm/proposals/{proposal.id}/review", status="eligible")
    assert response.status_code == 404
    assert _proposals(rt)[0].status == "submitted"


def test_eligible_needs_an_override_for_a_broken_rule_and_the_checks_or_a_reason(  # type: ignore[no-untyped-def]
        phone, rt, verified, client, csrf_token) -> None:
    from bot.models import ProposalReview

    phone.send("USUL").send("Posyandu lansia").send("2").send("4").send("Rp 2.500.000").send("30")
    phone.send("20").expect("UPS")  # 20 of 30 poor: social needs 100%
    [proposal] = _proposals(rt)
    url = f"/ksm/proposals/{proposal.id}/review"
    queue = client.get("/ksm/proposals/?unit=UPS").data.decode()
    assert "belum memenuhi aturan UPS" in queue and 'name="rule_override"' in queue

    page = _post(client, csrf_token, url, status="eligible", notes="Penting",
                 interview_done="1", field_visit_done="1")
    assert _proposals(rt)[0].status == "submitted"  # one click is not enough
    page = client.get("/ksm/proposals/?unit=UPS").data.decode()
    assert "tulis alasan pengecualian" in page

    _post(client, csrf_token, url, status="eligible", notes="Penting",
          rule_override="10 lansia tidak terdaftar tapi miskin, dicek RT")
    assert _proposals(rt)[0].status == "submitted"  # interview and visit not recorded
    assert "atau tulis alasan" in client.get("/ksm/proposals/?unit=UPS").data.decode()

    _post(client, csrf_token, url, status="eligible", notes="Penting", interview_done="1",
          rule_override="10 lansia tidak terdaftar tapi miskin, dicek RT",
          checks_skipped="Kunjungan tertunda banjir, foto lokasi sudah ada")
    reviewed = _proposals(rt)[0]
    assert (reviewed.status, reviewed.rule_override_reason, reviewed.checks_skipped_reason) == (
        "eligible", "10 lansia tidak terdaftar tapi miskin, dicek RT",
        "Kunjungan tertunda banjir, foto lokasi sudah ada")
    shown = client.get("/ksm/proposals/?unit=UPS&status=eligible").data.decode()
    assert "Pengecualian aturan UPS</b>: 10 lansia" in shown
    assert "Kunjungan tertunda banjir" in shown and "diperiksa oleh bkm" in shown
    with rt.db.session() as session:
        reviews = session.scalars(select(ProposalReview)).all()
        assert [(r.status, r.rule_override_reason is not None) for r in reviews] == [
            ("eligible", True)]


def test_a_proposal_within_its_rule_is_eligible_with_its_checks(  # type: ignore[no-untyped-def]
        phone, rt, verified, client, csrf_token) -> None:
    phone.send("USUL").send("Modal warung").send("1").send("ekonomi").send("5jt").send("12")
    phone.send("12").expect("Usulan no.")
    [proposal] = _proposals(rt)
    _post(client, csrf_token, f"/ksm/proposals/{proposal.id}/review", status="eligible",
          notes="Lengkap", interview_done="1", field_visit_done="1", rule_override="tidak perlu")
    reviewed = _proposals(rt)[0]
    assert (reviewed.status, reviewed.rule_override_reason) == ("eligible", None)
