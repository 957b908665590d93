"""The posters' rules: which address the links start with and when to warn, the link, the
units of a subtree and their order, the limit, the rules' lines, and the QR code itself."""

from __future__ import annotations

import datetime as dt

import pytest
import zxingcpp
from PIL import Image

from quiz.models import Role
from quiz.services import posters, qr
from quiz.services.errors import NotFound, ValidationFailed
from quiz.services.reach import reach_of

REQUEST_ROOT = "http://10.0.0.5:8000/"


def draw_modules(modules, scale: int = 6) -> Image.Image:
    """A picture of the modules with a 4-module white margin, as a camera would see it."""
    size = (len(modules) + 8) * scale
    image = Image.new("L", (size, size), 255)
    for row, dark in enumerate(modules):
        for column, is_dark in enumerate(dark):
            if is_dark:
                left, top = (column + 4) * scale, (row + 4) * scale
                image.paste(0, (left, top, left + scale, top + scale))
    return image


def decode(image: Image.Image) -> list[str]:
    return [result.text for result in zxingcpp.read_barcodes(image)]


# --- the address -----------------------------------------------------------------------


def test_public_url_is_used_without_its_trailing_slash_and_without_warnings(app):
    base = posters.public_base("https://quiz.example.cn/", REQUEST_ROOT)
    assert (base.url, base.warnings, base.reachable) == ("https://quiz.example.cn", (), True)


def test_a_path_prefix_in_public_url_is_kept(app):
    assert posters.public_base("https://example.gov.cn/quiz/", REQUEST_ROOT).url == \
        "https://example.gov.cn/quiz"


def test_without_public_url_the_request_address_is_used_with_a_warning(app):
    base = posters.public_base(None, REQUEST_ROOT)
    assert base.url == "http://10.0.0.5:8000" and base.reachable
    assert len(base.warnings) == 1 and "PUBLIC_URL" in base.warnings[0]
    assert "http://10.0.0.5:8000" in base.warnings[0]


def test_a_public_url_that_is_no_web_address_is_named_and_the_request_address_used(app):
    base = posters.public_base("quiz.example.cn", REQUEST_ROOT)
    assert base.url == "http://10.0.0.5:8000"
    assert "quiz.example.cn" in base.warnings[0] and "PUBLIC_URL" in base.warnings[0]


@pytest.mark.parametrize("url", ["http://127.0.0.1:5000", "http://127.3.4.5", "http://localhost:8000",
                                 "http://app.localhost", "http://[::1]:8000",
                                 "http://[::ffff:127.0.0.1]:8000"])
def test_a_loopback_public_url_is_flagged_as_unreachable(app, url):
    base = posters.public_base(url, REQUEST_ROOT)
    assert base.url == url and not base.reachable
    assert any("回环地址" in warning for warning in base.warnings), base.warnings


def test_the_unspecified_address_is_flagged_as_unreachable(app):
    base = posters.public_base("http://0.0.0.0:8000", REQUEST_ROOT)
    assert not base.reachable and "0.0.0.0" in base.warnings[0]


def test_a_loopback_request_address_without_public_url_gets_both_warnings(app):
    base = posters.public_base(None, "http://localhost:8000/")
    assert not base.reachable and len(base.warnings) == 2


@pytest.mark.parametrize("url", ["https://quiz.example.cn", "http://192.168.1.20:8000",
                                 "http://quiz.intranet"])
def test_addresses_phones_can_reach_are_not_flagged(app, url):
    base = posters.public_base(url, REQUEST_ROOT)
    assert base.reachable and base.warnings == ()


def test_the_link_encodes_the_slug_and_the_code():
    assert posters.unit_link("https://quiz.example.cn", "safety-2026", "PA-CG_01") == \
        "https://quiz.example.cn/c/safety-2026?unit=PA-CG_01"
    assert posters.unit_link("https://x.cn", "a b", "A&B/C") == "https://x.cn/c/a%20b?unit=A%26B%2FC"


# --- the QR code -----------------------------------------------------------------------


def test_the_modules_decode_back_to_the_link():
    link = "https://quiz.example.cn/c/safety-month-2026?unit=PA-CG-DJ"
    assert decode(draw_modules(qr.modules(link))) == [link]


def test_the_svg_has_a_quiet_zone_and_no_fixed_size():
    link = "https://quiz.example.cn/c/x?unit=A"
    svg = qr.svg(link)
    side = len(qr.modules(link)) + 2 * qr.QUIET_ZONE
    assert svg.startswith(f'<svg viewBox="0 0 {side} {side}"')
    assert "width=" not in svg.split(">")[0]
    assert 'fill="#fff"' in svg  # a white square under the code, the quiet zone included


# --- which units -----------------------------------------------------------------------


@pytest.fixture
def tree(make_unit):
    county = make_unit("平安县", code="P", kind="county")
    town = make_unit("城关镇", parent=county, code="P-CG", kind="township")
    make_unit("西街社区", parent=town, code="P-CG-X", kind="community")
    make_unit("东街社区", parent=town, code="P-CG-D", kind="community")
    other = make_unit("河山镇", parent=county, code="P-HS", kind="township")
    return {"county": county, "town": town, "other": other}


def test_a_subtree_comes_in_tree_order_with_siblings_by_code(app, tree, make_quiz):
    campaign = make_quiz().campaign
    codes = [p.unit_code for p in posters.subtree_posters(campaign, tree["county"], "https://q.cn")]
    assert codes == ["P", "P-CG", "P-CG-D", "P-CG-X", "P-HS"]


def test_retired_units_are_left_out_but_the_units_below_them_are_not(app, db, tree, make_quiz):
    campaign = make_quiz().campaign
    tree["town"].retired_at = dt.datetime(2026, 5, 1)
    db.session.commit()
    codes = [p.unit_code for p in posters.subtree_posters(campaign, tree["county"], "https://q.cn")]
    assert codes == ["P", "P-CG-D", "P-CG-X", "P-HS"]
    with pytest.raises(ValidationFailed, match="城关镇"):
        posters.poster_for(campaign, tree["town"], "https://q.cn")


def test_more_units_than_the_limit_are_refused_with_the_limit_and_the_count(app, tree, make_quiz):
    campaign = make_quiz().campaign
    with pytest.raises(posters.TooManyUnits) as refused:
        posters.subtree_posters(campaign, tree["county"], "https://q.cn", limit=4)
    assert refused.value.status == 422
    message = str(refused.value)
    assert "4" in message and "5" in message and "平安县" in message
    assert len(posters.subtree_posters(campaign, tree["county"], "https://q.cn", limit=5)) == 5


def test_the_limit_is_one_constant_of_a_few_hundred():
    assert 200 <= posters.MAX_UNITS_PER_PDF <= 1000


def test_a_unit_outside_the_campaigns_host_is_not_found(app, db, tree, make_quiz, make_user):
    campaign = make_quiz().campaign
    campaign.host_unit = tree["town"]
    db.session.commit()
    admin = reach_of(make_user(unit=tree["county"], role=Role.admin))
    with pytest.raises(NotFound, match="城关镇"):
        posters.poster_unit(campaign, admin, "P-HS")
    assert posters.poster_unit(campaign, admin, "P-CG-D").code == "P-CG-D"
    assert posters.poster_unit(campaign, admin, None) == tree["town"]  # the host by default


def test_an_unknown_code_is_not_found_and_named(app, tree, make_quiz, make_user):
    campaign = make_quiz().campaign
    organizer = reach_of(make_user(unit=tree["town"], role=Role.organizer))
    with pytest.raises(NotFound, match="NOPE"):
        posters.poster_unit(campaign, organizer, "NOPE")
    with pytest.raises(NotFound, match="P-HS"):  # the sibling township: as if it were not
        posters.poster_unit(campaign, organizer, "P-HS")
    assert posters.poster_unit(campaign, organizer, "") == tree["town"]


def test_an_unknown_layout_is_refused_and_named():
    assert posters.check_layout(None) == "posters"
    assert posters.check_layout("sheet") == "sheet"
    with pytest.raises(ValidationFailed, match="booklet") as refused:
        posters.check_layout("booklet")
    assert refused.value.field == "layout"


# --- what a poster says ----------------------------------------------------------------


def test_the_rules_come_from_the_active_quiz_in_chinese(app, tree, make_quiz):
    quiz = make_quiz(single=6, multiple=2, judge=2, time_limit_seconds=900, attempts_per_day=2)
    with app.test_request_context("/"):
        poster = posters.poster_for(quiz.campaign, tree["town"], "https://q.cn")
    assert poster.rules == ("每次答题：10 道题", "答题限时：15 分钟", "每天最多答题：2 次")
    assert poster.dates == "2026年6月1日 至 2026年6月30日"
    assert poster.link == f"https://q.cn/c/{quiz.campaign.slug}?unit=P-CG"
    assert (poster.unit_name, poster.title) == ("城关镇", "安全生产月知识竞赛")


def test_the_rules_in_english_and_a_time_limit_of_part_of_a_minute(app, tree, make_quiz):
    quiz = make_quiz(time_limit_seconds=90)
    with app.test_request_context("/?lang=en"):
        poster = posters.poster_for(quiz.campaign, tree["town"], "https://q.cn")
    assert poster.rules[1] == "Time limit: 1.5 minutes"
    assert poster.dates == "June 1, 2026 to June 30, 2026"


def test_an_inactive_quiz_gives_no_rules(app, db, tree, make_quiz):
    quiz = make_quiz()
    quiz.is_active = False
    db.session.commit()
    assert posters.poster_for(quiz.campaign, tree["town"], "https://q.cn").rules == ()
