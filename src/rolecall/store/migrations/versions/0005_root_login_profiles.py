"""root users' login profiles

Revision ID: 0005_root_login_profiles
Revises: 0004_organizations

CreateLoginProfile, GetLoginProfile and DeleteLoginProfile without UserName, from an
AssumeRoot session, manage the member account root user's password: a row per account
whose root user has one.
"""

import sqlalchemy as sa
from alembic import op

revision = '0005_root_login_profiles'
down_revision = '0004_organizations'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('root_login_profiles',
    sa.Column('account_id', sa.String(length=12), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('account_id')
    )


def downgrade() -> None:
    op.drop_table('root_login_profiles')
