"""figures kept per calendar week: unit_week_counter and participation_week, as the day ones

At a county's scale (bench/scale.py) a week's figures counted its people over the day rows,
one per person and day (264,000 for a week): the unit leaderboard with a week beside was 8
times slower than at 19,000 attempts. The submit now keeps a row per unit and week, and one
per person, unit and week; a period of whole weeks reads them. Both are filled here from the
finished attempts, as quiz.services.counters.rebuild counts them.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-03 10:00:00

"""
import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

FINISHED = ("submitted", "timed_out")
COUNTS = ("participants", "attempts", "answers", "correct_answers", "score_sum",
          "passed_attempts", "passed_people")
#: Byte order on PostgreSQL, so that a subtree of paths is an index range.
PATH = sa.String(255).with_variant(sa.String(255, collation="C"), "postgresql")
PLACE = ("campaign_id", "unit_path", "unit_id")

attempt = sa.table(
    "attempt", sa.column("campaign_id", sa.Integer), sa.column("unit_id", sa.Integer),
    sa.column("unit_path", sa.String), sa.column("user_id", sa.Integer),
    sa.column("local_day", sa.Date), sa.column("status", sa.String),
    sa.column("answered_count", sa.Integer), sa.column("correct_count", sa.Integer),
    sa.column("score", sa.Integer), sa.column("passed", sa.Boolean))


def _monday():
    """The Monday of each attempt's local day (its calendar week's key)."""
    if op.get_bind().dialect.name == "sqlite":
        # strftime('%w') numbers Sunday 0: Monday is (that + 6) % 7 days back.
        return sa.literal_column(
            "date(attempt.local_day, '-' || "
            "((CAST(strftime('%w', attempt.local_day) AS INTEGER) + 6) % 7) || ' days')",
            sa.Date())
    return sa.literal_column("CAST(date_trunc('week', attempt.local_day) AS DATE)", sa.Date())


def _keys(name: str) -> list:
    return [
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("unit_path", PATH, nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("week", sa.Date(), nullable=False),
        sa.ForeignKeyConstraint(["campaign_id"], ["campaign.id"],
                                name=op.f(f"fk_{name}_campaign_id_campaign")),
        sa.ForeignKeyConstraint(["unit_id"], ["unit.id"], name=op.f(f"fk_{name}_unit_id_unit")),
    ]


def upgrade():
    op.create_table(
        "unit_week_counter",
        *_keys("unit_week_counter"),
        *(sa.Column(c, sa.BigInteger() if c == "score_sum" else sa.Integer(), nullable=False,
                    **({"server_default": "0"} if c == "passed_people" else {}))
          for c in COUNTS),
        sa.PrimaryKeyConstraint("campaign_id", "unit_path", "week",
                                name=op.f("pk_unit_week_counter")),
    )
    op.create_table(
        "participation_week",
        *_keys("participation_week"),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("passed", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.ForeignKeyConstraint(["user_id"], ["user_account.id"],
                                name=op.f("fk_participation_week_user_id_user_account")),
        sa.PrimaryKeyConstraint("campaign_id", "unit_path", "week", "user_id",
                                name=op.f("pk_participation_week")),
    )
    _fill()
    # After the rows: one sort instead of an insert into the index per row.
    op.create_index("ix_participation_week_week", "participation_week",
                    ["campaign_id", "week", "unit_path", "unit_id", "user_id", "passed"])


def _fill() -> None:
    """The week rows counted from the finished attempts."""
    week = _monday()
    place = [attempt.c[key] for key in PLACE]
    finished = attempt.c.status.in_(FINISHED)
    passed = sa.case((attempt.c.passed.is_(True), 1), else_=0)
    passed_user = sa.case((attempt.c.passed.is_(True), attempt.c.user_id))
    counts = sa.select(
        *place, week, sa.func.count(sa.distinct(attempt.c.user_id)), sa.func.count(),
        sa.func.coalesce(sa.func.sum(attempt.c.answered_count), 0),
        sa.func.coalesce(sa.func.sum(attempt.c.correct_count), 0),
        sa.func.coalesce(sa.func.sum(attempt.c.score), 0),
        sa.func.coalesce(sa.func.sum(passed), 0),
        sa.func.count(sa.distinct(passed_user)),
    ).where(finished).group_by(*place, week)
    columns = [*PLACE, "week", *COUNTS]
    op.execute(sa.table("unit_week_counter", *(sa.column(c) for c in columns))
               .insert().from_select(columns, counts))
    people = sa.select(*place, week, attempt.c.user_id,
                       sa.cast(sa.func.max(passed), sa.Boolean)
                       ).where(finished).group_by(*place, week, attempt.c.user_id)
    columns = [*PLACE, "week", "user_id", "passed"]
    op.execute(sa.table("participation_week", *(sa.column(c) for c in columns))
               .insert().from_select(columns, people))


def downgrade():
    op.drop_index("ix_participation_week_week", table_name="participation_week")
    op.drop_table("participation_week")
    op.drop_table("unit_week_counter")
