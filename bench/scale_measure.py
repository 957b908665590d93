"""What the scale run times, and how: each figures page and API call through the app's
test client as the county's admin (logged in through /auth/login with the form's CSRF
token; the API with a bearer token from /api/v1/auth/login), and one person's rank through
the service the result page calls. Each is uncached (STATS_CACHE_SECONDS=0 and the app
cache cleared before every repeat), after one untimed warm-up, as the median of the repeats.

And a worker's memory: the real app under gunicorn (gunicorn.conf.py, one worker), each
page asked for a few times over HTTP (uncached too), then VmRSS (and the peak, VmHWM) of
the worker.
"""

from __future__ import annotations

import http.cookiejar
import json
import os
import re
import secrets
import signal
import socket
import statistics
import subprocess
import time
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from . import scale_county as county

ROOT = Path(__file__).resolve().parent.parent
CSRF_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
API = "/api/v1/campaigns/{slug}"
MANAGE = "/manage/campaigns/{slug}"


@dataclass(frozen=True)
class Item:
    name: str
    #: "page": the console as the admin; "api": bearer token; "service": a direct call.
    via: str
    path: str
    #: What the issue's target groups it with.
    group: str


def items(periods: dict[str, tuple[str, str]]) -> list[Item]:
    """Every measured item; `periods`: the days of the unit board's periods, "week" a
    calendar week (read from the week rows), "seven_days" seven days that are not one
    (read from the day rows, as any other period)."""
    (first, last), (any_first, any_last) = periods["week"], periods["seven_days"]
    return [
        Item("unit leaderboard", "page", MANAGE + "/units", "leaderboard"),
        Item("unit leaderboard", "api", API + "/leaderboard/units", "leaderboard"),
        Item("unit leaderboard, a week beside", "page",
             MANAGE + f"/units?from={first}&to={last}", "leaderboard"),
        Item("unit leaderboard, any 7 days beside", "page",
             MANAGE + f"/units?from={any_first}&to={any_last}", "leaderboard"),
        Item("individual top 50", "page", MANAGE + "/people", "leaderboard"),
        Item("individual top 50", "api", API + "/leaderboard/people", "leaderboard"),
        Item("one person's rank (standing)", "service", "attempts.standing", "leaderboard"),
        Item("stats, county", "api", API + "/stats", "stats"),
        Item("daily stats, county", "api", API + "/stats/daily", "stats"),
        Item("dashboard, county", "page", MANAGE + "/dashboard", "dashboard"),
        Item("report .xlsx, county", "page", MANAGE + "/report.xlsx", "export"),
    ]


def middle_person(app) -> int:
    """The user id of the person ranked in the middle of the campaign's board."""
    import sqlalchemy as sa

    from quiz.extensions import db
    from quiz.models import PersonBest
    from quiz.services.leaderboard import _RANK_ORDER

    with app.app_context():
        total = db.session.scalar(sa.select(sa.func.count()).select_from(PersonBest))
        return db.session.scalar(sa.select(PersonBest.user_id).order_by(*_RANK_ORDER)
                                 .offset(total // 2).limit(1))


class Client:
    """The app on one database, logged in as the county's admin (page and API)."""

    def __init__(self, url: str):
        from quiz import create_app

        self.app = create_app({"SQLALCHEMY_DATABASE_URI": url,
                               "SECRET_KEY": secrets.token_hex(32),
                               "CACHE_TYPE": "SimpleCache", "REDIS_URL": None,
                               "STATS_CACHE_SECONDS": 0})
        self.client = self.app.test_client()
        login = self.client.get("/auth/login")
        token = CSRF_RE.search(login.get_data(as_text=True)).group(1)
        done = self.client.post("/auth/login", data={
            "phone": county.ADMIN_PHONE, "password": county.ADMIN_PASSWORD,
            "csrf_token": token, "remember": "y", "next": ""})
        if done.status_code != 302:
            raise SystemExit(f"admin log-in failed: {done.status_code}")
        api_token = self.client.post("/api/v1/auth/login", json={
            "phone": county.ADMIN_PHONE, "password": county.ADMIN_PASSWORD}).get_json()["token"]
        self.bearer = {"Authorization": f"Bearer {api_token}"}
        self.person = middle_person(self.app)

    def _standing(self) -> int:
        from quiz.extensions import db
        from quiz.models import Campaign, User
        from quiz.services import attempts

        with self.app.app_context():
            user = db.session.get(User, self.person)
            campaign_id = db.session.scalar(
                db.select(Campaign.id).where(Campaign.slug == county.SLUG))
            found = attempts.standing(user, campaign_id)
            db.session.remove()
            return len(str(found.rank))

    def time(self, item: Item) -> tuple[float, int]:
        """Seconds one uncached request (or call) takes, and the bytes it answered."""
        from quiz.extensions import cache

        with self.app.app_context():
            cache.clear()
        began = time.perf_counter()
        if item.via == "service":
            size = self._standing()
        else:
            response = self.client.get(item.path.format(slug=county.SLUG),
                                       headers=self.bearer if item.via == "api" else None)
            body = response.get_data()
            if response.status_code != 200:
                raise SystemExit(f"{item.path}: {response.status_code} {body[:300]!r}")
            size = len(body)
        return time.perf_counter() - began, size

    def close(self) -> None:
        from quiz.extensions import db

        with self.app.app_context():
            db.session.remove()
            db.engine.dispose()


def time_items(urls: dict[str, str], repeats: int, periods: dict[str, tuple[str, str]]
               ) -> dict[str, dict[str, dict]]:
    """{name: {label: {"median", "runs", ...}}} for every item on each database of `urls`
    ({name: URL}). The databases take turns, run by run, so that the load of a shared
    machine weighs on each alike."""
    clients = {name: Client(url) for name, url in urls.items()}
    results: dict[str, dict[str, dict]] = {name: {} for name in urls}
    try:
        for item in items(periods):
            runs: dict[str, list[float]] = {name: [] for name in urls}
            sizes = {}
            for name, client in clients.items():  # warm-up: templates, statement caches
                sizes[name] = client.time(item)[1]
            for _ in range(repeats):
                for name, client in clients.items():
                    runs[name].append(client.time(item)[0])
            for name in urls:
                results[name][label(item)] = {
                    "median": statistics.median(runs[name]), "min": min(runs[name]),
                    "runs": runs[name], "bytes": sizes[name], "group": item.group,
                    "via": item.via}
    finally:
        for client in clients.values():
            client.close()
    return results


def label(item: Item) -> str:
    return f"{item.name} ({item.via})"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _status(pid: int) -> dict[str, int]:
    """VmRSS and VmHWM of a process, in kB."""
    found = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            found[key] = int(value.split()[0])
    return found


def _children(pid: int) -> list[int]:
    text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    return [int(p) for p in text.split()]


def worker_memory(url: str, periods: dict[str, tuple[str, str]], repeats: int = 3,
                  log_path: Path | None = None) -> dict:
    """Start gunicorn on `url` with one worker, ask for every page and API call `repeats`
    times as the admin, and read the worker's memory."""
    port = free_port()
    env = {key: value for key, value in os.environ.items() if key != "REDIS_URL"}
    env.update(DATABASE_URL=url, SECRET_KEY=secrets.token_hex(32), PORT=str(port),
               WEB_CONCURRENCY="1", GUNICORN_ACCESSLOG="/dev/null",
               STATS_CACHE_SECONDS="0")  # each request computes its figures: the worst case
    log = open(log_path or os.devnull, "wb")  # noqa: SIM115 (closed below)
    master = subprocess.Popen([str(ROOT / ".venv/bin/gunicorn"), "-c",
                               str(ROOT / "gunicorn.conf.py"), "wsgi:app"],
                              cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_up(base + "/healthz", master)
        worker = _children(master.pid)[0]
        idle = _status(worker)
        jar = http.cookiejar.CookieJar()
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
        page = opener.open(base + "/auth/login", timeout=60).read().decode()
        form = {"phone": county.ADMIN_PHONE, "password": county.ADMIN_PASSWORD,
                "csrf_token": CSRF_RE.search(page).group(1), "remember": "y", "next": ""}
        opener.open(base + "/auth/login", urllib.parse.urlencode(form).encode(), timeout=60)
        login = urllib.request.Request(base + "/api/v1/auth/login", method="POST",
                                       data=json.dumps({"phone": county.ADMIN_PHONE,
                                                        "password": county.ADMIN_PASSWORD})
                                       .encode(), headers={"Content-Type": "application/json"})
        token = json.load(urllib.request.urlopen(login, timeout=60))["token"]
        seconds: dict[str, list[float]] = {}
        for item in items(periods):
            if item.via == "service":
                continue
            for _ in range(repeats):
                request = urllib.request.Request(base + item.path.format(slug=county.SLUG))
                if item.via == "api":
                    request.add_header("Authorization", f"Bearer {token}")
                began = time.perf_counter()
                with opener.open(request, timeout=120) as response:
                    response.read()
                seconds.setdefault(label(item), []).append(time.perf_counter() - began)
        after = _status(worker)
        same_worker = _children(master.pid) == [worker]
    finally:
        master.send_signal(signal.SIGTERM)
        try:
            master.wait(timeout=30)
        except subprocess.TimeoutExpired:
            master.kill()
            master.wait()
        log.close()
    return {"idle_rss_kb": idle["VmRSS"], "rss_kb": after["VmRSS"], "peak_kb": after["VmHWM"],
            "same_worker": same_worker,
            "http_median_seconds": {k: statistics.median(v) for k, v in seconds.items()}}


def _wait_up(address: str, master: subprocess.Popen) -> None:
    for _ in range(300):
        if master.poll() is not None:
            raise SystemExit(f"gunicorn exited with {master.returncode}")
        try:
            urllib.request.urlopen(address, timeout=2)
            return
        except OSError:
            time.sleep(0.1)
    raise SystemExit("gunicorn did not come up")
