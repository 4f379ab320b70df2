"""The time jobs act on: the wall clock, or a fixed one a test sets on the runtime.

Quiet hours and the WhatsApp window depend on the time of day; tests pin it with
``rt.extras["clock"] = lambda: datetime(...)`` instead of sleeping or patching modules.
"""
from __future__ import annotations

from datetime import datetime, timezone
from typing import Any


def now(rt: Any) -> datetime:
    """The current UTC time for jobs running on ``rt``."""
    clock = rt.extras.get("clock")
    return clock() if clock is not None else datetime.now(timezone.utc)

