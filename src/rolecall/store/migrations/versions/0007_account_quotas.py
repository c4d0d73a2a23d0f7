"""account quotas

Revision ID: 0007_account_quotas
Revises: 0006_bucket_owners
Create Date: 2026-12-04 02:10:00.000000
"""

from alembic import op
import sqlalchemy as sa


revision = '0007_account_quotas'
down_revision = '0006_bucket_owners'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('account_quotas',
    sa.Column('account_id', sa.String(length=12), nullable=False),
    sa.Column('name', sa.String(length=64), nullable=False),
    sa.Column('value', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('account_id', 'name')
    )


def downgrade() -> None:
    op.drop_table('account_quotas')
