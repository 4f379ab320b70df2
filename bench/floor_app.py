"""The benchmark's second yardstick: the least an endpoint can do that stores messages.

As the issue defines it: the signature check, then the message and a reply row stored
in one transaction. It checks the signature with the app's own check, then stores the
message, the session and the reply in two round trips of its own SQL on psycopg (a
pipeline each, prepared statements): lock the contact, store the inbound message and
read the open session; write the session and the reply (a fixed text of a menu's size),
and COMMIT. Then it answers the empty TwiML, as the app does. No conversation engine,
no ORM, no effects, no job queue, no logging, no error handling: not a bot, only a
measure.

Its SQL is its own on purpose: the app's hot path may change how it writes the same
rows, and the floor must not change with it. Since receiving is only receiving
(6976077) the app's webhook writes less than this (the contact and the message; the
engine, the session and the reply are a worker's) but queues a job in Redis, which the
floor does not.

``bench/webhook.py --floor`` runs it beside the app and the bare endpoint, on a database
of its own (``FLOOR_DATABASE_URL``). Its ratio to bare is what an endpoint storing each
message and its reply in PostgreSQL, before answering, reaches on this machine; the
app's ratio to it is what the app's receiving costs against that.
"""
from __future__ import annotations

import os
import threading
from datetime import datetime, timedelta, timezone

import psycopg
from flask import Flask, Response, request
from psycopg.types.json import Jsonb

from bench.bare_app import EMPTY
from bot.providers.twilio import signature_ok

PATH = "/webhooks/twilio/messages"
# The reply row's text: the floor runs no engine; a menu's size, as most replies are.
REPLY = (
    "Selamat datang di layanan warga kelurahan. Balas dengan angka:\n"
    "1. Aduan warga (PPM)\n2. Cek status aduan\n3. Informasi KSM\n"
    "4. Jadwal rapat BKM\n5. Pengumuman\n6. Daftar KSM\n7. Usulan kegiatan\n"
    "8. Bahasa / language\n9. Bantuan\nKetik BATAL untuk berhenti."
)

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
    token = os.environ["TWILIO_AUTH_TOKEN"]
    url = os.environ["PUBLIC_BASE_URL"] + PATH
    dsn = os.environ["FLOOR_DATABASE_URL"]
    local = threading.local()
    app = Flask(__name__)

    @app.post(PATH)
    def messages() -> Response:
        signature = request.headers.get("X-Twilio-Signature", "")
        if not signature_ok(token, url, request.form, signature):
            return Response("invalid Twilio signature\n", 403)
        form = request.form
        conn = getattr(local, "conn", None)
        if conn is None:
            conn = local.conn = psycopg.connect(dsn, autocommit=True)
        store(conn, form["From"], form["MessageSid"], form.get("Body", ""), REPLY)
        return Response(EMPTY, mimetype="text/xml")

    return app


app = create_app()
