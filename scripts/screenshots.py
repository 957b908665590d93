"""Take phone-sized screenshots of the participant's pages into docs/screenshots/.

Starts the app with gunicorn on a fresh SQLite database with the demo data, then drives
Debian's Chromium with Playwright as a participant would: log in, start the quiz, answer,
submit; then the organizers' pages and the QR posters (their PDFs turned into PNG by
poppler's pdftoppm). Run with `make screenshots` (needs `apt-get install chromium
fonts-noto-cjk poppler-utils`);
`scripts/screenshots.py quiz` writes only the shots whose names start with "quiz".
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
DESKTOP = {"width": 1280, "height": 800}
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
PARTICIPANT = ("13800000003", "participant-demo")
ORGANIZER = ("13800000002", "organizer-demo-2026")
ADMIN = ("13800000001", "admin-demo-2026")
#: The desktop size the console's figures are looked at on (a common office laptop).
OFFICE = {"width": 1366, "height": 768}
DEMO_BANK_NAME = "安全生产月示范题库"


def start_server(workdir: Path) -> subprocess.Popen:
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{workdir / 'shots.sqlite3'}",
           "PORT": str(PORT), "GUNICORN_ACCESSLOG": "/dev/null", "WEB_CONCURRENCY": "1",
           # the posters' links: an address phones would reach (no loopback warning)
           "PUBLIC_URL": os.environ.get("PUBLIC_URL", "https://quiz.example.gov.cn")}
    flask = [str(ROOT / ".venv/bin/flask"), "--app", "quiz"]
    subprocess.run([*flask, "init-db"], env=env, check=True, cwd=ROOT)
    subprocess.run([*flask, "seed-demo"], env=env, check=True, cwd=ROOT)
    # 26 more questions: the demo bank then has 120, three pages in the organizers' list.
    extra = workdir / "extra.csv"
    rows = ["题型,题干,选项A,选项B,选项C,选项D,答案,解析,分类,难度"] + [
        f"单选,补充题 {n}：发现电气线路冒烟时，首先应当（ ）。,切断电源,用水扑救,继续观察,"
        f"离开现场,A,先断电后灭火。,用电安全,中" for n in range(1, 27)]
    extra.write_text("\n".join(rows) + "\n", encoding="utf-8")
    subprocess.run([*flask, "import-bank", str(extra), "--bank", DEMO_BANK_NAME], env=env,
                   check=True, cwd=ROOT, stdout=subprocess.DEVNULL)
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


#: Name prefixes to write (the command line's arguments); empty: every shot.
ONLY: tuple[str, ...] = ()


def shoot(page, name: str, full_page: bool = False) -> None:
    if ONLY and not name.startswith(ONLY):
        return
    path = OUT / f"{name}.png"
    page.screenshot(path=str(path), full_page=full_page)
    print(f"wrote {path.relative_to(ROOT)}")


def log_in(page, who: tuple[str, str] = PARTICIPANT) -> None:
    page.goto(f"{BASE}/auth/login")
    page.fill("#phone", who[0])
    page.fill("#password", who[1])
    page.click("button[type=submit].primary")
    page.wait_for_load_state()


def open_quiz(page) -> None:
    """From the campaign page: start the quiz, or resume the one under way."""
    page.click("form[action*='/start'] button, a[href*='/attempt/']")
    page.wait_for_selector("#quiz-form")


def journey(browser, lang: str) -> None:
    locale = "zh-CN" if lang == "zh" else "en-US"
    context = browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True,
                                  has_touch=True, locale=locale)
    page = context.new_page()
    suffix = "" if lang == "zh" else "-en"
    page.goto(f"{BASE}/auth/register?unit=PA-CG-DJ")
    shoot(page, f"register{suffix}")
    # Three mistakes at once: each is shown beside its field.
    page.fill("#phone", "1391234")
    page.fill("#password", "123")
    page.click("button[type=submit].primary")
    page.wait_for_load_state()
    shoot(page, f"register-errors{suffix}", full_page=True)
    log_in(page)
    shoot(page, f"campaign{suffix}")
    open_quiz(page)
    # The page shows one question at a time: answer six of them (not all right), then look
    # back at the last one answered.
    for i in range(6):
        page.wait_for_selector("fieldset.question.current label.option")
        options = page.locator("fieldset.question.current label.option")
        options.nth(i % options.count()).click()
        page.click("#next-question")
    page.wait_for_selector("#save-state.saved")
    page.click("#prev-question")
    shoot(page, f"quiz{suffix}")
    page.click("#open-card")
    page.wait_for_selector("#answer-card[open]")
    shoot(page, f"quiz-card{suffix}")
    page.click("#close-card")

    if lang == "zh":  # the same attempt on a computer's screen
        desktop = browser.new_context(viewport=DESKTOP, locale=locale)
        other = desktop.new_page()
        log_in(other)
        open_quiz(other)
        shoot(other, "quiz-desktop")
        desktop.close()

    page.on("dialog", lambda dialog: dialog.accept())
    page.click("#open-card")
    page.click("#card-submit")
    page.wait_for_selector(".result")
    shoot(page, f"result{suffix}")
    context.close()


def organizer_pages(browser) -> None:
    """The bank of 120 questions, its last page (with the pager), on a phone."""
    context = browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True,
                                  has_touch=True, locale="zh-CN")
    page = context.new_page()
    log_in(page, ORGANIZER)
    page.goto(f"{BASE}/manage/banks")
    page.click(f"text={DEMO_BANK_NAME}")
    page.wait_for_load_state()
    page.click("nav.pager a")  # to page 2
    page.wait_for_load_state()
    page.locator("nav.pager").scroll_into_view_if_needed()
    shoot(page, "manage-bank-pages")
    context.close()


def console_figures(browser) -> None:
    """The admins' half with the demo's attempts: the unit leaderboard (the county, a
    township with a period, the units not started), the people board, the units page; on
    a computer and on a phone."""
    slug = _demo_slug()
    for size, suffix, phone in ((OFFICE, "", False), (PHONE, "-phone", True)):
        context = browser.new_context(viewport=size, device_scale_factor=1 if not phone else 2,
                                      is_mobile=phone, has_touch=phone, locale="zh-CN")
        page = context.new_page()
        log_in(page, ADMIN)
        page.goto(f"{BASE}/manage/campaigns/{slug}/units")
        shoot(page, f"units-board{suffix}", full_page=not phone)
        page.goto(f"{BASE}/manage/campaigns/{slug}/units?unit=PA-CG&sort=participants")
        page.click("text=本周")
        page.wait_for_load_state()
        shoot(page, f"units-board-week{suffix}", full_page=not phone)
        page.goto(f"{BASE}/manage/campaigns/{slug}/units?unit=PA-QS&absent=1")
        shoot(page, f"units-board-absent{suffix}")
        page.goto(f"{BASE}/manage/campaigns/{slug}/people")
        shoot(page, f"people-board{suffix}")
        page.goto(f"{BASE}/manage/campaigns/{slug}/dashboard?unit=PA-CG")
        page.wait_for_selector(".chart canvas")
        page.wait_for_timeout(800)  # the charts' entry animation
        shoot(page, f"dashboard{'-desktop' if not phone else suffix}", full_page=not phone)
        page.goto(f"{BASE}/manage/units?unit=PA-CG")
        shoot(page, f"units-page{suffix}", full_page=not phone)
        if not phone:
            page.goto(f"{BASE}/manage/campaigns")
            page.click("form[action$='/screen'] button")  # switch the big screen on
            page.wait_for_load_state()
            shoot(page, "campaigns-list")
            _big_screen(browser, slug)
            page.goto(f"{BASE}/manage/campaigns/{slug}/units?lang=en")
            shoot(page, "units-board-en", full_page=True)
            page.goto(f"{BASE}/manage/campaigns?lang=zh")  # back to Chinese for later shots
        context.close()


def posters(browser) -> None:
    """A unit's QR poster on a phone and on an office screen, as Chromium prints it, and
    the first page of each PDF layout (a township's posters, the county's sheet) as PNG."""
    slug = _demo_slug()
    for size, suffix, phone in ((PHONE, "phone", True), (OFFICE, "desktop", False)):
        context = browser.new_context(viewport=size, device_scale_factor=2 if phone else 1,
                                      is_mobile=phone, has_touch=phone, locale="zh-CN")
        page = context.new_page()
        log_in(page, ADMIN)
        page.goto(f"{BASE}/manage/campaigns/{slug}/units/PA-KF-DZ/poster")
        shoot(page, f"poster-{suffix}", full_page=True)
        if not phone:
            _pdf_png(page.pdf(format="A4", print_background=True, prefer_css_page_size=True),
                     "poster-print")
            for layout, unit in (("posters", "PA-KF"), ("sheet", "PA")):
                response = page.request.get(f"{BASE}/manage/campaigns/{slug}/posters.pdf"
                                            f"?unit={unit}&layout={layout}")
                assert response.ok, response.status
                _pdf_png(response.body(), f"poster-pdf-{layout}")
        context.close()


def campaign_pages(browser) -> None:
    """The campaign's settings, a new campaign's form, and the quiz form refusing more
    questions than the bank holds, on a phone and on an office screen (as the admin: the
    demo campaign is hosted by the county)."""
    slug = _demo_slug()
    for size, suffix, phone in ((PHONE, "phone", True), (OFFICE, "desktop", False)):
        context = browser.new_context(viewport=size, device_scale_factor=2 if phone else 1,
                                      is_mobile=phone, has_touch=phone, locale="zh-CN")
        page = context.new_page()
        log_in(page, ADMIN)
        page.goto(f"{BASE}/manage/campaigns/{slug}/edit")
        shoot(page, f"campaign-settings-{suffix}", full_page=True)
        page.goto(f"{BASE}/manage/campaigns/new")
        page.fill("#title", "河山镇安全生产月知识竞赛")
        page.fill("#slug", "Hs 2026")
        page.fill("#starts_on", "2026-06-30")
        page.fill("#ends_on", "2026-06-01")
        page.click("button[type=submit].primary")
        page.wait_for_load_state()
        shoot(page, f"campaign-form-errors-{suffix}", full_page=True)
        page.goto(f"{BASE}/manage/campaigns/{slug}/quizzes/new")
        page.check("input[name=banks]")
        page.fill("#single", "80")
        page.fill("#minutes", "200")
        page.click("button[type=submit].primary")
        page.wait_for_load_state()
        shoot(page, f"quiz-form-errors-{suffix}", full_page=True)
        context.close()


def _pdf_png(pdf: bytes, name: str) -> None:
    """The first page of a PDF as docs/screenshots/NAME.png, at 60 dpi (poppler)."""
    if ONLY and not name.startswith(ONLY):
        return
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "page.pdf"
        path.write_bytes(pdf)
        subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", "-singlefile",
                        str(path), str(OUT / name)], check=True)
    print(f"wrote {(OUT / name).relative_to(ROOT)}.png")


def _big_screen(browser, slug: str) -> None:
    """The public big screen on a projector (1920×1080) and on a phone."""
    for size, name in (({"width": 1920, "height": 1080}, "screen-1920"), (PHONE, "screen-phone")):
        context = browser.new_context(viewport=size, locale="zh-CN")
        page = context.new_page()
        page.goto(f"{BASE}/c/{slug}/screen")
        page.wait_for_load_state("networkidle")
        shoot(page, name, full_page=size is PHONE)
        context.close()


def _demo_slug() -> str:
    """The demo campaign's slug: named after the year it was loaded in (quiz/demo.py)."""
    import datetime as dt
    from zoneinfo import ZoneInfo

    return f"safety-month-{dt.datetime.now(ZoneInfo('Asia/Shanghai')).year}"


def main() -> int:
    global ONLY
    ONLY = tuple(sys.argv[1:])
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
                organizer_pages(browser)
                console_figures(browser)
                posters(browser)
                campaign_pages(browser)
                browser.close()
        finally:
            server.terminate()
            server.wait(timeout=10)
    return 0


if __name__ == "__main__":
    sys.exit(main())
