"""Campaigns run from the console: who may create and change them, every refusal by field,
duplicating last year's, opening and closing early, archiving; and who sees them (the host
unit's subtree)."""

from __future__ import annotations

import datetime as dt

import pytest

from quiz.db import write_transaction
from quiz.models import Role
from quiz.services import campaign_admin, campaigns, quiz_admin
from quiz.services.attempts import start
from quiz.services.campaign_admin import CampaignValues
from quiz.services.errors import (
    CampaignClosed,
    Forbidden,
    InvalidFields,
    NotForYourUnit,
    NotFound,
    ValidationFailed,
)
from quiz.services.reach import reach_of

GRACE = 10


@pytest.fixture
def tree(make_unit):
    province = make_unit("吉林省", code="P", kind="province")
    county = make_unit("平安县", parent=province, code="C", kind="county")
    town = make_unit("河山镇", parent=county, code="T", kind="township")
    other = make_unit("安宁县", parent=province, code="O", kind="county")
    return {"P": province, "C": county, "T": town, "O": other}


def _values(**changes) -> CampaignValues:
    values = {"title": "2026年安全生产月知识竞赛", "slug": "safety-2026", "host_code": "C",
              "starts_on": "2026-06-01", "ends_on": "2026-06-30", "theme": "人人讲安全"}
    return CampaignValues(**{**values, **changes})


def _create(reach, **changes):
    with write_transaction():
        return campaign_admin.create_campaign(reach, _values(**changes))


def _errors(excinfo) -> dict[str, str]:
    return {name: str(error.message) for name, error in excinfo.value.errors.items()}


def test_an_organizer_creates_a_campaign_hosted_within_reach(tree, make_user):
    organizer = make_user(unit=tree["C"], role=Role.organizer)
    campaign = _create(reach_of(organizer), host_code="T", starts_on="２０２６年６月１日")
    assert campaign.host_unit.code == "T" and campaign.starts_on == dt.date(2026, 6, 1)
    assert campaign_admin.may_manage(reach_of(organizer), campaign)


def test_every_bad_field_is_named_at_once_and_nothing_is_stored(tree, make_user, db):
    organizer = make_user(unit=tree["C"], role=Role.organizer)
    with pytest.raises(InvalidFields) as excinfo:
        _create(reach_of(organizer), slug="Safety 2026!", title=" ", host_code="O",
                starts_on="2026-06-31", timezone="Mars/Olympus")
    errors = _errors(excinfo)
    assert set(errors) == {"slug", "title", "host", "starts_on", "timezone"}
    assert "O" in errors["host"] and "2026-06-31" in errors["starts_on"]
    assert campaigns.staff_campaigns(reach_of(organizer)) == []


def test_the_last_day_cannot_come_before_the_first_nor_a_year_after(tree, make_user):
    admin = make_user(unit=tree["P"], role=Role.admin)
    with pytest.raises(InvalidFields) as excinfo:
        _create(reach_of(admin), starts_on="2026-06-30", ends_on="2026-06-01")
    assert set(_errors(excinfo)) == {"ends_on"}
    with pytest.raises(InvalidFields) as excinfo:
        _create(reach_of(admin), starts_on="2026-06-01", ends_on="2027-06-30")
    assert "366" in _errors(excinfo)["ends_on"]


def test_a_taken_address_is_refused(tree, make_user):
    admin = make_user(unit=tree["P"], role=Role.admin)
    _create(reach_of(admin))
    with pytest.raises(InvalidFields) as excinfo:
        _create(reach_of(admin))
    assert "safety-2026" in _errors(excinfo)["slug"]


def test_only_admins_make_a_campaign_for_the_whole_installation(tree, make_user):
    organizer = make_user(unit=tree["P"], role=Role.organizer)
    with pytest.raises(InvalidFields) as excinfo:
        _create(reach_of(organizer), host_code="")
    assert set(_errors(excinfo)) == {"host"}
    admin = make_user(unit=tree["P"], role=Role.admin)
    assert _create(reach_of(admin), host_code="").host_unit is None


def test_organizers_below_the_host_see_its_figures_but_do_not_manage_it(tree, make_user):
    admin = make_user(unit=tree["P"], role=Role.admin)
    campaign = _create(reach_of(admin), host_code="C")
    town = reach_of(make_user(unit=tree["T"], role=Role.organizer))
    neighbour = reach_of(make_user(unit=tree["O"], role=Role.organizer))
    province = reach_of(make_user(unit=tree["P"], role=Role.organizer))
    assert campaigns.staff_campaigns(town) == [campaign]
    assert campaigns.staff_campaigns(neighbour) == []
    assert campaigns.staff_campaigns(province) == [campaign]
    assert not campaign_admin.may_manage(town, campaign)
    assert campaign_admin.may_manage(province, campaign)
    with pytest.raises(Forbidden):
        campaign_admin.update_campaign(town, campaign, _values(title="改名"))
    # The figures: the town's own unit, never the host's total above it; the host for
    # those who reach it; nothing for the neighbour.
    assert campaigns.figures_unit(town, campaign, None).code == "T"
    assert campaigns.figures_unit(province, campaign, None).code == "C"
    with pytest.raises(NotFound):
        campaigns.figures_unit(town, campaign, "C")
    with pytest.raises(NotFound):
        campaigns.figures_unit(province, campaign, "O")  # in reach, not the campaign's
    with pytest.raises(NotFound):
        campaigns.figures_unit(neighbour, campaign, "O")


def test_two_overlapping_campaigns_each_reach_their_own_people(
        tree, make_user, make_quiz, clock, db):
    province_quiz, county_quiz = make_quiz(), make_quiz()
    province_quiz.campaign.host_unit, county_quiz.campaign.host_unit = tree["P"], tree["C"]
    db.session.commit()
    in_town = make_user(unit=tree["T"])
    next_door = make_user(unit=tree["O"])
    clock.set(dt.datetime(2026, 6, 10, 2))
    moment = clock()
    assert {c.id for c in campaigns.active_campaigns(moment, in_town.unit)} == {
        province_quiz.campaign_id, county_quiz.campaign_id}
    assert [c.id for c in campaigns.active_campaigns(moment, next_door.unit)] == [
        province_quiz.campaign_id]
    with write_transaction():
        start(in_town, county_quiz, moment, GRACE)
    with pytest.raises(NotForYourUnit), write_transaction():
        start(next_door, county_quiz, moment, GRACE)
    with write_transaction():
        start(next_door, province_quiz, moment, GRACE)


def test_closing_early_stops_new_attempts_and_opening_again_allows_them(
        tree, make_user, make_quiz, clock, db):
    quiz = make_quiz()
    admin = make_user(unit=tree["P"], role=Role.admin)
    person = make_user(unit=tree["T"])
    clock.set(dt.datetime(2026, 6, 10, 2))
    with write_transaction():
        campaign_admin.close_now(reach_of(admin), quiz.campaign, clock())
    assert not campaigns.is_open(quiz.campaign, clock())
    with pytest.raises(CampaignClosed), write_transaction():
        start(person, quiz, clock(), GRACE)
    with write_transaction():
        campaign_admin.open_now(reach_of(admin), quiz.campaign, clock().date())
    with write_transaction():
        start(person, quiz, clock(), GRACE)


def test_opening_early_moves_the_first_day_to_today(tree, make_user, make_quiz, clock):
    quiz = make_quiz(starts_on=dt.date(2026, 6, 15))
    admin = make_user(unit=tree["P"], role=Role.admin)
    with write_transaction():
        campaign_admin.open_now(reach_of(admin), quiz.campaign, dt.date(2026, 6, 10))
    assert quiz.campaign.starts_on == dt.date(2026, 6, 10)


def test_an_archived_campaign_leaves_the_lists_keeps_its_figures_and_cannot_be_opened(
        tree, make_user, make_quiz, clock):
    quiz = make_quiz()
    admin = make_user(unit=tree["P"], role=Role.admin)
    moment = dt.datetime(2026, 6, 10, 2)
    with write_transaction():
        campaign_admin.set_archived(reach_of(admin), quiz.campaign, True, moment)
    assert quiz.campaign not in campaigns.staff_campaigns(reach_of(admin))
    assert quiz.campaign in campaigns.staff_campaigns(reach_of(admin), archived=True)
    assert campaigns.active_campaigns(moment) == []
    with pytest.raises(ValidationFailed, match="归档"), write_transaction():
        campaign_admin.open_now(reach_of(admin), quiz.campaign, moment.date())
    with write_transaction():
        campaign_admin.set_archived(reach_of(admin), quiz.campaign, False, moment)
    assert quiz.campaign in campaigns.staff_campaigns(reach_of(admin))


def test_a_duplicate_takes_the_quizzes_and_none_of_the_attempts(
        tree, make_user, make_quiz, clock, db):
    quiz = make_quiz(pass_mark=40, attempts_per_day=2)
    admin = make_user(unit=tree["P"], role=Role.admin)
    person = make_user(unit=tree["T"])
    with write_transaction():
        start(person, quiz, dt.datetime(2026, 6, 10, 2), GRACE)
    with write_transaction():
        copy = campaign_admin.duplicate_campaign(
            reach_of(admin), quiz.campaign, title="2027年竞赛", slug="safety-2027",
            starts_on="2027-06-01", ends_on="2027-06-30")
    [twin] = copy.quizzes
    assert (twin.pass_mark, twin.attempts_per_day, twin.banks) == (40, 2, quiz.banks)
    assert sorted((r.type, r.count) for r in twin.rules) == sorted(
        (r.type, r.count) for r in quiz.rules)
    assert twin.id != quiz.id
    assert quiz_admin.attempts_taken(quiz) == 1 and quiz_admin.attempts_taken(twin) == 0
