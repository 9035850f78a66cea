"""grants: bank accounts of grants, the gemeente's paying account per round, SEPA payment batches

Revision ID: grants_0005
Revises: grants_0004
Create Date: 2026-11-28 04:55:00

"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = 'grants_0005'
down_revision = 'grants_0004'
branch_labels = None
depends_on = None

OLD_STATUSES = "'draft', 'submitted', 'provisional', 'approved', 'rejected', 'withdrawn', 'revoked', 'paid'"
NEW_STATUSES = ("'draft', 'submitted', 'provisional', 'approved', 'rejected', 'withdrawn', 'revoked', "
                "'in_payment', 'paid'")


def upgrade():
    with op.batch_alter_table('grant_rounds', schema=None) as batch_op:
        batch_op.add_column(sa.Column('debtor_name', sa.String(length=140), server_default='', nullable=False))
        batch_op.add_column(sa.Column('debtor_iban', sa.String(length=34), server_default='', nullable=False))
        batch_op.add_column(sa.Column('debtor_bic', sa.String(length=11), server_default='', nullable=False))

    op.drop_constraint(op.f('ck_grant_applications_status_known'), 'grant_applications', type_='check')
    op.create_check_constraint(op.f('ck_grant_applications_status_known'), 'grant_applications',
                               f"status IN ({NEW_STATUSES})")

    op.create_table('grant_bank_accounts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('iban', sa.String(length=34), nullable=True),
    sa.Column('bic', sa.String(length=11), nullable=True),
    sa.Column('holder', sa.String(length=140), nullable=True),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('needs_confirmation', sa.Boolean(), server_default='false', nullable=False),
    sa.Column('entered_by_id', sa.Integer(), nullable=False),
    sa.Column('entered_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('purged_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint("status IN ('active', 'pending', 'replaced', 'rejected')",
                       name=op.f('ck_grant_bank_accounts_status_known')),
    sa.CheckConstraint("NOT needs_confirmation OR status IN ('pending', 'rejected') "
                       "OR (decided_by_id IS NOT NULL AND decided_by_id <> entered_by_id)",
                       name=op.f('ck_grant_bank_accounts_confirmed_by_another')),
    sa.CheckConstraint("purged_at IS NOT NULL OR (iban IS NOT NULL AND holder IS NOT NULL)",
                       name=op.f('ck_grant_bank_accounts_filled_in')),
    sa.ForeignKeyConstraint(['application_id'], ['grant_applications.id'],
                            name=op.f('fk_grant_bank_accounts_application_id_grant_applications'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'], name=op.f('fk_grant_bank_accounts_decided_by_id_users')),
    sa.ForeignKeyConstraint(['entered_by_id'], ['users.id'], name=op.f('fk_grant_bank_accounts_entered_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_grant_bank_accounts'))
    )
    with op.batch_alter_table('grant_bank_accounts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_grant_bank_accounts_application_id'), ['application_id'], unique=False)
        batch_op.create_index('uq_grant_bank_accounts_active', ['application_id'], unique=True,
                              postgresql_where=sa.text("status = 'active'"))
        batch_op.create_index('uq_grant_bank_accounts_pending', ['application_id'], unique=True,
                              postgresql_where=sa.text("status = 'pending'"))

    op.create_table('grant_payment_batches',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('gemeente_code', sa.String(length=6), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=True),
    sa.Column('status', sa.String(length=10), server_default='open', nullable=False),
    sa.Column('msg_id', sa.String(length=35), nullable=False),
    sa.Column('debtor_name', sa.String(length=140), nullable=False),
    sa.Column('debtor_iban', sa.String(length=34), nullable=False),
    sa.Column('debtor_bic', sa.String(length=11), server_default='', nullable=False),
    sa.Column('execution_date', sa.Date(), nullable=False),
    sa.Column('count', sa.Integer(), nullable=False),
    sa.Column('total_cents', sa.Integer(), nullable=False),
    sa.Column('file', sa.LargeBinary(), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('paid_on', sa.Date(), nullable=True),
    sa.Column('closed_by_id', sa.Integer(), nullable=True),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint("status IN ('open', 'paid', 'cancelled')", name=op.f('ck_grant_payment_batches_status_known')),
    sa.CheckConstraint('count > 0 AND total_cents > 0', name=op.f('ck_grant_payment_batches_not_empty')),
    sa.CheckConstraint("status <> 'paid' OR (paid_on IS NOT NULL AND closed_by_id IS NOT NULL "
                       "AND closed_by_id <> created_by_id)", name=op.f('ck_grant_payment_batches_paid_by_another')),
    sa.ForeignKeyConstraint(['closed_by_id'], ['users.id'], name=op.f('fk_grant_payment_batches_closed_by_id_users')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'],
                            name=op.f('fk_grant_payment_batches_created_by_id_users')),
    sa.ForeignKeyConstraint(['round_id'], ['grant_rounds.id'], name=op.f('fk_grant_payment_batches_round_id_grant_rounds')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_grant_payment_batches'))
    )
    with op.batch_alter_table('grant_payment_batches', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_grant_payment_batches_gemeente_code'), ['gemeente_code'], unique=False)

    op.create_table('grant_payment_items',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('batch_id', sa.Integer(), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('amount_cents', sa.Integer(), nullable=False),
    sa.Column('end_to_end_id', sa.String(length=35), nullable=False),
    sa.Column('open', sa.Boolean(), server_default='true', nullable=False),
    sa.CheckConstraint('amount_cents > 0', name=op.f('ck_grant_payment_items_amount_positive')),
    sa.ForeignKeyConstraint(['application_id'], ['grant_applications.id'],
                            name=op.f('fk_grant_payment_items_application_id_grant_applications')),
    sa.ForeignKeyConstraint(['batch_id'], ['grant_payment_batches.id'],
                            name=op.f('fk_grant_payment_items_batch_id_grant_payment_batches'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_grant_payment_items'))
    )
    with op.batch_alter_table('grant_payment_items', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_grant_payment_items_application_id'), ['application_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_grant_payment_items_batch_id'), ['batch_id'], unique=False)
        batch_op.create_index('uq_grant_payment_items_open', ['application_id'], unique=True,
                              postgresql_where=sa.text('open'))


def downgrade():
    op.drop_table('grant_payment_items')
    op.drop_table('grant_payment_batches')
    op.drop_table('grant_bank_accounts')
    op.execute("UPDATE grant_applications SET status = 'approved' WHERE status = 'in_payment'")
    op.drop_constraint(op.f('ck_grant_applications_status_known'), 'grant_applications', type_='check')
    op.create_check_constraint(op.f('ck_grant_applications_status_known'), 'grant_applications',
                               f"status IN ({OLD_STATUSES})")
    with op.batch_alter_table('grant_rounds', schema=None) as batch_op:
        batch_op.drop_column('debtor_bic')
        batch_op.drop_column('debtor_iban')
        batch_op.drop_column('debtor_name')
