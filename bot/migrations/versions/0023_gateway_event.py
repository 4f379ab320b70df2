"""gateway_event: the ids of delivery reports received, so a re-delivered sms:failed
counts once against its phone

Revision ID: 0023_gateway_event
Revises: 0022_privacy_retention
Create Date: 2026-12-07
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from bot.models.base import UtcDateTime

revision = "0023_gateway_event"
down_revision = "0022_privacy_retention"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "gateway_event",
        sa.Column("event_id", sa.String(length=64), nullable=False),
        sa.Column("received_at", UtcDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("event_id", name=op.f("pk_gateway_event")),
    )
    op.create_index(op.f("ix_gateway_event_received_at"), "gateway_event", ["received_at"])


def downgrade() -> None:
    op.drop_index(op.f("ix_gateway_event_received_at"), table_name="gateway_event")
    op.drop_table("gateway_event")
