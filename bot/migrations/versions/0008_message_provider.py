"""message provider and gateway device: which way a message came, and goes back

A resident who texts the gateway phone (SMS Gateway for Android) must get the answer
from that phone, not from Twilio (which cannot send two-way SMS in Indonesia), and a
deployment may have several phones. The inbound message records its ``provider``
(``twilio``, ``smsgate``) and the gateway ``device_id``; its replies copy both, and the
send job routes by them (workers/channels.py).

A gateway event is stored under ``twilio_sid`` = ``"gw-event:" + event id`` (the unique
key that makes a re-delivered event act once; the SMS's own ``messageId`` is derived
from its content and is not unique), and a message sent through the gateway under
``"gw:" + the gateway's message id`` (what its delivery reports name). Reusing the
unique column keeps one key and one index for every provider; the prefixes keep the
namespaces apart.

Both columns are nullable without a default: adding them rewrites nothing on
PostgreSQL; NULL means Twilio (every row before this revision).

Revision ID: 0008_message_provider
Revises: 0007_message_send_schedule
Create Date: 2026-12-08
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008_message_provider"
down_revision = "0007_message_send_schedule"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("message", sa.Column("provider", sa.String(10)))
    op.add_column("message", sa.Column("device_id", sa.String(64)))


def downgrade() -> None:
    op.drop_column("message", "device_id")
    op.drop_column("message", "provider")
