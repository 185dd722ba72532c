"""api tokens: personal access tokens for the JSON API (SHA-256 of the secret, scope, expiry, last use,
revocation)

Revision ID: 114ecfe359e2
Revises: cbdaa141c6eb
Create Date: 2026-11-24 07:51:10.331174

"""
from alembic import op
import sqlalchemy as sa

import committees.models.types  # noqa: F401 - custom column types used below


# revision identifiers, used by Alembic.
revision = '114ecfe359e2'
down_revision = 'cbdaa141c6eb'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('api_token',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('scope', sa.Enum('read', 'write', name='token_scope', native_enum=False, create_constraint=True,
                               length=32), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('hint', sa.String(length=16), nullable=False),
    sa.Column('created_at', committees.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('expires_at', committees.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('last_used_at', committees.models.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('revoked_at', committees.models.types.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_api_token_person_id_person'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_api_token')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_api_token_token_hash'))
    )
    with op.batch_alter_table('api_token', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_api_token_person_id'), ['person_id'], unique=False)



def downgrade():
    with op.batch_alter_table('api_token', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_api_token_person_id'))

    op.drop_table('api_token')
