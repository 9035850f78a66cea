"""stewardship: a barrier report names the attribute it concerns

Revision ID: stewardship_0003
Revises: stewardship_0002
Create Date: 2026-11-28 05:20:00

`reports.attribute`: which field of the subject a report of category `access_barrier` says is wrong
(e.g. `step_free_entrance`). While such a report is open, that attribute shows "gemeld: mogelijk niet juist"
and the place leaves "must be yes" filters for it (webapp/places/barriers.py). NULL for other reports.
"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = 'stewardship_0003'
down_revision = 'stewardship_0002'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column('reports', sa.Column('attribute', sa.String(length=32), nullable=True))
    op.create_index('ix_reports_open_barriers', 'reports', ['subject_type', 'attribute', 'subject_id'],
                    unique=False, postgresql_where=sa.text("status = 'open' AND category = 'access_barrier'"))


def downgrade():
    op.drop_index('ix_reports_open_barriers', table_name='reports')
    op.drop_column('reports', 'attribute')
