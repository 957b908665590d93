"""Screenshots of the console's people pages into docs/screenshots/people-*.png.

Starts the app as scripts/screenshots.py does (gunicorn, a fresh SQLite database with the
demo data), then looks at the pages as the demo organizer: the list on an office laptop
(1366×768) and a phone (390×844), and a person's page right after a password reset.
Run with `.venv/bin/python scripts/people_shots.py` (needs Debian's chromium).
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

sys.path.insert(0, str(Path(__file__).resolve().parent))
from screenshots import BASE, CHROMIUM, OFFICE, ORGANIZER, OUT, PHONE, start_server  # noqa: E402


def _log_in(page) -> None:
    page.goto(f"{BASE}/auth/login")
    page.fill("#phone", ORGANIZER[0])
    page.fill("#password", ORGANIZER[1])
    page.click("button[type=submit].primary")
    page.wait_for_load_state()


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as workdir:
        server = start_server(Path(workdir))
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=CHROMIUM)
                for name, size in (("desktop", OFFICE), ("phone", PHONE)):
                    context = browser.new_context(viewport=size, locale="zh-CN")
                    page = context.new_page()
                    _log_in(page)
                    page.goto(f"{BASE}/manage/accounts")
                    page.screenshot(path=str(OUT / f"people-list-{name}.png"))
                    if name == "desktop":
                        page.click("table.people-accounts tbody tr:nth-child(3) a")
                        page.wait_for_load_state()
                        page.click("form[action$='/reset-password'] button")
                        page.wait_for_load_state()
                        page.screenshot(path=str(OUT / "people-person-reset.png"),
                                        full_page=True)
                    context.close()
                browser.close()
        finally:
            server.terminate()
            server.wait()


if __name__ == "__main__":
    main()
