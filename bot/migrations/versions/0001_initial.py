"""initial schema: areas, contacts, messages, sessions, officers

Revision ID: 0001_initial
Revises: 
Create Date: 2026-11-27 21:29:42.174596
"""
from __future__ import annotations

from alembic import op
import sqlalchemy as sa
import bot.models.base
from sqlalchemy.dialects import postgresql

revision = '0001_initial'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    
    op.create_table('kelurahan',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('kota', sa.String(length=120), nullable=False),
    sa.Column('provinsi', sa.String(length=120), nullable=False),
    sa.Column('time_zone', sa.String(length=40), nullable=False),
    sa.Column('created_at', bot.models.base.UtcDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_kelurahan')),
    sa.UniqueConstraint('name', 'kota', name='uq_kelurahan_name_kota')
    )
    op.create_table('contact',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('phone', sa.String(length=20), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=True),
    sa.Column('language', sa.String(length=2), nullable=False),
    sa.Column('uses_sms', sa.Boolean(), nullable=False),
    sa.Column('uses_whatsapp', sa.Boolean(), nullable=False),
    sa.Column('opted_out', sa.Boolean(), nullable=False),
    sa.Column('opted_out_at', bot.models.base.UtcDateTime(timezone=True), nullable=True),
    sa.Column('invalid_number', sa.Boolean(), nullable=False),
    sa.Column('kelurahan_id', sa.Integer(), nullable=True),
    sa.Column('last_whatsapp_at', bot.models.base.UtcDateTime(timezone=True), nullable=True),
    sa.Column('last_seen_at', bot.models.base.UtcDateTime(timezone=True), nullable=True),
    sa.Column('created_at', bot.models.base.UtcDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['kelurahan_id'], ['kelurahan.id'], name=op.f('fk_contact_kelurahan_id_kelurahan')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_contact')),
    sa.UniqueConstraint('phone', name=op.f('uq_contact_phone'))
    )
    op.create_table('officer',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('username', sa.String(length=80), nullable=False),
    sa.Column('full_name', sa.String(length=120), nullable=False),
    sa.Column('password_hash', sa.String(length=255), nullable=False),
    sa.Column('role', sa.String(length=20), nullable=False),
    sa.Column('level', sa.String(length=12), nullable=False),
    sa.Column('kelurahan_id', sa.Integer(), nullable=True),
    sa.Column('kota', sa.String(length=120), nullable=True),
    sa.Column('provinsi', sa.String(length=120), nullable=True),
    sa.Column('api_token_hash', sa.String(length=64), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', bot.models.base.UtcDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['kelurahan_id'], ['kelurahan.id'], name=op.f('fk_officer_kelurahan_id_kelurahan')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_officer')),
    sa.UniqueConstraint('api_token_hash', name=op.f('uq_officer_api_token_hash')),
    sa.UniqueConstraint('username', name=op.f('uq_officer_username'))
    )
    op.create_table('conversation_session',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('contact_id', sa.Integer(), nullable=False),
    sa.Column('flow', sa.String(length=40), nullable=False),
    sa.Column('step', sa.String(length=40), nullable=False),
    sa.Column('data', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('created_at', bot.models.base.UtcDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', bot.models.base.UtcDateTime(timezone=True), nullable=False),
    sa.Column('expires_at', bot.models.base.UtcDateTime(timezone=True), nullable=False),
    sa.Column('ended_at', bot.models.base.UtcDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['contact_id'], ['contact.id'], name=op.f('fk_conversation_session_contact_id_contact')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_conversation_session'))
    )
    with op.batch_alter_table('conversation_session', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_conversation_session_contact_id'), ['contact_id'], unique=False)
        batch_op.create_index('uq_conversation_session_active', ['contact_id'], unique=True, postgresql_where=sa.text("status = 'active'"), sqlite_where=sa.text("status = 'active'"))

    op.create_table('message',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('contact_id', sa.Integer(), nullable=False),
    sa.Column('direction', sa.String(length=3), nullable=False),
    sa.Column('channel', sa.String(length=10), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('media', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=True),
    sa.Column('twilio_sid', sa.String(length=64), nullable=True),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('error_code', sa.Integer(), nullable=True),
    sa.Column('reply_to_id', sa.Integer(), nullable=True),
    sa.Column('kind', sa.String(length=20), nullable=True),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('created_at', bot.models.base.UtcDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', bot.models.base.UtcDateTime(timezone=True), nullable=False),
    sa.Column('sent_at', bot.models.base.UtcDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['contact_id'], ['contact.id'], name=op.f('fk_message_contact_id_contact')),
    sa.ForeignKeyConstraint(['reply_to_id'], ['message.id'], name=op.f('fk_message_reply_to_id_message')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_message')),
    sa.UniqueConstraint('twilio_sid', name=op.f('uq_message_twilio_sid'))
    )
    with op.batch_alter_table('message', schema=None) as batch_op:
        batch_op.create_index('ix_message_contact_created', ['contact_id', 'created_at'], unique=False)
        batch_op.create_index('ix_message_queued', ['created_at'], unique=False, postgresql_where=sa.text("status = 'queued'"), sqlite_where=sa.text("status = 'queued'"))
        batch_op.create_index(batch_op.f('ix_message_reply_to_id'), ['reply_to_id'], unique=False)

    


def downgrade() -> None:
    
    with op.batch_alter_table('message', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_message_reply_to_id'))
        batch_op.drop_index('ix_message_queued', postgresql_where=sa.text("status = 'queued'"), sqlite_where=sa.text("status = 'queued'"))
        batch_op.drop_index('ix_message_contact_created')

    op.drop_table('message')
    with op.batch_alter_table('conversation_session', schema=None) as batch_op:
        batch_op.drop_index('uq_conversation_session_active', postgresql_where=sa.text("status = 'active'"), sqlite_where=sa.text("status = 'active'"))
        batch_op.drop_index(batch_op.f('ix_conversation_session_contact_id'))

    op.drop_table('conversation_session')
    op.drop_table('officer')
    op.drop_table('contact')
    op.drop_table('kelurahan')
    
