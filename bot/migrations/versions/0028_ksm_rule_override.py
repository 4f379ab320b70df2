"""ksm.rule_override_reason: why a KSM was verified though its poor-list rule fails

Revision ID: 0028_ksm_rule_override
Revises: 0027_message_received
Create Date: 2026-12-07
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0028_ksm_rule_override"
down_revision = "0027_message_received"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("ksm", sa.Column("rule_override_reason", sa.String(length=300), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("ksm") as batch:
        batch.drop_column("rule_override_reason")
