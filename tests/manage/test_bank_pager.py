"""A bank long enough to have more pages: every page renders, in both languages."""

from __future__ import annotations

import re

import pytest

from quiz.models import Role


@pytest.fixture
def organizer(make_user, auth):
    user = make_user(role=Role.organizer, name="组织者")
    auth.login(user.phone)
    return user


@pytest.mark.parametrize("lang", ["zh_CN", "en"])
def test_a_bank_of_120_questions_has_three_pages_that_all_render(client, organizer, make_bank,
                                                                 lang):
    bank = make_bank(single=80, multiple=20, judge=20)
    first = client.get(f"/manage/banks/{bank.id}?lang={lang}")
    assert first.status_code == 200
    html = first.get_data(as_text=True)
    assert html.count('id="q') == 50
    next_link = re.search(r'<a href="([^"]+)">(下一页|Next)</a>', html)
    assert next_link, "no link to the next page"
    second = client.get(next_link.group(1).replace("&amp;", "&"))
    assert second.status_code == 200
    page_two = second.get_data(as_text=True)
    assert re.search(r'<a href="[^"]+">(上一页|Previous)</a>', page_two)
    last = client.get(f"/manage/banks/{bank.id}?page=3&lang={lang}")
    assert last.status_code == 200
    assert last.get_data(as_text=True).count('id="q') == 20


def test_the_pager_keeps_the_filter(client, organizer, make_bank):
    bank = make_bank(single=120, multiple=0, judge=0)
    html = client.get(f"/manage/banks/{bank.id}?type=single&q=单选").get_data(as_text=True)
    link = re.search(r'<a href="([^"]+)">下一页</a>', html).group(1).replace("&amp;", "&")
    assert "type=single" in link and "page=2" in link
    assert client.get(link).status_code == 200


def test_no_template_rebinds_the_gettext_underscore():
    """`{% set _ = ... %}` shadows gettext: any `_('...')` after it on the page fails."""
    from pathlib import Path

    from quiz.config import ROOT

    offenders = [str(path.relative_to(ROOT)) for path in Path(ROOT, "templates").rglob("*.html")
                 if re.search(r"\{%-?\s*set\s+_\s*=", path.read_text(encoding="utf-8"))]
    assert offenders == []
