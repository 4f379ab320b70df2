"""KSMs registered from the dashboard's simulator (``Ksm.simulated``) count nowhere
(lists, figures, exports, proposals, the home page) unless an officer asks to see them:
:func:`real_ksm` decides, :func:`wants_simulated` reads the asking. Which KSMs an officer
may see at all is ``bot.areas.scope``'s (``in_area_filter(officer, Ksm, simulated)``).
"""
from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, true

from bot.models import Ksm


def real_ksm(simulated: bool = False) -> ColumnElement[bool]:
    """A condition on ``Ksm``: not registered from the simulator, unless ``simulated``
    asks for those too."""
    return true() if simulated else Ksm.simulated.is_(False)


def wants_simulated(args: Any) -> bool:
    """Whether the request's query string asks to show simulated data (``simulated=1``,
    as the complaint queue's toggle)."""
    return (args.get("simulated") or "") in ("1", "true", "on")
