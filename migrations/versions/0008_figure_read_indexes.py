"""indexes for the figures at a county's scale: the individual board in its order, people
passed per unit, a period's people and each day's people passed, read from indexes alone

At 87,628 people and 1.9 million attempts (bench/scale.py), the board sorted every person of
the best score before its first page (the index ran in ascending score), and the figures
read every participation row of the subtree, table row by table row.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01 18:00:00

"""
import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

RANK_TIES = ["duration_seconds", "finished_at", "attempt_id"]


def upgrade():
    op.drop_index("ix_person_best_rank", table_name="person_best")
    op.create_index("ix_person_best_rank", "person_best",
                    ["campaign_id", sa.text("score DESC"), *RANK_TIES])
    op.create_index("ix_participation_passed", "participation",
                    ["campaign_id", "passed", "unit_path", "unit_id"])
    op.create_index("ix_participation_day_day", "participation_day",
                    ["campaign_id", "day", "unit_path", "unit_id", "user_id", "passed"])


def downgrade():
    op.drop_index("ix_participation_day_day", table_name="participation_day")
    op.drop_index("ix_participation_passed", table_name="participation")
    op.drop_index("ix_person_best_rank", table_name="person_best")
    op.create_index("ix_person_best_rank", "person_best", ["campaign_id", "score", *RANK_TIES])
