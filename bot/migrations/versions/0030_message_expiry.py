"""message.expires_at, broadcast.expires_at: every outbound message knows until when it
is useful; past it, it becomes 'expired' instead of being sent (issue 24)

Revision ID: 0030_message_expiry
Revises: 0029_officer_notify
Create Date: 2026-12-10
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from bot.models.base import UtcDateTime

revision = "0030_message_expiry"
down_revision = "0029_officer_notify"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Nullable, no default: rows queued before this have no end, as before.
    op.add_column("message", sa.Column("expires_at", UtcDateTime(timezone=True), nullable=True))
    op.add_column("broadcast", sa.Column("expires_at", UtcDateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("broadcast") as batch:
        batch.drop_column("expires_at")
    with op.batch_alter_table("message") as batch:
        batch.drop_column("expires_at")
