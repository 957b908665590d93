"""The quiz page as the server renders it: the whole quiz as one plain form (what a phone
without JavaScript gets), nothing inline for the Content-Security-Policy, no log-out link."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import sqlalchemy as sa

from quiz.models import Attempt, Question
from tests.conftest import csrf_from

VOID = {"input", "meta", "link", "br", "img", "hr", "source", "wbr"}


class Element:
    def __init__(self, tag: str, attrs: dict[str, str | None], parent: Element | None):
        self.tag, self.attrs, self.parent, self.children = tag, attrs, parent, []
        self.text = ""

    def ancestors(self):
        node = self.parent
        while node is not None:
            yield node
            node = node.parent

    def inside(self, tag: str) -> Element | None:
        return next((a for a in self.ancestors() if a.tag == tag), None)

    def walk(self):
        yield self
        for child in self.children:
            yield from child.walk()


class Tree(HTMLParser):
    """Just enough of a DOM: elements, attributes, nesting, text."""

    def __init__(self, html: str):
        super().__init__()
        self.root = self.current = Element("#document", {}, None)
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        element = Element(tag, dict(attrs), self.current)
        self.current.children.append(element)
        if tag not in VOID:
            self.current = element

    def handle_endtag(self, tag):
        node = self.current
        while node is not self.root and node.tag != tag:
            node = node.parent
        if node is not self.root:
            self.current = node.parent

    def handle_data(self, data):
        self.current.text += data

    def find_all(self, tag: str, **attrs) -> list[Element]:
        return [e for e in self.root.walk() if e.tag == tag
                and all(e.attrs.get(k.rstrip("_")) == v for k, v in attrs.items())]

    def by_id(self, element_id: str) -> Element:
        found = [e for e in self.root.walk() if e.attrs.get("id") == element_id]
        assert len(found) == 1, f"#{element_id}: {len(found)} elements"
        return found[0]


def start_attempt(client, auth, make_user, make_quiz, db):
    quiz = make_quiz()
    user = make_user()
    auth.login(user.phone)
    page = client.get(f"/c/{quiz.campaign.slug}").get_data(as_text=True)
    response = client.post(f"/quiz/{quiz.id}/start", data={"csrf_token": csrf_from(page)})
    attempt = db.session.scalar(sa.select(Attempt).where(Attempt.user_id == user.id))
    return attempt, response.headers["Location"]


def test_without_javascript_the_page_is_the_whole_quiz_as_one_form(
        client, auth, make_user, make_quiz, db):
    attempt, url = start_attempt(client, auth, make_user, make_quiz, db)
    html = client.get(url).get_data(as_text=True)
    tree = Tree(html)

    form = tree.by_id("quiz-form")
    assert form.tag == "form" and form.attrs["method"] == "post"
    assert form.attrs["action"].endswith(f"/attempt/{attempt.id}/submit")
    fieldsets = tree.find_all("fieldset")
    assert len(fieldsets) == len(attempt.questions) == 8
    for item in attempt.questions:
        fieldset = tree.by_id(f"q-{item['id']}")
        assert fieldset.inside("form") is form
        # Shown as it comes: nothing hides a question until the script pages through them.
        assert "hidden" not in fieldset.attrs and "current" not in fieldset.attrs["class"]
        question = db.session.get(Question, item["id"])
        assert question.stem in "".join(e.text for e in fieldset.walk())
        kind = "checkbox" if item["type"] == "multiple" else "radio"
        inputs = [e for e in fieldset.walk() if e.tag == "input"]
        assert [(e.attrs["type"], e.attrs["name"]) for e in inputs] == \
            [(kind, f"q{item['id']}")] * len(item["order"])
        assert [e.attrs["value"] for e in inputs] == list("ABCDEF"[: len(item["order"])])
    submit = tree.by_id("submit-button")
    assert submit.attrs["type"] == "submit" and submit.inside("form") is form
    assert "hidden" not in submit.attrs

    # The script's parts are in the page but hidden until it runs: no dead buttons without it.
    assert "hidden" in tree.by_id("quiznav").attrs
    assert "hidden" in tree.by_id("position").attrs
    assert tree.by_id("answer-card").tag == "dialog"
    assert "open" not in tree.by_id("answer-card").attrs


def test_the_quiz_page_has_nothing_inline_for_the_content_security_policy(
        client, auth, make_user, make_quiz, db):
    _, url = start_attempt(client, auth, make_user, make_quiz, db)
    tree = Tree(client.get(url).get_data(as_text=True))
    scripts = tree.find_all("script")
    assert scripts and all(s.attrs.get("src") and not s.text.strip() for s in scripts)
    assert not tree.find_all("style")
    for element in tree.root.walk():
        assert "style" not in element.attrs, element.tag
        assert not [a for a in element.attrs if a.startswith("on")], element.tag
    # The strings the script shows come with the page, in the page's language.
    assert tree.by_id("position").attrs["data-template"] == "第 {n} 题 / 共 8 题"
    assert tree.by_id("submit-button").attrs["data-confirm"] == "还有 {n} 道题未作答，确定交卷吗？"
    grid = tree.by_id("card-grid")
    assert grid.attrs["data-answered"] == "第 {n} 题，已作答"
    assert [b.text for b in grid.walk() if b.tag == "button"] == [str(n) for n in range(1, 9)]


def test_the_quiz_page_offers_no_log_out_but_the_other_pages_do(
        client, auth, make_user, make_quiz, db):
    attempt, url = start_attempt(client, auth, make_user, make_quiz, db)
    quiz_page = client.get(url).get_data(as_text=True)
    assert "/auth/logout" not in quiz_page and "退出" not in quiz_page
    campaign_page = client.get(f"/c/{attempt.quiz.campaign.slug}").get_data(as_text=True)
    assert re.search(r'<form method="post" action="/auth/logout"', campaign_page)
    assert "退出" in campaign_page


def test_autosave_answers_with_the_time_left_to_the_millisecond(
        client, auth, make_user, make_quiz, db, clock):
    attempt, url = start_attempt(client, auth, make_user, make_quiz, db)
    html = client.get(url).get_data(as_text=True)
    clock.advance(30.25)
    first = str(attempt.questions[0]["id"])
    saved = client.post(f"{url}/answers", json={"answers": {first: ["A"]}},
                        headers={"X-CSRFToken": csrf_from(html)})
    assert saved.status_code == 200
    assert saved.json["remaining_seconds"] == 569
    assert saved.json["remaining_ms"] == 569_750
