"""quiz.loading: rows read into persistent instances by one statement, as the ORM would
have loaded them, for the participant's hot paths."""

from __future__ import annotations

import contextlib

import sqlalchemy as sa
from sqlalchemy import inspect

from quiz.loading import load, load_chain, load_related, load_where
from quiz.models import Campaign, Quiz, Unit, User


@contextlib.contextmanager
def statements(db):
    """The SQL statements run inside the block (BEGIN and the like left out)."""
    seen: list[str] = []

    def note(conn, cursor, statement, *args):  # noqa: ARG001
        if statement.lstrip().upper().startswith(("SELECT", "INSERT", "UPDATE", "DELETE")):
            seen.append(statement)

    sa.event.listen(db.engine, "before_cursor_execute", note)
    try:
        yield seen
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", note)


def test_load_gives_a_persistent_instance_whose_changes_are_saved(db, make_user):
    user_id = make_user(name="张三").id
    db.session.expunge_all()
    user = load(User, user_id)
    assert inspect(user).persistent and user.name == "张三"
    assert load(User, user_id) is user  # the session's own, no second read
    user.name = "李四"
    db.session.commit()
    db.session.expunge_all()
    assert db.session.get(User, user_id).name == "李四"
    assert load(User, 10_000) is None


def test_load_chain_reads_a_quiz_its_campaign_and_no_host_in_one_statement(db, make_quiz):
    quiz_id = make_quiz().id
    db.session.expunge_all()
    with statements(db) as seen:
        quiz = load_chain(Quiz, quiz_id, "campaign", "host_unit")
        assert quiz.campaign.title == "安全生产月知识竞赛"
        assert quiz.campaign.host_unit is None
    assert len(seen) == 1
    assert [rule.type for rule in quiz.rules] == ["single", "multiple", "judge"]  # lazy still
    assert load_chain(Quiz, 10_000, "campaign") is None


def test_load_chain_with_a_host_and_a_user_with_its_unit(db, make_quiz, make_unit, make_user):
    county = make_unit("平安县", code="C", kind="county")
    quiz = make_quiz()
    quiz.campaign.host_unit_id = county.id
    user_id = make_user(unit=county).id
    quiz_id = quiz.id
    db.session.commit()
    db.session.expunge_all()
    with statements(db) as seen:
        quiz = load_chain(Quiz, quiz_id, "campaign", "host_unit")
        user = load_chain(User, user_id, "unit")
        assert quiz.campaign.host_unit is user.unit  # one instance per row, as the ORM keeps
        assert user.unit.name == "平安县"
    assert len(seen) == 2


def test_load_chain_of_an_instance_held_already_reads_only_what_is_missing(db, make_quiz):
    quiz_id = make_quiz().id
    db.session.expunge_all()
    quiz = load(Quiz, quiz_id)
    with statements(db) as seen:
        assert load_chain(Quiz, quiz_id, "campaign", "host_unit") is quiz
        assert quiz.campaign.slug.startswith("campaign-")
    assert len(seen) == 1  # the campaign; no host to read
    with statements(db) as seen:
        load_chain(Quiz, quiz_id, "campaign", "host_unit")
    assert seen == []


def test_load_related_fills_a_relationship_once(db, make_user):
    user = make_user()
    unit_id = user.unit_id
    db.session.expunge_all()
    user = load(User, user.id)
    unit = load_related(user, "unit", Unit, unit_id)
    with statements(db) as seen:
        assert user.unit is unit
        assert load_related(user, "unit", Unit, unit_id) is unit
    assert seen == []


def test_load_where_matches_on_any_columns(db, make_quiz):
    quiz = make_quiz()
    slug, campaign_id = quiz.campaign.slug, quiz.campaign_id
    db.session.expunge_all()
    campaign = load_where(Campaign, "slug = :slug", {"slug": slug}, for_update=True)
    assert campaign.id == campaign_id
    assert load_where(Campaign, "slug = :slug", {"slug": "none"}) is None
