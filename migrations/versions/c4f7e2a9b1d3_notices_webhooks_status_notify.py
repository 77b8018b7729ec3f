"""Notices from the diagram (issue 15): analyst-edited notice templates with their versions, webhook
endpoints, and whether the customer is sent a message when his case enters a status

Revision ID: c4f7e2a9b1d3
Revises: d4c1a7e0b916
Create Date: 2026-12-04 18:20:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c4f7e2a9b1d3'
down_revision = 'd4c1a7e0b916'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('notice_template',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=60), nullable=False),
    sa.Column('description', sa.String(length=300), nullable=False),
    sa.Column('subject', sa.String(length=300), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['updated_by_id'], ['user.id'], name=op.f('fk_notice_template_updated_by_id_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notice_template')),
    sa.UniqueConstraint('name', name=op.f('uq_notice_template_name'))
    )
    op.create_table('notice_template_version',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('template_id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('subject', sa.String(length=300), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], name=op.f('fk_notice_template_version_created_by_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['template_id'], ['notice_template.id'], name=op.f('fk_notice_template_version_template_id_notice_template'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notice_template_version')),
    sa.UniqueConstraint('template_id', 'version', name=op.f('uq_notice_template_version_template_id'))
    )
    op.create_table('webhook_endpoint',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('url', sa.String(length=500), nullable=False),
    sa.Column('secret', sa.String(length=200), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_webhook_endpoint')),
    sa.UniqueConstraint('code', name=op.f('uq_webhook_endpoint_code'))
    )
    with op.batch_alter_table('case_status', schema=None) as batch_op:
        # Existing statuses keep their behaviour: the customer was mailed exactly for the public ones.
        batch_op.add_column(sa.Column('notify_customer', sa.Boolean(), nullable=False, server_default=sa.true()))
    op.execute(sa.text("UPDATE case_status SET notify_customer = public"))


def downgrade():
    with op.batch_alter_table('case_status', schema=None) as batch_op:
        batch_op.drop_column('notify_customer')
    op.drop_table('webhook_endpoint')
    op.drop_table('notice_template_version')
    op.drop_table('notice_template')
