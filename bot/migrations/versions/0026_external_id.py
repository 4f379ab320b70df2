"""external_id: the provider's key of a message or broadcast send, named for no provider

``message.twilio_sid`` and ``broadcast_send.twilio_sid`` have held the gateway's keys
too since 0008 (``gw-event:<event id>``, ``gw:<message id>``); the column and its unique
constraint are renamed, the values kept.

PostgreSQL renames in place (catalogue changes only: no row or index is rewritten, and
the constraint's index is renamed with it). SQLite cannot rename a table constraint, so
the table is copied (batch mode), rows with their ids.

Revision ID: 0026_external_id
Revises: 0025_inbox_item
Create Date: 2026-12-09
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0026_external_id"
down_revision = "0025_inbox_item"
branch_labels = None
depends_on = None

TABLES = ("message", "broadcast_send")


def upgrade() -> None:
    for table in TABLES:
        _rename(table, "twilio_sid", "external_id")


def downgrade() -> None:
    for table in TABLES:
        _rename(table, "external_id", "twilio_sid")


def _rename(table: str, old: str, new: str) -> None:
    if op.get_bind().dialect.name != "sqlite":
        op.alter_column(table, old, new_column_name=new)
        op.execute(f"ALTER TABLE {table} RENAME CONSTRAINT uq_{table}_{old} TO uq_{table}_{new}")
        return
    with op.batch_alter_table(table, recreate="always") as batch:
        batch.drop_constraint(f"uq_{table}_{old}", type_="unique")
        batch.alter_column(old, new_column_name=new, existing_type=sa.String(length=64))
        # Batch mode knows a renamed column by its old name until the table is copied.
        batch.create_unique_constraint(f"uq_{table}_{new}", [old])
