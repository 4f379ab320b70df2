"""ksm registration, members, poor list, proposals

Revision ID: 0002_ksm
Revises: 0001_initial
Create Date: 2026-11-27 21:35:44.034695
"""
from __future__ import annotations

from alembic import op
import sqlalchemy as sa
import bot.models.base


revision = '0002_ksm'
down_revision = '0001_initial'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('pjm_program',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kelurahan_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', bot.models.base.UtcDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['kelurahan_id'], ['kelurahan.id'], name=op.f('fk_pjm_program_kelurahan_id_kelurahan')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pjm_program'))
    )
    with op.batch_alter_table('pjm_program', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_pjm_program_kelurahan_id'), ['kelurahan_id'], unique=False)

    op.create_table('poor_resident',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kelurahan_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('household', sa.String(length=40), nullable=False),
    sa.Column('rt', sa.String(length=4), nullable=False),
    sa.Column('rw', sa.String(length=4), nullable=False),
    sa.Column('phone', sa.String(length=20), nullable=True),
    sa.Column('created_at', bot.models.base.UtcDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['kelurahan_id'], ['kelurahan.id'], name=op.f('fk_poor_resident_kelurahan_id_kelurahan')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_poor_resident'))
    )
    with op.batch_alter_table('poor_resident', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_poor_resident_kelurahan_id'), ['kelurahan_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_poor_resident_phone'), ['phone'], unique=False)

    op.create_table('ksm',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=8), nullable=False),
    sa.Column('name', sa.String(length=80), nullable=False),
    sa.Column('kelurahan_id', sa.Integer(), nullable=False),
    sa.Column('field', sa.String(length=20), nullable=False),
    sa.Column('unit', sa.String(length=3), nullable=False),
    sa.Column('women', sa.Boolean(), nullable=False),
    sa.Column('goal', sa.String(length=200), nullable=False),
    sa.Column('values_agreed', sa.Boolean(), nullable=False),
    sa.Column('status', sa.String(length=24), nullable=False),
    sa.Column('rejection_reason', sa.String(length=300), nullable=True),
    sa.Column('cycle_stage', sa.String(length=6), nullable=False),
    sa.Column('leader_contact_id', sa.Integer(), nullable=False),
    sa.Column('created_at', bot.models.base.UtcDateTime(timezone=True), nullable=False),
    sa.Column('submitted_at', bot.models.base.UtcDateTime(timezone=True), nullable=True),
    sa.Column('verified_at', bot.models.base.UtcDateTime(timezone=True), nullable=True),
    sa.Column('verified_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['kelurahan_id'], ['kelurahan.id'], name=op.f('fk_ksm_kelurahan_id_kelurahan')),
    sa.ForeignKeyConstraint(['leader_contact_id'], ['contact.id'], name=op.f('fk_ksm_leader_contact_id_contact')),
    sa.ForeignKeyConstraint(['verified_by_id'], ['officer.id'], name=op.f('fk_ksm_verified_by_id_officer')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ksm')),
    sa.UniqueConstraint('code', name=op.f('uq_ksm_code'))
    )
    with op.batch_alter_table('ksm', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_ksm_kelurahan_id'), ['kelurahan_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_ksm_leader_contact_id'), ['leader_contact_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_ksm_status'), ['status'], unique=False)

    op.create_table('ksm_member',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('ksm_id', sa.Integer(), nullable=False),
    sa.Column('contact_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=80), nullable=False),
    sa.Column('gender', sa.String(length=1), nullable=True),
    sa.Column('role', sa.String(length=8), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('poor_resident_id', sa.Integer(), nullable=True),
    sa.Column('poor_match', sa.String(length=8), nullable=True),
    sa.Column('created_at', bot.models.base.UtcDateTime(timezone=True), nullable=False),
    sa.Column('responded_at', bot.models.base.UtcDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['contact_id'], ['contact.id'], name=op.f('fk_ksm_member_contact_id_contact')),
    sa.ForeignKeyConstraint(['ksm_id'], ['ksm.id'], name=op.f('fk_ksm_member_ksm_id_ksm')),
    sa.ForeignKeyConstraint(['poor_resident_id'], ['poor_resident.id'], name=op.f('fk_ksm_member_poor_resident_id_poor_resident')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ksm_member')),
    sa.UniqueConstraint('ksm_id', 'contact_id', name='uq_ksm_member_ksm_contact')
    )
    with op.batch_alter_table('ksm_member', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_ksm_member_contact_id'), ['contact_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_ksm_member_ksm_id'), ['ksm_id'], unique=False)

    op.create_table('proposal',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('ksm_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=120), nullable=False),
    sa.Column('pjm_program_id', sa.Integer(), nullable=True),
    sa.Column('field', sa.String(length=20), nullable=False),
    sa.Column('unit', sa.String(length=3), nullable=False),
    sa.Column('amount', sa.BigInteger(), nullable=False),
    sa.Column('beneficiaries', sa.Integer(), nullable=False),
    sa.Column('poor_beneficiaries', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('reviewer_notes', sa.Text(), nullable=True),
    sa.Column('interview_done', sa.Boolean(), nullable=False),
    sa.Column('field_visit_done', sa.Boolean(), nullable=False),
    sa.Column('source', sa.String(length=10), nullable=False),
    sa.Column('reviewed_by_id', sa.Integer(), nullable=True),
    sa.Column('reviewed_at', bot.models.base.UtcDateTime(timezone=True), nullable=True),
    sa.Column('created_at', bot.models.base.UtcDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['ksm_id'], ['ksm.id'], name=op.f('fk_proposal_ksm_id_ksm')),
    sa.ForeignKeyConstraint(['pjm_program_id'], ['pjm_program.id'], name=op.f('fk_proposal_pjm_program_id_pjm_program')),
    sa.ForeignKeyConstraint(['reviewed_by_id'], ['officer.id'], name=op.f('fk_proposal_reviewed_by_id_officer')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_proposal'))
    )
    with op.batch_alter_table('proposal', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_proposal_ksm_id'), ['ksm_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_proposal_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_proposal_unit'), ['unit'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('proposal', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_proposal_unit'))
        batch_op.drop_index(batch_op.f('ix_proposal_status'))
        batch_op.drop_index(batch_op.f('ix_proposal_ksm_id'))

    op.drop_table('proposal')
    with op.batch_alter_table('ksm_member', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_ksm_member_ksm_id'))
        batch_op.drop_index(batch_op.f('ix_ksm_member_contact_id'))

    op.drop_table('ksm_member')
    with op.batch_alter_table('ksm', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_ksm_status'))
        batch_op.drop_index(batch_op.f('ix_ksm_leader_contact_id'))
        batch_op.drop_index(batch_op.f('ix_ksm_kelurahan_id'))

    op.drop_table('ksm')
    with op.batch_alter_table('poor_resident', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_poor_resident_phone'))
        batch_op.drop_index(batch_op.f('ix_poor_resident_kelurahan_id'))

    op.drop_table('poor_resident')
    with op.batch_alter_table('pjm_program', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_pjm_program_kelurahan_id'))

    op.drop_table('pjm_program')
