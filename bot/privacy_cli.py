"""``ksm-bot privacy purge [--dry-run]``: the retention policy by hand (bot.privacy.retention)."""
from __future__ import annotations

from datetime import datetime, timezone

import click

from bot.command_env import command_database, command_settings
from bot.privacy import retention


@click.group()
def privacy() -> None:
    """Personal data: retention."""


@privacy.command("purge")
@click.option("--dry-run", is_flag=True, help="only show what would go; change nothing")
@click.option("--months", type=click.IntRange(min=1), default=None,
              help="retention period (default: RETENTION_MONTHS, 24)")
def purge(dry_run: bool, months: int | None) -> None:
    """Cut complaints older than the retention period from their complainant's number.

    Closed complaints closed more than MONTHS ago, and anonymous complaints untouched
    for as long, lose the link to their contact; the numbers written in their text are
    masked and their messages' text is blanked. Each one's audit trail says so. The
    complaint, its code, kind, area, dates and status remain. Prints counts and complaint
    codes only, never a number.
    """
    database, dispose, default_months = _database_and_months()
    months = months or default_months
    try:
        with database.sessions() as session:
            report = retention.purge(session, datetime.now(timezone.utc), months, dry_run=dry_run)
            session.commit()
    finally:
        if dispose:
            database.dispose()
    verb = "would be cut" if dry_run else "cut"
    click.echo(
        f"retention {months} months (before {report.cutoff:%Y-%m-%d}): {len(report.codes)} "
        f"complaints {verb} from their complainant ({report.closed} closed, "
        f"{report.anonymous_open} anonymous still open), {report.messages} messages "
        f"{'would be' if dry_run else ''} blanked".replace("  ", " ")
    )
    for code in report.codes:
        click.echo(f"  {code}")


def _database_and_months():  # type: ignore[no-untyped-def]
    """The database and RETENTION_MONTHS: the Flask app's when run as ``flask --app bot``
    (and in tests), else the environment's."""
    from flask.cli import ScriptInfo  # when a command runs: the worker runs without Flask

    info = click.get_current_context().find_object(ScriptInfo)
    if info is not None and info.create_app is not None:
        runtime = info.load_app().extensions["ksm_runtime"]
        return runtime.db, False, runtime.settings.retention_months
    database, dispose = command_database()
    return database, dispose, command_settings().retention_months
