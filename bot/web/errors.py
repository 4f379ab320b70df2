"""Clear answers instead of tracebacks: CSRF failures, 403/404/500 pages, JSON for APIs."""
from __future__ import annotations

import logging
from typing import Any

from flask import Flask, jsonify, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from bot.areas.scope import NotInArea

log = logging.getLogger(__name__)

MESSAGES = {
    400: "Permintaan tidak valid.",
    401: "Silakan masuk dulu.",
    403: "Anda tidak berhak membuka halaman ini.",
    404: "Halaman tidak ditemukan.",
    405: "Metode tidak diizinkan.",
    409: "Data sudah berubah. Muat ulang halaman lalu coba lagi.",
    410: "Halaman ini sudah tidak ada.",
    413: "Isian terlalu besar.",
    414: "Alamat halaman terlalu panjang.",
    415: "Jenis isian tidak didukung.",
    422: "Isian tidak bisa diproses. Periksa lalu kirim lagi.",
    429: "Terlalu banyak permintaan. Tunggu sebentar lalu coba lagi.",
    500: "Maaf, ada gangguan. Coba lagi sebentar lagi.",
    503: "Layanan sedang sibuk atau dirawat. Coba lagi sebentar lagi.",
}
# Werkzeug's own descriptions are English: any other code gets one of these.
CLIENT_ERROR = "Permintaan tidak bisa diproses."
SERVER_ERROR = MESSAGES[500]


def message_for(code: int) -> str:
    """The Indonesian sentence for an HTTP error code."""
    return MESSAGES.get(code) or (SERVER_ERROR if code >= 500 else CLIENT_ERROR)


NUL_MESSAGE = "Isian memuat karakter kontrol (NUL) yang tidak bisa disimpan. Hapus lalu kirim lagi."


def _wants_json() -> bool:
    return request.path.startswith(("/api/", "/simulator/send", "/simulator/thread"))


def _page(status: int, message: str):  # type: ignore[no-untyped-def]
    if _wants_json():
        return jsonify(error=message), status
    return render_template("error.html", status=status, message=message), status


def _has_nul(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_nul(v) for v in value)
    return False


def _refuse_nul():  # type: ignore[no-untyped-def]
    """A NUL in a form or JSON field: a clear 400 before anything is written. PostgreSQL
    cannot store it (SQLite can), so without this the same input failed on one database
    only, as a 500. Twilio's and the gateway's webhooks clean residents' text
    themselves, after checking the signature."""
    if request.method not in ("POST", "PUT", "PATCH") or request.blueprint == "webhooks":
        return None
    if any("\x00" in v for values in request.form.listvalues() for v in values) or (
        request.is_json and _has_nul(request.get_json(silent=True))
    ):
        return _page(400, NUL_MESSAGE)
    return None


def init_app(app: Flask) -> None:
    app.before_request(_refuse_nul)

    @app.errorhandler(CSRFError)
    def _csrf(error: CSRFError):  # type: ignore[no-untyped-def]
        return _page(400, "Formulir kedaluwarsa atau tidak lengkap. Silakan muat ulang halaman dan coba lagi.")

    @app.errorhandler(NotInArea)
    def _not_in_area(error: NotInArea):  # type: ignore[no-untyped-def]
        # The same page as a missing row: a guessed id must not tell that it exists.
        return _page(404, message_for(404))

    @app.errorhandler(HTTPException)
    def _http(error: HTTPException):  # type: ignore[no-untyped-def]
        if error.response is not None:  # an explicit Response (e.g. webhooks' 403 text)
            return error.response
        return _page(error.code or 500, message_for(error.code or 500))

    @app.errorhandler(Exception)
    def _crash(error: Exception):  # type: ignore[no-untyped-def]
        log.exception("unhandled error on %s", request.path)
        return _page(500, MESSAGES[500])
