"""rate_count: login attempts counted per username and address in the database, shared
by every web process and atomic (was Redis, or each process's memory without it)

Revision ID: 0024_rate_count
Revises: 0023_gateway_event
Create Date: 2026-12-07
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from bot.models.base import UtcDateTime

revision = "0024_rate_count"
down_revision = "0023_gateway_event"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "rate_count",
        sa.Column("key", sa.String(length=160), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("expires_at", UtcDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_rate_count")),
    )
    op.create_index(op.f("ix_rate_count_expires_at"), "rate_count", ["expires_at"])


def downgrade() -> None:
    op.drop_index(op.f("ix_rate_count_expires_at"), table_name="rate_count")
    op.drop_table("rate_count")
