"""retired units, who passed (及格人数 counts people), the big screen switch

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01 12:30:00

"""
import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def _fill_passed() -> None:
    """Mark the participation rows of people with a passed finished attempt there."""
    finished = ("submitted", "timed_out")
    for table, extra in (("participation", ""), ("participation_day", " AND a.local_day = p.day")):
        op.execute(sa.text(
            f"UPDATE {table} AS p SET passed = :yes WHERE EXISTS (SELECT 1 FROM attempt AS a "
            "WHERE a.campaign_id = p.campaign_id AND a.unit_id = p.unit_id "
            f"AND a.user_id = p.user_id AND a.passed = :yes{extra} "
            "AND a.status IN (:s1, :s2))"
        ).bindparams(yes=True, s1=finished[0], s2=finished[1]))


def upgrade():
    # Plain ALTER TABLE ADD COLUMN, SQLite included: batch mode would copy the tables, and
    # dropping the old "unit" or "campaign" fails on the rows that point at them.
    op.add_column("unit", sa.Column("retired_at", sa.DateTime(), nullable=True))
    for table in ("participation", "participation_day"):
        op.add_column(table, sa.Column("passed", sa.Boolean(), nullable=False,
                                       server_default=sa.false()))
    op.add_column("campaign", sa.Column("screen_enabled", sa.Boolean(), nullable=False,
                                        server_default=sa.false()))
    _fill_passed()


def _drop(table: str, column: str) -> None:
    # SQLite (3.35 and later) drops a plain column in place (see upgrade).
    if op.get_bind().dialect.name == "sqlite":
        op.execute(f"ALTER TABLE {table} DROP COLUMN {column}")
    else:
        op.drop_column(table, column)


def downgrade():
    _drop("campaign", "screen_enabled")
    _drop("participation_day", "passed")
    _drop("participation", "passed")
    _drop("unit", "retired_at")
