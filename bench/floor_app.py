"""The benchmark's second yardstick: the least an endpoint can do that stores messages.

It checks the signature with the app's own check, then stores the message, the session
and the reply in two round trips of its own SQL on psycopg (a pipeline each, prepared
statements): lock the contact, store the inbound message and read the open session;
write the session and the reply, and COMMIT. Then it answers the TwiML the app gave
for the same ``Body`` (``BARE_TWIML``, as ``bench/bare_app.py``). No conversation
engine, no ORM, no effects, no logging, no error handling: not a bot, only a measure.

Its SQL is its own on purpose: the app's hot path may change how it writes the same
rows, and the floor must not change with it.

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
from psycopg.types.json import Jsonb

from bench.bare_app import EMPTY
from bot.web.webhooks import signature_ok

PATH = "/webhooks/twilio/messages"

# Creates the contact, or locks it without rewriting it (as the app does: a rewrite on
# every message leaves dead row versions behind).
LOCK_CONTACT = (
    "INSERT INTO contact (phone, language, uses_sms, uses_whatsapp, opted_out,"
    " invalid_number, last_seen_at, created_at)"
    " VALUES (%(phone)s, 'id', true, false, false, false, %(now)s, %(now)s)"
    " ON CONFLICT (phone) DO UPDATE SET last_seen_at = excluded.last_seen_at"
    " WHERE contact.last_seen_at < excluded.last_seen_at - interval '10 minutes'"
)
# Stores the inbound message and reads the contact's open session, in one statement.
INSERT_INBOUND_READ_SESSION = (
    "WITH c AS (SELECT id FROM contact WHERE phone = %(phone)s),"
    " inbound AS (INSERT INTO message (contact_id, direction, channel, body, external_id,"
    " status, attempts, created_at, updated_at)"
    " SELECT c.id, 'in', 'sms', %(body)s, %(sid)s, 'handled', 0, %(now)s, %(now)s FROM c"
    " ON CONFLICT (external_id) DO NOTHING RETURNING id)"
    " SELECT c.id, (SELECT id FROM inbound), s.id FROM c LEFT JOIN LATERAL"
    " (SELECT id FROM conversation_session WHERE contact_id = c.id AND status = 'active'"
    " LIMIT 1) AS s ON true"
)
UPDATE_SESSION = (
    "UPDATE conversation_session SET step = 'choose', data = %(data)s, updated_at = %(now)s,"
    " expires_at = %(expires_at)s WHERE id = %(id)s"
)
INSERT_SESSION = (
    "INSERT INTO conversation_session (contact_id, flow, step, data, status, created_at,"
    " updated_at, expires_at) VALUES (%(contact_id)s, 'menu', 'choose', %(data)s, 'active',"
    " %(now)s, %(now)s, %(expires_at)s)"
)
INSERT_REPLY = (
    "INSERT INTO message (contact_id, direction, channel, body, status, reply_to_id, kind,"
    " attempts, created_at, updated_at) VALUES (%(contact_id)s, 'out', 'sms', %(body)s,"
    " 'answered', %(reply_to_id)s, 'reply', 0, %(now)s, %(now)s)"
)


def store(conn: psycopg.Connection, phone: str, sid: str, body: str, reply: str) -> None:
    """Store one inbound message, its session and its reply in two round trips."""
    now = datetime.now(timezone.utc)
    with conn.pipeline():
        conn.execute("BEGIN")
        conn.execute(LOCK_CONTACT, {"phone": phone, "now": now}, prepare=True)
        cur = conn.execute(INSERT_INBOUND_READ_SESSION,
                           {"phone": phone, "body": body, "sid": sid, "now": now}, prepare=True)
    contact_id, inbound_id, session_id = cur.fetchone()
    expires = now + timedelta(minutes=30)
    with conn.pipeline():
        if session_id is not None:
            conn.execute(UPDATE_SESSION, {"id": session_id, "data": Jsonb({"n": 1}), "now": now,
                                          "expires_at": expires}, prepare=True)
        else:
            conn.execute(INSERT_SESSION, {"contact_id": contact_id, "data": Jsonb({}),
                                          "now": now, "expires_at": expires}, prepare=True)
        conn.execute(INSERT_REPLY, {"contact_id": contact_id, "body": reply,
                                    "reply_to_id": inbound_id, "now": now}, prepare=True)
        conn.execute("COMMIT")


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
        body = form.get("Body", "")
        text = answers.get(body, EMPTY)
        store(conn, form["From"], form["MessageSid"], body, text)
        return Response(text, mimetype="text/xml")

    return app


app = create_app()
