"""memberships.application_alerts: the CHECK constraint the model declares

The model has declared ``ck_memberships_application_alerts_valid`` since the column was added
(0dd0653f4b20), but that migration did not create it (alembic's autogenerate leaves CHECK
constraints out). Rows holding another value are set to the default first.

Revision ID: b7e2c4a91d03
Revises: 5cebef15fa89
Create Date: 2026-12-03 13:30:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = 'b7e2c4a91d03'
down_revision = '5cebef15fa89'
branch_labels = None
depends_on = None


def upgrade():
    op.execute(
        "UPDATE memberships SET application_alerts = 'immediate' "
        "WHERE application_alerts NOT IN ('immediate', 'daily', 'off')"
    )
    with op.batch_alter_table('memberships', schema=None) as batch_op:
        batch_op.create_check_constraint(
            op.f('ck_memberships_application_alerts_valid'),
            "application_alerts IN ('immediate', 'daily', 'off')",
        )


def downgrade():
    with op.batch_alter_table('memberships', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_memberships_application_alerts_valid'), type_='check')
