"""A phone-shaped chat in the dashboard that runs the real engine and storage.

Messages typed here go through the same path as Twilio's webhook (stored, routed,
answered); the page then shows the contact's thread, including later notices.
"""
from __future__ import annotations

import uuid

from flask import Blueprint, jsonify, render_template, request
from flask_login import login_required
from sqlalchemy import select

from bot.inbound import InboundMessage, receive
from bot.models import Contact, Message
from bot.phone import InvalidPhone, normalise
from bot.web import get_db, get_runtime
from conversations.model import SMS, WHATSAPP

bp = Blueprint("simulator", __name__, url_prefix="/simulator")
MAX_TEXT = 1600


@bp.get("/")
@login_required
def page():  # type: ignore[no-untyped-def]
    return render_template("simulator.html")


REAL_RESIDENT = "Nomor ini dipakai warga sungguhan. Simulator hanya untuk nomor uji."


def _real_resident(phone: str) -> bool:
    """True when ``phone`` has written to the bot for real (not from the simulator).

    Officers must neither read a resident's messages here nor write in their name.
    """
    db = get_db()
    return db.scalar(
        select(Message.id)
        .join(Contact, Contact.id == Message.contact_id)
        .where(Contact.phone == phone, Message.direction == "in",
               Message.twilio_sid.not_like("SIM%"))
        .limit(1)
    ) is not None


def _phone() -> str | None:
    try:
        return normalise(request.values.get("phone", ""))
    except InvalidPhone:
        return None


@bp.post("/send")
@login_required
def send():  # type: ignore[no-untyped-def]
    phone = _phone()
    if phone is None:
        return jsonify(error="Nomor telepon tidak valid."), 400
    if _real_resident(phone):
        return jsonify(error=REAL_RESIDENT), 403
    text = (request.values.get("text") or "")[:MAX_TEXT]
    channel = WHATSAPP if request.values.get("channel") == WHATSAPP else SMS
    message = InboundMessage(sid="SIM" + uuid.uuid4().hex, phone=phone, channel=channel, body=text)
    replies = receive(get_runtime(), message)
    return jsonify(replies=replies)


@bp.get("/thread")
@login_required
def thread():  # type: ignore[no-untyped-def]
    phone = _phone()
    if phone is None:
        return jsonify(error="Nomor telepon tidak valid."), 400
    if _real_resident(phone):
        return jsonify(error=REAL_RESIDENT), 403
    db = get_db()
    contact_id = db.scalar(select(Contact.id).where(Contact.phone == phone))
    if contact_id is None:
        return jsonify(messages=[])
    rows = db.execute(
        select(Message.id, Message.direction, Message.channel, Message.body, Message.status,
               Message.created_at)
        .where(Message.contact_id == contact_id)
        .order_by(Message.id.desc())
        .limit(100)
    ).all()
    return jsonify(messages=[
        {"id": r.id, "direction": r.direction, "channel": r.channel, "body": r.body,
         "status": r.status, "at": r.created_at.isoformat()}
        for r in reversed(rows)
    ])
