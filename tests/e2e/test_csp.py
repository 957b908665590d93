"""Our own pages run under the Content-Security-Policy with nothing refused (Debian's Chromium).

A refused script, style, image or fetch shows as a `securitypolicyviolation` event and a
console error; either fails the test. Each test first proves the listener hears a violation,
so a policy turned off (or a context that bypasses it) cannot pass unseen.
"""

from __future__ import annotations

import datetime as dt

import pytest

from quiz.timeutil import utcnow
from tests.e2e.conftest import log_in

LISTEN = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__cspViolations.push(e.violatedDirective + " " + (e.blockedURI || "inline"));
});
"""

#: Run from outside the page (not subject to its policy): an inline script it must refuse.
#: Resolves true once the refusal is heard (no wait_for_function: the policy forbids eval).
INLINE_SCRIPT = """() => new Promise((resolve) => {
  document.addEventListener("securitypolicyviolation", () => resolve(true), {once: true});
  setTimeout(() => resolve(false), 5000);
  const s = document.createElement("script");
  s.textContent = "window.__inlineRan = true";
  document.head.appendChild(s);
})"""


@pytest.fixture
def csp_page(page):
    """The page, with every policy violation and console error kept."""
    console = []
    page.on("console", lambda m: console.append(m.text) if m.type == "error" else None)
    page.add_init_script(LISTEN)
    page.csp_console = console
    return page


def violations(page) -> list[str]:
    found = list(page.evaluate("window.__cspViolations || []"))
    found += [text for text in page.csp_console if "Content Security Policy" in text]
    return found


def assert_policy_enforced(page) -> None:
    """An inline script is refused and heard, then forgotten: the page's own must be clean."""
    assert page.evaluate(INLINE_SCRIPT), "no violation heard: is the policy sent?"
    assert page.evaluate("window.__inlineRan === undefined")
    assert page.evaluate("window.__cspViolations.length") > 0
    page.evaluate("() => { window.__cspViolations = []; }")
    page.csp_console.clear()


def test_the_register_page_runs_under_the_policy(csp_page, make_unit):
    county = make_unit("测试县", kind="county")
    make_unit("测试中学", parent=county, kind="school")
    csp_page.goto("/auth/register")
    csp_page.wait_for_load_state("networkidle")
    assert_policy_enforced(csp_page)
    # The unit picker (static/js/unit-picker.js) builds its controls: it ran.
    csp_page.wait_for_selector("#unit-search:not([hidden])")
    csp_page.fill("#unit-search", "中学")
    csp_page.wait_for_selector(".unit-results button")
    csp_page.reload()
    csp_page.wait_for_load_state("networkidle")
    assert violations(csp_page) == []


def test_the_login_page_runs_under_the_policy(csp_page):
    csp_page.goto("/auth/login")
    csp_page.wait_for_load_state("networkidle")
    assert_policy_enforced(csp_page)
    csp_page.reload()
    csp_page.wait_for_load_state("networkidle")
    assert violations(csp_page) == []


def test_a_quiz_attempt_runs_under_the_policy(csp_page, make_user, make_quiz, clock):
    clock.set(utcnow())
    today = clock().date()
    quiz = make_quiz(starts_on=today - dt.timedelta(days=1), ends_on=today + dt.timedelta(days=1))
    log_in(csp_page, make_user())
    csp_page.goto(f"/c/{quiz.campaign.slug}")
    csp_page.click("form[action*='/start'] button")
    csp_page.wait_for_selector("#quiz-form")
    csp_page.wait_for_load_state("networkidle")
    assert_policy_enforced(csp_page)
    csp_page.reload()
    csp_page.wait_for_selector("#quiz-form")
    # An answer is saved by fetch() to our own origin (connect-src 'self').
    with csp_page.expect_response(lambda r: r.request.method == "POST") as saved:
        csp_page.locator("fieldset.question label.option:visible").first.click()
    assert saved.value.ok
    csp_page.wait_for_load_state("networkidle")
    assert violations(csp_page) == []
