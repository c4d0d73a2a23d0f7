"""one IAM generation counter for the whole database

Revision ID: 0008_iam_generation
Revises: 0007_account_quotas

Processes sharing a database learn of each other's IAM changes from a counter bumped by every
change. It was a column of every account, summed by each poll; it becomes one row, so a poll
is a primary-key read whatever the number of accounts. The row starts at the old sum.
"""

import sqlalchemy as sa
from alembic import op

revision = '0008_iam_generation'
down_revision = '0007_account_quotas'
branch_labels = None
depends_on = None


def upgrade() -> None:
    table = op.create_table('iam_generation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('value', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    total = op.get_bind().scalar(sa.text('SELECT coalesce(sum(generation), 0) FROM accounts'))
    op.bulk_insert(table, [{'id': 1, 'value': int(total)}])
    # A plain DROP COLUMN (SQLite 3.35+): a batch rebuild of accounts would cascade deletes.
    op.drop_column('accounts', 'generation')


def downgrade() -> None:
    op.add_column('accounts', sa.Column('generation', sa.BigInteger(), nullable=False,
                                        server_default='0'))
    op.drop_table('iam_generation')
