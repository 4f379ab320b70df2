"""Officer login, CSRF, and the simulator page."""
from __future__ import annotations

import pytest

from tests.conftest import _csrf


@pytest.mark.parametrize("path", ["/", "/simulator/", "/simulator/thread?phone=0812"])
def test_every_dashboard_page_needs_a_login(client, path: str) -> None:  # type: ignore[no-untyped-def]
    response = client.get(path)
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


def test_login_with_a_wrong_password_is_refused(client, rt) -> None:  # type: ignore[no-untyped-def]
    from bot.officers.accounts import create_or_update

    with rt.db.session() as session:
        create_or_update(session, "ika", "benar-sekali", "bkm")
    token = _csrf(client.get("/login").data)
    response = client.post("/login", data={"username": "ika", "password": "salah-sekali", "csrf_token": token})
    assert response.status_code == 401
    assert "salah" in response.get_data(as_text=True)
    assert client.get("/").status_code == 302


def test_login_form_without_csrf_token_is_refused(client, rt) -> None:  # type: ignore[no-untyped-def]
    from bot.officers.accounts import create_or_update

    with rt.db.session() as session:
        create_or_update(session, "ika", "benar-sekali", "bkm")
    response = client.post("/login", data={"username": "ika", "password": "benar-sekali"})
    assert response.status_code == 400
    assert "muat ulang" in response.get_data(as_text=True)
    assert client.get("/").status_code == 302


def test_login_then_logout(officer_login, client) -> None:  # type: ignore[no-untyped-def]
    officer_login("yuli", role="fasilitator")
    home = client.get("/")
    assert home.status_code == 200 and "yuli" in home.get_data(as_text=True)
    assert client.post("/logout").status_code == 400  # logout needs the CSRF token too
    token = _csrf(home.data)
    assert client.post("/logout", data={"csrf_token": token}).status_code == 302
    assert client.get("/").status_code == 302


def test_login_redirect_stays_on_this_site(officer_login, client, rt) -> None:  # type: ignore[no-untyped-def]
    from bot.officers.accounts import create_or_update

    with rt.db.session() as session:
        create_or_update(session, "agus", "password-123", "bkm")
    token = _csrf(client.get("/login").data)
    response = client.post("/login?next=https://evil.example/", data={
        "username": "agus", "password": "password-123", "csrf_token": token})
    assert response.headers["Location"] == "/"


def test_the_simulator_runs_the_real_bot_and_shows_the_thread(officer_login, client) -> None:  # type: ignore[no-untyped-def]
    officer_login()
    page = client.get("/simulator/")
    assert page.status_code == 200
    token = _csrf(page.data)
    response = client.post("/simulator/send", data={"phone": "0812-3456-7890", "text": "BAHASA EN"},
                           headers={"X-CSRFToken": token})
    assert response.status_code == 200
    assert response.get_json()["replies"] == ["Language: English. Reply MENU for services."]
    thread = client.get("/simulator/thread?phone=%2B6281234567890").get_json()["messages"]
    assert [(m["direction"], m["body"]) for m in thread] == [
        ("in", "BAHASA EN"), ("out", "Language: English. Reply MENU for services.")]
    bad = client.post("/simulator/send", data={"phone": "abc", "text": "x"}, headers={"X-CSRFToken": token})
    assert bad.status_code == 400 and "tidak valid" in bad.get_json()["error"]
    no_csrf = client.post("/simulator/send", data={"phone": "0812-3456-7890", "text": "x"})
    assert no_csrf.status_code == 400


def test_the_simulator_never_shows_or_impersonates_a_real_resident(officer_login, client, phone) -> None:  # type: ignore[no-untyped-def]
    phone.send("ADUAN dana BLM dipotong ketua")  # a real SMS through Twilio's webhook
    officer_login()
    token = _csrf(client.get("/simulator/").data)
    thread = client.get("/simulator/thread?phone=%2B6281234567890")
    assert thread.status_code == 403
    assert "dana BLM" not in thread.get_data(as_text=True)
    send = client.post("/simulator/send", data={"phone": "+6281234567890", "text": "BATAL"},
                       headers={"X-CSRFToken": token})
    assert send.status_code == 403
