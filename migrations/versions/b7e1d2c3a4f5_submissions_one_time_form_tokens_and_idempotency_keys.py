"""Submissions (issue 13): one-time form tokens and API Idempotency-Keys, consumed once

Revision ID: b7e1d2c3a4f5
Revises: b7d41e20c5a9
Create Date: 2026-12-04 16:15:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'b7e1d2c3a4f5'
down_revision = 'b7d41e20c5a9'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('submission',
    sa.Column('key', sa.String(length=200), nullable=False),
    sa.Column('fingerprint', sa.String(length=64), nullable=False),
    sa.Column('status', sa.Integer(), nullable=False),
    sa.Column('location', sa.String(length=500), nullable=False),
    sa.Column('body', sa.JSON(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_submission'))
    )
    with op.batch_alter_table('submission', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_submission_created_at'), ['created_at'], unique=False)


def downgrade():
    with op.batch_alter_table('submission', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_submission_created_at'))
    op.drop_table('submission')
