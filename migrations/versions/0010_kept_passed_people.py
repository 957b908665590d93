"""people passed (及格人数) kept in the unit counters: passed_people per unit and per day

At a county's scale (bench/scale.py) the figures counted people passed at every read, over
the participation rows (87,628 of them) and each day's over the day rows (a million for a
month): the dashboard was 7 times slower than at 19,000 attempts, the daily stats 3 times.
The submit now adds one when a person's row (or day row) first becomes passed. The columns
are filled here from those rows, as quiz.services.counters.rebuild would count them.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-02 10:00:00

"""
import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

#: Each counter table, with the participation table its people passed are counted from and
#: the columns both are keyed by.
COUNTERS = {
    "unit_counter": ("participation", ("campaign_id", "unit_path")),
    "unit_day_counter": ("participation_day", ("campaign_id", "unit_path", "day")),
}


def _is_sqlite() -> bool:
    return op.get_bind().dialect.name == "sqlite"


def _fill(name: str, people_name: str, keys: tuple[str, ...]) -> None:
    """passed_people of each counter row: its place's (and day's) passed participation rows,
    one per person."""
    counter = sa.table(name, *(sa.column(key) for key in keys),
                       sa.column("passed_people", sa.Integer))
    people = sa.table(people_name, *(sa.column(key) for key in keys),
                      sa.column("passed", sa.Boolean))
    passed = (
        sa.select(sa.func.count())
        .select_from(people)
        .where(people.c.passed.is_(sa.true()),
               *(people.c[key] == counter.c[key] for key in keys))
        .scalar_subquery()
    )
    op.execute(counter.update().values(passed_people=passed))


def upgrade():
    for name, (people_name, keys) in COUNTERS.items():
        # NOT NULL with a default: the rows there are get 0, then their count.
        op.add_column(name, sa.Column("passed_people", sa.Integer(), nullable=False,
                                      server_default="0"))
        _fill(name, people_name, keys)


def downgrade():
    for name in COUNTERS:
        if _is_sqlite():
            # In place (SQLite 3.35 and later), not batch mode's copy of the table.
            op.execute(f"ALTER TABLE {name} DROP COLUMN passed_people")
        else:
            op.drop_column(name, "passed_people")
