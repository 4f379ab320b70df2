"""The admins' job queue page: counts and failed jobs, admin only."""
from __future__ import annotations

from typing import Any


def broken_job(meeting_id: int) -> None:
    """A job that fails, as a worker would see it."""
    raise RuntimeError(f"meeting {meeting_id} exploded")


def test_admin_sees_failed_jobs_others_do_not(rt, client, officer_login, run_jobs) -> None:
    assert client.get("/admin/jobs/").status_code == 302  # to the login page
    rt.jobs.enqueue(broken_job, 42)
    run_jobs()
    officer_login("bkm1", "bkm")
    assert client.get("/admin/jobs/").status_code == 403
    officer_login("root", "admin")
    page = client.get("/admin/jobs/").get_data(as_text=True)
    assert "broken_job" in page and "meeting 42 exploded" in page


def test_admin_requeues_a_failed_rq_job(rt, client, officer_login, run_jobs, csrf_token) -> Any:
    from bot.jobs import RqJobQueue

    if not isinstance(rt.jobs, RqJobQueue):
        return
    rt.jobs.enqueue(broken_job, 7)
    run_jobs()
    officer_login("root", "admin")
    page = client.get("/admin/jobs/")
    [job_id] = rt.jobs.queue.failed_job_registry.get_job_ids()
    response = client.post(f"/admin/jobs/{job_id}/requeue",
                           data={"csrf_token": csrf_token(page.data)})
    assert response.status_code == 302
    assert rt.jobs.queue.count == 1 and rt.jobs.queue.failed_job_registry.count == 0
    assert client.post("/admin/jobs/nope/requeue",
                       data={"csrf_token": csrf_token(page.data)}).status_code == 404


def test_a_job_queued_by_its_dotted_name_runs_as_the_function(rt, client, officer_login,
                                                               run_jobs) -> None:
    # bot.outbox queues "workers.outbound.send_message" by name, so bot/ never imports
    # workers: RQ and the in-process runner both find the function from its name.
    rt.jobs.enqueue(f"{broken_job.__module__}.broken_job", 43)
    run_jobs()
    officer_login("root", "admin")
    page = client.get("/admin/jobs/").get_data(as_text=True)
    assert "broken_job" in page and "meeting 43 exploded" in page
