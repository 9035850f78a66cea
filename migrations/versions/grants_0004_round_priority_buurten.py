"""grants: a round names priority buurten

Revision ID: grants_0004
Revises: grants_0003
Create Date: 2026-11-28 02:10:00

"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

# revision identifiers, used by Alembic.
revision = 'grants_0004'
down_revision = 'grants_0003'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('grant_rounds', schema=None) as batch_op:
        batch_op.add_column(sa.Column('priority_buurten', postgresql.ARRAY(sa.String(length=10)),
                                      server_default='{}', nullable=False))


def downgrade():
    with op.batch_alter_table('grant_rounds', schema=None) as batch_op:
        batch_op.drop_column('priority_buurten')
