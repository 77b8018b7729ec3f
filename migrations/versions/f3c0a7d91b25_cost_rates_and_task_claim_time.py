"""Costs (issue 16): the rates a ticket's cost is priced with, and when a task was claimed

Revision ID: f3c0a7d91b25
Revises: c4f7e2a9b1d3
Create Date: 2026-12-04 18:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'f3c0a7d91b25'
down_revision = 'c4f7e2a9b1d3'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'cost_rate',
        sa.Column('code', sa.String(length=40), nullable=False),
        sa.Column('unit', sa.String(length=10), nullable=False),
        sa.Column('amount', sa.Numeric(precision=12, scale=2), nullable=False),
        sa.Column('currency', sa.String(length=3), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('code', name=op.f('pk_cost_rate')),
    )
    with op.batch_alter_table('human_task', schema=None) as batch_op:
        batch_op.add_column(sa.Column('claimed_at', sa.DateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table('human_task', schema=None) as batch_op:
        batch_op.drop_column('claimed_at')
    op.drop_table('cost_rate')
