"""The campaign dashboard in a real browser (Debian's Chromium): ECharts draws every chart
under the Content-Security-Policy with nothing refused and no console error, on a phone
(390 × 844) and on a desktop (1366 × 768), and follows the window's size; without JavaScript
the tables are the page.

`DASHBOARD_SHOTS=1 pytest tests/e2e/test_dashboard_e2e.py` also writes
docs/screenshots/dashboard-phone.png and dashboard-desktop.png.

Skipped where Chromium is not installed (`apt-get install chromium`).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from quiz.models import Role
from tests import figures
from tests.e2e.conftest import log_in
from tests.e2e.test_csp import LISTEN, assert_policy_enforced, violations

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
CHARTS = ("#chart-daily", "#chart-bands", "#chart-comparison")


@pytest.fixture
def world(db, make_unit, make_user, make_quiz, clock):
    return figures.build(db, make_unit, make_user, make_quiz, clock)


def _watch(page):
    """Keep every policy violation, console error and page error of `page`."""
    page.csp_console = []
    page.on("console", lambda m: page.csp_console.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda error: page.csp_console.append(str(error)))
    page.add_init_script(LISTEN)
    return page


def _open_dashboard(page, world, viewer):
    log_in(page, viewer)
    page.goto(f"/manage/campaigns/{world['campaign'].slug}/dashboard?unit=T1")
    page.wait_for_load_state("networkidle")
    for chart in CHARTS:
        page.wait_for_selector(f"{chart} canvas")


def _assert_clean(page):
    assert violations(page) == []
    assert page.csp_console == []


def _screenshot(page, name: str) -> None:
    """The whole page from its top (a sticky bar drawn mid-page otherwise), no tooltip."""
    if not os.environ.get("DASHBOARD_SHOTS"):
        return
    page.mouse.move(1, 1)
    page.evaluate("window.scrollTo(0, 0)")
    page.wait_for_timeout(300)
    page.screenshot(path=str(SCREENSHOTS / name), full_page=True)


def _canvas_width(page, chart: str) -> float:
    return page.locator(f"{chart} canvas").first.bounding_box()["width"]


def test_the_dashboard_draws_its_charts_on_a_phone(page, world, make_user):
    _watch(page)
    viewer = make_user(unit=world["units"]["C"], role=Role.admin)
    _open_dashboard(page, world, viewer)
    assert_policy_enforced(page)  # the policy is sent and heard; then the page's own
    page.reload()
    page.wait_for_load_state("networkidle")
    for chart in CHARTS:
        page.wait_for_selector(f"{chart} canvas")
        assert 300 < _canvas_width(page, chart) <= 390
    # Drawn: the tables fold into their <details>, one tap away, and are still there.
    assert page.locator("details.chart-table[open]").count() == 0
    page.click("#daily-title ~ details summary")
    assert page.locator("#daily-title ~ details table").is_visible()
    page.click("#daily-title ~ details summary")
    # A tooltip (drawn on the canvas, not as HTML with style attributes).
    box = page.locator("#chart-bands canvas").first.bounding_box()
    page.mouse.move(box["x"] + box["width"] - 30, box["y"] + box["height"] / 2)
    page.wait_for_timeout(300)
    # No sideways scrolling of the page itself on a phone.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    _assert_clean(page)
    _screenshot(page, "dashboard-phone.png")
    # The charts follow the window.
    page.set_viewport_size({"width": 1000, "height": 800})
    page.wait_for_timeout(600)
    assert _canvas_width(page, "#chart-daily") > 600
    _assert_clean(page)


def test_the_dashboard_draws_its_charts_on_a_desktop(page, live_server, world, make_user):
    context = page.context.browser.new_context(
        viewport={"width": 1366, "height": 768}, locale="zh-CN", base_url=live_server)
    desktop = _watch(context.new_page())
    viewer = make_user(unit=world["units"]["C"], role=Role.organizer)
    _open_dashboard(desktop, world, viewer)
    for chart in CHARTS:
        assert _canvas_width(desktop, chart) > 800
    box = desktop.locator("#chart-daily canvas").first.bounding_box()
    desktop.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    desktop.wait_for_timeout(300)
    _assert_clean(desktop)
    _screenshot(desktop, "dashboard-desktop.png")
    context.close()


def test_without_javascript_the_tables_are_the_page(page, live_server, world, make_user):
    context = page.context.browser.new_context(
        viewport={"width": 390, "height": 844}, locale="zh-CN", base_url=live_server,
        java_script_enabled=False)
    plain = context.new_page()
    log_in(plain, make_user(unit=world["units"]["C"], role=Role.organizer))
    plain.goto(f"/manage/campaigns/{world['campaign'].slug}/dashboard?unit=T1")
    assert plain.locator("details.chart-table[open]").count() == 2
    assert plain.locator("#daily-title ~ details table").is_visible()
    for chart in CHARTS:
        assert not plain.locator(chart).is_visible()  # no empty box where a chart would be
    context.close()
