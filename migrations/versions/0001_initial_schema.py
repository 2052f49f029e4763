"""Initial schema: every table of the first data model

Revision ID: 0001
Revises: 
Create Date: 2026-11-27 04:42:26.277100
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op


revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:

    op.create_table('holiday',
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('is_workday', sa.Boolean(), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('source', sa.Enum('chinesecalendar', 'admin', name='holidaysource', native_enum=False, length=32), nullable=False),
    sa.PrimaryKeyConstraint('day', name=op.f('pk_holiday'))
    )
    op.create_table('holiday_year',
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('source', sa.Enum('chinesecalendar', 'admin', name='holidaysource', native_enum=False, length=32), nullable=False),
    sa.Column('added_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('year', name=op.f('pk_holiday_year'))
    )
    op.create_table('street',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('kind', sa.Enum('street', 'town', name='streetkind', native_enum=False, length=32), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_street')),
    sa.UniqueConstraint('code', name=op.f('uq_street_code'))
    )
    op.create_table('community',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('kind', sa.Enum('community', 'village', name='communitykind', native_enum=False, length=32), nullable=False),
    sa.Column('street_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['street_id'], ['street.id'], name=op.f('fk_community_street_id_street')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_community')),
    sa.UniqueConstraint('code', name=op.f('uq_community_code'))
    )
    with op.batch_alter_table('community', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_community_street_id'), ['street_id'], unique=False)

    op.create_table('unit',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
    sa.Column('short_name', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=True),
    sa.Column('kind', sa.Enum('petition_office', 'department', 'street_office', 'discipline', 'judicial', 'mediation_centre', 'enterprise', 'other', name='unitkind', native_enum=False, length=32), nullable=False),
    sa.Column('parent_id', sa.Integer(), nullable=True),
    sa.Column('street_id', sa.Integer(), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['parent_id'], ['unit.id'], name=op.f('fk_unit_parent_id_unit')),
    sa.ForeignKeyConstraint(['street_id'], ['street.id'], name=op.f('fk_unit_street_id_street')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_unit')),
    sa.UniqueConstraint('code', name=op.f('uq_unit_code'))
    )
    with op.batch_alter_table('unit', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_unit_parent_id'), ['parent_id'], unique=False)

    op.create_table('grid',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=60), nullable=False),
    sa.Column('community_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['community_id'], ['community.id'], name=op.f('fk_grid_community_id_community')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_grid')),
    sa.UniqueConstraint('code', name=op.f('uq_grid_code'))
    )
    with op.batch_alter_table('grid', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_grid_community_id'), ['community_id'], unique=False)

    op.create_table('user',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('username', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('display_name', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('role', sa.Enum('admin', 'registrar', 'handler', 'mediator', 'supervisor', 'leader', name='role', native_enum=False, length=32), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=True),
    sa.Column('password_hash', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
    sa.Column('oidc_subject', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('failed_logins', sa.Integer(), nullable=False),
    sa.Column('first_failed_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('locked_until', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('last_login_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('password_changed_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], name=op.f('fk_user_unit_id_unit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_user')),
    sa.UniqueConstraint('oidc_subject', name=op.f('uq_user_oidc_subject')),
    sa.UniqueConstraint('username', name=op.f('uq_user_username'))
    )
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_user_role'), ['role'], unique=False)
        batch_op.create_index(batch_op.f('ix_user_unit_id'), ['unit_id'], unique=False)

    op.create_table('api_token',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=60), nullable=False),
    sa.Column('prefix', sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False),
    sa.Column('token_hash', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('last_used_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('revoked_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], name=op.f('fk_api_token_created_by_id_user')),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_api_token_user_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_api_token')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_api_token_token_hash'))
    )
    with op.batch_alter_table('api_token', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_api_token_user_id'), ['user_id'], unique=False)

    op.create_table('case',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('query_code_hash', sqlmodel.sql.sqltypes.AutoString(length=128), nullable=True),
    sa.Column('channel', sa.Enum('letter', 'visit', 'online', 'phone', 'hotline_12345', 'leader_mailbox', 'leader_reception', 'onsite_office', 'grassroots_visit', 'grid_report', name='channel', native_enum=False, length=32), nullable=False),
    sa.Column('received_on', sa.Date(), nullable=False),
    sa.Column('registered_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('registrar_id', sa.Integer(), nullable=True),
    sa.Column('category', sa.Enum('suggestion', 'accusation', 'complaint', name='category', native_enum=False, length=32), nullable=False),
    sa.Column('route', sa.Enum('litigation', 'arbitration', 'party_appeal', 'administrative', 'duty_request', 'petition', name='route', native_enum=False, length=32), nullable=False),
    sa.Column('subject', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('title', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('content', sa.Text(), nullable=False),
    sa.Column('request', sa.Text(), nullable=True),
    sa.Column('street_id', sa.Integer(), nullable=True),
    sa.Column('community_id', sa.Integer(), nullable=True),
    sa.Column('grid_id', sa.Integer(), nullable=True),
    sa.Column('location', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
    sa.Column('lead_unit_id', sa.Integer(), nullable=True),
    sa.Column('status', sa.Enum('registered', 'forwarded', 'assigned', 'objected', 'handling', 'paused', 'mediating', 'replied', 'rated', 'closed', 'review_requested', 'reviewed', 'reexam_requested', 'terminated', 'routed_out', 'merged', 'withdrawn', 'invalid', name='casestatus', native_enum=False, length=32), nullable=False),
    sa.Column('is_first', sa.Boolean(), nullable=False),
    sa.Column('repeat_of_id', sa.Integer(), nullable=True),
    sa.Column('merged_into_id', sa.Integer(), nullable=True),
    sa.Column('review_of_id', sa.Integer(), nullable=True),
    sa.Column('group_size', sa.Integer(), nullable=False),
    sa.Column('anonymous', sa.Boolean(), nullable=False),
    sa.Column('confidential', sa.Boolean(), nullable=False),
    sa.Column('not_accepted_again', sa.Boolean(), nullable=False),
    sa.Column('received_by_leader_id', sa.Integer(), nullable=True),
    sa.Column('leader_in_charge_id', sa.Integer(), nullable=True),
    sa.Column('onsite_resolved', sa.Boolean(), nullable=False),
    sa.Column('routed_to', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
    sa.Column('triaged_on', sa.Date(), nullable=True),
    sa.Column('unit_received_on', sa.Date(), nullable=True),
    sa.Column('accepted_on', sa.Date(), nullable=True),
    sa.Column('objected_on', sa.Date(), nullable=True),
    sa.Column('dispute_settled_on', sa.Date(), nullable=True),
    sa.Column('extension_days', sa.Integer(), nullable=False),
    sa.Column('extension_reason', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True),
    sa.Column('paused_days', sa.Integer(), nullable=False),
    sa.Column('paused_since', sa.Date(), nullable=True),
    sa.Column('replied_on', sa.Date(), nullable=True),
    sa.Column('reply_received_on', sa.Date(), nullable=True),
    sa.Column('outcome', sa.Enum('support', 'explain', 'reject', name='outcome', native_enum=False, length=32), nullable=True),
    sa.Column('reply_summary', sa.Text(), nullable=True),
    sa.Column('satisfaction', sa.Enum('satisfied', 'basically_satisfied', 'dissatisfied', 'not_rated', name='satisfaction', native_enum=False, length=32), nullable=True),
    sa.Column('rated_on', sa.Date(), nullable=True),
    sa.Column('closed_on', sa.Date(), nullable=True),
    sa.Column('review_requested_on', sa.Date(), nullable=True),
    sa.Column('review_decided_on', sa.Date(), nullable=True),
    sa.Column('review_decision_received_on', sa.Date(), nullable=True),
    sa.Column('review_outcome', sa.Enum('support', 'explain', 'reject', name='outcome', native_enum=False, length=32), nullable=True),
    sa.Column('reexam_requested_on', sa.Date(), nullable=True),
    sa.Column('reexam_decided_on', sa.Date(), nullable=True),
    sa.Column('reexam_outcome', sa.Enum('support', 'explain', 'reject', name='outcome', native_enum=False, length=32), nullable=True),
    sa.Column('stage', sqlmodel.sql.sqltypes.AutoString(length=24), nullable=True),
    sa.Column('stage_started_on', sa.Date(), nullable=True),
    sa.Column('due_on', sa.Date(), nullable=True),
    sa.Column('due_provisional', sa.Boolean(), nullable=False),
    sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['community_id'], ['community.id'], name=op.f('fk_case_community_id_community')),
    sa.ForeignKeyConstraint(['grid_id'], ['grid.id'], name=op.f('fk_case_grid_id_grid')),
    sa.ForeignKeyConstraint(['lead_unit_id'], ['unit.id'], name=op.f('fk_case_lead_unit_id_unit')),
    sa.ForeignKeyConstraint(['leader_in_charge_id'], ['user.id'], name=op.f('fk_case_leader_in_charge_id_user')),
    sa.ForeignKeyConstraint(['merged_into_id'], ['case.id'], name=op.f('fk_case_merged_into_id_case')),
    sa.ForeignKeyConstraint(['received_by_leader_id'], ['user.id'], name=op.f('fk_case_received_by_leader_id_user')),
    sa.ForeignKeyConstraint(['registrar_id'], ['user.id'], name=op.f('fk_case_registrar_id_user')),
    sa.ForeignKeyConstraint(['repeat_of_id'], ['case.id'], name=op.f('fk_case_repeat_of_id_case')),
    sa.ForeignKeyConstraint(['review_of_id'], ['case.id'], name=op.f('fk_case_review_of_id_case')),
    sa.ForeignKeyConstraint(['street_id'], ['street.id'], name=op.f('fk_case_street_id_street')),
    sa.ForeignKeyConstraint(['updated_by_id'], ['user.id'], name=op.f('fk_case_updated_by_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case')),
    sa.UniqueConstraint('number', name=op.f('uq_case_number'))
    )
    with op.batch_alter_table('case', schema=None) as batch_op:
        batch_op.create_index('ix_case_category_received', ['category', 'received_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_case_community_id'), ['community_id'], unique=False)
        batch_op.create_index('ix_case_first_closed', ['is_first', 'closed_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_case_grid_id'), ['grid_id'], unique=False)
        batch_op.create_index('ix_case_lead_unit_status_due', ['lead_unit_id', 'status', 'due_on'], unique=False)
        batch_op.create_index('ix_case_leader_in_charge', ['leader_in_charge_id', 'status'], unique=False)
        batch_op.create_index('ix_case_received_by_leader', ['received_by_leader_id', 'received_on'], unique=False)
        batch_op.create_index('ix_case_received_channel', ['received_on', 'channel'], unique=False)
        batch_op.create_index(batch_op.f('ix_case_repeat_of_id'), ['repeat_of_id'], unique=False)
        batch_op.create_index('ix_case_replied_on', ['replied_on'], unique=False)
        batch_op.create_index('ix_case_status_due', ['status', 'due_on'], unique=False)
        batch_op.create_index('ix_case_street_received', ['street_id', 'received_on'], unique=False)
        batch_op.create_index('ix_case_subject_received', ['subject', 'received_on'], unique=False)

    op.create_table('mediator',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('phone', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=True),
    sa.Column('level', sa.Enum('veteran', 'junior', name='mediatorlevel', native_enum=False, length=32), nullable=False),
    sa.Column('specialties', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
    sa.Column('organisation', sqlmodel.sql.sqltypes.AutoString(length=80), nullable=True),
    sa.Column('street_id', sa.Integer(), nullable=True),
    sa.Column('grid_id', sa.Integer(), nullable=True),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('trained_on', sa.Date(), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['grid_id'], ['grid.id'], name=op.f('fk_mediator_grid_id_grid')),
    sa.ForeignKeyConstraint(['street_id'], ['street.id'], name=op.f('fk_mediator_street_id_street')),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_mediator_user_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_mediator'))
    )
    with op.batch_alter_table('mediator', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_mediator_grid_id'), ['grid_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_mediator_name'), ['name'], unique=False)
        batch_op.create_index(batch_op.f('ix_mediator_street_id'), ['street_id'], unique=False)

    op.create_table('person',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('id_number', sqlmodel.sql.sqltypes.AutoString(length=18), nullable=True),
    sa.Column('phone', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=True),
    sa.Column('gender', sa.Enum('male', 'female', 'unknown', name='gender', native_enum=False, length=32), nullable=False),
    sa.Column('address', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
    sa.Column('grid_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['grid_id'], ['grid.id'], name=op.f('fk_person_grid_id_grid')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_person'))
    )
    with op.batch_alter_table('person', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_person_grid_id'), ['grid_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_person_id_number'), ['id_number'], unique=False)
        batch_op.create_index(batch_op.f('ix_person_name'), ['name'], unique=False)
        batch_op.create_index(batch_op.f('ix_person_phone'), ['phone'], unique=False)

    op.create_table('setting',
    sa.Column('key', sqlmodel.sql.sqltypes.AutoString(length=60), nullable=False),
    sa.Column('value', sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
    sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['updated_by_id'], ['user.id'], name=op.f('fk_setting_updated_by_id_user')),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_setting'))
    )
    op.create_table('spot_check',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', sqlmodel.sql.sqltypes.AutoString(length=30), nullable=False),
    sa.Column('period_from', sa.Date(), nullable=False),
    sa.Column('period_to', sa.Date(), nullable=False),
    sa.Column('sample_size', sa.Integer(), nullable=False),
    sa.Column('seed', sa.Integer(), nullable=False),
    sa.Column('drawn_on', sa.Date(), nullable=False),
    sa.Column('drawn_by_id', sa.Integer(), nullable=True),
    sa.Column('status', sa.Enum('drawn', 'checked', 'notified', 'rectified', name='spotcheckstatus', native_enum=False, length=32), nullable=False),
    sa.Column('summary', sa.Text(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['drawn_by_id'], ['user.id'], name=op.f('fk_spot_check_drawn_by_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_spot_check')),
    sa.UniqueConstraint('number', name=op.f('uq_spot_check_number'))
    )
    op.create_table('case_event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('actor_name', sqlmodel.sql.sqltypes.AutoString(length=60), nullable=True),
    sa.Column('action', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('object_type', sqlmodel.sql.sqltypes.AutoString(length=30), nullable=False),
    sa.Column('object_id', sa.Integer(), nullable=True),
    sa.Column('case_id', sa.Integer(), nullable=True),
    sa.Column('before', sa.JSON(), nullable=True),
    sa.Column('after', sa.JSON(), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['actor_id'], ['user.id'], name=op.f('fk_case_event_actor_id_user')),
    sa.ForeignKeyConstraint(['case_id'], ['case.id'], name=op.f('fk_case_event_case_id_case')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_event'))
    )
    with op.batch_alter_table('case_event', schema=None) as batch_op:
        batch_op.create_index('ix_case_event_action_at', ['action', 'at'], unique=False)
        batch_op.create_index('ix_case_event_actor_at', ['actor_id', 'at'], unique=False)
        batch_op.create_index('ix_case_event_case_at', ['case_id', 'at'], unique=False)
        batch_op.create_index('ix_case_event_object', ['object_type', 'object_id'], unique=False)

    op.create_table('case_meeting',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('acceptance', 'investigation', 'reply', name='meetingkind', native_enum=False, length=32), nullable=False),
    sa.Column('held_on', sa.Date(), nullable=False),
    sa.Column('place', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('people', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('notes', sa.Text(), nullable=True),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['case.id'], name=op.f('fk_case_meeting_case_id_case')),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['user.id'], name=op.f('fk_case_meeting_recorded_by_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_meeting'))
    )
    with op.batch_alter_table('case_meeting', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_meeting_case_id'), ['case_id'], unique=False)

    op.create_table('case_party',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.Enum('petitioner', 'representative', 'respondent', name='partyrole', native_enum=False, length=32), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['case.id'], name=op.f('fk_case_party_case_id_case')),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_case_party_person_id_person')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_party')),
    sa.UniqueConstraint('case_id', 'person_id', 'role', name='uq_case_party_case_person_role')
    )
    with op.batch_alter_table('case_party', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_party_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_case_party_person_id'), ['person_id'], unique=False)

    op.create_table('case_pause',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('hearing', 'suspension', name='pausekind', native_enum=False, length=32), nullable=False),
    sa.Column('stage', sqlmodel.sql.sqltypes.AutoString(length=24), nullable=False),
    sa.Column('started_on', sa.Date(), nullable=False),
    sa.Column('ended_on', sa.Date(), nullable=True),
    sa.Column('reason', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True),
    sa.ForeignKeyConstraint(['case_id'], ['case.id'], name=op.f('fk_case_pause_case_id_case')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_pause'))
    )
    with op.batch_alter_table('case_pause', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_pause_case_id'), ['case_id'], unique=False)

    op.create_table('case_unit',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.Enum('lead', 'assist', name='unitrole', native_enum=False, length=32), nullable=False),
    sa.Column('assigned_on', sa.Date(), nullable=True),
    sa.ForeignKeyConstraint(['case_id'], ['case.id'], name=op.f('fk_case_unit_case_id_case')),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], name=op.f('fk_case_unit_unit_id_unit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_unit')),
    sa.UniqueConstraint('case_id', 'unit_id', name='uq_case_unit_case_unit')
    )
    with op.batch_alter_table('case_unit', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_unit_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_case_unit_unit_id'), ['unit_id'], unique=False)

    op.create_table('mediation_case',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', sqlmodel.sql.sqltypes.AutoString(length=24), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=True),
    sa.Column('kind', sa.Enum('people', 'administrative', 'judicial', 'lawyer', 'industry', 'labour_arbitration', 'legal_aid', name='mediationkind', native_enum=False, length=32), nullable=False),
    sa.Column('dispute_type', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('title', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('parties', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
    sa.Column('summary', sa.Text(), nullable=True),
    sa.Column('grid_id', sa.Integer(), nullable=True),
    sa.Column('street_id', sa.Integer(), nullable=True),
    sa.Column('status', sa.Enum('applied', 'accepted', 'agreed', 'failed', 'refused', 'withdrawn', name='mediationstatus', native_enum=False, length=32), nullable=False),
    sa.Column('applied_on', sa.Date(), nullable=False),
    sa.Column('accepted_on', sa.Date(), nullable=True),
    sa.Column('due_on', sa.Date(), nullable=True),
    sa.Column('closed_on', sa.Date(), nullable=True),
    sa.Column('result_note', sa.Text(), nullable=True),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['case.id'], name=op.f('fk_mediation_case_case_id_case')),
    sa.ForeignKeyConstraint(['grid_id'], ['grid.id'], name=op.f('fk_mediation_case_grid_id_grid')),
    sa.ForeignKeyConstraint(['street_id'], ['street.id'], name=op.f('fk_mediation_case_street_id_street')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_mediation_case')),
    sa.UniqueConstraint('number', name=op.f('uq_mediation_case_number'))
    )
    with op.batch_alter_table('mediation_case', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_mediation_case_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_mediation_case_closed_on'), ['closed_on'], unique=False)
        batch_op.create_index('ix_mediation_case_status_due', ['status', 'due_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_mediation_case_street_id'), ['street_id'], unique=False)

    op.create_table('mentorship',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('mentor_id', sa.Integer(), nullable=False),
    sa.Column('mentee_id', sa.Integer(), nullable=False),
    sa.Column('started_on', sa.Date(), nullable=False),
    sa.Column('ended_on', sa.Date(), nullable=True),
    sa.ForeignKeyConstraint(['mentee_id'], ['mediator.id'], name=op.f('fk_mentorship_mentee_id_mediator')),
    sa.ForeignKeyConstraint(['mentor_id'], ['mediator.id'], name=op.f('fk_mentorship_mentor_id_mediator')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_mentorship')),
    sa.UniqueConstraint('mentor_id', 'mentee_id', name='uq_mentorship_pair')
    )
    with op.batch_alter_table('mentorship', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_mentorship_mentee_id'), ['mentee_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_mentorship_mentor_id'), ['mentor_id'], unique=False)

    op.create_table('spot_check_item',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('spot_check_id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('passed', sa.Boolean(), nullable=True),
    sa.Column('findings', sa.Text(), nullable=True),
    sa.Column('unit_id', sa.Integer(), nullable=True),
    sa.Column('rectification_due', sa.Date(), nullable=True),
    sa.Column('rectified_on', sa.Date(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['case.id'], name=op.f('fk_spot_check_item_case_id_case')),
    sa.ForeignKeyConstraint(['spot_check_id'], ['spot_check.id'], name=op.f('fk_spot_check_item_spot_check_id_spot_check')),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], name=op.f('fk_spot_check_item_unit_id_unit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_spot_check_item')),
    sa.UniqueConstraint('spot_check_id', 'case_id', name='uq_spot_check_item_pair')
    )
    with op.batch_alter_table('spot_check_item', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_spot_check_item_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_spot_check_item_spot_check_id'), ['spot_check_id'], unique=False)

    op.create_table('supervision_letter',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', sqlmodel.sql.sqltypes.AutoString(length=30), nullable=False),
    sa.Column('kind', sa.Enum('supervision', 'risk_alert', 'improvement', name='letterkind', native_enum=False, length=32), nullable=False),
    sa.Column('trigger', sa.Enum('overdue', 'no_feedback', 'wrong_procedure', 'passing_the_buck', 'not_carried_out', 'other', name='lettertrigger', native_enum=False, length=32), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=True),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('subject', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('content', sa.Text(), nullable=False),
    sa.Column('issued_on', sa.Date(), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=True),
    sa.Column('status', sa.Enum('issued', 'replied', 'closed', name='letterstatus', native_enum=False, length=32), nullable=False),
    sa.Column('replied_on', sa.Date(), nullable=True),
    sa.Column('reply', sa.Text(), nullable=True),
    sa.Column('issued_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['case.id'], name=op.f('fk_supervision_letter_case_id_case')),
    sa.ForeignKeyConstraint(['issued_by_id'], ['user.id'], name=op.f('fk_supervision_letter_issued_by_id_user')),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], name=op.f('fk_supervision_letter_unit_id_unit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_supervision_letter')),
    sa.UniqueConstraint('number', name=op.f('uq_supervision_letter_number'))
    )
    with op.batch_alter_table('supervision_letter', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_supervision_letter_case_id'), ['case_id'], unique=False)
        batch_op.create_index('ix_supervision_letter_kind_issued', ['kind', 'issued_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_supervision_letter_unit_id'), ['unit_id'], unique=False)

    op.create_table('agreement',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('mediation_id', sa.Integer(), nullable=False),
    sa.Column('number', sqlmodel.sql.sqltypes.AutoString(length=24), nullable=False),
    sa.Column('facts', sa.Text(), nullable=False),
    sa.Column('responsibility', sa.Text(), nullable=True),
    sa.Column('terms', sa.Text(), nullable=False),
    sa.Column('performance', sa.Text(), nullable=True),
    sa.Column('performance_due', sa.Date(), nullable=True),
    sa.Column('signed_on', sa.Date(), nullable=False),
    sa.Column('effective_on', sa.Date(), nullable=False),
    sa.Column('confirmation_applied_on', sa.Date(), nullable=True),
    sa.Column('confirmation_due', sa.Date(), nullable=True),
    sa.Column('confirmed', sa.Boolean(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['mediation_id'], ['mediation_case.id'], name=op.f('fk_agreement_mediation_id_mediation_case')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_agreement')),
    sa.UniqueConstraint('mediation_id', name=op.f('uq_agreement_mediation_id')),
    sa.UniqueConstraint('number', name=op.f('uq_agreement_number'))
    )
    op.create_table('attachment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=True),
    sa.Column('mediation_id', sa.Integer(), nullable=True),
    sa.Column('sha256', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('filename', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('mime_type', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('scan', 'photo', 'audio', 'other', name='attachmentkind', native_enum=False, length=32), nullable=False),
    sa.Column('confidential', sa.Boolean(), nullable=False),
    sa.Column('uploaded_by_id', sa.Integer(), nullable=True),
    sa.Column('uploaded_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['case.id'], name=op.f('fk_attachment_case_id_case')),
    sa.ForeignKeyConstraint(['mediation_id'], ['mediation_case.id'], name=op.f('fk_attachment_mediation_id_mediation_case')),
    sa.ForeignKeyConstraint(['uploaded_by_id'], ['user.id'], name=op.f('fk_attachment_uploaded_by_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_attachment'))
    )
    with op.batch_alter_table('attachment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_attachment_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_attachment_mediation_id'), ['mediation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_attachment_sha256'), ['sha256'], unique=False)

    op.create_table('mediation_mediator',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('mediation_id', sa.Integer(), nullable=False),
    sa.Column('mediator_id', sa.Integer(), nullable=False),
    sa.Column('is_lead', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['mediation_id'], ['mediation_case.id'], name=op.f('fk_mediation_mediator_mediation_id_mediation_case')),
    sa.ForeignKeyConstraint(['mediator_id'], ['mediator.id'], name=op.f('fk_mediation_mediator_mediator_id_mediator')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_mediation_mediator')),
    sa.UniqueConstraint('mediation_id', 'mediator_id', name='uq_mediation_mediator_pair')
    )
    with op.batch_alter_table('mediation_mediator', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_mediation_mediator_mediation_id'), ['mediation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_mediation_mediator_mediator_id'), ['mediator_id'], unique=False)

    op.create_table('mediation_session',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('mediation_id', sa.Integer(), nullable=False),
    sa.Column('held_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('place', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('present', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['mediation_id'], ['mediation_case.id'], name=op.f('fk_mediation_session_mediation_id_mediation_case')),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['user.id'], name=op.f('fk_mediation_session_recorded_by_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_mediation_session'))
    )
    with op.batch_alter_table('mediation_session', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_mediation_session_mediation_id'), ['mediation_id'], unique=False)

    op.create_table('document',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('acceptance_notice', 'non_acceptance_notice', 'assignment', 'forwarding', 'reply_opinion', 'review_opinion', 'reexam_opinion', 'extension_notice', 'mediation_agreement', 'supervision_letter', name='documentkind', native_enum=False, length=32), nullable=False),
    sa.Column('number', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=True),
    sa.Column('mediation_id', sa.Integer(), nullable=True),
    sa.Column('attachment_id', sa.Integer(), nullable=True),
    sa.Column('title', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['attachment_id'], ['attachment.id'], name=op.f('fk_document_attachment_id_attachment')),
    sa.ForeignKeyConstraint(['case_id'], ['case.id'], name=op.f('fk_document_case_id_case')),
    sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], name=op.f('fk_document_created_by_id_user')),
    sa.ForeignKeyConstraint(['mediation_id'], ['mediation_case.id'], name=op.f('fk_document_mediation_id_mediation_case')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_document')),
    sa.UniqueConstraint('number', name=op.f('uq_document_number'))
    )
    with op.batch_alter_table('document', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_document_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_document_mediation_id'), ['mediation_id'], unique=False)




def downgrade() -> None:

    with op.batch_alter_table('document', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_document_mediation_id'))
        batch_op.drop_index(batch_op.f('ix_document_case_id'))

    op.drop_table('document')
    with op.batch_alter_table('mediation_session', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_mediation_session_mediation_id'))

    op.drop_table('mediation_session')
    with op.batch_alter_table('mediation_mediator', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_mediation_mediator_mediator_id'))
        batch_op.drop_index(batch_op.f('ix_mediation_mediator_mediation_id'))

    op.drop_table('mediation_mediator')
    with op.batch_alter_table('attachment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_attachment_sha256'))
        batch_op.drop_index(batch_op.f('ix_attachment_mediation_id'))
        batch_op.drop_index(batch_op.f('ix_attachment_case_id'))

    op.drop_table('attachment')
    op.drop_table('agreement')
    with op.batch_alter_table('supervision_letter', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_supervision_letter_unit_id'))
        batch_op.drop_index('ix_supervision_letter_kind_issued')
        batch_op.drop_index(batch_op.f('ix_supervision_letter_case_id'))

    op.drop_table('supervision_letter')
    with op.batch_alter_table('spot_check_item', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_spot_check_item_spot_check_id'))
        batch_op.drop_index(batch_op.f('ix_spot_check_item_case_id'))

    op.drop_table('spot_check_item')
    with op.batch_alter_table('mentorship', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_mentorship_mentor_id'))
        batch_op.drop_index(batch_op.f('ix_mentorship_mentee_id'))

    op.drop_table('mentorship')
    with op.batch_alter_table('mediation_case', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_mediation_case_street_id'))
        batch_op.drop_index('ix_mediation_case_status_due')
        batch_op.drop_index(batch_op.f('ix_mediation_case_closed_on'))
        batch_op.drop_index(batch_op.f('ix_mediation_case_case_id'))

    op.drop_table('mediation_case')
    with op.batch_alter_table('case_unit', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_case_unit_unit_id'))
        batch_op.drop_index(batch_op.f('ix_case_unit_case_id'))

    op.drop_table('case_unit')
    with op.batch_alter_table('case_pause', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_case_pause_case_id'))

    op.drop_table('case_pause')
    with op.batch_alter_table('case_party', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_case_party_person_id'))
        batch_op.drop_index(batch_op.f('ix_case_party_case_id'))

    op.drop_table('case_party')
    with op.batch_alter_table('case_meeting', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_case_meeting_case_id'))

    op.drop_table('case_meeting')
    with op.batch_alter_table('case_event', schema=None) as batch_op:
        batch_op.drop_index('ix_case_event_object')
        batch_op.drop_index('ix_case_event_case_at')
        batch_op.drop_index('ix_case_event_actor_at')
        batch_op.drop_index('ix_case_event_action_at')

    op.drop_table('case_event')
    op.drop_table('spot_check')
    op.drop_table('setting')
    with op.batch_alter_table('person', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_person_phone'))
        batch_op.drop_index(batch_op.f('ix_person_name'))
        batch_op.drop_index(batch_op.f('ix_person_id_number'))
        batch_op.drop_index(batch_op.f('ix_person_grid_id'))

    op.drop_table('person')
    with op.batch_alter_table('mediator', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_mediator_street_id'))
        batch_op.drop_index(batch_op.f('ix_mediator_name'))
        batch_op.drop_index(batch_op.f('ix_mediator_grid_id'))

    op.drop_table('mediator')
    with op.batch_alter_table('case', schema=None) as batch_op:
        batch_op.drop_index('ix_case_subject_received')
        batch_op.drop_index('ix_case_street_received')
        batch_op.drop_index('ix_case_status_due')
        batch_op.drop_index('ix_case_replied_on')
        batch_op.drop_index(batch_op.f('ix_case_repeat_of_id'))
        batch_op.drop_index('ix_case_received_channel')
        batch_op.drop_index('ix_case_received_by_leader')
        batch_op.drop_index('ix_case_leader_in_charge')
        batch_op.drop_index('ix_case_lead_unit_status_due')
        batch_op.drop_index(batch_op.f('ix_case_grid_id'))
        batch_op.drop_index('ix_case_first_closed')
        batch_op.drop_index(batch_op.f('ix_case_community_id'))
        batch_op.drop_index('ix_case_category_received')

    op.drop_table('case')
    with op.batch_alter_table('api_token', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_api_token_user_id'))

    op.drop_table('api_token')
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_user_unit_id'))
        batch_op.drop_index(batch_op.f('ix_user_role'))

    op.drop_table('user')
    with op.batch_alter_table('grid', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_grid_community_id'))

    op.drop_table('grid')
    with op.batch_alter_table('unit', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_unit_parent_id'))

    op.drop_table('unit')
    with op.batch_alter_table('community', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_community_street_id'))

    op.drop_table('community')
    op.drop_table('street')
    op.drop_table('holiday_year')
    op.drop_table('holiday')

