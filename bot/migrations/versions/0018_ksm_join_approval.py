"""ksm_member.request_no: a resident not invited who sends GABUNG waits for the leader,
who answers TERIMA/TOLAK <request_no> (statuses requested/refused need no schema change)

Revision ID: 0018_ksm_join_approval
Revises: 0017_proposal_override
Create Date: 2026-12-02
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0018_ksm_join_approval"
down_revision = "0017_proposal_override"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("ksm_member", sa.Column("request_no", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("ksm_member") as batch:
        batch.drop_column("request_no")
