"""ksm.simulated: KSMs registered from the dashboard's simulator

A simulated leader (``contact.simulated``, 0011) could register a KSM that then sat in
the BKM's lists, figures, exports and proposal queue like a real one. The KSM now
carries the mark itself, set at registration from its leader's contact, so each query
filters on one column instead of joining the leader; existing ones are marked here.

Revision ID: 0020_ksm_simulated
Revises: 0017_proposal_override
Create Date: 2026-12-02
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0020_ksm_simulated"
down_revision = "0019_area_ids"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("ksm", sa.Column("simulated", sa.Boolean(), nullable=False,
                                   server_default=sa.false()))
    op.execute(
        "UPDATE ksm SET simulated = true WHERE leader_contact_id IN "
        "(SELECT id FROM contact WHERE simulated = true)"
    )


def downgrade() -> None:
    with op.batch_alter_table("ksm") as batch:
        batch.drop_column("simulated")
