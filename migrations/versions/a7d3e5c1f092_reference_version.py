"""Issue 14: a version stamp of the reference tables, so processes keep kinds, statuses and calendars
across transactions (app/models/reference.py)

Revision ID: a7d3e5c1f092
Revises: f3c0a7d91b25
Create Date: 2026-12-04 21:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a7d3e5c1f092'
down_revision = 'f3c0a7d91b25'
branch_labels = None
depends_on = None


def upgrade():
    table = op.create_table(
        'reference_version',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_reference_version')),
    )
    op.bulk_insert(table, [{'id': 1, 'version': 0}])


def downgrade():
    op.drop_table('reference_version')
