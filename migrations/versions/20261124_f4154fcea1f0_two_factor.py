"""two factor: authenticator (TOTP) settings and one-time recovery codes

Revision ID: f4154fcea1f0
Revises: 4ca43cf716b4
Create Date: 2026-11-24 06:10:48.014956

"""
from alembic import op
import sqlalchemy as sa

import committees.models.types  # noqa: F401 - custom column types used below


# revision identifiers, used by Alembic.
revision = 'f4154fcea1f0'
down_revision = '4ca43cf716b4'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('two_factor',
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('secret_sealed', sa.String(length=255), nullable=True),
    sa.Column('pending_sealed', sa.String(length=255), nullable=True),
    sa.Column('pending_since', committees.models.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('enabled_at', committees.models.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('last_used_step', sa.BigInteger(), nullable=True),
    sa.Column('created_at', committees.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_two_factor_person_id_person'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('person_id', name=op.f('pk_two_factor'))
    )
    op.create_table('recovery_code',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('code_hash', sa.String(length=255), nullable=False),
    sa.Column('created_at', committees.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('used_at', committees.models.types.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_recovery_code_person_id_person'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_recovery_code'))
    )
    with op.batch_alter_table('recovery_code', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_recovery_code_person_id'), ['person_id'], unique=False)


def downgrade():
    with op.batch_alter_table('recovery_code', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_recovery_code_person_id'))

    op.drop_table('recovery_code')
    op.drop_table('two_factor')
