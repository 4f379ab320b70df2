"""Domain services: effect handlers and the queries behind the dashboard, per domain.

Importing this package registers every effect handler with ``bot.effects``.
"""
from __future__ import annotations

from bot.services import ksm, ksm_proposals  # noqa: F401  (KSM effect handlers)
from bot.services import complaints  # noqa: F401  (ADUAN/CEK effect handlers)
from bot.services import announcements, meetings, monev  # noqa: F401
from bot.services import erasure  # noqa: F401  (HAPUS DATA effect handler)
from bot.services import inbox  # noqa: F401  (messages kept for officers)
from bot.services import contacts  # noqa: F401  (language, opt-out, LANJUT)
