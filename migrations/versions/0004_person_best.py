"""each person's best attempt per campaign (成绩取最高分), filled from the finished attempts

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01 11:30:00

"""
import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def _fill(connection) -> None:
    """The best finished attempt of each person and campaign, by the ranking of this
    revision: higher score, shorter time, earlier finish, smaller id."""
    attempts = sa.table(
        "attempt", sa.column("id", sa.String), sa.column("campaign_id", sa.Integer),
        sa.column("user_id", sa.Integer), sa.column("unit_id", sa.Integer),
        sa.column("status", sa.String), sa.column("score", sa.Integer),
        sa.column("started_at", sa.DateTime), sa.column("deadline_at", sa.DateTime),
        sa.column("finished_at", sa.DateTime))
    best: dict[tuple, tuple] = {}
    rows = connection.execute(sa.select(attempts).where(
        attempts.c.status.in_(("submitted", "timed_out")))).mappings()
    for row in rows:
        used = max(0, int((min(row["finished_at"], row["deadline_at"])
                           - row["started_at"]).total_seconds()))
        candidate = (-(row["score"] or 0), used, row["finished_at"], row["id"])
        key = (row["campaign_id"], row["user_id"])
        if key not in best or candidate < best[key][0]:
            best[key] = (candidate, row["unit_id"])
    values = [{"campaign_id": key[0], "user_id": key[1], "attempt_id": rank[3],
               "unit_id": unit_id, "score": -rank[0], "duration_seconds": rank[1],
               "finished_at": rank[2]} for key, (rank, unit_id) in sorted(best.items())]
    table = sa.table("person_best", *(sa.column(name) for name in (
        "campaign_id", "user_id", "attempt_id", "unit_id", "score", "duration_seconds",
        "finished_at")))
    for start in range(0, len(values), 1000):
        connection.execute(table.insert(), values[start:start + 1000])


def upgrade():
    op.create_table(
        "person_best",
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("attempt_id", sa.String(length=32), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("score", sa.Integer(), nullable=False),
        sa.Column("duration_seconds", sa.Integer(), nullable=False),
        sa.Column("finished_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["attempt_id"], ["attempt.id"],
                                name=op.f("fk_person_best_attempt_id_attempt")),
        sa.ForeignKeyConstraint(["campaign_id"], ["campaign.id"],
                                name=op.f("fk_person_best_campaign_id_campaign")),
        sa.ForeignKeyConstraint(["unit_id"], ["unit.id"],
                                name=op.f("fk_person_best_unit_id_unit")),
        sa.ForeignKeyConstraint(["user_id"], ["user_account.id"],
                                name=op.f("fk_person_best_user_id_user_account")),
        sa.PrimaryKeyConstraint("campaign_id", "user_id", name=op.f("pk_person_best")),
    )
    op.create_index("ix_person_best_rank", "person_best",
                    ["campaign_id", "score", "duration_seconds", "finished_at", "attempt_id"],
                    unique=False)
    op.create_index(op.f("ix_person_best_unit_id"), "person_best", ["unit_id"], unique=False)
    _fill(op.get_bind())


def downgrade():
    op.drop_index(op.f("ix_person_best_unit_id"), table_name="person_best")
    op.drop_index("ix_person_best_rank", table_name="person_best")
    op.drop_table("person_best")
