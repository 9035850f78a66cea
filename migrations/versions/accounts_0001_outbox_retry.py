"""accounts: outbox back-off after a failed send

Revision ID: accounts_0001
Revises: 0002_outbox
Create Date: 2026-11-23 11:50:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'accounts_0001'
down_revision = '0002_outbox'
branch_labels = ('accounts',)
depends_on = None


def upgrade():
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.add_column(sa.Column('next_attempt_at', sa.DateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.drop_column('next_attempt_at')
