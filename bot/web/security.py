"""CSRF protection for every form; webhooks and the token API are exempt."""
from __future__ import annotations

from flask_wtf.csrf import CSRFProtect

csrf = CSRFProtect()
