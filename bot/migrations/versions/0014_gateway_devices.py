"""gateway_device: the phones of SMS Gateway for Android, their kelurahan and health

Revision ID: 0014_gateway_devices
Revises: 0013_officer_second_factor
Create Date: 2026-12-09
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from bot.models.base import UtcDateTime

revision = "0014_gateway_devices"
down_revision = "0013_officer_second_factor"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "gateway_device",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("device_id", sa.String(length=64), nullable=False),
        sa.Column("kelurahan_id", sa.Integer(), nullable=True),
        sa.Column("last_ping_at", UtcDateTime(timezone=True), nullable=True),
        sa.Column("last_sent_at", UtcDateTime(timezone=True), nullable=True),
        sa.Column("recent_failures", sa.Integer(), nullable=False),
        sa.Column("last_failed_at", UtcDateTime(timezone=True), nullable=True),
        sa.Column("created_at", UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["kelurahan_id"], ["kelurahan.id"],
                                name=op.f("fk_gateway_device_kelurahan_id_kelurahan")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_gateway_device")),
        sa.UniqueConstraint("device_id", name=op.f("uq_gateway_device_device_id")),
    )
    op.create_index(op.f("ix_gateway_device_kelurahan_id"), "gateway_device", ["kelurahan_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_gateway_device_kelurahan_id"), table_name="gateway_device")
    op.drop_table("gateway_device")
