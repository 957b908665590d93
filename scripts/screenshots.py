"""Take phone-sized screenshots of the participant's pages into docs/screenshots/.

Starts the app with gunicorn on a fresh SQLite database with the demo data, then drives
Debian's Chromium with Playwright as a participant would: log in, start the quiz, answer,
submit. Run with `make screenshots` (needs `apt-get install chromium fonts-noto-cjk`).
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "screenshots"
PORT = int(os.environ.get("SCREENSHOT_PORT", "8765"))
BASE = f"http://127.0.0.1:{PORT}"
PHONE = {"width": 390, "height": 844}
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
PARTICIPANT = ("13800000003", "participant-demo")


def start_server(workdir: Path) -> subprocess.Popen:
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{workdir / 'shots.sqlite3'}",
           "PORT": str(PORT), "GUNICORN_ACCESSLOG": "/dev/null", "WEB_CONCURRENCY": "1"}
    flask = [str(ROOT / ".venv/bin/flask"), "--app", "quiz"]
    subprocess.run([*flask, "init-db"], env=env, check=True, cwd=ROOT)
    subprocess.run([*flask, "seed-demo"], env=env, check=True, cwd=ROOT)
    server = subprocess.Popen(
        [str(ROOT / ".venv/bin/gunicorn"), "-c", "gunicorn.conf.py", "wsgi:app"],
        env=env, cwd=ROOT,
    )
    for _ in range(50):
        try:
            urllib.request.urlopen(f"{BASE}/healthz", timeout=1)
            return server
        except OSError:
            time.sleep(0.2)
    server.terminate()
    raise SystemExit("the server did not come up")


def shoot(page, name: str, full_page: bool = False) -> None:
    path = OUT / f"{name}.png"
    page.screenshot(path=str(path), full_page=full_page)
    print(f"wrote {path.relative_to(ROOT)}")


def journey(browser, lang: str) -> None:
    context = browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True,
                                  has_touch=True, locale="zh-CN" if lang == "zh" else "en-US")
    page = context.new_page()
    suffix = "" if lang == "zh" else "-en"
    page.goto(f"{BASE}/auth/register?unit=PA-CG-DJ")
    shoot(page, f"register{suffix}")
    page.goto(f"{BASE}/auth/login")
    page.fill("#phone", PARTICIPANT[0])
    page.fill("#password", PARTICIPANT[1])
    page.click("button[type=submit].primary")
    page.wait_for_load_state()
    shoot(page, f"campaign{suffix}")
    page.click("form[action*='/start'] button, a[href*='/attempt/']")
    page.wait_for_selector("#quiz-form")
    questions = page.locator("fieldset.question")
    for i in range(min(6, questions.count())):  # some answers, not all of them right
        options = questions.nth(i).locator("label.option")
        options.nth(i % options.count()).click()
    page.wait_for_function("document.getElementById('save-state').textContent.length > 0")
    page.evaluate("window.scrollTo(0, 0)")
    shoot(page, f"quiz{suffix}")
    page.on("dialog", lambda dialog: dialog.accept())
    page.click("#submit-button")
    page.wait_for_selector(".result")
    shoot(page, f"result{suffix}")
    context.close()


def main() -> int:
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        server = start_server(Path(tmp))
        try:
            with sync_playwright() as p:
                browser = p.chromium.launch(
                    executable_path=CHROMIUM,
                    args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                          "--disable-component-update", "--disable-sync", "--no-first-run"],
                )
                journey(browser, "zh")
                journey(browser, "en")
                browser.close()
        finally:
            server.terminate()
            server.wait(timeout=10)
    return 0


if __name__ == "__main__":
    sys.exit(main())
