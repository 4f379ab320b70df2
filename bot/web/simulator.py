"""A phone-shaped chat in the dashboard that runs the real engine and storage.

Messages typed here go through the same path as Twilio's webhook (stored, routed,
answered); the page then shows the contact's thread, including later notices.

It plays only numbers the bot never addressed from any source (no contact, which
covers KSM members, invitees and broadcast recipients; not on the poor list), or
numbers it made itself. Its contacts are marked ``simulated``: nothing is sent to
them (``workers.outbound``), what they set off for real contacts is skipped
(``bot.inbound_store.contain_simulated``) and their complaints stay out of the queue
unless an officer asks for them.

The officer picks the channel, SMS or WhatsApp: the message takes the path a real one
by that channel takes (``bot.messaging.handling.answer_typed``, as ``ksm-bot chat --whatsapp``),
the contact is marked as using that channel (so notices follow it), and the thread
shows what each SMS costs in segments (GSM-7 160/153, UCS-2 70/67).
"""
from __future__ import annotations

from flask import Blueprint, jsonify, render_template, request
from flask_login import login_required
from sqlalchemy import exists, insert, select

from bot.messaging.handling import answer_typed
from bot.models import Contact, Message, PoorResident
from bot.phone import InvalidPhone, normalise
from bot.web.request import get_db, get_runtime
from conversations.gsm import is_gsm7, segments
from conversations.model import SMS, WHATSAPP

bp = Blueprint("simulator", __name__, url_prefix="/simulator")
MAX_TEXT = 1600


@bp.get("/")
@login_required
def page():  # type: ignore[no-untyped-def]
    return render_template("simulator.html")


REAL_RESIDENT = "Nomor ini dipakai warga sungguhan. Simulator hanya untuk nomor uji."


def _real_resident(phone: str) -> bool:
    """True when the bot knows ``phone`` from anywhere but the simulator.

    Officers must neither read a resident's messages here nor act in their name: an
    invited member, a poor-list resident or a broadcast recipient who never wrote is
    as real as one who did.
    """
    db = get_db()
    return bool(db.scalar(select(
        exists().where(Contact.phone == phone, Contact.simulated.is_(False))
        | exists().where(PoorResident.phone == phone)
    )))


def _simulated_contact(phone: str, channel: str) -> None:
    """Create the simulated contact before the inbound path's upsert finds none."""
    db = get_db()
    if db.scalar(select(Contact.id).where(Contact.phone == phone)) is None:
        db.execute(insert(Contact).values(phone=phone, language="id",
                                          uses_sms=channel == SMS,
                                          uses_whatsapp=channel == WHATSAPP, simulated=True))
        db.commit()


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
    channel = request.values.get("channel") or SMS
    if channel not in (SMS, WHATSAPP):
        return jsonify(error="Saluran harus sms atau whatsapp."), 400
    if _real_resident(phone):
        return jsonify(error=REAL_RESIDENT), 403
    _simulated_contact(phone, channel)
    text = (request.values.get("text") or "")[:MAX_TEXT]
    replies = answer_typed(get_runtime(), phone, text, channel, "SIM")
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
               Message.kind, Message.created_at)
        .where(Message.contact_id == contact_id)
        .order_by(Message.id.desc())
        .limit(100)
    ).all()
    return jsonify(messages=[
        {"id": r.id, "direction": r.direction, "channel": r.channel, "body": r.body,
         "status": r.status, "label": _label(r.direction, r.status, r.kind),
         "at": r.created_at.isoformat(), **_sms_cost(r.channel, r.body)}
        for r in reversed(rows)
    ])


# What each message is, as the officer reads it: a simulated contact's messages are
# never sent, so what matters is who wrote it and what became of it.
_IN_LABELS = {"received": "menunggu diproses", "handled": "pesan warga",
              "failed": "gagal diproses"}
_OUT_LABELS = {"reply": "balasan bot", "notice": "pemberitahuan", "reminder": "pengingat"}


def _label(direction: str, status: str, kind: str | None) -> str:
    if direction == "in":
        return _IN_LABELS.get(status, "pesan warga")
    return _OUT_LABELS.get(kind or "", "pesan bot")


def _sms_cost(channel: str, body: str | None) -> dict[str, object]:
    """What an SMS costs: its segments and whether it stays in GSM-7 (WhatsApp: nothing)."""
    if channel != SMS:
        return {}
    return {"segments": segments(body or ""), "gsm7": is_gsm7(body or "")}
