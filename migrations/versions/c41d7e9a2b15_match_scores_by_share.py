"""matching: index match_scores by share and score

A job's suggested candidates are the profiles whose stored matches hold its share, best
first; without this index that read scans every stored match (4 million rows at 20,000
profiles).

Revision ID: c41d7e9a2b15
Revises: 6b42517247c6
Create Date: 2026-12-03 18:55:00.000000

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = 'c41d7e9a2b15'
down_revision = '6b42517247c6'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('match_scores', schema=None) as batch_op:
        batch_op.create_index('ix_match_scores_share_score', ['share_id', 'score'], unique=False)


def downgrade():
    with op.batch_alter_table('match_scores', schema=None) as batch_op:
        batch_op.drop_index('ix_match_scores_share_score')
