"""stewardship: ownership history (who co-owned what, from when until when)

Revision ID: stewardship_0002
Revises: stewardship_0001
Create Date: 2026-11-28 00:50:00

Triggers on place_owners and initiative_owners write the history, so every way an owner row is
added or deleted (joining, leaving, a moderator, a cascade) is kept. Existing owners are copied in.
"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = 'stewardship_0002'
down_revision = 'stewardship_0001'
branch_labels = None
depends_on = None

OWNER_TABLES = (("place_owners", "place", "place_id"), ("initiative_owners", "initiative", "initiative_id"))


def upgrade():
    op.create_table('ownership_history',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('subject_type', sa.String(length=16), nullable=False),
    sa.Column('subject_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('joined_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('left_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_ownership_history_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ownership_history'))
    )
    with op.batch_alter_table('ownership_history', schema=None) as batch_op:
        batch_op.create_index('ix_ownership_history_user_subject', ['user_id', 'subject_type', 'subject_id'], unique=False)

    # TG_ARGV: subject type, name of the subject's id column in the owner table.
    op.execute("""
        CREATE FUNCTION ownership_history_record() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF TG_OP = 'INSERT' THEN
                INSERT INTO ownership_history (subject_type, subject_id, user_id, joined_at)
                VALUES (TG_ARGV[0], (to_jsonb(NEW) ->> TG_ARGV[1])::integer, NEW.user_id, COALESCE(NEW.since, now()));
                RETURN NEW;
            END IF;
            UPDATE ownership_history SET left_at = now()
             WHERE subject_type = TG_ARGV[0] AND subject_id = (to_jsonb(OLD) ->> TG_ARGV[1])::integer
               AND user_id = OLD.user_id AND left_at IS NULL;
            RETURN OLD;
        END
        $$
    """)
    for table, kind, column in OWNER_TABLES:
        op.execute(f"""
            CREATE TRIGGER {table}_history AFTER INSERT OR DELETE ON {table}
            FOR EACH ROW EXECUTE FUNCTION ownership_history_record('{kind}', '{column}')
        """)
        op.execute(f"""
            INSERT INTO ownership_history (subject_type, subject_id, user_id, joined_at)
            SELECT '{kind}', {column}, user_id, since FROM {table}
        """)


def downgrade():
    for table, _kind, _column in OWNER_TABLES:
        op.execute(f'DROP TRIGGER IF EXISTS {table}_history ON {table}')
    op.execute('DROP FUNCTION IF EXISTS ownership_history_record()')
    with op.batch_alter_table('ownership_history', schema=None) as batch_op:
        batch_op.drop_index('ix_ownership_history_user_subject')
    op.drop_table('ownership_history')
