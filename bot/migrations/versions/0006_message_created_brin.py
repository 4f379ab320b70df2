"""message created_at index for the dashboard's last-day counts

The dashboard's home counted the last 24 hours of messages by reading the whole message
table. On PostgreSQL the index is BRIN: rows arrive in time order, the index stays tiny
and the webhook's insert barely pays for it (tests/test_query_plans.py). SQLite gets a
plain index.

Revision ID: 0006_message_created_brin
Revises: 0005_sweep_indexes
Create Date: 2026-11-28
"""
from __future__ import annotations

from alembic import op

revision = "0006_message_created_brin"
down_revision = "0005_sweep_indexes"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # CONCURRENTLY: see 0005_sweep_indexes.
    with op.get_context().autocommit_block():
        op.create_index("ix_message_created", "message", ["created_at"],
                        postgresql_using="brin", postgresql_concurrently=True,
                        postgresql_with={"pages_per_range": 32, "autosummarize": "on"})


def downgrade() -> None:
    op.drop_index("ix_message_created", table_name="message")
