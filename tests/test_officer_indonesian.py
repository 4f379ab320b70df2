"""Officers read Indonesian: every dashboard page and CSV download of every role, the
error pages and the login form's complaints. (Every flash message of every test is
held to the same list by ``tests/conftest.py``.)"""

from __future__ import annotations

import pytest
from werkzeug.exceptions import Conflict, Gone, TooManyRequests, UnsupportedMediaType

from tests.indonesian import english_words, visible_text
from tests.ksm_helpers import add_kelurahan, form_ksm
from tests.test_complaints_queue import _file

# Pages that are not an officer's reading: machine endpoints and actions.
NOT_PAGES = ("/api/", "/webhooks/", "/smsgate", "/health", "/static/", "/logout",
             "/simulator/thread", "/login")


def test_the_giveaway_list_catches_english() -> None:
    assert english_words("This field is required.") == {"This", "field", "is", "required"}
    assert english_words("Status: None") == {"None"}
    assert not english_words("No. 3: Usulan masuk antrian UPL. Token dicabut. Job diantrekan lagi.")


def _pages(app) -> list[str]:  # type: ignore[no-untyped-def]
    return sorted(
        rule.rule for rule in app.url_map.iter_rules()
        if "GET" in rule.methods and not rule.arguments and not rule.rule.startswith(NOT_PAGES)
    )


@pytest.mark.parametrize("role", ["admin", "bkm", "ppm", "fasilitator"])
def test_every_page_and_csv_an_officer_opens_is_indonesian(
    app, rt, client, phone, officer_login, role
) -> None:
    kel = add_kelurahan(rt, "Sukamaju")
    form_ksm(phone, rt, kelurahan="1")
    _file(client, "+6281200000001", "Sukamaju")
    officer_login(f"{role}_suka", role, kelurahan=None if role == "admin" else kel)
    opened = 0
    for path in _pages(app):
        response = client.get(path)
        if response.status_code == 302:
            continue
        assert response.status_code in (200, 403, 404), path  # 404: needs a query (kelurahan)
        body = response.get_data(as_text=True)
        text = body if response.mimetype == "text/csv" else visible_text(body)
        assert not english_words(text), (path, english_words(text))
        assert "UTC" not in text, path
        opened += 1
    assert opened >= 5


@pytest.mark.parametrize("error", [Conflict, Gone, TooManyRequests, UnsupportedMediaType])
def test_error_pages_never_show_werkzeugs_english(app, error) -> None:  # type: ignore[no-untyped-def]
    with app.test_request_context("/ksm/"):
        response = app.make_response(app.handle_user_exception(error()))
    text = visible_text(response.get_data(as_text=True))
    assert response.status_code == error.code
    assert not english_words(text), english_words(text)


def test_an_empty_login_form_says_what_is_missing_in_indonesian(client, csrf_token) -> None:  # type: ignore[no-untyped-def]
    token = csrf_token(client.get("/login").data)
    response = client.post("/login", data={"csrf_token": token, "username": "", "password": ""})
    assert response.status_code == 400
    assert "Nama pengguna: Wajib diisi." in response.get_data(as_text=True)
