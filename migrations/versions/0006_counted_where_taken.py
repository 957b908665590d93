"""attempts stay counted where they were taken: the unit's path kept with each attempt,
the counters, the participation rows and the best rows kept per place in the tree

A unit that moves now starts new counter rows at its new place, and its past attempts stay
counted under the units that were above it then. Until this revision the tree's history was
not kept, so the attempts made before it take their unit's path of today.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01 15:00:00

"""
import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

FINISHED = ("submitted", "timed_out")
COUNTS = ("participants", "attempts", "answers", "correct_answers", "score_sum",
          "passed_attempts")
#: Byte order on PostgreSQL, so that a subtree of paths is an index range.
PATH = sa.String(255).with_variant(sa.String(255, collation="C"), "postgresql")
#: The derived tables this revision rebuilds from the attempts, the day-keyed ones with "day".
COUNTERS = {"unit_counter": False, "unit_day_counter": True}
PEOPLE = {"participation": False, "participation_day": True}

attempt = sa.table(
    "attempt", sa.column("campaign_id", sa.Integer), sa.column("unit_id", sa.Integer),
    sa.column("unit_path", sa.String), sa.column("user_id", sa.Integer),
    sa.column("local_day", sa.Date), sa.column("status", sa.String),
    sa.column("answered_count", sa.Integer), sa.column("correct_count", sa.Integer),
    sa.column("score", sa.Integer), sa.column("passed", sa.Boolean))


def _is_sqlite() -> bool:
    return op.get_bind().dialect.name == "sqlite"


def _counter_table(name: str, by_day: bool, placed: bool) -> None:
    place = [sa.Column("unit_path", PATH, nullable=False)] if placed else []
    key = ["campaign_id", "unit_path" if placed else "unit_id"] + (["day"] if by_day else [])
    op.create_table(
        name,
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        *place,
        sa.Column("unit_id", sa.Integer(), nullable=False),
        *([sa.Column("day", sa.Date(), nullable=False)] if by_day else []),
        *(sa.Column(c, sa.BigInteger() if c == "score_sum" else sa.Integer(), nullable=False)
          for c in COUNTS),
        sa.ForeignKeyConstraint(["campaign_id"], ["campaign.id"],
                                name=op.f(f"fk_{name}_campaign_id_campaign")),
        sa.ForeignKeyConstraint(["unit_id"], ["unit.id"], name=op.f(f"fk_{name}_unit_id_unit")),
        sa.PrimaryKeyConstraint(*key, name=op.f(f"pk_{name}")),
    )


def _people_table(name: str, by_day: bool, placed: bool) -> None:
    place = [sa.Column("unit_path", PATH, nullable=False)] if placed else []
    key = (["campaign_id", "unit_path" if placed else "unit_id"] + (["day"] if by_day else [])
           + ["user_id"])
    op.create_table(
        name,
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        *place,
        sa.Column("unit_id", sa.Integer(), nullable=False),
        *([sa.Column("day", sa.Date(), nullable=False)] if by_day else []),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("passed", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.ForeignKeyConstraint(["campaign_id"], ["campaign.id"],
                                name=op.f(f"fk_{name}_campaign_id_campaign")),
        sa.ForeignKeyConstraint(["unit_id"], ["unit.id"], name=op.f(f"fk_{name}_unit_id_unit")),
        sa.ForeignKeyConstraint(["user_id"], ["user_account.id"],
                                name=op.f(f"fk_{name}_user_id_user_account")),
        sa.PrimaryKeyConstraint(*key, name=op.f(f"pk_{name}")),
    )


def _fill(placed: bool) -> None:
    """The counters and participation rows counted from the finished attempts, per unit
    (and per place, when `placed`), as quiz.services.counters.rebuild counts them."""
    place = [attempt.c.campaign_id, attempt.c.unit_id] + ([attempt.c.unit_path] if placed else [])
    names = ["campaign_id", "unit_id"] + (["unit_path"] if placed else [])
    finished = attempt.c.status.in_(FINISHED)
    passed = sa.case((attempt.c.passed.is_(True), 1), else_=0)
    for name, by_day in COUNTERS.items():
        group = place + ([attempt.c.local_day] if by_day else [])
        query = sa.select(
            *group, sa.func.count(sa.distinct(attempt.c.user_id)), sa.func.count(),
            sa.func.coalesce(sa.func.sum(attempt.c.answered_count), 0),
            sa.func.coalesce(sa.func.sum(attempt.c.correct_count), 0),
            sa.func.coalesce(sa.func.sum(attempt.c.score), 0),
            sa.func.coalesce(sa.func.sum(passed), 0),
        ).where(finished).group_by(*group)
        columns = names + (["day"] if by_day else []) + list(COUNTS)
        table = sa.table(name, *(sa.column(c) for c in columns))
        op.execute(table.insert().from_select(columns, query))
    for name, by_day in PEOPLE.items():
        group = place + ([attempt.c.local_day] if by_day else []) + [attempt.c.user_id]
        query = sa.select(*group, sa.cast(sa.func.max(passed), sa.Boolean)).where(
            finished).group_by(*group)
        columns = names + (["day"] if by_day else []) + ["user_id", "passed"]
        table = sa.table(name, *(sa.column(c) for c in columns))
        op.execute(table.insert().from_select(columns, query))


def _rebuild(placed: bool) -> None:
    for name in (*COUNTERS, *PEOPLE):
        op.drop_table(name)
    for name, by_day in COUNTERS.items():
        _counter_table(name, by_day, placed)
    for name, by_day in PEOPLE.items():
        _people_table(name, by_day, placed)
    _fill(placed)


def _unit_path_of(table: str) -> None:
    op.execute(f"UPDATE {table} SET unit_path = "  # noqa: S608 (names from this module)
               f"(SELECT unit.path FROM unit WHERE unit.id = {table}.unit_id)")


def upgrade():
    if not _is_sqlite():
        op.alter_column("unit", "path", type_=PATH, existing_nullable=False)
    for table in ("attempt", "person_best"):
        if _is_sqlite():
            # SQLite adds a NOT NULL column only with a default; rebuilding "attempt" to drop
            # it again would fail on the rows that point at it. Every insert sets the path.
            op.execute(f"ALTER TABLE {table} ADD COLUMN unit_path VARCHAR(255) "
                       "NOT NULL DEFAULT ''")
            _unit_path_of(table)
        else:
            op.add_column(table, sa.Column("unit_path", PATH, nullable=True))
            _unit_path_of(table)
            op.alter_column(table, "unit_path", existing_type=PATH, nullable=False)
    op.create_index("ix_person_best_unit_rank", "person_best",
                    ["campaign_id", "unit_path", "score", "duration_seconds", "finished_at",
                     "attempt_id"])
    # The counters and who took part are derived from the attempts: rebuilt keyed by place.
    _rebuild(placed=True)


def _drop(table: str, column: str) -> None:
    if _is_sqlite():  # SQLite (3.35 and later) drops a plain column in place
        op.execute(f"ALTER TABLE {table} DROP COLUMN {column}")
    else:
        op.drop_column(table, column)


def downgrade():
    _rebuild(placed=False)
    op.drop_index("ix_person_best_unit_rank", table_name="person_best")
    _drop("person_best", "unit_path")
    _drop("attempt", "unit_path")
    if not _is_sqlite():
        op.alter_column("unit", "path", type_=sa.String(255), existing_nullable=False)
