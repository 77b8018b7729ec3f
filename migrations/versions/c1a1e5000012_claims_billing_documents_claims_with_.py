"""claims: billing documents, claims with line versions, change orders

Revision ID: c1a1e5000012
Revises: b7e3c2a91d04
Create Date: 2026-12-04 14:43:17.261710

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c1a1e5000012'
down_revision = 'b7e3c2a91d04'
branch_labels = None
depends_on = None


# Reference rows an admin may extend later (reasons and change-order types are data, not code).
CLAIM_REASONS = [
    ("cobro_indebido", "Cobro indebido", False),
    ("cobro_duplicado", "Cobro duplicado", False),
    ("tarifa_incorrecta", "Tarifa o precio incorrecto", False),
    ("descuento_no_aplicado", "Descuento o promoción no aplicada", False),
    ("servicio_no_prestado", "Servicio no prestado", True),
    ("falla_servicio", "Falla del servicio durante el periodo", True),
    ("otro", "Otro motivo", False),
]
CHANGE_ORDER_TYPES = [
    ("upgrade", "Aumento de velocidad (upgrade)", "service_order"),
    ("downgrade", "Reducción de velocidad (downgrade)", "service_order"),
    ("cambio_domicilio", "Cambio de domicilio", "service_order"),
    ("cambio_equipo", "Cambio de equipo (módem o router)", "service_order"),
    ("baja", "Baja del servicio", "claim"),
]


def upgrade():
    op.create_table('claim_reason',
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('label', sa.String(length=120), nullable=False),
    sa.Column('about_service', sa.Boolean(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('code', name=op.f('pk_claim_reason'))
    )
    op.create_table('service_change_order_type',
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('label', sa.String(length=120), nullable=False),
    sa.Column('generates', sa.String(length=20), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('code', name=op.f('pk_service_change_order_type'))
    )
    op.create_table('billing_document',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('doc_type', sa.String(length=30), nullable=False),
    sa.Column('number', sa.String(length=40), nullable=False),
    sa.Column('customer_id', sa.Integer(), nullable=False),
    sa.Column('issued_on', sa.Date(), nullable=False),
    sa.Column('period', sa.String(length=40), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('total', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('source', sa.JSON(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['customer_id'], ['customer.id'], name=op.f('fk_billing_document_customer_id_customer')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_billing_document')),
    sa.UniqueConstraint('doc_type', 'number', name='uq_billing_document_type_number')
    )
    with op.batch_alter_table('billing_document', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_billing_document_customer_id'), ['customer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_billing_document_number'), ['number'], unique=False)

    op.create_table('billing_document_line',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('document_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('concept', sa.String(length=200), nullable=False),
    sa.Column('quantity', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('unit_price', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('amount', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('period', sa.String(length=40), nullable=False),
    sa.ForeignKeyConstraint(['document_id'], ['billing_document.id'], name=op.f('fk_billing_document_line_document_id_billing_document'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_billing_document_line'))
    )
    with op.batch_alter_table('billing_document_line', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_billing_document_line_document_id'), ['document_id'], unique=False)

    op.create_table('billing_request',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('customer_id', sa.Integer(), nullable=False),
    sa.Column('ticket_id', sa.Integer(), nullable=True),
    sa.Column('claim_line_version_id', sa.Integer(), nullable=False),
    sa.Column('document_number', sa.String(length=40), nullable=False),
    sa.Column('amount', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['customer_id'], ['customer.id'], name=op.f('fk_billing_request_customer_id_customer')),
    sa.ForeignKeyConstraint(['ticket_id'], ['ticket.id'], name=op.f('fk_billing_request_ticket_id_ticket'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_billing_request')),
    sa.UniqueConstraint('claim_line_version_id', name=op.f('uq_billing_request_claim_line_version_id'))
    )
    with op.batch_alter_table('billing_request', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_billing_request_customer_id'), ['customer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_billing_request_ticket_id'), ['ticket_id'], unique=False)

    op.create_table('service_change_order',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('customer_id', sa.Integer(), nullable=False),
    sa.Column('type_code', sa.String(length=40), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('service_order_id', sa.Integer(), nullable=True),
    sa.Column('claim_ticket_id', sa.Integer(), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['claim_ticket_id'], ['ticket.id'], name=op.f('fk_service_change_order_claim_ticket_id_ticket'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], name=op.f('fk_service_change_order_created_by_id_user')),
    sa.ForeignKeyConstraint(['customer_id'], ['customer.id'], name=op.f('fk_service_change_order_customer_id_customer')),
    sa.ForeignKeyConstraint(['service_order_id'], ['billing_document.id'], name=op.f('fk_service_change_order_service_order_id_billing_document')),
    sa.ForeignKeyConstraint(['type_code'], ['service_change_order_type.code'], name=op.f('fk_service_change_order_type_code_service_change_order_type')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_service_change_order'))
    )
    with op.batch_alter_table('service_change_order', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_service_change_order_customer_id'), ['customer_id'], unique=False)

    op.create_table('claim',
    sa.Column('ticket_id', sa.Integer(), nullable=False),
    sa.Column('document_type', sa.String(length=30), nullable=True),
    sa.Column('document_number', sa.String(length=40), nullable=True),
    sa.Column('reason_code', sa.String(length=40), nullable=False),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('origin', sa.String(length=20), nullable=False),
    sa.Column('change_order_id', sa.Integer(), nullable=True),
    sa.Column('cancelled_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['change_order_id'], ['service_change_order.id'], name=op.f('fk_claim_change_order_id_service_change_order')),
    sa.ForeignKeyConstraint(['reason_code'], ['claim_reason.code'], name=op.f('fk_claim_reason_code_claim_reason')),
    sa.ForeignKeyConstraint(['ticket_id'], ['ticket.id'], name=op.f('fk_claim_ticket_id_ticket'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('ticket_id', name=op.f('pk_claim'))
    )
    with op.batch_alter_table('claim', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_claim_document_number'), ['document_number'], unique=False)

    op.create_table('claim_line',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('claim_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('document_line_ref', sa.String(length=40), nullable=True),
    sa.Column('document_line_amount', sa.Numeric(precision=12, scale=2), nullable=True),
    sa.Column('concept', sa.String(length=200), nullable=False),
    sa.Column('quantity', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('amount', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('reason_code', sa.String(length=40), nullable=False),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('edited', sa.Boolean(), nullable=False),
    sa.Column('effective_version_id', sa.Integer(), nullable=True),
    sa.Column('row_version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['claim_id'], ['claim.ticket_id'], name=op.f('fk_claim_line_claim_id_claim'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['reason_code'], ['claim_reason.code'], name=op.f('fk_claim_line_reason_code_claim_reason')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_claim_line'))
    )
    with op.batch_alter_table('claim_line', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_claim_line_claim_id'), ['claim_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_claim_line_document_line_ref'), ['document_line_ref'], unique=False)
        batch_op.create_index(batch_op.f('ix_claim_line_status'), ['status'], unique=False)

    op.create_table('claim_line_version',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('line_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('concept', sa.String(length=200), nullable=False),
    sa.Column('quantity', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('amount', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('reason_code', sa.String(length=40), nullable=False),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('document_line_ref', sa.String(length=40), nullable=True),
    sa.Column('submitted_by_id', sa.Integer(), nullable=True),
    sa.Column('submitted_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('decision', sa.String(length=20), nullable=False),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('decision_reason', sa.Text(), nullable=False),
    sa.Column('approvals', sa.JSON(), nullable=True),
    sa.Column('effect', sa.JSON(), nullable=True),
    sa.Column('instance_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['decided_by_id'], ['user.id'], name=op.f('fk_claim_line_version_decided_by_id_user')),
    sa.ForeignKeyConstraint(['line_id'], ['claim_line.id'], name=op.f('fk_claim_line_version_line_id_claim_line'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['submitted_by_id'], ['user.id'], name=op.f('fk_claim_line_version_submitted_by_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_claim_line_version')),
    sa.UniqueConstraint('line_id', 'number', name='uq_claim_line_version_number')
    )
    with op.batch_alter_table('claim_line_version', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_claim_line_version_line_id'), ['line_id'], unique=False)

    with op.batch_alter_table('human_task', schema=None) as batch_op:
        batch_op.add_column(sa.Column('excluded_user_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_human_task_excluded_user_id_user'), 'user', ['excluded_user_id'], ['id'])

    reasons = sa.table("claim_reason", sa.column("code", sa.String), sa.column("label", sa.String),
                       sa.column("about_service", sa.Boolean), sa.column("active", sa.Boolean))
    op.bulk_insert(reasons, [{"code": c, "label": label, "about_service": about, "active": True}
                             for c, label, about in CLAIM_REASONS])
    types = sa.table("service_change_order_type", sa.column("code", sa.String), sa.column("label", sa.String),
                     sa.column("generates", sa.String), sa.column("active", sa.Boolean))
    op.bulk_insert(types, [{"code": c, "label": label, "generates": gen, "active": True}
                           for c, label, gen in CHANGE_ORDER_TYPES])


def downgrade():
    with op.batch_alter_table('human_task', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_human_task_excluded_user_id_user'), type_='foreignkey')
        batch_op.drop_column('excluded_user_id')

    with op.batch_alter_table('claim_line_version', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_claim_line_version_line_id'))

    op.drop_table('claim_line_version')
    with op.batch_alter_table('claim_line', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_claim_line_status'))
        batch_op.drop_index(batch_op.f('ix_claim_line_document_line_ref'))
        batch_op.drop_index(batch_op.f('ix_claim_line_claim_id'))

    op.drop_table('claim_line')
    with op.batch_alter_table('claim', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_claim_document_number'))

    op.drop_table('claim')
    with op.batch_alter_table('service_change_order', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_service_change_order_customer_id'))

    op.drop_table('service_change_order')
    with op.batch_alter_table('billing_request', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_billing_request_ticket_id'))
        batch_op.drop_index(batch_op.f('ix_billing_request_customer_id'))

    op.drop_table('billing_request')
    with op.batch_alter_table('billing_document_line', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_billing_document_line_document_id'))

    op.drop_table('billing_document_line')
    with op.batch_alter_table('billing_document', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_billing_document_number'))
        batch_op.drop_index(batch_op.f('ix_billing_document_customer_id'))

    op.drop_table('billing_document')
    op.drop_table('service_change_order_type')
    op.drop_table('claim_reason')
