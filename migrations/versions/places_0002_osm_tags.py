"""places: keep every imported OpenStreetMap tag and the values read from them (osm_tags, osm_values)

Revision ID: places_0002
Revises: places_0001
Create Date: 2026-11-28 01:30:00

"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql


# revision identifiers, used by Alembic.
revision = 'places_0002'
down_revision = 'places_0001'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('places', schema=None) as batch_op:
        batch_op.add_column(sa.Column('osm_tags', postgresql.JSONB(astext_type=sa.Text()), nullable=True))
        batch_op.add_column(sa.Column('osm_values', postgresql.JSONB(astext_type=sa.Text()), nullable=True))


def downgrade():
    with op.batch_alter_table('places', schema=None) as batch_op:
        batch_op.drop_column('osm_values')
        batch_op.drop_column('osm_tags')
