"""Analyst workbench (issue 15): a ticket opened to try a process version is marked as a test

Revision ID: d4b1e7a90c21
Revises: da029ec9fba2
Create Date: 2026-12-04 18:05:00

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = 'd4b1e7a90c21'
down_revision = 'da029ec9fba2'
branch_labels = None
depends_on = None


def upgrade():
    # A plain ADD COLUMN (no batch copy of the table on SQLite: the ticket table carries search triggers).
    op.add_column('ticket', sa.Column('is_test', sa.Boolean(), server_default=sa.false(), nullable=False))


def downgrade():
    op.drop_column('ticket', 'is_test')
