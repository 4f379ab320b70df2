"""The benchmark's yardstick: a bare Flask endpoint on the webhook's path.

It parses the same form and answers what the real app answers to every message, the
empty TwiML (the app's replies follow as queued messages, sent by the workers), with no
signature check, database or Redis. What the real app costs beyond this is the price of
checking, storing and queueing each message.

Run by the benchmark as ``gunicorn ... 'bench.bare_app:app'`` from the repository root.
"""
from __future__ import annotations

from flask import Flask, Response, request

# The same bytes as the app's answer (``bot.providers.twilio.EMPTY_TWIML``; the benchmark
# checks they agree). Not imported: the bare app loads nothing of the bot.
EMPTY = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>'


def create_app() -> Flask:
    app = Flask(__name__)

    @app.post("/webhooks/twilio/messages")
    def messages() -> Response:
        request.form.get("Body", "")  # the form parsed, as the app parses it
        return Response(EMPTY, mimetype="text/xml")

    return app


app = create_app()
