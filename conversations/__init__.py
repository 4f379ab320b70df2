"""The conversation engine: pure functions from (session state, inbound message) to
(replies, new state, effects). Nothing here imports Flask, Twilio, SQLAlchemy or Redis.
"""
from __future__ import annotations
