"""broadcasts and their send rows

Revision ID: 0002_broadcast
Revises: 0001_initial
Create Date: 2026-11-27 21:36:07.833399
"""
from __future__ import annotations

from alembic import op
import sqlalchemy as sa
import bot.models.base
from sqlalchemy.dialects import postgresql

revision = '0002_broadcast'
down_revision = '0001_initial'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('broadcast',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('body_sms', sa.Text(), nullable=False),
    sa.Column('body_whatsapp', sa.Text(), nullable=True),
    sa.Column('content_sid', sa.String(length=40), nullable=True),
    sa.Column('content_variables', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=True),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('kelurahan_id', sa.Integer(), nullable=True),
    sa.Column('queued_count', sa.Integer(), nullable=False),
    sa.Column('sent_count', sa.Integer(), nullable=False),
    sa.Column('delivered_count', sa.Integer(), nullable=False),
    sa.Column('failed_count', sa.Integer(), nullable=False),
    sa.Column('skipped_count', sa.Integer(), nullable=False),
    sa.Column('created_at', bot.models.base.UtcDateTime(timezone=True), nullable=False),
    sa.Column('started_at', bot.models.base.UtcDateTime(timezone=True), nullable=True),
    sa.Column('finished_at', bot.models.base.UtcDateTime(timezone=True), nullable=True),
    sa.Column('heartbeat_at', bot.models.base.UtcDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['kelurahan_id'], ['kelurahan.id'], name=op.f('fk_broadcast_kelurahan_id_kelurahan')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_broadcast'))
    )
    op.create_table('broadcast_send',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('broadcast_id', sa.Integer(), nullable=False),
    sa.Column('contact_id', sa.Integer(), nullable=False),
    sa.Column('channel', sa.String(length=10), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('not_before', bot.models.base.UtcDateTime(timezone=True), nullable=True),
    sa.Column('claim_token', sa.String(length=32), nullable=True),
    sa.Column('claimed_at', bot.models.base.UtcDateTime(timezone=True), nullable=True),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('sent_channel', sa.String(length=10), nullable=True),
    sa.Column('via', sa.String(length=10), nullable=True),
    sa.Column('twilio_sid', sa.String(length=64), nullable=True),
    sa.Column('error_code', sa.Integer(), nullable=True),
    sa.Column('sent_at', bot.models.base.UtcDateTime(timezone=True), nullable=True),
    sa.Column('updated_at', bot.models.base.UtcDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['broadcast_id'], ['broadcast.id'], name=op.f('fk_broadcast_send_broadcast_id_broadcast')),
    sa.ForeignKeyConstraint(['contact_id'], ['contact.id'], name=op.f('fk_broadcast_send_contact_id_contact')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_broadcast_send')),
    sa.UniqueConstraint('broadcast_id', 'contact_id', name='uq_broadcast_send_recipient'),
    sa.UniqueConstraint('twilio_sid', name=op.f('uq_broadcast_send_twilio_sid'))
    )
    with op.batch_alter_table('broadcast_send', schema=None) as batch_op:
        batch_op.create_index('ix_broadcast_send_claim', ['broadcast_id', 'status', 'id'], unique=False)
        batch_op.create_index(batch_op.f('ix_broadcast_send_contact_id'), ['contact_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('broadcast_send', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_broadcast_send_contact_id'))
        batch_op.drop_index('ix_broadcast_send_claim')

    op.drop_table('broadcast_send')
    op.drop_table('broadcast')
