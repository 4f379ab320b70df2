"""Admin and BKM accounts: a second factor (TOTP) after the password, recovery codes,
wrong codes counted by the login throttle, and a CLI reset. Through the login form."""
from __future__ import annotations

import html
import re
from datetime import datetime, timedelta, timezone
from typing import Any

import pyotp
import segno
from sqlalchemy import select

from bot.models import Officer, RecoveryCode
from bot.officers.accounts import create_or_update
from tests.conftest import _csrf


def _password(client: Any, username: str, address: str = "203.0.113.7") -> Any:
    return client.post("/login", data={"username": username, "password": "password-123",
                                       "csrf_token": _csrf(client.get("/login").data)},
                       environ_base={"REMOTE_ADDR": address})


def _code(client: Any, code: str, address: str = "203.0.113.7") -> Any:
    return client.post("/login/code", data={"code": code,
                                            "csrf_token": _csrf(client.get("/login/code").data)},
                       environ_base={"REMOTE_ADDR": address})


def _officer(rt: Any, username: str, role: str) -> None:
    with rt.db.session() as session:
        create_or_update(session, username, "password-123", role)


def _enrol(client: Any) -> tuple[str, list[str]]:
    """Enrol from the page as a user would: read the key, type a code; returns the
    secret and the recovery codes shown."""
    page = client.get("/2fa/").get_data(as_text=True)
    secret = re.search(r"Kunci: <code>([A-Z2-7]+)</code>", page).group(1)
    assert "otpauth://totp/ksm-bot:" in page and f"secret={secret}" in page
    done = client.post("/2fa/", data={"code": pyotp.TOTP(secret).now(),
                                      "csrf_token": _csrf(client.get("/2fa/").data)})
    assert done.status_code == 200
    codes = re.findall(r"<li><code>([a-z2-9-]+)</code></li>", done.get_data(as_text=True))
    assert len(codes) == 10
    return secret, codes


def _next(secret: str) -> str:
    """The next 30-second step's code (the current one was spent enrolling; drift of one
    step either way is accepted)."""
    return pyotp.TOTP(secret).at(datetime.now(timezone.utc) + timedelta(seconds=30))


def _logout(client: Any) -> None:
    client.post("/logout", data={"csrf_token": _csrf(client.get("/2fa/").data)})


def test_an_admin_must_enrol_before_reaching_anything(rt, client) -> None:  # type: ignore[no-untyped-def]
    _officer(rt, "root", "admin")
    response = _password(client, "root")
    assert response.headers["Location"].endswith("/2fa/")
    for path in ("/", "/complaints/", "/ksm/", "/simulator/", "/tokens/"):
        assert client.get(path).headers.get("Location", "").endswith("/2fa/"), path
    page = client.get("/2fa/")
    assert page.status_code == 200
    assert "unsafe-inline" not in page.headers["Content-Security-Policy"]
    assert "http" not in re.sub(r'otpauth://[^<]+|src="data:[^"]+"', "", page.get_data(as_text=True)
                                ).split("<main>")[1]  # no QR service or any other site
    secret, codes = _enrol(client)
    assert client.get("/").status_code == 200
    with rt.db.session() as session:
        stored = session.scalars(select(RecoveryCode.code_hash)).all()
    assert len(stored) == 10 and not set(codes) & set(stored)  # only hashes are kept

    # Next login: the password alone is not enough.
    _logout(client)
    step = _password(client, "root")
    assert step.headers["Location"].endswith("/login/code")
    assert client.get("/").status_code == 302  # half-way is not logged in
    assert _code(client, "000000").status_code == 401
    assert _code(client, _next(secret)).status_code == 302
    assert client.get("/").status_code == 200


def test_the_enrolment_page_shows_the_uri_as_a_qr_code_drawn_here(rt, client) -> None:  # type: ignore[no-untyped-def]
    _officer(rt, "root", "admin")
    _password(client, "root")
    page = client.get("/2fa/")
    text = page.get_data(as_text=True)
    uri = html.unescape(re.search(r"Tautan: <code>([^<]+)</code>", text).group(1))
    secret = re.search(r"Kunci: <code>([A-Z2-7]+)</code>", text).group(1)
    assert uri == pyotp.TOTP(secret).provisioning_uri(name="root", issuer_name="ksm-bot")
    src = html.unescape(re.search(r'<img class="qr" src="([^"]+)" alt="Kode QR', text).group(1))
    # The image is that exact URI's QR code (segno cannot read one back: draw it again).
    assert src == segno.make(uri, error="m").svg_data_uri(scale=5, border=4)
    assert src != segno.make(uri.replace(secret, "A" * len(secret)), error="m").svg_data_uri(
        scale=5, border=4)
    assert src.startswith("data:image/svg+xml")
    assert "img-src 'self' data:" in page.headers["Content-Security-Policy"]
    # A wrong code shows the same QR again, with the reason.
    wrong = client.post("/2fa/", data={"code": "000000",
                                       "csrf_token": _csrf(client.get("/2fa/").data)})
    assert wrong.status_code == 400 and html.escape(src) in wrong.get_data(as_text=True)


def test_a_code_works_once_and_a_recovery_code_once(rt, client) -> None:  # type: ignore[no-untyped-def]
    _officer(rt, "root", "admin")
    _password(client, "root")
    secret, codes = _enrol(client)
    _logout(client)
    _password(client, "root")
    used = pyotp.TOTP(secret).now()  # the enrolment already used this step
    assert _code(client, used).status_code == 401
    assert _code(client, codes[0].upper()).status_code == 302
    _logout(client)
    _password(client, "root")
    assert _code(client, codes[0]).status_code == 401
    assert _code(client, codes[1]).status_code == 302


def test_bkm_is_offered_it_and_others_are_not(rt, client) -> None:  # type: ignore[no-untyped-def]
    _officer(rt, "bkm_a", "bkm")
    assert _password(client, "bkm_a").headers["Location"] == "/"  # optional for BKM
    assert client.get("/").status_code == 200
    _secret, _codes = _enrol(client)
    _logout(client)
    assert _password(client, "bkm_a").headers["Location"].endswith("/login/code")
    other = client.application.test_client()
    _officer(rt, "ppm_a", "ppm")
    assert _password(other, "ppm_a").status_code == 302
    assert other.get("/2fa/").status_code == 404


def test_wrong_codes_count_in_the_login_throttle(rt, client) -> None:  # type: ignore[no-untyped-def]
    _officer(rt, "root", "admin")
    _password(client, "root")
    secret, _codes = _enrol(client)
    _logout(client)
    _password(client, "root")
    for i in range(10):
        assert _code(client, f"{i:06d}" if f"{i:06d}" != pyotp.TOTP(secret).now() else "999999",
                     f"198.51.100.{i}").status_code == 401
    blocked = _code(client, pyotp.TOTP(secret).now())
    assert blocked.status_code == 429
    assert "Coba lagi dalam 15 menit" in blocked.get_data(as_text=True)
    assert _password(client, "root", "198.51.100.77").status_code == 429  # the username too


def test_the_half_way_state_expires(rt, client, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import time

    _officer(rt, "root", "admin")
    _password(client, "root")
    secret, _codes = _enrol(client)
    _logout(client)
    _password(client, "root")
    token = _csrf(client.get("/login/code").data)
    later = time.time() + 301
    monkeypatch.setattr(time, "time", lambda: later)
    response = client.post("/login/code", data={"code": _next(secret), "csrf_token": token})
    assert response.headers["Location"].endswith("/login")
    assert client.get("/").status_code == 302


def test_the_cli_resets_a_lost_second_factor(rt, app, client, runner) -> None:  # type: ignore[no-untyped-def]
    _officer(rt, "root", "admin")
    _password(client, "root")
    _enrol(client)
    assert client.get("/").status_code == 200
    result = runner.invoke(args=["officer", "reset-2fa", "root"])
    assert result.exit_code == 0, result.output
    with rt.db.session() as session:
        officer = session.scalar(select(Officer).where(Officer.username == "root"))
        assert officer.totp_secret is None
        assert session.scalar(select(RecoveryCode.id)) is None
    assert client.get("/").status_code == 302  # the session on the lost phone ended
    assert _password(client, "root").headers["Location"].endswith("/2fa/")  # enrol again
    assert runner.invoke(args=["officer", "reset-2fa", "nobody"]).exit_code != 0


def test_after_enrolling_the_officer_goes_on_and_a_spent_code_says_wait_for_the_next(
        rt, client) -> None:  # type: ignore[no-untyped-def]
    _officer(rt, "root", "admin")
    _password(client, "root")
    page = client.get("/2fa/").get_data(as_text=True)
    secret = re.search(r"Kunci: <code>([A-Z2-7]+)</code>", page).group(1)
    done = client.post("/2fa/", data={"code": pyotp.TOTP(secret).now(),
                                      "csrf_token": _csrf(client.get("/2fa/").data)})
    assert 'href="/">Lanjut ke beranda</a>' in done.get_data(as_text=True)  # a way onward
    _logout(client)
    _password(client, "root")
    # Logging in again within the same 30 seconds: the code on the phone is the one the
    # enrolment spent. The officer is told to wait for the next one, not that it is wrong.
    again = _code(client, pyotp.TOTP(secret).now())
    assert again.status_code == 401
    text = again.get_data(as_text=True)
    assert "baru saja dipakai" in text and "kode berikutnya" in text
    assert _code(client, _next(secret)).status_code == 302
