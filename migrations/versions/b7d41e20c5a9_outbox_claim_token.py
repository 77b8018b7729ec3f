"""Outbox claims by token: a worker claims a batch, renews its lease and settles only its own rows.

Revision ID: b7d41e20c5a9
Revises: aba1e9d3635d
Create Date: 2026-12-04 15:00:00
"""
import sqlalchemy as sa
from alembic import op

revision = "b7d41e20c5a9"
down_revision = "aba1e9d3635d"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("outbox_message") as batch_op:
        batch_op.add_column(sa.Column("claim_token", sa.String(length=32), nullable=True))


def downgrade():
    with op.batch_alter_table("outbox_message") as batch_op:
        batch_op.drop_column("claim_token")
