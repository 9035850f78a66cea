"""saved: places and initiatives a resident keeps ("Bewaard")

Revision ID: saved_0001
Revises: 0002_outbox
Create Date: 2026-11-28 05:30:00
"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = 'saved_0001'
down_revision = '0002_outbox'
branch_labels = ('saved',)
depends_on = None


def upgrade():
    op.create_table('saved_items',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('subject_type', sa.String(length=16), nullable=False),
    sa.Column('subject_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.CheckConstraint("subject_type IN ('place', 'initiative')", name=op.f('ck_saved_items_subject_type_known')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_saved_items_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', 'subject_type', 'subject_id', name=op.f('pk_saved_items'))
    )


def downgrade():
    op.drop_table('saved_items')
