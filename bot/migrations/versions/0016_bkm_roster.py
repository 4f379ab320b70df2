"""bkm_member: the roster of each kelurahan's BKM, to keep complaints about them from it

Revision ID: 0016_bkm_roster
Revises: 0015_area_codes
Create Date: 2026-12-07
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from bot.models.base import UtcDateTime

revision = "0016_bkm_roster"
down_revision = "0015_area_codes"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "bkm_member",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kelurahan_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("created_at", UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["kelurahan_id"], ["kelurahan.id"],
                                name=op.f("fk_bkm_member_kelurahan_id_kelurahan")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bkm_member")),
    )
    op.create_index(op.f("ix_bkm_member_kelurahan_id"), "bkm_member", ["kelurahan_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_bkm_member_kelurahan_id"), table_name="bkm_member")
    op.drop_table("bkm_member")
