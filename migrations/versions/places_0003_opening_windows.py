"""places: opening intervals per place for a rolling window (place_opening_windows), for "open now" in SQL

Revision ID: places_0003
Revises: places_0002
Create Date: 2026-11-28 10:45:00

"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql


# revision identifiers, used by Alembic.
revision = 'places_0003'
down_revision = 'places_0002'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'place_opening_windows',
        sa.Column('place_id', sa.Integer(), nullable=False),
        sa.Column('hours_known', sa.Boolean(), nullable=False),
        sa.Column('open_intervals', postgresql.TSTZMULTIRANGE(), server_default='{}', nullable=False),
        sa.Column('unknown_intervals', postgresql.TSTZMULTIRANGE(), server_default='{}', nullable=False),
        sa.Column('valid_from', sa.DateTime(timezone=True), nullable=False),
        sa.Column('valid_until', sa.DateTime(timezone=True), nullable=False),
        sa.Column('computed_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
        sa.ForeignKeyConstraint(['place_id'], ['places.id'],
                                name=op.f('fk_place_opening_windows_place_id_places'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('place_id', name=op.f('pk_place_opening_windows')),
    )
    op.create_index('ix_place_opening_windows_open', 'place_opening_windows', ['open_intervals'],
                    unique=False, postgresql_using='gist')


def downgrade():
    op.drop_index('ix_place_opening_windows_open', table_name='place_opening_windows', postgresql_using='gist')
    op.drop_table('place_opening_windows')
