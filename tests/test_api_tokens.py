"""API tokens: hashed, expiring, several per officer, revocable on their page, and
every use logged."""
from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest
from sqlalchemy import select, update

from bot.models import ApiToken, ApiTokenUse
from bot.officers.api_tokens import hash_token
from tests.conftest import _csrf


def _api(client: Any, token: str, path: str = "/api/complaints") -> Any:
    return client.get(path, headers={"Authorization": f"Bearer {token}"},
                      environ_base={"REMOTE_ADDR": "198.51.100.20"})


def _issue(client: Any, name: str, days: str = "90") -> str:
    page = client.post("/tokens/", data={"name": name, "days": days,
                                         "csrf_token": _csrf(client.get("/tokens/").data)})
    assert page.status_code == 200
    return re.search(r"<code>(ksm_[^<]+)</code>", page.get_data(as_text=True)).group(1)


def test_an_officer_holds_several_tokens_sees_them_and_revokes_one(rt, client, officer_login) -> None:  # type: ignore[no-untyped-def]
    officer_login("ppm_a", "ppm")
    laptop, script = _issue(client, "laptop"), _issue(client, "skrip rekap", "7")
    assert _api(client, laptop).status_code == 200 and _api(client, script).status_code == 200
    with rt.db.session() as session:
        rows = {r.name: r for r in session.scalars(select(ApiToken))}
        assert rows["laptop"].token_hash == hash_token(laptop)  # only the hash is kept
        assert laptop not in rows["laptop"].token_hash
        left = rows["skrip rekap"].expires_at - datetime.now(timezone.utc)
        assert timedelta(days=6) < left <= timedelta(days=7)
        script_id = rows["skrip rekap"].id
    page = client.get("/tokens/").get_data(as_text=True)
    assert "laptop" in page and "skrip rekap" in page and laptop not in page
    revoke = client.post(f"/tokens/{script_id}/revoke",
                         data={"csrf_token": _csrf(client.get("/tokens/").data)})
    assert revoke.status_code == 302
    assert _api(client, script).status_code == 401
    assert _api(client, laptop).status_code == 200
    assert "dicabut" in client.get("/tokens/").get_data(as_text=True)


def test_an_expired_token_stops_working(rt, client, officer_login) -> None:  # type: ignore[no-untyped-def]
    officer_login("ppm_a", "ppm")
    token = _issue(client, "lama")
    with rt.db.session() as session:
        session.execute(update(ApiToken).values(
            expires_at=datetime.now(timezone.utc) - timedelta(seconds=1)))
    assert _api(client, token).status_code == 401
    assert "kedaluwarsa" in client.get("/tokens/").get_data(as_text=True)


def test_an_officer_cannot_revoke_anothers_token(rt, app, client, officer_login) -> None:  # type: ignore[no-untyped-def]
    officer_login("ppm_a", "ppm")
    token = _issue(client, "punya a")
    other = app.test_client()
    from tests.test_officer_security import _login, _officer

    _officer(rt, "ppm_b")
    assert _login(other, _csrf_of, "ppm_b", "password-123").status_code == 302
    with rt.db.session() as session:
        token_id = session.scalar(select(ApiToken.id))
    assert other.post(f"/tokens/{token_id}/revoke",
                      data={"csrf_token": _csrf(other.get("/tokens/").data)}).status_code == 404
    assert _api(client, token).status_code == 200
    assert "punya a" not in other.get("/tokens/").get_data(as_text=True)


def _csrf_of(html: bytes) -> str:
    return _csrf(html)


def test_every_token_use_is_in_the_log_refused_ones_too(rt, client, officer_login) -> None:  # type: ignore[no-untyped-def]
    officer_login("ppm_a", "ppm")
    token = _issue(client, "laptop")
    _api(client, token)
    _api(client, token, "/api/complaints/999")
    with rt.db.session() as session:
        session.execute(update(ApiToken).values(revoked_at=datetime.now(timezone.utc)))
    _api(client, token)
    _api(client, "ksm_not-a-token")  # unknown: nothing to attribute it to
    with rt.db.session() as session:
        uses = [(u.method, u.path, u.status, u.address)
                for u in session.scalars(select(ApiTokenUse).order_by(ApiTokenUse.id))]
    assert uses == [
        ("GET", "/api/complaints", 200, "198.51.100.20"),
        ("GET", "/api/complaints/999", 404, "198.51.100.20"),
        ("GET", "/api/complaints", 401, "198.51.100.20"),
    ]
    assert "/api/complaints/999" in client.get("/tokens/").get_data(as_text=True)


def test_the_cli_issues_a_token_with_an_expiry(rt, runner, officer_login) -> None:  # type: ignore[no-untyped-def]
    officer_login("ppm_a", "ppm")
    result = runner.invoke(args=["api-token", "ppm_a", "--name", "cron", "--days", "30"])
    assert result.exit_code == 0, result.output
    with rt.db.session() as session:
        row = session.scalar(select(ApiToken))
        assert row.name == "cron" and row.token_hash == hash_token(result.output.strip())
        assert row.expires_at - row.created_at == timedelta(days=30)


@pytest.mark.parametrize("how", ["new password", "deactivated", "second factor reset"])
def test_a_token_ends_with_its_officers_access(rt, client, runner, officer_login, how) -> None:  # type: ignore[no-untyped-def]
    # A token given to a script must not outlive the password (or the account) it came with.
    officer_login("ppm_a", "ppm")
    token = _issue(client, "laptop")
    assert _api(client, token).status_code == 200
    if how == "new password":
        args = ["create-user", "ppm_a", "--role", "ppm", "--password", "another-pass-456"]
    elif how == "deactivated":
        args = ["officer", "deactivate", "ppm_a"]
    else:
        args = ["officer", "reset-2fa", "ppm_a"]
    result = runner.invoke(args=args)
    assert result.exit_code == 0, result.output
    assert _api(client, token).status_code == 401
    if how == "deactivated":
        # Coming back (a new password from an admin) does not bring the old token back.
        assert runner.invoke(args=["create-user", "ppm_a", "--role", "ppm", "--password",
                                   "another-pass-456"]).exit_code == 0
        assert _api(client, token).status_code == 401
    with rt.db.session() as session:
        assert session.scalar(select(ApiToken.revoked_at)) is not None
