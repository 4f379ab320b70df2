"""Officers' side as an attacker probes it: password guessing, framing, scripts."""
from __future__ import annotations

import logging
from typing import Any

from bot.officers.accounts import create_or_update


def _login(client: Any, csrf_token: Any, username: str, password: str,
           address: str = "203.0.113.7") -> Any:
    token = csrf_token(client.get("/login").data)
    return client.post("/login", data={"username": username, "password": password,
                                       "csrf_token": token},
                       environ_base={"REMOTE_ADDR": address})


def _officer(rt: Any, username: str = "siti") -> None:
    with rt.db.session() as session:
        create_or_update(session, username, "password-123", "ppm", None, None, None)


def test_ten_wrong_passwords_lock_the_username_even_for_the_right_one(client, rt, csrf_token, caplog) -> None:  # type: ignore[no-untyped-def]
    _officer(rt)
    caplog.set_level(logging.WARNING)
    for i in range(10):
        assert _login(client, csrf_token, "siti", f"guess-{i}").status_code == 401
    blocked = _login(client, csrf_token, "siti", "password-123")
    assert blocked.status_code == 429
    assert "Coba lagi dalam 15 menit" in blocked.get_data(as_text=True)
    # From another address too: the username is what is being guessed.
    assert _login(client, csrf_token, "siti", "password-123", "198.51.100.9").status_code == 429
    # Failed logins are logged, never with the password.
    assert "failed login for 'siti'" in caplog.text
    assert "guess-3" not in caplog.text and "password-123" not in caplog.text


def test_ten_failures_from_one_address_lock_that_address_not_others(client, rt, csrf_token) -> None:  # type: ignore[no-untyped-def]
    _officer(rt, "budi")
    for i in range(10):
        _login(client, csrf_token, f"nobody{i}", "x", "203.0.113.50")
    assert _login(client, csrf_token, "budi", "password-123", "203.0.113.50").status_code == 429
    assert _login(client, csrf_token, "budi", "password-123", "203.0.113.51").status_code == 302


def test_a_success_starts_the_username_count_over(client, rt, csrf_token) -> None:  # type: ignore[no-untyped-def]
    _officer(rt, "ani")
    for i in range(9):
        _login(client, csrf_token, "ani", "wrong", f"203.0.113.{i}")
    assert _login(client, csrf_token, "ani", "password-123", "203.0.113.99").status_code == 302
    client.post("/logout", data={"csrf_token": csrf_token(client.get("/").data)})
    for i in range(9):
        assert _login(client, csrf_token, "ani", "wrong", f"203.0.113.{i}").status_code == 401


def test_pages_cannot_be_framed_or_fed_inline_script(client) -> None:  # type: ignore[no-untyped-def]
    response = client.get("/login")
    csp = response.headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in csp and "script-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    # Not on a developer's http://localhost (tests run as the embedded default does).
    assert "Strict-Transport-Security" not in response.headers


def test_no_template_carries_inline_script_or_style() -> None:
    """What the policy forbids must not be in any page (the browser would drop it)."""
    import re
    from pathlib import Path

    templates = Path(__file__).parent.parent / "bot" / "templates"
    for template in templates.glob("*.html"):
        html = template.read_text()
        assert not re.search(r"<script(?![^>]*\bsrc=)", html), template.name
        assert not re.search(r"\sstyle=\"|<style|\son[a-z]+=", html), template.name


def _logged_in(app: Any, rt: Any, csrf_token: Any, username: str = "siti") -> Any:
    _officer(rt, username)
    client = app.test_client()
    assert _login(client, csrf_token, username, "password-123").status_code == 302
    assert client.get("/").status_code == 200
    return client


def _copy_session(app: Any, source: Any) -> Any:
    """Another browser holding a copy of ``source``'s session cookie."""
    stolen = app.test_client()
    cookie = source.get_cookie("session")
    stolen.set_cookie(cookie.key, cookie.value)
    return stolen


def test_a_session_cookie_copied_before_logout_is_dead_after_it(app, rt, csrf_token) -> None:  # type: ignore[no-untyped-def]
    client = _logged_in(app, rt, csrf_token)
    stolen = _copy_session(app, client)
    assert stolen.get("/").status_code == 200
    client.post("/logout", data={"csrf_token": csrf_token(client.get("/").data)})
    assert stolen.get("/").status_code == 302  # to the login page
    assert "/login" in stolen.get("/").headers["Location"]


def test_a_password_reset_ends_every_session(app, rt, csrf_token) -> None:  # type: ignore[no-untyped-def]
    client = _logged_in(app, rt, csrf_token)
    with rt.db.session() as session:
        create_or_update(session, "siti", "new-password-456", "ppm", None, None, None)
    assert client.get("/").status_code == 302


def test_deactivation_ends_every_session(app, rt, csrf_token) -> None:  # type: ignore[no-untyped-def]
    from sqlalchemy import update

    from bot.models import Officer

    client = _logged_in(app, rt, csrf_token)
    with rt.db.session() as session:
        session.execute(update(Officer).where(Officer.username == "siti").values(active=False))
    assert client.get("/").status_code == 302


def test_an_idle_session_ends_after_a_working_day(app, rt, csrf_token) -> None:  # type: ignore[no-untyped-def]
    import time

    client = _logged_in(app, rt, csrf_token)
    with client.session_transaction() as session:
        session["seen"] = int(time.time()) - 9 * 3600  # a long lunch: still in
    assert client.get("/").status_code == 200
    with client.session_transaction() as session:
        session["seen"] = int(time.time()) - 11 * 3600  # the next morning
    assert client.get("/").status_code == 302


def test_logged_in_pages_and_exports_are_never_cached(client, officer_login) -> None:  # type: ignore[no-untyped-def]
    # A shared phone's browser or a proxy must not keep a complainant's number.
    officer_login("ppm_pusat", "ppm")
    for path in ("/", "/complaints/", "/complaints/export.csv", "/tokens/"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert response.headers["Cache-Control"] == "no-store", path
    client.get("/logout")
    assert client.get("/login").headers["Cache-Control"] == "no-store"


def test_public_pages_may_still_be_cached(client) -> None:  # type: ignore[no-untyped-def]
    assert client.get("/publik/").headers["Cache-Control"].startswith("public")
    assert client.get("/static/style.css").headers.get("Cache-Control") != "no-store"


def _guess_at_once(app: Any, csrf_token: Any, username: str, guesses: int) -> list[int]:
    """``guesses`` wrong passwords for ``username`` sent at the same moment, each from
    its own browser (client) on its own thread; the status codes they got."""
    import threading

    clients = [app.test_client() for _ in range(guesses)]
    tokens = [csrf_token(c.get("/login").data) for c in clients]
    start = threading.Barrier(guesses)
    codes: list[int] = []

    def guess(i: int) -> None:
        start.wait()
        response = clients[i].post("/login", data={
            "username": username, "password": f"guess-{i}", "csrf_token": tokens[i]},
            environ_base={"REMOTE_ADDR": f"198.51.100.{i + 1}"})
        codes.append(response.status_code)

    threads = [threading.Thread(target=guess, args=(i,)) for i in range(guesses)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return codes


def test_guesses_sent_at_the_same_moment_are_checked_at_most_the_limit(app, rt, csrf_token) -> None:  # type: ignore[no-untyped-def]
    from bot.web.login_attempts import LIMIT

    _officer(rt, "dewi")
    codes = _guess_at_once(app, csrf_token, "dewi", 40)
    assert codes.count(401) == LIMIT  # checked, and wrong
    assert codes.count(429) == 40 - LIMIT  # refused before any check


def test_the_counts_are_shared_by_every_web_process_without_redis(database_url, twilio, jobs, csrf_token) -> None:  # type: ignore[no-untyped-def]
    # Four web processes (four apps on one database), Redis away: guesses spread over
    # them still meet one limit.
    from bot import create_app
    from tests.conftest import _empty_tables, app_config

    _empty_tables(database_url)
    apps = [create_app(app_config(database_url, twilio, jobs, REDIS_URL=None))
            for _ in range(4)]
    try:
        _officer(apps[0].extensions["ksm_runtime"], "eko")
        codes = []
        for i in range(40):
            client = apps[i % 4].test_client()
            codes.append(_login(client, csrf_token, "eko", f"guess-{i}",
                                f"198.51.100.{i + 1}").status_code)
        assert codes.count(401) == 10 and codes.count(429) == 30
    finally:
        for app in apps:
            app.extensions["ksm_runtime"].db.dispose()
