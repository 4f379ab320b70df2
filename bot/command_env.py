"""What a ``ksm-bot`` command runs against: the settings and the database of the
environment, or the Flask app's when run as ``flask --app bot ...`` (and in tests).

Shared by ``bot.cli`` and ``bot.privacy_cli``; neither imports the other for them.
"""
from __future__ import annotations

import click

from bot.db import Database
from bot.settings import Settings, SettingsError, from_env


def command_settings() -> Settings:
    """The environment's settings; a wrong one ends the command with its message."""
    try:
        return from_env()
    except SettingsError as exc:
        raise click.ClickException(str(exc)) from None


def command_database() -> tuple[Database, bool]:
    """The database: the Flask app's when run as ``flask --app bot ...`` (and in tests),
    else the one the environment names. Returns (database, whether to dispose it)."""
    # Flask is loaded when a command runs, not when the ``ksm-bot`` command starts: the
    # worker runs without it (see bot/__init__).
    from flask.cli import ScriptInfo

    info = click.get_current_context().find_object(ScriptInfo)
    if info is not None and info.create_app is not None:
        return info.load_app().extensions["ksm_runtime"].db, False
    return Database(command_settings().database_url), True
