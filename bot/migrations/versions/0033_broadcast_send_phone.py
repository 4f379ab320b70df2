"""broadcast_send.device_id, .sim: the gateway phone and SIM slot a broadcast row left from

Announcements are most of what the gateway phones send, yet their rows did not say
which phone carried them, so each phone's delivery figures and flags
(``bot.gateway_health``) saw only single messages. The batch now writes the phone (and
the SIM when routing chose one) as the gateway takes a row; the gateway's reports fill
or correct them as on ``message`` (0031).

Nullable without a default: adding them rewrites nothing on PostgreSQL; NULL on every
row before this revision and on rows Twilio or WhatsApp carried. The partial index holds
only rows a phone carried, by when they were sent: the figures read the last week of
them, however many months of broadcasts lie behind (tests/test_query_plans.py).

Revision ID: 0033_broadcast_send_phone
Revises: 0032_gateway_device_sims
Create Date: 2026-12-12
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0033_broadcast_send_phone"
down_revision = "0032_gateway_device_sims"
branch_labels = None
depends_on = None

CARRIED = "device_id IS NOT NULL"


def upgrade() -> None:
    op.add_column("broadcast_send", sa.Column("device_id", sa.String(64)))
    op.add_column("broadcast_send", sa.Column("sim", sa.SmallInteger()))
    # No row qualifies yet (device_id is new), so the index starts empty; building it
    # still reads the table once, holding off writes to it for that read.
    op.create_index("ix_broadcast_send_phone", "broadcast_send", ["sent_at"],
                    postgresql_where=sa.text(CARRIED), sqlite_where=sa.text(CARRIED))


def downgrade() -> None:
    op.drop_index("ix_broadcast_send_phone", table_name="broadcast_send")
    op.drop_column("broadcast_send", "sim")
    op.drop_column("broadcast_send", "device_id")
