"""Analyst workbench (issue 15): a ticket opened to try a process version is marked as a test

Revision ID: d4b1e7a90c21
Revises: b7e2c4d91f30
Create Date: 2026-12-04 18:05:00

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = 'd4b1e7a90c21'
down_revision = 'b7e2c4d91f30'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('ticket', schema=None) as batch_op:
        batch_op.add_column(sa.Column('is_test', sa.Boolean(), server_default=sa.false(), nullable=False))


def downgrade():
    with op.batch_alter_table('ticket', schema=None) as batch_op:
        batch_op.drop_column('is_test')
