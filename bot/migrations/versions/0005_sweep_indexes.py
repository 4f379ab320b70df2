"""sweep indexes: held messages, broadcast leases, broadcasts sending

The periodic sweep read the whole message table for messages held by quiet hours, the
whole broadcast_send table for claims past their lease, and every broadcast for the
ones still sending. Partial indexes hold only those rows (tests/test_query_plans.py).

Revision ID: 0005_sweep_indexes
Revises: 0004_merge_heads
Create Date: 2026-11-28
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005_sweep_indexes"
down_revision = "0004_merge_heads"
branch_labels = None
depends_on = None

HELD = sa.text("status = 'held'")
LEASED = sa.text("status IN ('claimed', 'sending')")
SENDING = sa.text("status = 'sending'")


def upgrade() -> None:
    # CONCURRENTLY on PostgreSQL: a plain CREATE INDEX would hold off every write to
    # the table (the webhook's inserts included) while it reads all of it.
    with op.get_context().autocommit_block():
        op.create_index("ix_message_held", "message", ["id"], postgresql_where=HELD,
                        sqlite_where=HELD, postgresql_concurrently=True)
        op.create_index("ix_broadcast_send_lease", "broadcast_send", ["claimed_at"],
                        postgresql_where=LEASED, sqlite_where=LEASED,
                        postgresql_concurrently=True)
        op.create_index("ix_broadcast_sending", "broadcast", ["id"], postgresql_where=SENDING,
                        sqlite_where=SENDING, postgresql_concurrently=True)


def downgrade() -> None:
    op.drop_index("ix_broadcast_sending", table_name="broadcast")
    op.drop_index("ix_broadcast_send_lease", table_name="broadcast_send")
    op.drop_index("ix_message_held", table_name="message")
