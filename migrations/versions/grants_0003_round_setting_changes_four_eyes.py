"""grants: money settings of a round change only after a second staff member confirms

Revision ID: grants_0003
Revises: grants_0002
Create Date: 2026-11-28 00:55:00

"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

# revision identifiers, used by Alembic.
revision = 'grants_0003'
down_revision = 'grants_0002'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('grant_rounds', schema=None) as batch_op:
        batch_op.add_column(sa.Column('settings_confirmed', sa.Boolean(), server_default='true', nullable=False))

    op.create_table('grant_round_changes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('status', sa.String(length=10), server_default='pending', nullable=False),
    sa.Column('old_values', postgresql.JSONB(astext_type=sa.Text()), server_default='{}', nullable=False),
    sa.Column('new_values', postgresql.JSONB(astext_type=sa.Text()), server_default='{}', nullable=False),
    sa.Column('proposed_by_id', sa.Integer(), nullable=False),
    sa.Column('proposed_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint("kind IN ('create', 'update')", name=op.f('ck_grant_round_changes_kind_known')),
    sa.CheckConstraint("status IN ('pending', 'confirmed', 'rejected', 'withdrawn')",
                       name=op.f('ck_grant_round_changes_status_known')),
    sa.CheckConstraint("status <> 'confirmed' OR (decided_by_id IS NOT NULL AND decided_by_id <> proposed_by_id)",
                       name=op.f('ck_grant_round_changes_confirmed_by_another')),
    sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'], name=op.f('fk_grant_round_changes_decided_by_id_users')),
    sa.ForeignKeyConstraint(['proposed_by_id'], ['users.id'], name=op.f('fk_grant_round_changes_proposed_by_id_users')),
    sa.ForeignKeyConstraint(['round_id'], ['grant_rounds.id'], name=op.f('fk_grant_round_changes_round_id_grant_rounds')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_grant_round_changes'))
    )
    with op.batch_alter_table('grant_round_changes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_grant_round_changes_round_id'), ['round_id'], unique=False)
        batch_op.create_index('uq_grant_round_changes_pending', ['round_id'], unique=True,
                              postgresql_where=sa.text("status = 'pending'"))


def downgrade():
    with op.batch_alter_table('grant_round_changes', schema=None) as batch_op:
        batch_op.drop_index('uq_grant_round_changes_pending', postgresql_where=sa.text("status = 'pending'"))
        batch_op.drop_index(batch_op.f('ix_grant_round_changes_round_id'))
    op.drop_table('grant_round_changes')
    with op.batch_alter_table('grant_rounds', schema=None) as batch_op:
        batch_op.drop_column('settings_confirmed')
