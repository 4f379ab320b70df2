"""api_token, api_token_use: several expiring tokens per officer, every use logged

An officer had one token without expiry (officer.api_token_hash) and its use left no
trace. Tokens are now rows an officer can see and revoke; an existing token is carried
over with 90 days to live.

Revision ID: 0012_api_tokens
Revises: 0011_contact_simulated
Create Date: 2026-12-03
"""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import sqlalchemy as sa
from alembic import op

from bot.models.base import UtcDateTime

revision = "0012_api_tokens"
down_revision = "0011_contact_simulated"
branch_labels = None
depends_on = None


def upgrade() -> None:
    tokens = op.create_table(
        "api_token",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("officer_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", UtcDateTime(timezone=True), nullable=False),
        sa.Column("expires_at", UtcDateTime(timezone=True), nullable=False),
        sa.Column("last_used_at", UtcDateTime(timezone=True), nullable=True),
        sa.Column("revoked_at", UtcDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["officer_id"], ["officer.id"],
                                name=op.f("fk_api_token_officer_id_officer")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_token")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_api_token_token_hash")),
    )
    op.create_index(op.f("ix_api_token_officer_id"), "api_token", ["officer_id"])
    op.create_table(
        "api_token_use",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token_id", sa.Integer(), nullable=False),
        sa.Column("officer_id", sa.Integer(), nullable=False),
        sa.Column("method", sa.String(length=8), nullable=False),
        sa.Column("path", sa.String(length=200), nullable=False),
        sa.Column("status", sa.Integer(), nullable=False),
        sa.Column("address", sa.String(length=45), nullable=True),
        sa.Column("at", UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["token_id"], ["api_token.id"],
                                name=op.f("fk_api_token_use_token_id_api_token")),
        sa.ForeignKeyConstraint(["officer_id"], ["officer.id"],
                                name=op.f("fk_api_token_use_officer_id_officer")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_token_use")),
    )
    op.create_index("ix_api_token_use_token", "api_token_use", ["token_id", "id"])
    conn = op.get_bind()
    now = datetime.now(timezone.utc)
    old = conn.execute(sa.text(
        "SELECT id, api_token_hash FROM officer WHERE api_token_hash IS NOT NULL")).all()
    if old:
        op.bulk_insert(tokens, [
            {"officer_id": r.id, "name": "token lama", "token_hash": r.api_token_hash,
             "created_at": now, "expires_at": now + timedelta(days=90)} for r in old])
    with op.batch_alter_table("officer") as batch:
        batch.drop_constraint("uq_officer_api_token_hash", type_="unique")
        batch.drop_column("api_token_hash")


def downgrade() -> None:
    with op.batch_alter_table("officer") as batch:
        batch.add_column(sa.Column("api_token_hash", sa.String(length=64), nullable=True))
        batch.create_unique_constraint("uq_officer_api_token_hash", ["api_token_hash"])
    op.drop_index("ix_api_token_use_token", table_name="api_token_use")
    op.drop_table("api_token_use")
    op.drop_index(op.f("ix_api_token_officer_id"), table_name="api_token")
    op.drop_table("api_token")
