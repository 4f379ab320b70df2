"""The ``ksm-bot`` command as installed: the CLI's commands (``bot.cli``) and ``serve``,
which runs the web app.

``serve`` lives here, above both the web app and the CLI, because the app registers the
CLI's other commands for ``flask --app bot``: with ``serve`` in ``bot.cli`` the two would
import each other. The worker and the other commands still start without Flask when run
as ``python -m bot.cli``.
"""
from __future__ import annotations

import sys

import click

from bot.app import create_app
from bot.cli import main, prepare_embedded
from bot.command_env import command_settings
from bot.settings import SettingsError
from workers.sweep import run_forever_in_thread


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", type=int, default=None, help="default: $PORT or 5000")
def serve(host: str, port: int | None) -> None:
    """Run the web app; on the embedded default also the in-process jobs and sweep."""
    settings = command_settings()
    port = port or settings.port
    password = prepare_embedded(settings)
    try:
        app = create_app()
    except SettingsError as exc:
        raise click.ClickException(str(exc)) from None
    if settings.embedded:
        run_forever_in_thread(settings.sweep_interval_seconds)
    url = f"http://{host}:{port}"
    click.echo(f"\nksm-bot is running on {'the embedded default (SQLite, in-process jobs)' if settings.embedded else settings.database_url.split('@')[-1]}")
    click.echo(f"  simulator: {url}/simulator/")
    click.echo(f"  dashboard: {url}/")
    if password:
        click.echo(f"  admin login: admin / {password}   (shown once; reset: ksm-bot create-user admin --role admin)")
    else:
        click.echo("  admin login: created on the first run (reset: ksm-bot create-user admin --role admin)")
    click.echo("  demo kelurahan: Sukamaju, Kota Bandung\n")
    app.run(host=host, port=port, threaded=True, use_reloader=False)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
