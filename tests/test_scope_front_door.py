"""One front door for scoped rows: a guessed id of another area is a 404 on every page
and action that takes a row's id, GET and POST, HTML and API alike, so that the answer
does not tell the row exists. The routes are read from the app's url_map: a new page
with an ``<int:...id>`` argument is checked the day it is added (or the test asks
which model its id names)."""
from __future__ import annotations

import re
from typing import Any

import pytest
from sqlalchemy import select

from bot.areas import scope as area_scope
from bot.models import (
    Complaint,
    Contact,
    InboxItem,
    Kelurahan,
    Ksm,
    KsmMember,
    Message,
    Officer,
    Proposal,
)
from bot.models.announcement import Announcement
from bot.officers.api_tokens import issue as new_api_token
from tests.ksm_helpers import add_kelurahan

# Routes whose id is not an area's row: admin-only pages and the officer's own tokens.
NOT_AREA_SCOPED = {
    "admin_jobs.requeue_message",
    "api_tokens.revoke",
    "bkm_roster.remove",
    "privacy.approve",
    "privacy.refuse",
}
# Which row each id argument names.
MODEL_OF_ARGUMENT = {
    "complaint_id": "complaint",
    "ksm_id": "ksm",
    "member_id": "member",
    "proposal_id": "proposal",
    "announcement_id": "announcement",
    "item_id": "inbox",
}


def _rows(rt: Any, kelurahan: Kelurahan, tag: str, phone: str) -> dict[str, int]:
    """A complaint, a KSM with its leader, a proposal, an announcement and an inbox item
    in ``kelurahan``."""
    with rt.db.session() as s:
        kel = s.get(Kelurahan, kelurahan.id)
        resident = Contact(phone=phone, kelurahan_id=kel.id)
        s.add(resident)
        s.flush()
        places = {"kelurahan_id": kel.id, "kota_area_id": kel.kota_area_id,
                  "provinsi_area_id": kel.provinsi_area_id}
        complaint = Complaint(code=f"77700{phone[-4:]}", contact_id=resident.id, channel="sms",
                              text=f"aduan {tag}", level="kelurahan", status="new",
                              anonymous=False, names_bkm_member=False, **places)
        ksm = Ksm(code=f"8{phone[-4:]}", name=f"KSM {tag}", kelurahan_id=kel.id, field="ekonomi",
                  unit="UPK", goal="Modal usaha", status="pending", leader_contact_id=resident.id)
        s.add_all([complaint, ksm])
        s.flush()
        member = KsmMember(ksm_id=ksm.id, contact_id=resident.id, name=f"Ketua {tag}",
                           role="leader", status="confirmed")
        proposal = Proposal(ksm_id=ksm.id, title=f"Usulan {tag}", field="ekonomi", unit="UPK",
                            amount=1_000_000, beneficiaries=5, poor_beneficiaries=3)
        announcement = Announcement(kelurahan_id=kel.id, title=f"Pengumuman {tag}")
        message = Message(contact_id=resident.id, direction="in", channel="sms",
                          body=f"pertanyaan {tag}", status="received")
        s.add_all([member, proposal, announcement, message])
        s.flush()
        item = InboxItem(message_id=message.id, contact_id=resident.id, status="open", **places)
        s.add(item)
        s.flush()
        return {"complaint": complaint.id, "ksm": ksm.id, "member": member.id,
                "proposal": proposal.id, "announcement": announcement.id, "inbox": item.id}


@pytest.fixture
def two_areas(rt):  # type: ignore[no-untyped-def]
    a = add_kelurahan(rt, "Sukamaju", kota="Kota Bandung")
    b = add_kelurahan(rt, "Cibeureum", kota="Kota Cimahi")
    return a, _rows(rt, a, "A", "+6281200001111"), b, _rows(rt, b, "B", "+6281200002222")


def _id_routes(app: Any) -> list[tuple[str, str, str, str]]:
    """(endpoint, path template, argument, method) of every route taking an int id."""
    found = []
    for rule in app.url_map.iter_rules():
        ints = [name for name, conv in rule._converters.items()
                if type(conv).__name__ == "IntegerConverter"]
        if not ints or rule.endpoint in NOT_AREA_SCOPED:
            continue
        assert len(ints) == 1, rule.rule
        assert ints[0] in MODEL_OF_ARGUMENT, (
            f"{rule.endpoint} ({rule.rule}) takes {ints[0]}: add it to MODEL_OF_ARGUMENT, or "
            "to NOT_AREA_SCOPED if its row belongs to no area")
        for method in sorted(rule.methods & {"GET", "POST"}):
            found.append((rule.endpoint, rule.rule, ints[0], method))
    return found


def _path(template: str, argument: str, row_id: int) -> str:
    return re.sub(r"<int:" + argument + ">", str(row_id), template)


def _csrf(client: Any) -> str:
    page = client.get("/").get_data(as_text=True)
    return re.search(r'name="csrf-token" content="([^"]+)"', page).group(1)


def _token(rt: Any, username: str) -> str:
    with rt.db.session() as s:
        officer = s.scalar(select(Officer).where(Officer.username == username))
        return new_api_token(s, officer)


def _call(client: Any, method: str, path: str, csrf: str, token: str) -> Any:
    headers = {"Authorization": f"Bearer {token}"} if path.startswith("/api/") else {}
    if method == "GET":
        return client.get(path, headers=headers)
    if path.startswith("/api/"):
        return client.post(path, json={}, headers=headers)
    return client.post(path, data={"csrf_token": csrf}, headers=headers)


def test_the_url_map_has_the_scoped_pages(app) -> None:  # type: ignore[no-untyped-def]
    endpoints = {endpoint for endpoint, *_ in _id_routes(app)}
    assert {"complaints.detail", "ksm.detail", "ksm_proposals.review", "inbox.reply",
            "announcements.detail", "ksm.confirm_poor_match"} <= endpoints


def test_an_officer_guessing_another_areas_id_gets_404_everywhere(  # type: ignore[no-untyped-def]
        app, rt, client, officer_login, two_areas) -> None:
    a, mine, _b, theirs = two_areas
    officer_login("bkm_a", "bkm", kelurahan=a)
    csrf, token = _csrf(client), _token(rt, "bkm_a")
    wrong = []
    for endpoint, template, argument, method in _id_routes(app):
        path = _path(template, argument, theirs[MODEL_OF_ARGUMENT[argument]])
        status = _call(client, method, path, csrf, token).status_code
        if status != 404:
            wrong.append(f"{method} {path} ({endpoint}): {status}")
    assert wrong == []
    # The pages do open on the officer's own rows: the 404s above are the scope's.
    for path in (f"/complaints/{mine['complaint']}", f"/ksm/{mine['ksm']}",
                 f"/announcements/{mine['announcement']}", f"/api/complaints/{mine['complaint']}"):
        assert _call(client, "GET", path, csrf, token).status_code == 200, path
    with rt.db.session() as s:  # nothing of theirs changed
        assert s.get(Ksm, theirs["ksm"]).status == "pending"
        assert s.get(Proposal, theirs["proposal"]).status == "submitted"
        assert s.get(InboxItem, theirs["inbox"]).status == "open"
        assert s.get(Complaint, theirs["complaint"]).status == "new"


def test_a_national_admin_reaches_every_area(  # type: ignore[no-untyped-def]
        app, rt, client, officer_login, two_areas) -> None:
    _a, _mine, _b, theirs = two_areas
    officer_login("admin", "admin")
    csrf, token = _csrf(client), _token(rt, "admin")
    wrong = []
    for endpoint, template, argument, method in _id_routes(app):
        path = _path(template, argument, theirs[MODEL_OF_ARGUMENT[argument]])
        status = _call(client, method, path, csrf, token).status_code
        if status == 404 or status >= 500:
            wrong.append(f"{method} {path} ({endpoint}): {status}")
    assert wrong == []



def test_the_front_door_and_the_list_filter_agree(rt, two_areas) -> None:  # type: ignore[no-untyped-def]
    a, mine, _b, theirs = two_areas
    models = {"complaint": Complaint, "ksm": Ksm, "member": KsmMember, "proposal": Proposal,
              "announcement": Announcement, "inbox": InboxItem}
    with rt.db.session() as s:
        officer = Officer(username="ppm_x", password_hash="-", role="bkm", level="kelurahan",
                          kelurahan_id=a.id)
        for name, model in models.items():
            assert area_scope.find_in_area(s, officer, model, mine[name]) is not None, name
            assert area_scope.find_in_area(s, officer, model, theirs[name]) is None, name
            with pytest.raises(area_scope.NotInArea):
                area_scope.get_in_area(s, officer, model, theirs[name])
            listed = set(s.scalars(select(model.id).where(
                area_scope.in_area_filter(officer, model, simulated=True))))
            assert mine[name] in listed and theirs[name] not in listed, name
