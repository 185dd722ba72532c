"""proposals: filing, co-sponsors, supports, versions, comments, timeline events and response reminders;
documents may belong to a proposal; agenda items, decisions and action items link to one (real foreign keys)

Revision ID: cbdaa141c6eb
Revises: f4154fcea1f0
Create Date: 2026-11-24 07:13:41.225915

"""
from alembic import op
import sqlalchemy as sa

import committees.models.types  # noqa: F401 - custom column types used below


# revision identifiers, used by Alembic.
revision = 'cbdaa141c6eb'
down_revision = 'f4154fcea1f0'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('proposal',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('committee_id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('summary', sa.String(length=500), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('body_html', sa.Text(), nullable=False),
    sa.Column('target_group', sa.String(length=300), nullable=False),
    sa.Column('expected_impact', sa.Text(), nullable=False),
    sa.Column('budget_eur', sa.Numeric(precision=12, scale=2), nullable=True),
    sa.Column('timeframe', sa.String(length=200), nullable=False),
    sa.Column('state', sa.Enum('draft', 'submitted', 'under_review', 'returned', 'on_agenda', 'endorsed', 'declined', 'forwarded', 'adopted', 'adopted_in_part', 'not_adopted', 'in_implementation', 'implemented', 'withdrawn', name='proposal_state', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('state_changed_at', committees.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('state_reason', sa.Text(), nullable=False),
    sa.Column('submitted_at', committees.models.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('decided_at', committees.models.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('forwarded_at', committees.models.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('city_department', sa.String(length=200), nullable=False),
    sa.Column('response_deadline', sa.Date(), nullable=True),
    sa.Column('city_responded_at', committees.models.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('city_reply', sa.Text(), nullable=False),
    sa.Column('city_reply_html', sa.Text(), nullable=False),
    sa.Column('current_version', sa.Integer(), nullable=False),
    sa.Column('support_count', sa.Integer(), nullable=False),
    sa.Column('created_at', committees.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', committees.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['committee_id'], ['committee.id'], name=op.f('fk_proposal_committee_id_committee')),
    sa.ForeignKeyConstraint(['created_by_id'], ['person.id'], name=op.f('fk_proposal_created_by_id_person'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], name=op.f('fk_proposal_organisation_id_organisation')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_proposal'))
    )
    with op.batch_alter_table('proposal', schema=None) as batch_op:
        batch_op.create_index('ix_proposal_committee_state', ['committee_id', 'state'], unique=False)
        batch_op.create_index('ix_proposal_organisation_state', ['organisation_id', 'state'], unique=False)
        batch_op.create_index('ix_proposal_state_deadline', ['state', 'response_deadline'], unique=False)

    op.create_table('proposal_comment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('proposal_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=True),
    sa.Column('organisation_id', sa.Integer(), nullable=True),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('body_html', sa.Text(), nullable=False),
    sa.Column('created_at', committees.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('hidden_at', committees.models.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('hidden_by_id', sa.Integer(), nullable=True),
    sa.Column('hidden_reason', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['hidden_by_id'], ['person.id'], name=op.f('fk_proposal_comment_hidden_by_id_person'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], name=op.f('fk_proposal_comment_organisation_id_organisation'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_proposal_comment_person_id_person'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['proposal_id'], ['proposal.id'], name=op.f('fk_proposal_comment_proposal_id_proposal'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_proposal_comment'))
    )
    with op.batch_alter_table('proposal_comment', schema=None) as batch_op:
        batch_op.create_index('ix_proposal_comment_proposal', ['proposal_id', 'created_at'], unique=False)

    op.create_table('proposal_cosponsor',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('proposal_id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.Enum('invited', 'accepted', 'declined', name='cosponsor_status', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('invited_by_id', sa.Integer(), nullable=True),
    sa.Column('invited_at', committees.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('responded_by_id', sa.Integer(), nullable=True),
    sa.Column('responded_at', committees.models.types.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['invited_by_id'], ['person.id'], name=op.f('fk_proposal_cosponsor_invited_by_id_person'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], name=op.f('fk_proposal_cosponsor_organisation_id_organisation'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['proposal_id'], ['proposal.id'], name=op.f('fk_proposal_cosponsor_proposal_id_proposal'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['responded_by_id'], ['person.id'], name=op.f('fk_proposal_cosponsor_responded_by_id_person'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_proposal_cosponsor')),
    sa.UniqueConstraint('proposal_id', 'organisation_id', name=op.f('uq_proposal_cosponsor_proposal_id_organisation_id'))
    )
    with op.batch_alter_table('proposal_cosponsor', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_proposal_cosponsor_organisation_id'), ['organisation_id'], unique=False)

    op.create_table('proposal_reminder',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('proposal_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('sent_on', sa.Date(), nullable=False),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_proposal_reminder_person_id_person'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['proposal_id'], ['proposal.id'], name=op.f('fk_proposal_reminder_proposal_id_proposal'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_proposal_reminder')),
    sa.UniqueConstraint('proposal_id', 'person_id', 'kind', 'sent_on', name=op.f('uq_proposal_reminder_proposal_id_person_id_kind_sent_on'))
    )
    with op.batch_alter_table('proposal_reminder', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_proposal_reminder_person_id'), ['person_id'], unique=False)

    op.create_table('proposal_support',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('proposal_id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=True),
    sa.Column('created_at', committees.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], name=op.f('fk_proposal_support_organisation_id_organisation'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_proposal_support_person_id_person'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['proposal_id'], ['proposal.id'], name=op.f('fk_proposal_support_proposal_id_proposal'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_proposal_support')),
    sa.UniqueConstraint('proposal_id', 'organisation_id', name=op.f('uq_proposal_support_proposal_id_organisation_id'))
    )
    with op.batch_alter_table('proposal_support', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_proposal_support_organisation_id'), ['organisation_id'], unique=False)

    op.create_table('proposal_version',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('proposal_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('snapshot', sa.Text(), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('created_at', committees.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['person.id'], name=op.f('fk_proposal_version_author_id_person'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['proposal_id'], ['proposal.id'], name=op.f('fk_proposal_version_proposal_id_proposal'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_proposal_version')),
    sa.UniqueConstraint('proposal_id', 'number', name=op.f('uq_proposal_version_proposal_id_number'))
    )
    op.create_table('proposal_event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('proposal_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('from_state', sa.Enum('draft', 'submitted', 'under_review', 'returned', 'on_agenda', 'endorsed', 'declined', 'forwarded', 'adopted', 'adopted_in_part', 'not_adopted', 'in_implementation', 'implemented', 'withdrawn', name='proposal_event_from_state', native_enum=False, create_constraint=True, length=32), nullable=True),
    sa.Column('to_state', sa.Enum('draft', 'submitted', 'under_review', 'returned', 'on_agenda', 'endorsed', 'declined', 'forwarded', 'adopted', 'adopted_in_part', 'not_adopted', 'in_implementation', 'implemented', 'withdrawn', name='proposal_event_to_state', native_enum=False, create_constraint=True, length=32), nullable=True),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=True),
    sa.Column('agenda_item_id', sa.Integer(), nullable=True),
    sa.Column('decision_id', sa.Integer(), nullable=True),
    sa.Column('document_id', sa.Integer(), nullable=True),
    sa.Column('department', sa.String(length=200), nullable=False),
    sa.Column('response_deadline', sa.Date(), nullable=True),
    sa.Column('created_at', committees.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['person.id'], name=op.f('fk_proposal_event_actor_id_person'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['agenda_item_id'], ['agenda_item.id'], name=op.f('fk_proposal_event_agenda_item_id_agenda_item'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['decision_id'], ['decision.id'], name=op.f('fk_proposal_event_decision_id_decision'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['document_id'], ['document.id'], name=op.f('fk_proposal_event_document_id_document'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], name=op.f('fk_proposal_event_organisation_id_organisation'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['proposal_id'], ['proposal.id'], name=op.f('fk_proposal_event_proposal_id_proposal'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_proposal_event'))
    )
    with op.batch_alter_table('proposal_event', schema=None) as batch_op:
        batch_op.create_index('ix_proposal_event_proposal', ['proposal_id', 'created_at'], unique=False)

    # No proposal existed before this revision: any number left in these columns points nowhere.
    op.execute("UPDATE action_item SET proposal_id = NULL WHERE proposal_id IS NOT NULL")
    op.execute("UPDATE decision SET proposal_id = NULL WHERE proposal_id IS NOT NULL")

    with op.batch_alter_table('action_item', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_action_item_proposal_id'), ['proposal_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_action_item_proposal_id_proposal'), 'proposal', ['proposal_id'], ['id'], ondelete='SET NULL')

    with op.batch_alter_table('agenda_item', schema=None) as batch_op:
        batch_op.add_column(sa.Column('proposal_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_agenda_item_proposal_id'), ['proposal_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_agenda_item_proposal_id_proposal'), 'proposal', ['proposal_id'], ['id'], ondelete='SET NULL')

    with op.batch_alter_table('decision', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_decision_proposal_id'), ['proposal_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_decision_proposal_id_proposal'), 'proposal', ['proposal_id'], ['id'], ondelete='SET NULL')

    with op.batch_alter_table('document', schema=None) as batch_op:
        batch_op.add_column(sa.Column('proposal_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_document_proposal_id'), ['proposal_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_document_proposal_id_proposal'), 'proposal', ['proposal_id'], ['id'], ondelete='CASCADE')



def downgrade():
    with op.batch_alter_table('document', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_document_proposal_id_proposal'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_document_proposal_id'))
        batch_op.drop_column('proposal_id')

    with op.batch_alter_table('decision', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_decision_proposal_id_proposal'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_decision_proposal_id'))

    with op.batch_alter_table('agenda_item', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_agenda_item_proposal_id_proposal'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_agenda_item_proposal_id'))
        batch_op.drop_column('proposal_id')

    with op.batch_alter_table('action_item', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_action_item_proposal_id_proposal'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_action_item_proposal_id'))

    with op.batch_alter_table('proposal_event', schema=None) as batch_op:
        batch_op.drop_index('ix_proposal_event_proposal')

    op.drop_table('proposal_event')
    op.drop_table('proposal_version')
    with op.batch_alter_table('proposal_support', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_proposal_support_organisation_id'))

    op.drop_table('proposal_support')
    with op.batch_alter_table('proposal_reminder', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_proposal_reminder_person_id'))

    op.drop_table('proposal_reminder')
    with op.batch_alter_table('proposal_cosponsor', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_proposal_cosponsor_organisation_id'))

    op.drop_table('proposal_cosponsor')
    with op.batch_alter_table('proposal_comment', schema=None) as batch_op:
        batch_op.drop_index('ix_proposal_comment_proposal')

    op.drop_table('proposal_comment')
    with op.batch_alter_table('proposal', schema=None) as batch_op:
        batch_op.drop_index('ix_proposal_state_deadline')
        batch_op.drop_index('ix_proposal_organisation_state')
        batch_op.drop_index('ix_proposal_committee_state')

    op.drop_table('proposal')
