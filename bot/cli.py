"""The ``ksm-bot`` command: serve, chat, worker, db upgrade, create-user, seed-demo."""
from __future__ import annotations

import logging
import sys
import uuid

import click

from bot.settings import SettingsError, from_env


def _settings():  # type: ignore[no-untyped-def]
    try:
        return from_env()
    except SettingsError as exc:
        raise click.ClickException(str(exc)) from None


@click.group()
def main() -> None:
    """ksm-bot: SMS and WhatsApp chatbot for PNPM Mandiri-P2KP."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")


@main.group()
def db() -> None:
    """Database schema."""


@db.command("upgrade")
def db_upgrade() -> None:
    """Apply all migrations (safe to run on every deploy)."""
    from bot.migrate import upgrade

    settings = _settings()
    upgrade(settings.database_url)
    click.echo("database is up to date")


def _prepare_embedded(settings) -> str | None:  # type: ignore[no-untyped-def]
    from bot.db import Database
    from bot.migrate import upgrade
    from bot.services.demo import ensure_demo

    upgrade(settings.database_url)
    database = Database(settings.database_url)
    try:
        with database.session() as session:
            _kelurahan, password = ensure_demo(session)
    finally:
        database.dispose()
    return password


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", type=int, default=None, help="default: $PORT or 5000")
def serve(host: str, port: int | None) -> None:
    """Run the web app; on the embedded default also the in-process jobs and sweep."""
    from bot import create_app
    from workers.sweep import run_forever_in_thread

    settings = _settings()
    port = port or settings.port
    password = _prepare_embedded(settings)
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


@main.command()
@click.option("--phone", required=True, help="the resident's number, e.g. 081234567890")
@click.option("--whatsapp", is_flag=True, help="write as a WhatsApp user")
def chat(phone: str, whatsapp: bool) -> None:
    """Chat with the bot in the terminal, with the real engine and storage."""
    from bot import runtime as runtime_module
    from bot.inbound import InboundMessage, receive
    from bot.phone import InvalidPhone, normalise
    from workers.queue import InlineJobQueue

    settings = _settings()
    try:
        e164 = normalise(phone)
    except InvalidPhone as exc:
        raise click.ClickException(str(exc)) from None
    if settings.embedded:
        _prepare_embedded(settings)
    jobs = InlineJobQueue(autostart=False)
    rt = runtime_module.install(runtime_module.build(settings, jobs=jobs))
    channel = "whatsapp" if whatsapp else "sms"
    click.echo(f"Chatting as {e164} by {channel}. Type MENU to start, Ctrl-D to quit.")
    try:
        while True:
            try:
                line = input("> ")
            except EOFError:
                click.echo()
                break
            message = InboundMessage(sid="CHAT" + uuid.uuid4().hex, phone=e164, channel=channel, body=line)
            for reply in receive(rt, message):
                click.echo(f"bot: {reply}")
            jobs.run_pending()
    finally:
        rt.close()


@main.command()
@click.option("--burst", is_flag=True, help="stop when the queue is empty")
def worker(burst: bool) -> None:
    """Run an RQ worker with the built-in scheduler (needs REDIS_URL)."""
    from workers.main import run_worker

    try:
        run_worker(burst=burst)
    except SettingsError as exc:
        raise click.ClickException(str(exc)) from None


@main.command("create-user")
@click.argument("username")
@click.option("--role", type=click.Choice(["admin", "bkm", "ppm", "fasilitator"]), required=True)
@click.option("--kelurahan", help="kelurahan name (scope: that kelurahan)")
@click.option("--kota", help="kota/kabupaten (scope: that kota)")
@click.option("--provinsi", help="provinsi (scope: that provinsi)")
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
@click.option("--full-name", default="")
def create_user(username, role, kelurahan, kota, provinsi, password, full_name) -> None:  # type: ignore[no-untyped-def]
    """Create an officer account, or reset its password, role and area."""
    from sqlalchemy import select

    from bot.db import Database
    from bot.models import Kelurahan
    from bot.services.officers import OfficerError, create_or_update

    settings = _settings()
    database = Database(settings.database_url)
    try:
        with database.session() as session:
            area = None
            if kelurahan:
                query = select(Kelurahan).where(Kelurahan.name.ilike(kelurahan))
                if kota:
                    query = query.where(Kelurahan.kota.ilike(kota))
                matches = session.execute(query).scalars().all()
                if len(matches) != 1:
                    raise click.ClickException(
                        f"kelurahan {kelurahan!r}: {'not found' if not matches else 'ambiguous, give --kota'}"
                    )
                area = matches[0]
            try:
                officer = create_or_update(session, username, password, role, area, kota, provinsi, full_name)
            except OfficerError as exc:
                raise click.ClickException(str(exc)) from None
            click.echo(f"officer {officer.username}: role {officer.role}, level {officer.level}")
    finally:
        database.dispose()


@main.command("api-token")
@click.argument("username")
def api_token(username: str) -> None:
    """Issue a new API token for an officer (shown once; the old one stops working)."""
    from sqlalchemy import select

    from bot.db import Database
    from bot.models import Officer
    from bot.services.officers import new_api_token

    settings = _settings()
    database = Database(settings.database_url)
    try:
        with database.session() as session:
            officer = session.execute(select(Officer).where(Officer.username == username)).scalar_one_or_none()
            if officer is None:
                raise click.ClickException(f"no officer {username!r}")
            click.echo(new_api_token(session, officer))
    finally:
        database.dispose()


@main.command("seed-demo")
def seed_demo() -> None:
    """Create the demo kelurahan (and an admin if there is no officer yet)."""
    settings = _settings()
    password = _prepare_embedded(settings)
    click.echo("demo kelurahan Sukamaju, Kota Bandung is ready")
    if password:
        click.echo(f"admin login: admin / {password}")


def register_flask_commands(app) -> None:  # type: ignore[no-untyped-def]
    """Make the same commands available as ``flask --app bot ...``."""
    for name, command in main.commands.items():
        if name not in ("serve",):
            app.cli.add_command(command, name)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
