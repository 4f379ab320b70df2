"""message send schedule and lease: next_attempt_at, claimed_at

A queued message records when its next attempt is due (``next_attempt_at``), so the
sweep re-sends only rows that are due instead of every queued row, and a claimed or
in-flight message records when its lease started (``claimed_at``), so the sweep can
find those whose worker died (workers/outbound.py). ``ix_message_due`` replaces
``ix_message_queued``: the sweep now looks up queued rows by due time, and one partial
index on the message table is cheaper for the webhook's inserts than two.

Both columns are nullable without a default: adding them rewrites nothing on
PostgreSQL. Downgrading puts claimed messages back to queued and unknown ones to
sending (the old code's meaning of "a worker took it and did not finish").

Revision ID: 0007_message_send_schedule
Revises: 0006_message_created_brin
Create Date: 2026-12-01
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007_message_send_schedule"
down_revision = "0006_message_created_brin"
branch_labels = None
depends_on = None

QUEUED = sa.text("status = 'queued'")
LEASED = sa.text("status IN ('claimed', 'sending', 'unknown')")


def upgrade() -> None:
    op.add_column("message", sa.Column("next_attempt_at", sa.DateTime(timezone=True)))
    op.add_column("message", sa.Column("claimed_at", sa.DateTime(timezone=True)))
    # CONCURRENTLY: see 0005_sweep_indexes.
    with op.get_context().autocommit_block():
        op.create_index("ix_message_due", "message", ["next_attempt_at", "created_at"],
                        postgresql_where=QUEUED, sqlite_where=QUEUED,
                        postgresql_concurrently=True)
        op.create_index("ix_message_lease", "message", ["status", "claimed_at"],
                        postgresql_where=LEASED, sqlite_where=LEASED,
                        postgresql_concurrently=True)
        op.drop_index("ix_message_queued", table_name="message", postgresql_concurrently=True)


def downgrade() -> None:
    op.execute("UPDATE message SET status = 'queued' WHERE status = 'claimed'")
    op.execute("UPDATE message SET status = 'sending' WHERE status = 'unknown'")
    with op.get_context().autocommit_block():
        op.create_index("ix_message_queued", "message", ["created_at"],
                        postgresql_where=QUEUED, sqlite_where=QUEUED,
                        postgresql_concurrently=True)
        op.drop_index("ix_message_lease", table_name="message", postgresql_concurrently=True)
        op.drop_index("ix_message_due", table_name="message", postgresql_concurrently=True)
    # A plain ALTER TABLE on SQLite too (3.35+): a batch copy of the table would have to
    # rebuild its partial indexes from reflection.
    op.drop_column("message", "claimed_at")
    op.drop_column("message", "next_attempt_at")
