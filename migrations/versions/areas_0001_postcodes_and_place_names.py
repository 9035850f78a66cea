"""areas: PC4 postcodes and place names (woonplaatsen with alternate names, gemeenten) for search

Revision ID: areas_0001
Revises: 0002_outbox
Create Date: 2026-11-28 05:30:00

"""
from alembic import op
import geoalchemy2  # noqa: F401  (geometry columns)
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'areas_0001'
down_revision = '0002_outbox'
branch_labels = ('areas',)
depends_on = None


def upgrade():
    op.create_table('postcodes_pc4',
    sa.Column('pc4', sa.String(length=4), nullable=False),
    sa.Column('lon', sa.Float(), nullable=False),
    sa.Column('lat', sa.Float(), nullable=False),
    sa.Column('places', sa.String(length=300), nullable=False),
    sa.Column('gemeente', sa.String(length=120), nullable=False),
    sa.Column('gemeente_code', sa.String(length=6), nullable=False),
    sa.PrimaryKeyConstraint('pc4', name=op.f('pk_postcodes_pc4'))
    )
    op.create_table('place_names',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=200), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('kind', sa.String(length=12), nullable=False),
    sa.Column('ref', sa.String(length=20), nullable=False),
    sa.Column('label', sa.String(length=200), nullable=False),
    sa.Column('lon', sa.Float(), nullable=False),
    sa.Column('lat', sa.Float(), nullable=False),
    sa.Column('gemeente', sa.String(length=120), nullable=False),
    sa.Column('province', sa.String(length=60), nullable=False),
    sa.Column('population', sa.Integer(), nullable=False),
    sa.Column('is_primary', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_place_names')),
    sa.UniqueConstraint('kind', 'ref', 'key', name='uq_place_names_kind_ref_key')
    )
    op.create_index('ix_place_names_key_prefix', 'place_names', ['key'], unique=False,
                    postgresql_ops={'key': 'text_pattern_ops'})


def downgrade():
    op.drop_index('ix_place_names_key_prefix', table_name='place_names')
    op.drop_table('place_names')
    op.drop_table('postcodes_pc4')
