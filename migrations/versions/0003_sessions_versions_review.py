"""a session token per user (logout ends every session); question versions (attempts keep
the question as drawn); whether a review with hidden answers marks right and wrong; mobile
numbers stored with full-width digits rewritten in ASCII

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01 10:40:00

"""
import logging
import re
import secrets
import unicodedata

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

logger = logging.getLogger("alembic.runtime.migration")


def _ascii_phone(phone: str) -> str:
    """The normalisation of quiz.services.accounts.normalize_phone as of this revision."""
    digits = re.sub(r"[\s\-()（）.·]", "", unicodedata.normalize("NFKC", phone))
    for prefix in ("+86", "0086"):
        if digits.startswith(prefix):
            return digits[len(prefix):]
    return digits[2:] if len(digits) == 13 and digits.startswith("86") else digits


def _normalise_phones(connection) -> None:
    """Numbers registered with full-width digits before the check was strict are stored in
    ASCII, unless that number is registered already (then the row is left and named)."""
    users = sa.table("user_account", sa.column("id", sa.Integer),
                     sa.column("phone", sa.String))
    rows = connection.execute(sa.select(users.c.id, users.c.phone)).all()
    taken = {phone for _, phone in rows}
    for user_id, phone in rows:
        ascii_phone = _ascii_phone(phone)
        if ascii_phone == phone:
            continue
        if ascii_phone in taken:
            logger.warning("user %s: mobile number %r is %s, already registered; left as is",
                           user_id, phone, ascii_phone)
            continue
        connection.execute(users.update().where(users.c.id == user_id)
                           .values(phone=ascii_phone))
        taken.add(ascii_phone)


def upgrade():
    with op.batch_alter_table("user_account", schema=None) as batch_op:
        batch_op.add_column(sa.Column("session_token", sa.String(length=32), nullable=True))
    # Each existing user gets a random token of their own (cookies issued before this
    # revision carry no token and end: everyone logs in once more).
    users = sa.table("user_account", sa.column("id", sa.Integer),
                     sa.column("session_token", sa.String))
    connection = op.get_bind()
    ids = [row.id for row in connection.execute(sa.select(users.c.id))]
    if ids:
        connection.execute(
            users.update().where(users.c.id == sa.bindparam("uid"))
            .values(session_token=sa.bindparam("token")),
            [{"uid": uid, "token": secrets.token_hex(16)} for uid in ids],
        )
    with op.batch_alter_table("user_account", schema=None) as batch_op:
        batch_op.alter_column("session_token", existing_type=sa.String(length=32),
                              nullable=False)
    _normalise_phones(connection)

    with op.batch_alter_table("question", schema=None) as batch_op:
        batch_op.add_column(sa.Column("version", sa.Integer(), nullable=False,
                                      server_default="1"))
    op.create_table(
        "question_revision",
        sa.Column("question_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("type", sa.String(length=10), nullable=False),
        sa.Column("stem", sa.Text(), nullable=False),
        sa.Column("options", sa.JSON(), nullable=False),
        sa.Column("answer", sa.String(length=6), nullable=False),
        sa.Column("explanation", sa.Text(), nullable=False),
        sa.Column("replaced_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["question_id"], ["question.id"],
                                name=op.f("fk_question_revision_question_id_question")),
        sa.PrimaryKeyConstraint("question_id", "version", name=op.f("pk_question_revision")),
    )
    with op.batch_alter_table("quiz", schema=None) as batch_op:
        batch_op.add_column(sa.Column("review_shows_correctness", sa.Boolean(),
                                      nullable=False, server_default=sa.false()))


def downgrade():
    with op.batch_alter_table("quiz", schema=None) as batch_op:
        batch_op.drop_column("review_shows_correctness")
    op.drop_table("question_revision")
    with op.batch_alter_table("question", schema=None) as batch_op:
        batch_op.drop_column("version")
    with op.batch_alter_table("user_account", schema=None) as batch_op:
        batch_op.drop_column("session_token")
