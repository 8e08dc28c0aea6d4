"""agency_messages: the "hired" kind (the email a seeker gets when hired)

Revision ID: 3f1c9d2e7a54
Revises: 8edbd4ead9fd
Create Date: 2026-12-04 14:30:00.000000

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '3f1c9d2e7a54'
down_revision = '8edbd4ead9fd'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('agency_messages', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_agency_messages_kind_valid'), type_='check')
        batch_op.create_check_constraint(
            op.f('ck_agency_messages_kind_valid'),
            "kind IN ('received', 'interview', 'offer', 'hired', 'declined', 'invitation')",
        )


def downgrade():
    op.execute("DELETE FROM agency_messages WHERE kind = 'hired'")
    with op.batch_alter_table('agency_messages', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_agency_messages_kind_valid'), type_='check')
        batch_op.create_check_constraint(
            op.f('ck_agency_messages_kind_valid'),
            "kind IN ('received', 'interview', 'offer', 'declined', 'invitation')",
        )
