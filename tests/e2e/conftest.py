"""Browser tests: a live server on loopback and Debian's Chromium driven by Playwright.

Skipped where Chromium is not installed (`apt-get install chromium`); Playwright comes with
the dev requirements.
"""

from __future__ import annotations

import os
import threading

import pytest
from werkzeug.serving import make_server

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")


@pytest.fixture
def live_server(app):
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


@pytest.fixture
def page(live_server):
    playwright = pytest.importorskip("playwright.sync_api", reason="Playwright not installed")
    if not os.path.exists(CHROMIUM):
        pytest.skip(f"no Chromium at {CHROMIUM}")
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run"],
        )
        context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True,
                                      has_touch=True, locale="zh-CN", base_url=live_server)
        yield context.new_page()
        browser.close()


def log_in(page, user):
    page.goto("/auth/login")
    page.fill("#phone", user.phone)
    page.fill("#password", "secret123")
    page.click("button.primary")
    page.wait_for_load_state()
