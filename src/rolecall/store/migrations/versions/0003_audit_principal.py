"""audit events indexed by principal; last-accessed report jobs

Revision ID: 0003_audit_principal
Revises: 0002_outbound_federation

The caller's ARN and the IAM user or role behind it become columns of their own, so policy
generation and last-accessed reports find a principal's events through an index. Events
written before are filled in from their JSON records. GenerateServiceLastAccessedDetails
keeps its jobs in a table of their own.
"""

import json

import sqlalchemy as sa
from alembic import op

revision = '0003_audit_principal'
down_revision = '0002_outbound_federation'
branch_labels = None
depends_on = None

_BATCH = 1000


def upgrade() -> None:
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.add_column(sa.Column('principal_arn', sa.String(length=2048), nullable=True))
        batch_op.add_column(sa.Column('identity_arn', sa.String(length=2048), nullable=True))
        batch_op.create_index(batch_op.f('ix_audit_events_principal_arn'), ['principal_arn'],
                              unique=False)
        batch_op.create_index(batch_op.f('ix_audit_events_identity_arn'), ['identity_arn'],
                              unique=False)
    _backfill()
    op.create_table('last_accessed_jobs',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('account_id', sa.String(length=12), nullable=False),
    sa.Column('arn', sa.String(length=2048), nullable=False),
    sa.Column('granularity', sa.String(length=16), nullable=False),
    sa.Column('requested_by', sa.String(length=2048), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('last_accessed_jobs', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_last_accessed_jobs_account_id'), ['account_id'],
                              unique=False)


def _backfill() -> None:
    from rolecall.audit.events import principal_columns

    events = sa.table('audit_events', sa.column('id', sa.BigInteger), sa.column('record', sa.Text),
                      sa.column('principal_arn', sa.String), sa.column('identity_arn', sa.String))
    connection = op.get_bind()
    last = 0
    while True:
        rows = connection.execute(
            sa.select(events.c.id, events.c.record).where(events.c.id > last)
            .order_by(events.c.id).limit(_BATCH)
        ).all()
        if not rows:
            return
        for row_id, text in rows:
            principal_arn, identity_arn = principal_columns(json.loads(text))
            if principal_arn or identity_arn:
                connection.execute(
                    sa.update(events).where(events.c.id == row_id)
                    .values(principal_arn=principal_arn, identity_arn=identity_arn)
                )
        last = rows[-1][0]


def downgrade() -> None:
    with op.batch_alter_table('last_accessed_jobs', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_last_accessed_jobs_account_id'))
    op.drop_table('last_accessed_jobs')
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_events_identity_arn'))
        batch_op.drop_index(batch_op.f('ix_audit_events_principal_arn'))
        batch_op.drop_column('identity_arn')
        batch_op.drop_column('principal_arn')
