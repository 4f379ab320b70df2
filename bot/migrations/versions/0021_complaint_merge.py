"""complaint.merged_into_id: a duplicate complaint joined to the one handled in its place
(its status becomes "merged"; the complainant follows the other's status)

Revision ID: 0021_complaint_merge
Revises: 0017_proposal_override
Create Date: 2026-12-02
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0021_complaint_merge"
down_revision = "0020_ksm_simulated"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("complaint") as batch:
        batch.add_column(
            sa.Column(
                "merged_into_id",
                sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
                nullable=True,
            )
        )
        batch.create_foreign_key(
            batch.f("fk_complaint_merged_into_id_complaint"), "complaint", ["merged_into_id"],
            ["id"],
        )
        batch.create_index(batch.f("ix_complaint_merged_into_id"), ["merged_into_id"])


def downgrade() -> None:
    with op.batch_alter_table("complaint") as batch:
        batch.drop_index(batch.f("ix_complaint_merged_into_id"))
        batch.drop_constraint(batch.f("fk_complaint_merged_into_id_complaint"), type_="foreignkey")
        batch.drop_column("merged_into_id")
