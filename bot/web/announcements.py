"""The BKM's priority announcements: record the priority meeting's result, preview it
per channel (recipients, SMS segments, estimated cost), publish, and follow sending and
residents' TANYA / SANGGAH. Scoped to the officer's area; bkm (and admin) decide."""
from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user
from sqlalchemy import select

from bot import clock, gateway_caps
from bot.models import Announcement, Kelurahan
from bot.models import announcement as an
from bot.outbox import enqueue_sends, start_broadcasts
from bot.ksm import announcement_estimate as estimate
from bot.ksm import announcement_useful as useful
from bot.ksm import announcements as svc
from bot.officers import labels
from bot.areas import local_time
from bot.areas import scope as area_scope
from bot.web.request import get_db, get_runtime
from bot.web.auth import require_role

bp = Blueprint("announcements", __name__, url_prefix="/announcements")
VIEWERS = ("bkm", "fasilitator")


@bp.app_template_filter("rupiah")
def rupiah(amount: float) -> str:
    """12345.6 -> "12.346": whole Rupiah with Indonesian thousands dots."""
    return labels.thousands(amount)


def _in_area(announcement_id: int) -> Announcement:
    return area_scope.get_in_area(get_db(), current_user, Announcement, announcement_id)


@bp.get("/")
@require_role(*VIEWERS)
def index():  # type: ignore[no-untyped-def]
    db = get_db()
    rows = db.execute(
        select(Announcement, Kelurahan.name)
        .join(Kelurahan, Kelurahan.id == Announcement.kelurahan_id)
        .where(area_scope.in_area_filter(current_user, Announcement))
        .order_by(Announcement.id.desc()).limit(200)).all()
    sending = svc.still_sending(db, [a for a, _ in rows])
    only_sending = request.args.get("sending") == "1"
    if only_sending:
        rows = [row for row in rows if row[0].id in sending]
    return render_template("announcements_list.html", rows=rows, sending=sending,
                           only_sending=only_sending,
                           kelurahan=area_scope.kelurahan_in_area(db, current_user),
                           zones=local_time.zones_of(db, (a.kelurahan_id for a, _ in rows)))


@bp.route("/new", methods=["GET", "POST"])
@require_role("bkm")
def new():  # type: ignore[no-untyped-def]
    db = get_db()
    kelurahan_id = request.values.get("kelurahan_id", type=int)
    if kelurahan_id is None or area_scope.find_in_area(db, current_user, Kelurahan, kelurahan_id) is None:
        abort(404)
    proposals = svc.eligible(db, kelurahan_id)
    if request.method == "POST":
        choices = []
        for proposal, _ksm in proposals:
            chosen = request.form.get(f"chosen_{proposal.id}") == "1"
            rank = request.form.get(f"rank_{proposal.id}", type=int)
            choices.append(svc.Choice(proposal.id, chosen, rank,
                                      request.form.get(f"reason_{proposal.id}", "")))
        try:
            announcement = svc.record_result(db, current_user, kelurahan_id,
                                             request.form.get("title", ""), choices,
                                             clock.now(get_runtime()))
        except svc.AnnouncementError as exc:
            db.rollback()
            flash(str(exc), "error")
            return render_template("announcement_new.html", proposals=proposals,
                                   kelurahan_id=kelurahan_id, form=request.form), 400
        db.commit()
        return redirect(url_for("announcements.detail", announcement_id=announcement.id))
    return render_template("announcement_new.html", proposals=proposals,
                           kelurahan_id=kelurahan_id, form={})


@bp.get("/<int:announcement_id>")
@require_role(*VIEWERS)
def detail(announcement_id: int):  # type: ignore[no-untyped-def]
    db = get_db()
    announcement = _in_area(announcement_id)
    rt = get_runtime()
    return render_template(
        "announcement_detail.html", announcement=announcement,
        items=svc.items(db, announcement.id),
        preview=svc.preview(db, announcement, rt.settings, clock.now(rt)),
        sending=svc.sending_state(db, announcement, clock.now(rt), _pace(announcement)),
        useful_day=_useful_day(db, announcement),
        replies=svc.replies(db, announcement.id), settings=rt.settings)


@bp.get("/<int:announcement_id>/progress")
@require_role(*VIEWERS)
def progress(announcement_id: int):  # type: ignore[no-untyped-def]
    """The sending progress as JSON, polled by static/announcements.js while it sends."""
    announcement = _in_area(announcement_id)
    state = svc.sending_state(get_db(), announcement, clock.now(get_runtime()),
                              _pace(announcement))
    response = jsonify(state)
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/<int:announcement_id>/confirm")
@require_role("bkm")
def confirm(announcement_id: int):  # type: ignore[no-untyped-def]
    """The step before sending: to how many people, at what estimated cost."""
    announcement = _in_area(announcement_id)
    if announcement.status != an.DRAFT:
        flash("Pengumuman ini sudah diterbitkan.", "info")
        return redirect(url_for("announcements.detail", announcement_id=announcement_id))
    return _confirm_page(announcement)


def _useful_day(db, announcement: Announcement) -> str | None:  # type: ignore[no-untyped-def]
    """"18/12/2026": the last day its messages are sent on, once published."""
    expires_at = svc.useful_until_of(db, announcement)
    if expires_at is None:
        return None
    return f"{useful.last_day(expires_at, _zone(announcement)):%d/%m/%Y}"


def _pace(announcement: Announcement) -> estimate.Pace:
    """The phones online for the announcement's kelurahan, for its finish time."""
    rt = get_runtime()
    return estimate.pace_of(get_db(), gateway_caps.counts_for(rt), rt.settings,
                            announcement.kelurahan_id, _zone(announcement), clock.now(rt))


def _zone(announcement: Announcement) -> str | None:
    return get_db().scalar(select(Kelurahan.time_zone)
                           .where(Kelurahan.id == announcement.kelurahan_id))


def _confirm_page(announcement: Announcement, status: int = 200,
                  useful_until: str | None = None):  # type: ignore[no-untyped-def]
    rt = get_runtime()
    now = clock.now(rt)
    preview = svc.preview(get_db(), announcement, rt.settings, now, _pace(announcement))
    today = useful.today_in(now, _zone(announcement))
    return render_template(
        "announcement_confirm.html", announcement=announcement, preview=preview,
        estimate=preview["estimate"], today=today.isoformat(),
        useful_until=useful_until or useful.default_date(
            now, _zone(announcement), rt.settings).isoformat()), status


@bp.post("/<int:announcement_id>/publish")
@require_role("bkm")
def publish(announcement_id: int):  # type: ignore[no-untyped-def]
    """Queue the announcement, only from the confirmation (which posts the number of
    messages the officer agreed to); a second submit finds it published and sends nothing."""
    db = get_db()
    rt = get_runtime()
    announcement = _in_area(announcement_id)
    agreed = request.form.get("messages", type=int)
    expires_at = None
    if announcement.status == an.DRAFT:
        if agreed is None:
            return redirect(url_for("announcements.confirm", announcement_id=announcement_id))
        typed = request.form.get("useful_until")
        try:
            _day, expires_at = useful.chosen_until(typed, clock.now(rt), _zone(announcement),
                                                  rt.settings)
        except useful.UsefulDateError as exc:
            flash(str(exc), "error")
            return _confirm_page(announcement, 400, typed)
        messages = svc.preview(db, announcement, rt.settings, clock.now(rt))["estimate"].messages
        if agreed != messages:
            flash(f"Jumlah pesan berubah menjadi {messages}. Periksa lagi sebelum "
                  "mengirim.", "error")
            return _confirm_page(announcement, 409, request.form.get("useful_until"))
    db.rollback()  # the checks were reads; the publishing is one write transaction
    try:
        # Its own transaction (BEGIN IMMEDIATE on SQLite): two confirmations at once
        # take turns there, and the second finds the announcement published.
        with rt.db.session() as session:
            broadcasts, messages = svc.publish(
                session, session.get(Announcement, announcement_id), clock.now(rt),
                rt.settings.whatsapp_templates, expires_at)
    except svc.AnnouncementError as exc:
        flash(str(exc), "info")
        return redirect(url_for("announcements.detail", announcement_id=announcement_id))
    start_broadcasts(rt, broadcasts)
    enqueue_sends(rt, messages)
    flash("Pengumuman diterbitkan dan sedang dikirim.", "info")
    return redirect(url_for("announcements.detail", announcement_id=announcement_id))
