"""ix_message_received: the messages stored and not yet handled, by contact

Receiving and handling are apart now (bot.inbound, bot.messaging.handling): a message
is stored ``received`` and a worker handles the contact's oldest first. The index holds
only those rows (a handful at any time), for handling's look-up and the sweep's.

Revision ID: 0027_message_received
Revises: 0026_external_id
Create Date: 2026-12-07
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0027_message_received"
down_revision = "0026_external_id"
branch_labels = None
depends_on = None

WHERE = sa.text("status = 'received'")


def upgrade() -> None:
    op.create_index("ix_message_received", "message", ["contact_id", "id"],
                    postgresql_where=WHERE, sqlite_where=WHERE)


def downgrade() -> None:
    op.drop_index("ix_message_received", table_name="message")
