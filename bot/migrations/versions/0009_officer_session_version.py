"""officer.session_version: logging out or a new password ends every session

A dashboard session is a signed cookie; a copy taken before logout stayed valid for as
long as the cookie lived. Each session now carries the officer's session version, and
logout or a password reset raises it, so every earlier cookie stops working.

Revision ID: 0009_officer_session_version
Revises: 0008_message_provider
Create Date: 2026-12-02
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009_officer_session_version"
down_revision = "0008_message_provider"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("officer", sa.Column("session_version", sa.Integer(), nullable=False,
                                       server_default="0"))


def downgrade() -> None:
    with op.batch_alter_table("officer") as batch:
        batch.drop_column("session_version")
