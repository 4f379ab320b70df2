"""The benchmark's second yardstick: the least an endpoint can do that stores messages.

It checks the signature with the app's own check, then runs the hot path's own
statements in their two round trips on libpq, as the app does (``bot.inbound_sql``,
``bot.pg_pipeline``): lock the contact, store the inbound message and read the open
session; write the session and the reply, and COMMIT. Then it answers the TwiML the
app gave for the same ``Body`` (``BARE_TWIML``, as ``bench/bare_app.py``). No
conversation engine, no ORM, no effects, no logging, no error handling: not a bot,
only a measure.

``bench/webhook.py --floor`` runs it beside the app and the bare endpoint, on a database
of its own (``FLOOR_DATABASE_URL``). Its ratio to bare is the most that any app storing
each message and its reply in PostgreSQL, before answering, could reach on this
machine; the app's ratio to it is what routing, flows and checks cost on top.
"""
from __future__ import annotations

import json
import os
import threading
from datetime import datetime, timedelta, timezone

import psycopg
from flask import Flask, Response, request

from bench.bare_app import EMPTY
from bot.inbound_sql import (
    INSERT_INBOUND_READ_SESSION, INSERT_REPLY, INSERT_SESSION, LOCK_CONTACT, UPDATE_SESSION,
)
from bot.pg_pipeline import run
from bot.web.webhooks import signature_ok

PATH = "/webhooks/twilio/messages"


def create_app() -> Flask:
    answers: dict[str, str] = json.loads(os.environ.get("BARE_TWIML") or "{}")
    token = os.environ["TWILIO_AUTH_TOKEN"]
    url = os.environ["PUBLIC_BASE_URL"] + PATH
    dsn = os.environ["FLOOR_DATABASE_URL"]
    local = threading.local()
    app = Flask(__name__)

    @app.post(PATH)
    def messages() -> Response:
        if not signature_ok(token, url, request.headers.get("X-Twilio-Signature", "")):
            return Response("invalid Twilio signature\n", 403)
        form = request.form
        conn = getattr(local, "conn", None)
        if conn is None:
            conn = local.conn = psycopg.connect(dsn, autocommit=True)
        now = datetime.now(timezone.utc)
        phone, body = form["From"], form.get("Body", "")
        contact = {"phone": phone, "uses_sms": True, "uses_whatsapp": False, "no": False,
                   "name": None, "last_whatsapp_at": None, "now": now}
        inbound = {"phone": phone, "contact_id": None, "channel": "sms", "body": body,
                   "media": None, "sid": form["MessageSid"], "status": "handled", "now": now}
        _, _, (row,) = run(conn, [
            (b"BEGIN", None), *LOCK_CONTACT.commands(contact),
            *INSERT_INBOUND_READ_SESSION.commands(inbound),
        ])
        text = answers.get(body, EMPTY)
        expires = now + timedelta(minutes=30)
        if row.id is not None:
            writes = UPDATE_SESSION.commands({"id": row.id, "step": "choose", "data": {"n": 1},
                                              "now": now, "expires_at": expires})
        else:
            writes = INSERT_SESSION.commands({
                "contact_id": row.contact_id, "flow": "menu", "step": "choose", "data": {},
                "status": "active", "now": now, "expires_at": expires,
            })
        writes += INSERT_REPLY.commands({"contact_id": row.contact_id, "channel": "sms",
                                         "body": text, "reply_to_id": row.inbound_id, "now": now})
        run(conn, [*writes, (b"COMMIT", None)])
        return Response(text, mimetype="text/xml")

    return app


app = create_app()
