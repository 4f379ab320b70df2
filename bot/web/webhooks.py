"""Twilio's webhooks: inbound messages and delivery status callbacks.

An inbound message is stored and its handling queued (``bot.inbound``); the answer is
an empty TwiML at once, and the replies follow as messages.

Every request must carry a valid X-Twilio-Signature for the public URL (or the request
URL when PUBLIC_BASE_URL is not set). With no auth token configured nothing is accepted.
A signed form that is not as Twilio writes it gets a 400 with a one-line reason before
anything is stored (``bot.providers.twilio``).
"""
from __future__ import annotations

import hmac
from functools import lru_cache

from flask import Blueprint, Response, abort, request
from twilio.request_validator import RequestValidator

from bot.delivery import record_status
from bot.inbound import receive
from bot.models.messaging import TWILIO
from bot.providers.twilio import BadInbound, parse_status_form, parse_twilio_form
from bot.web.request import get_runtime

bp = Blueprint("webhooks", __name__, url_prefix="/webhooks/twilio")


# Twilio's answer: nothing to say now. The replies are queued messages, sent as every
# other (``bot.messaging.handling``).
EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>'


def _public_url() -> str:
    base = get_runtime().settings.public_base_url
    if not base:
        return request.url
    query = request.query_string.decode()
    return base + request.path + (f"?{query}" if query else "")


class _SignedForm(dict):  # type: ignore[type-arg]
    """The form as RequestValidator reads it: every value of each field.

    ``getall`` is the first look-up RequestValidator tries; a plain dict would make it
    raise and catch two exceptions per field on every request.
    """

    def getall(self, name: str) -> list[str]:
        return self[name]


@lru_cache(maxsize=4)
def _validator(token: str) -> RequestValidator:
    return RequestValidator(token)


def signature_ok(token: str, url: str, signature: str) -> bool:
    """Whether ``signature`` is Twilio's for ``url`` and this request's form."""
    validator = _validator(token)
    form = _SignedForm(request.form.lists())
    # Twilio signs the URL as configured: one HMAC settles nearly every request.
    # validate() tries it with and without the port (two HMACs), so it is kept for
    # the rest.
    expected = validator.compute_signature(url, form)
    if hmac.compare_digest(expected.encode(), signature.encode()):
        return True
    return validator.validate(url, form, signature)


def _check_signature() -> None:
    token = get_runtime().settings.twilio_auth_token
    if not token:
        abort(Response("webhooks are disabled: TWILIO_AUTH_TOKEN is not set\n", 403))
    signature = request.headers.get("X-Twilio-Signature", "")
    if not signature or not signature_ok(token, _public_url(), signature):
        abort(Response("invalid Twilio signature\n", 403))


def _bad_request(reason: str) -> Response:
    return Response(reason + "\n", 400, mimetype="text/plain")


@bp.post("/messages")
def messages() -> Response:
    _check_signature()
    try:
        message = parse_twilio_form(request.form)
    except BadInbound as exc:
        return _bad_request(str(exc))
    receive(get_runtime(), message)
    return Response(EMPTY_TWIML, mimetype="text/xml")


@bp.post("/status")
def status() -> Response:
    _check_signature()
    try:
        callback = parse_status_form(request.form)
    except BadInbound as exc:
        return _bad_request(str(exc))
    record_status(get_runtime(), TWILIO, callback.sid, callback.status, callback.error_code)
    return Response("", 204)
