"""contact.simulated: numbers the dashboard's simulator plays

The simulator ran the real engine on any number that had not written in yet, so an
officer could act as an invited KSM member or a poor-list resident. It now plays only
numbers the bot never addressed, and marks what it creates: nothing is sent to a
simulated contact, and its complaints stay out of the queue unless asked for.

Revision ID: 0011_contact_simulated
Revises: 0009_officer_session_version
Create Date: 2026-12-03
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011_contact_simulated"
down_revision = "0009_officer_session_version"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("contact", sa.Column("simulated", sa.Boolean(), nullable=False,
                                       server_default=sa.false()))


def downgrade() -> None:
    with op.batch_alter_table("contact") as batch:
        batch.drop_column("simulated")
