"""ksm-bot's Flask side: Twilio webhooks, dashboard, API and CLI.

``create_app`` is imported lazily so that workers and the CLI can import
``bot.models`` and the services without loading Flask.
"""
from __future__ import annotations

from typing import Any


def create_app(test_config: dict[str, Any] | None = None):  # type: ignore[no-untyped-def]
    """Build the Flask app (see ``bot.app.create_app``)."""
    from bot.app import create_app as _create_app

    return _create_app(test_config)
