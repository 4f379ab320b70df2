"""privacy: complaint.contact_id may be cut (retention), complaint.purged_at,
contact.erased_at, erasure_request (HAPUS DATA)

Revision ID: 0022_privacy_retention
Revises: 0017_proposal_override
Create Date: 2026-12-02
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from bot.models.base import UtcDateTime

revision = "0022_privacy_retention"
down_revision = "0021_complaint_merge"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("complaint") as batch:
        batch.alter_column("contact_id", existing_type=sa.Integer(), nullable=True)
        batch.add_column(sa.Column("purged_at", UtcDateTime(timezone=True), nullable=True))
    op.add_column("contact", sa.Column("erased_at", UtcDateTime(timezone=True), nullable=True))
    op.create_table(
        "erasure_request",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("contact_id", sa.Integer(), nullable=False),
        sa.Column("inbound_message_id", sa.Integer(), nullable=True),
        sa.Column("channel", sa.String(length=10), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.Column("decided_at", UtcDateTime(timezone=True), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("final_message_id", sa.Integer(), nullable=True),
        sa.Column("erased_at", UtcDateTime(timezone=True), nullable=True),
        sa.Column("created_at", UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["contact_id"], ["contact.id"],
                                name=op.f("fk_erasure_request_contact_id_contact")),
        sa.ForeignKeyConstraint(["inbound_message_id"], ["message.id"],
                                name=op.f("fk_erasure_request_inbound_message_id_message")),
        sa.ForeignKeyConstraint(["decided_by_id"], ["officer.id"],
                                name=op.f("fk_erasure_request_decided_by_id_officer")),
        sa.ForeignKeyConstraint(["final_message_id"], ["message.id"],
                                name=op.f("fk_erasure_request_final_message_id_message")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_erasure_request")),
    )
    op.create_index(op.f("ix_erasure_request_contact_id"), "erasure_request", ["contact_id"])
    op.create_index("ix_erasure_request_status", "erasure_request", ["status", "id"])


def downgrade() -> None:
    op.drop_index("ix_erasure_request_status", table_name="erasure_request")
    op.drop_index(op.f("ix_erasure_request_contact_id"), table_name="erasure_request")
    op.drop_table("erasure_request")
    with op.batch_alter_table("contact") as batch:
        batch.drop_column("erased_at")
    with op.batch_alter_table("complaint") as batch:
        batch.drop_column("purged_at")
        batch.alter_column("contact_id", existing_type=sa.Integer(), nullable=False)
