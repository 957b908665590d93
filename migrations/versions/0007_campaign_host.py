"""campaigns belong to a host unit and can be closed early and archived; temporary passwords

Campaigns made before hosts existed keep no host: the whole installation, as until now.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01 15:30:00

"""
import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def _is_sqlite() -> bool:
    return op.get_bind().dialect.name == "sqlite"


def upgrade():
    # Plain ALTER TABLE ADD COLUMN, SQLite included (see 0005): "campaign" has rows that
    # point at it, so batch mode's copy-and-drop would fail.
    if _is_sqlite():  # SQLite adds a foreign key only inline
        op.execute("ALTER TABLE campaign ADD COLUMN host_unit_id INTEGER "
                   "CONSTRAINT fk_campaign_host_unit_id_unit REFERENCES unit (id)")
    else:
        op.add_column("campaign", sa.Column("host_unit_id", sa.Integer(), nullable=True))
        op.create_foreign_key(op.f("fk_campaign_host_unit_id_unit"), "campaign", "unit",
                              ["host_unit_id"], ["id"])
    op.create_index(op.f("ix_campaign_host_unit_id"), "campaign", ["host_unit_id"])
    op.add_column("campaign", sa.Column("closed_at", sa.DateTime(), nullable=True))
    op.add_column("campaign", sa.Column("archived_at", sa.DateTime(), nullable=True))
    op.add_column("user_account", sa.Column("must_change_password", sa.Boolean(),
                                            nullable=False, server_default=sa.false()))


def _drop(table: str, column: str) -> None:
    if _is_sqlite():  # SQLite (3.35 and later) drops a plain column in place
        op.execute(f"ALTER TABLE {table} DROP COLUMN {column}")
    else:
        op.drop_column(table, column)


def downgrade():
    _drop("user_account", "must_change_password")
    _drop("campaign", "archived_at")
    _drop("campaign", "closed_at")
    op.drop_index(op.f("ix_campaign_host_unit_id"), table_name="campaign")
    if not _is_sqlite():
        op.drop_constraint(op.f("fk_campaign_host_unit_id_unit"), "campaign",
                           type_="foreignkey")
    _drop("campaign", "host_unit_id")
