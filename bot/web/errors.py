"""Clear answers instead of tracebacks: CSRF failures, 403/404/500 pages, JSON for APIs."""
from __future__ import annotations

import logging

from flask import Flask, jsonify, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

log = logging.getLogger(__name__)

MESSAGES = {
    400: "Permintaan tidak valid.",
    403: "Anda tidak berhak membuka halaman ini.",
    404: "Halaman tidak ditemukan.",
    405: "Metode tidak diizinkan.",
    413: "Isian terlalu besar.",
    500: "Maaf, ada gangguan. Coba lagi sebentar lagi.",
}


def _wants_json() -> bool:
    return request.path.startswith(("/api/", "/simulator/send", "/simulator/thread"))


def _page(status: int, message: str):  # type: ignore[no-untyped-def]
    if _wants_json():
        return jsonify(error=message), status
    return render_template("error.html", status=status, message=message), status


def init_app(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def _csrf(error: CSRFError):  # type: ignore[no-untyped-def]
        return _page(400, "Formulir kedaluwarsa atau tidak lengkap. Silakan muat ulang halaman dan coba lagi.")

    @app.errorhandler(HTTPException)
    def _http(error: HTTPException):  # type: ignore[no-untyped-def]
        if error.response is not None:  # an explicit Response (e.g. webhooks' 403 text)
            return error.response
        return _page(error.code or 500, MESSAGES.get(error.code or 500, error.description or ""))

    @app.errorhandler(Exception)
    def _crash(error: Exception):  # type: ignore[no-untyped-def]
        log.exception("unhandled error on %s", request.path)
        return _page(500, MESSAGES[500])
