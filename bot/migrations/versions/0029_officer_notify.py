"""officer.notify_*, officer_phone_code, officer_alert, contact.time_zone: officers hear
of their work by SMS or WhatsApp

Revision ID: 0029_officer_notify
Revises: 0028_ksm_rule_override
Create Date: 2026-12-08
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from bot.models.base import UtcDateTime

revision = "0029_officer_notify"
down_revision = "0028_ksm_rule_override"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("officer") as batch:
        batch.add_column(sa.Column("notify_contact_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("notify_channel", sa.String(length=10), nullable=False,
                                   server_default="sms"))
        batch.add_column(sa.Column("notify_mode", sa.String(length=10), nullable=False,
                                   server_default="mati"))
        batch.create_foreign_key(op.f("fk_officer_notify_contact_id_contact"), "contact",
                                 ["notify_contact_id"], ["id"])
    op.add_column("contact", sa.Column("time_zone", sa.String(length=40), nullable=True))
    op.create_table(
        "officer_phone_code",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("officer_id", sa.Integer(), nullable=False),
        sa.Column("contact_id", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(length=10), nullable=False),
        sa.Column("code_hash", sa.String(length=64), nullable=False),
        sa.Column("salt", sa.String(length=32), nullable=False),
        sa.Column("tries", sa.Integer(), nullable=False),
        sa.Column("created_at", UtcDateTime(timezone=True), nullable=False),
        sa.Column("expires_at", UtcDateTime(timezone=True), nullable=False),
        sa.Column("used_at", UtcDateTime(timezone=True), nullable=True),
        sa.Column("message_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["message_id"], ["message.id"],
                                name=op.f("fk_officer_phone_code_message_id_message")),
        sa.ForeignKeyConstraint(["officer_id"], ["officer.id"],
                                name=op.f("fk_officer_phone_code_officer_id_officer")),
        sa.ForeignKeyConstraint(["contact_id"], ["contact.id"],
                                name=op.f("fk_officer_phone_code_contact_id_contact")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_officer_phone_code")),
    )
    op.create_index(op.f("ix_officer_phone_code_officer_id"), "officer_phone_code",
                    ["officer_id"])
    op.create_table(
        "officer_alert",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("officer_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=80), nullable=False),
        sa.Column("message_id", sa.Integer(), nullable=True),
        sa.Column("created_at", UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["officer_id"], ["officer.id"],
                                name=op.f("fk_officer_alert_officer_id_officer")),
        sa.ForeignKeyConstraint(["message_id"], ["message.id"],
                                name=op.f("fk_officer_alert_message_id_message")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_officer_alert")),
        sa.UniqueConstraint("officer_id", "key", name=op.f("uq_officer_alert_officer_id")),
    )


def downgrade() -> None:
    op.drop_table("officer_alert")
    op.drop_index(op.f("ix_officer_phone_code_officer_id"), table_name="officer_phone_code")
    op.drop_table("officer_phone_code")
    with op.batch_alter_table("contact") as batch:
        batch.drop_column("time_zone")
    with op.batch_alter_table("officer") as batch:
        batch.drop_constraint(op.f("fk_officer_notify_contact_id_contact"), type_="foreignkey")
        batch.drop_column("notify_mode")
        batch.drop_column("notify_channel")
        batch.drop_column("notify_contact_id")
