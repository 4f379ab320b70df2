"""Admins' view of the job queues: queued, running, scheduled and failed jobs (RQ), with
a button to retry a failed job. On the embedded default it shows the in-process runner.
Then the SMS gateway's phones, each with its last ping and whether routing counts it
online (``bot.channels``), and a form to tie it to a kelurahan by official code
(``bot.gateway_devices.assign``), and what each phone delivered, per SIM and per
message kind, over the last day and week, with its flags (``bot.gateway_health``;
admins are told of the flags by message too: ``bot.gateway_alerts``). Below them,
messages whose fate is unknown (a worker died during the provider call,
``workers/outbound.py``), with a button to send one again.
Admin role only: job arguments are ids, but tracebacks can carry residents' data."""
from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import func, select

from bot import clock
from bot import gateway_devices
from bot.channels import phone_online
from bot.gateway_alerts import age, percent
from bot.gateway_health import DROP, FAILING, NO_PING, SILENT, Flag, fleet
from bot.jobs import InlineJobQueue, RqJobQueue
from bot.models import Contact, GatewayDevice, Kelurahan, Message
from bot.models import messaging as m
from bot.outbox import requeue_unknown
from bot.web.request import get_db, get_runtime
from bot.web.auth import require_role

bp = Blueprint("admin_jobs", __name__, url_prefix="/admin/jobs")
SHOWN = 100


def _rq_overview(jobs: RqJobQueue) -> dict[str, Any]:
    from rq.job import Job

    queue = jobs.queue
    failed_ids = queue.failed_job_registry.get_job_ids(0, SHOWN - 1)
    failed = []
    for job in Job.fetch_many(failed_ids, connection=jobs.redis):
        if job is None:
            continue
        result = job.latest_result()
        trace = ((result.exc_string if result is not None else "") or "").strip().splitlines()
        failed.append({"id": job.id, "func": job.func_name, "args": job.args,
                       "ended_at": job.ended_at, "error": trace[-1] if trace else ""})
    return {
        "mode": "rq", "name": queue.name, "queued": queue.count,
        "started": queue.started_job_registry.count,
        "scheduled": queue.scheduled_job_registry.count,
        "deferred": queue.deferred_job_registry.count,
        "failed_count": queue.failed_job_registry.count, "failed": failed,
    }


def _inline_overview(jobs: InlineJobQueue) -> dict[str, Any]:
    return {"mode": "inline", "name": "in-process", "queued": jobs.pending(), "started": 0,
            "scheduled": 0, "deferred": 0, "failed_count": len(jobs.failed),
            "failed": [{"id": str(i), "func": name, "args": (), "ended_at": None,
                        "error": f"{type(exc).__name__}: {exc}"}
                       for i, (name, exc) in enumerate(jobs.failed[-SHOWN:])]}


@bp.get("/")
@require_role()
def index():  # type: ignore[no-untyped-def]
    jobs = get_runtime().jobs
    if isinstance(jobs, RqJobQueue):
        overview = _rq_overview(jobs)
    elif isinstance(jobs, InlineJobQueue):
        overview = _inline_overview(jobs)
    else:
        overview = {"mode": type(jobs).__name__, "name": "-", "queued": 0, "started": 0,
                    "scheduled": 0, "deferred": 0, "failed_count": 0, "failed": []}
    return render_template("admin_jobs.html", q=overview, unknown=_unknown_messages(),
                           phones=_gateway_phones(), fleet=_fleet(), flag_sentence=_flag_sentence,
                           percent=percent,
                           config_grace=get_runtime().settings.gateway_report_grace_minutes)


def _fleet() -> list[Any]:
    """Each gateway phone's delivery figures and flags (``bot.gateway_health``)."""
    rt = get_runtime()
    with rt.db.session() as session:
        return fleet(session, clock.now(rt), rt.settings)


def _flag_sentence(flag: Flag) -> str:
    """What the page says of a flag, in Indonesian."""
    rt = get_runtime()
    if flag.problem == SILENT:
        return (f"masih ping, tetapi {flag.count} SMS tanpa laporan lebih dari "
                f"{rt.settings.gateway_silent_hours} jam dan tidak ada laporan sejak itu.")
    if flag.problem == NO_PING:
        return f"tidak ping sejak {age(clock.now(rt) - flag.since)}."
    if flag.problem == FAILING:
        return f"gagal mengirim {flag.count} kali berturut-turut (pulsa habis? SIM diblokir?)."
    if flag.problem == DROP:
        sim = f"SIM {flag.sim}: " if flag.sim else ""
        return (f"{sim}SMS sampai turun ke {percent(flag.day_share)}% dalam 24 jam "
                f"(7 hari: {percent(flag.week_share)}%).")
    return flag.problem


def _gateway_phones() -> list[dict[str, Any]]:
    """Every known gateway phone with its kelurahan and state, offline ones first."""
    rt = get_runtime()
    now = clock.now(rt)
    with rt.db.session() as session:
        rows = session.execute(
            select(GatewayDevice, Kelurahan.name, Kelurahan.code)
            .outerjoin(Kelurahan, Kelurahan.id == GatewayDevice.kelurahan_id)
            .order_by(GatewayDevice.device_id)
        ).all()
    phones = [{"device": device, "kelurahan": name, "code": code,
               "online": phone_online(device.last_ping_at, device.recent_failures,
                                      device.last_failed_at, now)}
              for device, name, code in rows]
    return sorted(phones, key=lambda p: p["online"])


def _unknown_messages() -> dict[str, Any]:
    """Messages that may or may not have gone out, newest provider call first."""
    with get_runtime().db.session() as session:
        count = session.scalar(select(func.count()).select_from(Message)
                               .where(Message.status == m.UNKNOWN))
        rows = session.execute(
            select(Message.id, Message.kind, Message.channel, Message.body, Message.attempts,
                   Message.claimed_at, Message.created_at, Contact.phone)
            .join(Contact, Contact.id == Message.contact_id)
            .where(Message.status == m.UNKNOWN)
            .order_by(Message.claimed_at.desc())
            .limit(SHOWN)
        ).all()
    return {"count": count or 0, "rows": rows}


@bp.post("/<job_id>/requeue")
@require_role()
def requeue(job_id: str):  # type: ignore[no-untyped-def]
    jobs = get_runtime().jobs
    if not isinstance(jobs, RqJobQueue):
        abort(404)
    if job_id not in jobs.queue.failed_job_registry.get_job_ids():
        abort(404)
    jobs.queue.failed_job_registry.requeue(job_id)
    flash("Job diantrekan lagi.", "info")
    return redirect(url_for("admin_jobs.index"))


@bp.post("/messages/<int:message_id>/requeue")
@require_role()
def requeue_message(message_id: int):  # type: ignore[no-untyped-def]
    rt = get_runtime()
    if not requeue_unknown(rt, message_id, clock.now(rt)):
        abort(404)
    flash(f"Pesan {message_id} dikirim ulang.", "info")
    return redirect(url_for("admin_jobs.index"))


@bp.post("/phones/kelurahan")
@require_role()
def assign_phone():  # type: ignore[no-untyped-def]
    """Tie a gateway phone to the kelurahan of the code typed (empty: to none)."""
    device_id = (request.form.get("device_id") or "").strip()
    code = (request.form.get("kelurahan_code") or "").strip() or None
    db = get_db()
    try:
        kelurahan = gateway_devices.assign(db, device_id, code, f"officer {current_user.username}")
    except gateway_devices.UnknownPhoneOrArea as exc:
        db.rollback()
        flash(str(exc), "error")
        return redirect(url_for("admin_jobs.index"))
    db.commit()
    where = f"kelurahan {kelurahan.name} ({kelurahan.code})" if kelurahan else "semua kelurahan"
    flash(f"Ponsel {device_id} sekarang melayani {where}.", "info")
    return redirect(url_for("admin_jobs.index"))
