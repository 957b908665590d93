"""question counters; the questions each attempt got right; points per type above zero;
uploaded bank files awaiting confirmation

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24 15:57:35.301154

"""
import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "question_counter",
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("question_id", sa.Integer(), nullable=False),
        sa.Column("shard", sa.SmallInteger(), nullable=False),
        sa.Column("drawn", sa.Integer(), nullable=False),
        sa.Column("answered", sa.Integer(), nullable=False),
        sa.Column("correct", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["campaign_id"], ["campaign.id"],
                                name=op.f("fk_question_counter_campaign_id_campaign")),
        sa.ForeignKeyConstraint(["question_id"], ["question.id"],
                                name=op.f("fk_question_counter_question_id_question")),
        sa.PrimaryKeyConstraint("campaign_id", "question_id", "shard",
                                name=op.f("pk_question_counter")),
    )
    op.create_index(op.f("ix_question_counter_question_id"), "question_counter",
                    ["question_id"], unique=False)
    op.create_table(
        "pending_import",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("bank_name", sa.String(length=100), nullable=False),
        sa.Column("filename", sa.String(length=255), nullable=False),
        sa.Column("format", sa.String(length=10), nullable=False),
        sa.Column("update", sa.Boolean(), nullable=False),
        sa.Column("skip_unsupported", sa.Boolean(), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["user_account.id"],
                                name=op.f("fk_pending_import_user_id_user_account")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pending_import")),
    )
    op.create_index(op.f("ix_pending_import_user_id"), "pending_import", ["user_id"],
                    unique=False)
    with op.batch_alter_table("attempt", schema=None) as batch_op:
        batch_op.add_column(sa.Column("correct", sa.JSON(), nullable=True))
    with op.batch_alter_table("quiz", schema=None) as batch_op:
        batch_op.create_check_constraint(
            "points_positive", "points_single > 0 AND points_multiple > 0 AND points_judge > 0"
        )


def downgrade():
    with op.batch_alter_table("quiz", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_quiz_points_positive"), type_="check")
    with op.batch_alter_table("attempt", schema=None) as batch_op:
        batch_op.drop_column("correct")
    op.drop_index(op.f("ix_pending_import_user_id"), table_name="pending_import")
    op.drop_table("pending_import")
    op.drop_index(op.f("ix_question_counter_question_id"), table_name="question_counter")
    op.drop_table("question_counter")
