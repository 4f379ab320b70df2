"""``bench/floor_app.py`` as ``bench/e2e.py`` serves it, whichever app it runs beside.

The floor checks Twilio's signature with the app's own check, which it imports as
``bot.web.webhooks.signature_ok(token, url, signature)``. Since 98aae90 that check is
``bot.providers.twilio.signature_ok(token, url, form, signature)``; where the old name is
gone this module puts it back (the same HMAC over the same form) before importing the
floor, so the floor's own SQL, the yardstick, is unchanged. Once ``bench/floor_app.py``
imports the new name this module only imports it.
"""
from __future__ import annotations

import bot.web.webhooks as webhooks

if not hasattr(webhooks, "signature_ok"):
    from flask import request

    from bot.providers.twilio import signature_ok as _signature_ok

    def _old_signature_ok(token: str, url: str, signature: str) -> bool:
        return _signature_ok(token, url, request.form, signature)

    webhooks.signature_ok = _old_signature_ok  # type: ignore[attr-defined]

from bench.floor_app import app  # noqa: E402

__all__ = ["app"]
