"""gateway_device.sims: the SIM slots a gateway phone's reports have named

A dual-SIM phone sends from either slot; SMS Gateway for Android names the slot in its
sms:sent, sms:delivered and sms:failed reports (``simNumber``, kept on the message by
0031). Routing needs the slots of each phone at every send (a daily cap per SIM:
SMSGATE_DAILY_CAP_PER_SIM), so they are kept on the phone's row, "1,2", instead of
being looked up among its messages each time. NULL: no report named a slot yet (one
SIM, the phone's default).

Revision ID: 0032_gateway_device_sims
Revises: 0031_message_sim
Create Date: 2026-12-11
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0032_gateway_device_sims"
down_revision = "0031_message_sim"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("gateway_device", sa.Column("sims", sa.String(16)))


def downgrade() -> None:
    op.drop_column("gateway_device", "sims")
