"""bucket owners

Revision ID: 0006_bucket_owners
Revises: 0005_root_login_profiles
Create Date: 2026-12-04 02:00:00.000000
"""

from alembic import op
import sqlalchemy as sa


revision = '0006_bucket_owners'
down_revision = '0005_root_login_profiles'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('bucket_owners',
    sa.Column('bucket', sa.String(length=63), nullable=False),
    sa.Column('account_id', sa.String(length=12), nullable=False),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('bucket')
    )


def downgrade() -> None:
    op.drop_table('bucket_owners')
