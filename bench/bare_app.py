"""The benchmark's yardstick: a bare Flask endpoint on the webhook's path.

It parses the same form and answers the same TwiML the real app answered for the same
``Body`` (``bench/webhook.py`` passes those answers in ``BARE_TWIML``, a JSON object
Body -> TwiML), with no signature check, database or Redis. What the real app costs
beyond this is the price of storing, routing and checking each message.

Run by the benchmark as ``gunicorn ... 'bench.bare_app:app'`` from the repository root.
"""
from __future__ import annotations

import json
import os

from flask import Flask, Response, request

EMPTY = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>'


def create_app() -> Flask:
    """The bare app, its canned answers read once from ``BARE_TWIML``."""
    answers: dict[str, str] = json.loads(os.environ.get("BARE_TWIML") or "{}")
    app = Flask(__name__)

    @app.post("/webhooks/twilio/messages")
    def messages() -> Response:
        body = request.form.get("Body", "")
        return Response(answers.get(body, EMPTY), mimetype="text/xml")

    return app


app = create_app()
