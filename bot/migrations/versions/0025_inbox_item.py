"""inbox_item: residents' messages no service placed, kept for the officers of their
area to answer

Revision ID: 0025_inbox_item
Revises: 0024_rate_count
Create Date: 2026-12-07
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from bot.models.base import UtcDateTime

revision = "0025_inbox_item"
down_revision = "0024_rate_count"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "inbox_item",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("message_id", sa.Integer(), nullable=False),
        sa.Column("contact_id", sa.Integer(), nullable=False),
        sa.Column("kelurahan_id", sa.Integer(), nullable=True),
        sa.Column("kota_area_id", sa.Integer(), nullable=True),
        sa.Column("provinsi_area_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("answered_by_id", sa.Integer(), nullable=True),
        sa.Column("answered_at", UtcDateTime(timezone=True), nullable=True),
        sa.Column("reply_message_id", sa.Integer(), nullable=True),
        sa.Column("created_at", UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["message_id"], ["message.id"],
                                name=op.f("fk_inbox_item_message_id_message")),
        sa.ForeignKeyConstraint(["contact_id"], ["contact.id"],
                                name=op.f("fk_inbox_item_contact_id_contact")),
        sa.ForeignKeyConstraint(["kelurahan_id"], ["kelurahan.id"],
                                name=op.f("fk_inbox_item_kelurahan_id_kelurahan")),
        sa.ForeignKeyConstraint(["kota_area_id"], ["area.id"],
                                name=op.f("fk_inbox_item_kota_area_id_area")),
        sa.ForeignKeyConstraint(["provinsi_area_id"], ["area.id"],
                                name=op.f("fk_inbox_item_provinsi_area_id_area")),
        sa.ForeignKeyConstraint(["answered_by_id"], ["officer.id"],
                                name=op.f("fk_inbox_item_answered_by_id_officer")),
        sa.ForeignKeyConstraint(["reply_message_id"], ["message.id"],
                                name=op.f("fk_inbox_item_reply_message_id_message")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inbox_item")),
        sa.UniqueConstraint("message_id", name=op.f("uq_inbox_item_message_id")),
    )
    op.create_index(op.f("ix_inbox_item_contact_id"), "inbox_item", ["contact_id"])
    op.create_index(op.f("ix_inbox_item_kelurahan_id"), "inbox_item", ["kelurahan_id"])
    op.create_index(op.f("ix_inbox_item_status"), "inbox_item", ["status"])


def downgrade() -> None:
    op.drop_table("inbox_item")
