"""complaints: complaint, audit trail, media, held notices, CEK misses

Revision ID: 0002_complaints
Revises: 0001_initial
Create Date: 2026-11-27 21:34:55.422047
"""
from __future__ import annotations

from alembic import op
import sqlalchemy as sa
import bot.models.base
from sqlalchemy.dialects import postgresql

revision = '0002_complaints'
down_revision = '0001_initial'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('complaint_check_miss',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('contact_id', sa.Integer(), nullable=False),
    sa.Column('created_at', bot.models.base.UtcDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['contact_id'], ['contact.id'], name=op.f('fk_complaint_check_miss_contact_id_contact')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_complaint_check_miss'))
    )
    with op.batch_alter_table('complaint_check_miss', schema=None) as batch_op:
        batch_op.create_index('ix_complaint_check_miss_contact', ['contact_id', 'created_at'], unique=False)

    op.create_table('complaint',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('code', sa.String(length=12), nullable=False),
    sa.Column('contact_id', sa.Integer(), nullable=False),
    sa.Column('inbound_message_id', sa.Integer(), nullable=True),
    sa.Column('channel', sa.String(length=10), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('location_text', sa.String(length=200), nullable=True),
    sa.Column('kelurahan_id', sa.Integer(), nullable=True),
    sa.Column('kota', sa.String(length=120), nullable=True),
    sa.Column('provinsi', sa.String(length=120), nullable=True),
    sa.Column('kind', sa.String(length=24), nullable=True),
    sa.Column('accused', sa.String(length=300), nullable=True),
    sa.Column('amount', sa.BigInteger(), nullable=True),
    sa.Column('anonymous', sa.Boolean(), nullable=False),
    sa.Column('names_bkm_member', sa.Boolean(), nullable=False),
    sa.Column('level', sa.String(length=12), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('status_reason', sa.Text(), nullable=True),
    sa.Column('public_response', sa.Text(), nullable=True),
    sa.Column('assigned_officer_id', sa.Integer(), nullable=True),
    sa.Column('due_at', bot.models.base.UtcDateTime(timezone=True), nullable=True),
    sa.Column('created_at', bot.models.base.UtcDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', bot.models.base.UtcDateTime(timezone=True), nullable=False),
    sa.Column('closed_at', bot.models.base.UtcDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['assigned_officer_id'], ['officer.id'], name=op.f('fk_complaint_assigned_officer_id_officer')),
    sa.ForeignKeyConstraint(['contact_id'], ['contact.id'], name=op.f('fk_complaint_contact_id_contact')),
    sa.ForeignKeyConstraint(['inbound_message_id'], ['message.id'], name=op.f('fk_complaint_inbound_message_id_message')),
    sa.ForeignKeyConstraint(['kelurahan_id'], ['kelurahan.id'], name=op.f('fk_complaint_kelurahan_id_kelurahan')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_complaint')),
    sa.UniqueConstraint('code', name=op.f('uq_complaint_code')),
    sa.UniqueConstraint('inbound_message_id', name=op.f('uq_complaint_inbound_message_id'))
    )
    with op.batch_alter_table('complaint', schema=None) as batch_op:
        batch_op.create_index('ix_complaint_kelurahan_scope', ['kelurahan_id', 'level', 'id'], unique=False, postgresql_include=['status', 'due_at'])
        batch_op.create_index('ix_complaint_kota_scope', ['kota', 'level', 'id'], unique=False, postgresql_include=['status', 'due_at'])
        batch_op.create_index('ix_complaint_provinsi_scope', ['provinsi', 'level', 'id'], unique=False, postgresql_include=['status', 'due_at'])
        batch_op.create_index('ix_complaint_level', ['level', 'id'], unique=False, postgresql_include=['status', 'due_at'])
        batch_op.create_index('ix_complaint_status', ['status', 'id'], unique=False)
        batch_op.create_index('ix_complaint_assigned', ['assigned_officer_id', 'id'], unique=False)
        batch_op.create_index('ix_complaint_due', ['due_at'], unique=False)
        batch_op.create_index('ix_complaint_created', ['created_at'], unique=False)
        batch_op.create_index('ix_complaint_contact', ['contact_id', 'id'], unique=False)

    op.create_table('complaint_event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('complaint_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('officer_id', sa.Integer(), nullable=True),
    sa.Column('action', sa.String(length=30), nullable=False),
    sa.Column('before', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=True),
    sa.Column('after', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('message_id', sa.Integer(), nullable=True),
    sa.Column('created_at', bot.models.base.UtcDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['complaint_id'], ['complaint.id'], name=op.f('fk_complaint_event_complaint_id_complaint')),
    sa.ForeignKeyConstraint(['message_id'], ['message.id'], name=op.f('fk_complaint_event_message_id_message')),
    sa.ForeignKeyConstraint(['officer_id'], ['officer.id'], name=op.f('fk_complaint_event_officer_id_officer')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_complaint_event'))
    )
    with op.batch_alter_table('complaint_event', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_complaint_event_complaint_id'), ['complaint_id'], unique=False)

    op.create_table('complaint_media',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('complaint_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('message_id', sa.Integer(), nullable=True),
    sa.Column('url', sa.Text(), nullable=False),
    sa.Column('content_type', sa.String(length=100), nullable=False),
    sa.Column('created_at', bot.models.base.UtcDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['complaint_id'], ['complaint.id'], name=op.f('fk_complaint_media_complaint_id_complaint')),
    sa.ForeignKeyConstraint(['message_id'], ['message.id'], name=op.f('fk_complaint_media_message_id_message')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_complaint_media'))
    )
    with op.batch_alter_table('complaint_media', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_complaint_media_complaint_id'), ['complaint_id'], unique=False)

    op.create_table('complaint_notice',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('complaint_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('not_before', bot.models.base.UtcDateTime(timezone=True), nullable=False),
    sa.Column('message_id', sa.Integer(), nullable=True),
    sa.Column('created_at', bot.models.base.UtcDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['complaint_id'], ['complaint.id'], name=op.f('fk_complaint_notice_complaint_id_complaint')),
    sa.ForeignKeyConstraint(['message_id'], ['message.id'], name=op.f('fk_complaint_notice_message_id_message')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_complaint_notice'))
    )
    with op.batch_alter_table('complaint_notice', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_complaint_notice_complaint_id'), ['complaint_id'], unique=False)
        batch_op.create_index('ix_complaint_notice_due', ['not_before', 'message_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('complaint_notice', schema=None) as batch_op:
        batch_op.drop_index('ix_complaint_notice_due')
        batch_op.drop_index(batch_op.f('ix_complaint_notice_complaint_id'))

    op.drop_table('complaint_notice')
    with op.batch_alter_table('complaint_media', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_complaint_media_complaint_id'))

    op.drop_table('complaint_media')
    with op.batch_alter_table('complaint_event', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_complaint_event_complaint_id'))

    op.drop_table('complaint_event')
    with op.batch_alter_table('complaint', schema=None) as batch_op:
        batch_op.drop_index('ix_complaint_contact')
        batch_op.drop_index('ix_complaint_created')
        batch_op.drop_index('ix_complaint_due')
        batch_op.drop_index('ix_complaint_assigned')
        batch_op.drop_index('ix_complaint_status')
        batch_op.drop_index('ix_complaint_level')
        batch_op.drop_index('ix_complaint_provinsi_scope')
        batch_op.drop_index('ix_complaint_kota_scope')
        batch_op.drop_index('ix_complaint_kelurahan_scope')

    op.drop_table('complaint')
    with op.batch_alter_table('complaint_check_miss', schema=None) as batch_op:
        batch_op.drop_index('ix_complaint_check_miss_contact')

    op.drop_table('complaint_check_miss')
