"""The ksm-bot command: officer accounts, the terminal chat, start-up errors."""
from __future__ import annotations

import os
import subprocess
import sys

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from bot.cli import main
from bot.models import Message, Officer


def _env(database_url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TWILIO_", "REDIS_", "DATABASE_"))}
    env["DATABASE_URL"] = database_url
    env.update({"SECRET_KEY": "s" * 32, "REDIS_URL": os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"),
                "TWILIO_ACCOUNT_SID": "AC" + "0" * 32, "TWILIO_AUTH_TOKEN": "t",
                "TWILIO_SMS_FROM": "+15005550006", "PUBLIC_BASE_URL": "https://bot.example.org"})
    if database_url.startswith("sqlite"):
        for key in ("REDIS_URL", "TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN", "TWILIO_SMS_FROM"):
            env.pop(key)
    return env


def test_create_user_scopes_an_officer_to_a_kelurahan(app, rt, database_url, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from bot.areas.demo import ensure_demo

    with rt.db.session() as session:
        ensure_demo(session)
    for key, value in _env(database_url).items():
        monkeypatch.setenv(key, value)
    result = CliRunner().invoke(main, ["create-user", "ika", "--role", "bkm", "--kelurahan", "sukamaju",
                                       "--password", "rahasia-ika-1"])
    assert result.exit_code == 0, result.output
    assert "level kelurahan" in result.output
    with rt.db.session() as session:
        officer = session.execute(select(Officer).where(Officer.username == "ika")).scalar_one()
        assert officer.role == "bkm" and officer.kelurahan_id is not None
        assert "rahasia" not in officer.password_hash
    unknown = CliRunner().invoke(main, ["create-user", "x", "--role", "bkm", "--kelurahan", "Atlantis",
                                        "--password", "rahasia-ika-1"])
    assert unknown.exit_code != 0 and "not found" in unknown.output


def test_terminal_chat_stores_and_answers(app, rt, database_url, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    for key, value in _env(database_url).items():
        monkeypatch.setenv(key, value)
    result = CliRunner().invoke(main, ["chat", "--phone", "0812-3456-7890"], input="bahasa en\nBATAL\n")
    assert result.exit_code == 0, result.output
    assert "bot: Language: English" in result.output
    assert "bot: Nothing to cancel" in result.output
    with rt.db.session() as session:
        bodies = session.scalars(select(Message.body).where(Message.direction == "in").order_by(Message.id))
        assert list(bodies) == ["bahasa en", "BATAL"]


@pytest.mark.real_clock  # a worker process of its own keeps the machine's time
def test_a_missing_production_setting_stops_start_up_with_one_line(tmp_path) -> None:  # type: ignore[no-untyped-def]
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TWILIO_", "REDIS_", "DATABASE_", "SECRET_"))}
    env["DATABASE_URL"] = "postgres://postgres@127.0.0.1/test"
    result = subprocess.run([sys.executable, "-m", "bot.cli", "worker"], env=env, capture_output=True,
                            text=True, cwd=tmp_path, timeout=60)
    assert result.returncode != 0
    assert result.stderr.strip().splitlines()[-1] == (
        "Error: SECRET_KEY is required when DATABASE_URL is a server database")


def test_the_installed_command_has_serve_and_every_other_command() -> None:
    """``ksm-bot`` as pyproject installs it: ``serve`` (which loads the web app) beside
    the commands of ``bot.cli``."""
    import importlib
    import tomllib
    from pathlib import Path

    scripts = tomllib.loads((Path(__file__).parent.parent / "pyproject.toml").read_text())["project"]["scripts"]
    module, _, name = scripts["ksm-bot"].partition(":")
    command = getattr(importlib.import_module(module), name)
    assert {"serve", "chat", "worker", "db", "create-user", "smsgate"} <= set(command.commands)
