"""Campaigns and their quizzes: when, what is drawn, how it is scored."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..timeutil import utcnow
from .bank import Bank
from .unit import Unit

quiz_bank = sa.Table(
    "quiz_bank",
    db.Model.metadata,
    sa.Column("quiz_id", sa.ForeignKey("quiz.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("bank_id", sa.ForeignKey("bank.id"), primary_key=True),
)


class Campaign(db.Model):
    __tablename__ = "campaign"
    __table_args__ = (sa.CheckConstraint("ends_on >= starts_on", name="dates_in_order"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(sa.String(64), unique=True)
    title: Mapped[str] = mapped_column(sa.String(200))
    theme: Mapped[str] = mapped_column(sa.String(200), default="")
    #: Rules and notes shown on the campaign page (plain text, paragraphs by blank lines).
    description: Mapped[str] = mapped_column(sa.Text, default="")
    #: First and last day (inclusive), as calendar dates in `timezone`.
    starts_on: Mapped[dt.date]
    ends_on: Mapped[dt.date]
    timezone: Mapped[str] = mapped_column(sa.String(64), default="Asia/Shanghai")
    #: The host (主办单位): only people of its subtree see and take the campaign, only
    #: organizers whose reach holds it manage it, and its figures cover that subtree.
    #: None: the whole installation (every tree), managed by admins.
    host_unit_id: Mapped[int | None] = mapped_column(sa.ForeignKey("unit.id"), index=True)
    #: Closed early, from this moment on (no attempt starts; open ones may still finish).
    closed_at: Mapped[dt.datetime | None]
    #: Archived: off the console's list of current campaigns and the participants' pages.
    archived_at: Mapped[dt.datetime | None]
    #: The big screen (/c/<slug>/screen) is switched on: public, with masked names.
    screen_enabled: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    # Loaded when used, not with every campaign: the figures pages never read them.
    quizzes: Mapped[list[Quiz]] = relationship(back_populates="campaign", order_by="Quiz.id")
    host_unit: Mapped[Unit | None] = relationship(lazy="joined")

    def is_open_on(self, day: dt.date) -> bool:
        return self.starts_on <= day <= self.ends_on

    def __repr__(self) -> str:
        return f"<Campaign {self.slug}>"


class Quiz(db.Model):
    __tablename__ = "quiz"
    __table_args__ = (
        sa.CheckConstraint("time_limit_seconds > 0", name="time_limit_positive"),
        sa.CheckConstraint("attempts_per_day > 0", name="attempts_per_day_positive"),
        sa.CheckConstraint("pass_mark >= 0", name="pass_mark_not_negative"),
        sa.CheckConstraint(
            "points_single > 0 AND points_multiple > 0 AND points_judge > 0",
            name="points_positive",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(sa.ForeignKey("campaign.id"), index=True)
    title: Mapped[str] = mapped_column(sa.String(200))
    time_limit_seconds: Mapped[int] = mapped_column(default=600)
    #: Points needed to pass.
    pass_mark: Mapped[int] = mapped_column(default=60)
    attempts_per_day: Mapped[int] = mapped_column(default=3)
    points_single: Mapped[int] = mapped_column(default=5)
    points_multiple: Mapped[int] = mapped_column(default=5)
    points_judge: Mapped[int] = mapped_column(default=5)
    #: Multiple choice: half the points (rounded down) for a correct subset with no wrong pick.
    partial_credit: Mapped[bool] = mapped_column(default=False)
    shuffle_options: Mapped[bool] = mapped_column(default=True)
    shuffle_questions: Mapped[bool] = mapped_column(default=True)
    #: The review after submitting shows the correct answers / the explanations.
    review_shows_answers: Mapped[bool] = mapped_column(default=True)
    review_shows_explanations: Mapped[bool] = mapped_column(default=True)
    #: With the answers hidden: whether the review still marks each question right or wrong
    #: (for a true/false question that gives the key away, hence off by default).
    review_shows_correctness: Mapped[bool] = mapped_column(default=False,
                                                           server_default=sa.false())
    is_active: Mapped[bool] = mapped_column(default=True)

    campaign: Mapped[Campaign] = relationship(back_populates="quizzes")
    # Loaded when used: a submit reads the quiz's marks, not its banks and rules.
    banks: Mapped[list[Bank]] = relationship(secondary=quiz_bank)
    rules: Mapped[list[QuizRule]] = relationship(
        back_populates="quiz", cascade="all, delete-orphan", order_by="QuizRule.id",
    )

    def points_for(self, question_type: str) -> int:
        return {
            "single": self.points_single,
            "multiple": self.points_multiple,
            "judge": self.points_judge,
        }[question_type]

    @property
    def question_count(self) -> int:
        return sum(rule.count for rule in self.rules)

    @property
    def max_score(self) -> int:
        return sum(rule.count * self.points_for(rule.type) for rule in self.rules)

    def __repr__(self) -> str:
        return f"<Quiz {self.id} {self.title}>"


class QuizRule(db.Model):
    """Draw `count` questions of `type` (and of `category`, when given) from the quiz's banks."""

    __tablename__ = "quiz_rule"
    __table_args__ = (
        sa.CheckConstraint("count > 0", name="count_positive"),
        sa.CheckConstraint("type IN ('single', 'multiple', 'judge')", name="known_type"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    quiz_id: Mapped[int] = mapped_column(sa.ForeignKey("quiz.id", ondelete="CASCADE"), index=True)
    type: Mapped[str] = mapped_column(sa.String(10))
    category: Mapped[str | None] = mapped_column(sa.String(50))
    count: Mapped[int]

    quiz: Mapped[Quiz] = relationship(back_populates="rules")
