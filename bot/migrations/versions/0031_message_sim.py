"""message.sim: which SIM slot of a dual-SIM gateway phone carried a message

SMS Gateway for Android names the SIM slot in its sms:sent, sms:delivered and
sms:failed reports (``simNumber``; null when the phone's default SIM sent it). Kept on
the message, the phones' delivery figures are counted per phone and per SIM
(``bot.gateway_health``): one SIM blocked by its operator while the other delivers is a
different problem from a phone gone quiet.

Nullable without a default: adding it rewrites nothing on PostgreSQL; NULL is the
default SIM, or a message no report has named yet (every row before this revision).
Independent of 0030 (message expiry); chained after it when the branches meet.

Revision ID: 0031_message_sim
Revises: 0030_message_expiry
Create Date: 2026-12-10
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0031_message_sim"
down_revision = "0030_message_expiry"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("message", sa.Column("sim", sa.SmallInteger()))


def downgrade() -> None:
    op.drop_column("message", "sim")
