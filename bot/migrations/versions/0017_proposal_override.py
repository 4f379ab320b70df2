"""proposal override and checks reasons, proposal_review: an eligible proposal that breaks
its unit's rule, or skips the interview or field visit, says why; every review is kept

Revision ID: 0017_proposal_override
Revises: 0016_bkm_roster
Create Date: 2026-12-07
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from bot.models.base import UtcDateTime

revision = "0017_proposal_override"
down_revision = "0016_bkm_roster"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("proposal", sa.Column("rule_override_reason", sa.Text(), nullable=True))
    op.add_column("proposal", sa.Column("checks_skipped_reason", sa.Text(), nullable=True))
    op.create_table(
        "proposal_review",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("proposal_id", sa.Integer(), nullable=False),
        sa.Column("officer_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("interview_done", sa.Boolean(), nullable=False),
        sa.Column("field_visit_done", sa.Boolean(), nullable=False),
        sa.Column("rule_override_reason", sa.Text(), nullable=True),
        sa.Column("checks_skipped_reason", sa.Text(), nullable=True),
        sa.Column("created_at", UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["proposal_id"], ["proposal.id"],
                                name=op.f("fk_proposal_review_proposal_id_proposal")),
        sa.ForeignKeyConstraint(["officer_id"], ["officer.id"],
                                name=op.f("fk_proposal_review_officer_id_officer")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_proposal_review")),
    )
    op.create_index(op.f("ix_proposal_review_proposal_id"), "proposal_review", ["proposal_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_proposal_review_proposal_id"), table_name="proposal_review")
    op.drop_table("proposal_review")
    with op.batch_alter_table("proposal") as batch:
        batch.drop_column("checks_skipped_reason")
        batch.drop_column("rule_override_reason")
