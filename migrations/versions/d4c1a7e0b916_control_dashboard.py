"""Control dashboard (issue 16): business-time measures and reopenings on the ticket, customer segment and zone

Revision ID: d4c1a7e0b916
Revises: e13a7f2b9c01
Create Date: 2026-12-04 17:50:00

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = 'd4c1a7e0b916'
down_revision = 'e13a7f2b9c01'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('ticket', schema=None) as batch_op:
        batch_op.add_column(sa.Column('response_seconds', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('resolution_seconds', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('reopen_count', sa.Integer(), server_default='0', nullable=False))
        batch_op.create_index('ix_ticket_reported_at', ['reported_at'], unique=False)
    with op.batch_alter_table('customer', schema=None) as batch_op:
        batch_op.add_column(sa.Column('segment', sa.String(length=30), nullable=True))
        batch_op.add_column(sa.Column('zone', sa.String(length=80), nullable=True))


def downgrade():
    with op.batch_alter_table('customer', schema=None) as batch_op:
        batch_op.drop_column('zone')
        batch_op.drop_column('segment')
    with op.batch_alter_table('ticket', schema=None) as batch_op:
        batch_op.drop_index('ix_ticket_reported_at')
        batch_op.drop_column('reopen_count')
        batch_op.drop_column('resolution_seconds')
        batch_op.drop_column('response_seconds')
