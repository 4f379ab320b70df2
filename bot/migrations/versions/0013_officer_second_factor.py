"""officer.totp_secret, officer_recovery_code: a second factor for admin and BKM

Revision ID: 0013_officer_second_factor
Revises: 0012_api_tokens
Create Date: 2026-12-03
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from bot.models.base import UtcDateTime

revision = "0013_officer_second_factor"
down_revision = "0012_api_tokens"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("officer", sa.Column("totp_secret", sa.String(length=64), nullable=True))
    op.add_column("officer", sa.Column("totp_last_step", sa.BigInteger(), nullable=True))
    op.create_table(
        "officer_recovery_code",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("officer_id", sa.Integer(), nullable=False),
        sa.Column("code_hash", sa.String(length=64), nullable=False),
        sa.Column("used_at", UtcDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["officer_id"], ["officer.id"],
                                name=op.f("fk_officer_recovery_code_officer_id_officer")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_officer_recovery_code")),
    )
    op.create_index(op.f("ix_officer_recovery_code_officer_id"), "officer_recovery_code",
                    ["officer_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_officer_recovery_code_officer_id"),
                  table_name="officer_recovery_code")
    op.drop_table("officer_recovery_code")
    with op.batch_alter_table("officer") as batch:
        batch.drop_column("totp_last_step")
        batch.drop_column("totp_secret")
