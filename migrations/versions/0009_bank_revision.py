"""a revision number per bank, raised by the database itself at every write to its questions

A start draws from the active questions of the quiz's banks. Reading them (and sorting them
by type and category) was a fifth of a start's CPU; the app now keeps them in memory and
checks only the banks' revisions, a row per bank. Triggers raise the number, so that no
write is missed, whichever code or program makes it (an import, an edit, the sqlite3 shell).

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-01 21:10:00

"""
import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

#: SQLite: one trigger per kind of write, each raising the bank (or banks) of the row.
SQLITE_TRIGGERS = {
    "question_insert_raises_bank_revision":
        "AFTER INSERT ON question BEGIN "
        "UPDATE bank SET revision = revision + 1 WHERE id = NEW.bank_id; END",
    "question_update_raises_bank_revision":
        "AFTER UPDATE ON question BEGIN "
        "UPDATE bank SET revision = revision + 1 WHERE id IN (OLD.bank_id, NEW.bank_id); END",
    "question_delete_raises_bank_revision":
        "AFTER DELETE ON question BEGIN "
        "UPDATE bank SET revision = revision + 1 WHERE id = OLD.bank_id; END",
}

#: PostgreSQL: once per statement, over the rows it wrote (an import of thousands of
#: questions raises each bank once, not once a row).
POSTGRES_TRIGGERS = {
    "insert": ("NEW TABLE AS written", "SELECT bank_id FROM written"),
    "update": ("OLD TABLE AS before NEW TABLE AS written",
               "SELECT bank_id FROM before UNION SELECT bank_id FROM written"),
    "delete": ("OLD TABLE AS before", "SELECT bank_id FROM before"),
}


def upgrade():
    op.add_column("bank", sa.Column("revision", sa.Integer(), nullable=False,
                                    server_default="0"))
    if op.get_bind().dialect.name == "sqlite":
        for name, body in SQLITE_TRIGGERS.items():
            op.execute(f"CREATE TRIGGER {name} {body}")
        return
    for event, (tables, banks) in POSTGRES_TRIGGERS.items():
        op.execute(
            f"CREATE FUNCTION question_{event}_raises_bank_revision() RETURNS trigger "
            "LANGUAGE plpgsql AS $$ BEGIN "
            f"UPDATE bank SET revision = revision + 1 WHERE id IN ({banks}); "
            "RETURN NULL; END $$")
        op.execute(
            f"CREATE TRIGGER question_{event}_raises_bank_revision AFTER {event.upper()} "
            f"ON question REFERENCING {tables} FOR EACH STATEMENT "
            f"EXECUTE FUNCTION question_{event}_raises_bank_revision()")


def downgrade():
    if op.get_bind().dialect.name == "sqlite":
        for name in SQLITE_TRIGGERS:
            op.execute(f"DROP TRIGGER {name}")
        # In place (SQLite 3.35+): a batch copy of the table would be refused by the
        # questions' foreign keys to it.
        op.execute("ALTER TABLE bank DROP COLUMN revision")
        return
    for event in POSTGRES_TRIGGERS:
        op.execute(f"DROP TRIGGER question_{event}_raises_bank_revision ON question")
        op.execute(f"DROP FUNCTION question_{event}_raises_bank_revision()")
    op.drop_column("bank", "revision")
