"""Visits (issue 13): the field team's booked slots, reschedules and reminders

Revision ID: e5a1c0d7b2f4
Revises: 8d81031196b0
Create Date: 2026-12-04 17:50:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e5a1c0d7b2f4'
down_revision = '8d81031196b0'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'visit',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('ticket_id', sa.Integer(), nullable=False),
        sa.Column('team_code', sa.String(length=40), nullable=False),
        sa.Column('status', sa.String(length=20), nullable=False),
        sa.Column('day', sa.Date(), nullable=True),
        sa.Column('window', sa.String(length=11), nullable=True),
        sa.Column('starts_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('ends_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('booked_by', sa.String(length=80), nullable=True),
        sa.Column('reschedule_count', sa.Integer(), server_default='0', nullable=False),
        sa.Column('booked_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('reminded_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['ticket_id'], ['ticket.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
    )
    with op.batch_alter_table('visit', schema=None) as batch_op:
        batch_op.create_index('ix_visit_ticket_id', ['ticket_id'], unique=False)
        batch_op.create_index('ix_visit_slot', ['team_code', 'day', 'window', 'status'], unique=False)
        batch_op.create_index('ix_visit_reminder', ['status', 'starts_at'], unique=False)


def downgrade():
    with op.batch_alter_table('visit', schema=None) as batch_op:
        batch_op.drop_index('ix_visit_reminder')
        batch_op.drop_index('ix_visit_slot')
        batch_op.drop_index('ix_visit_ticket_id')
    op.drop_table('visit')
