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
    # The dashboard's count of what expired lately reads only the expired rows.
    expired = sa.text("status = 'expired'")
    op.create_index("ix_message_expired", "message", ["updated_at"],
                    postgresql_where=expired, sqlite_where=expired)
    op.create_index("ix_broadcast_send_expired", "broadcast_send", ["updated_at"],
                    postgresql_where=expired, sqlite_where=expired)


def downgrade() -> None:
    op.drop_index("ix_broadcast_send_expired", table_name="broadcast_send")
    op.drop_index("ix_message_expired", table_name="message")
    with op.batch_alter_table("broadcast") as batch:
        batch.drop_column("expires_at")
    with op.batch_alter_table("message") as batch:
        batch.drop_column("expires_at")
