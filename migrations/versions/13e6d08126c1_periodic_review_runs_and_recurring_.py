"""Periodic review (issue 16): review runs, the recurring problems they propose and their tickets

Revision ID: 13e6d08126c1
Revises: b7e2c4d91f30
Create Date: 2026-12-04 17:55:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '13e6d08126c1'
down_revision = 'b7e2c4d91f30'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('review_run',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('period_start', sa.Date(), nullable=False),
    sa.Column('period_end', sa.Date(), nullable=False),
    sa.Column('tickets_reviewed', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('period_start', 'period_end', name='uq_review_run_period')
    )
    op.create_table('recurring_problem',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('run_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('category', sa.String(length=40), nullable=True),
    sa.Column('equipment', sa.String(length=160), nullable=False),
    sa.Column('terms', sa.JSON(), nullable=False),
    sa.Column('similarity', sa.Float(), nullable=False),
    sa.Column('decision', sa.String(length=20), nullable=False),
    sa.Column('improvement_action', sa.Text(), nullable=False),
    sa.Column('owner_id', sa.Integer(), nullable=True),
    sa.Column('due_on', sa.Date(), nullable=True),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['decided_by_id'], ['user.id'], ),
    sa.ForeignKeyConstraint(['owner_id'], ['user.id'], ),
    sa.ForeignKeyConstraint(['run_id'], ['review_run.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_recurring_problem_run_id', 'recurring_problem', ['run_id'], unique=False)
    op.create_table('recurring_problem_ticket',
    sa.Column('problem_id', sa.Integer(), nullable=False),
    sa.Column('ticket_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['problem_id'], ['recurring_problem.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['ticket_id'], ['ticket.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('problem_id', 'ticket_id')
    )
    op.create_index('ix_recurring_problem_ticket_ticket_id', 'recurring_problem_ticket', ['ticket_id'], unique=False)


def downgrade():
    op.drop_index('ix_recurring_problem_ticket_ticket_id', table_name='recurring_problem_ticket')
    op.drop_table('recurring_problem_ticket')
    op.drop_index('ix_recurring_problem_run_id', table_name='recurring_problem')
    op.drop_table('recurring_problem')
    op.drop_table('review_run')
