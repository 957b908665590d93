"""The QR posters' pages and PDFs: the codes decode to the exact link, the pages and sheets
add up, the Chinese text is there, the address warnings, who may see which unit's posters,
and the limit.

The PDFs are checked as a person would get them: rendered by poppler (`pdftoppm`,
`pdftotext`, `pdfinfo`; Debian's poppler-utils), then the codes read back with zxing-cpp.
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from urllib.parse import urlsplit

import pytest
import zxingcpp
from PIL import Image

from quiz.models import Role
from quiz.services import posters as poster_service
from tests.conftest import AuthActions
from tests.helpers import fresh_client

PUBLIC = "https://quiz.example.cn"
needs_poppler = pytest.mark.skipif(
    shutil.which("pdftoppm") is None or shutil.which("pdftotext") is None,
    reason="poppler-utils is not installed (apt-get install poppler-utils)")


@pytest.fixture
def world(app, make_unit, make_user, make_quiz):
    """平安县 (P) with two townships: 城关镇 (A) and its twelve villages, 河山镇 (B)."""
    app.config["PUBLIC_URL"] = PUBLIC
    county = make_unit("平安县", code="P", kind="county")
    town = make_unit("城关镇", parent=county, code="A", kind="township")
    villages = [make_unit(f"第{n:02d}村民委员会", parent=town, code=f"A-{n:02d}", kind="village")
                for n in range(1, 13)]
    other = make_unit("河山镇", parent=county, code="B", kind="township")
    quiz = make_quiz(single=6, multiple=2, judge=2, time_limit_seconds=900)
    people = {
        "participant": make_user(unit=town),
        "organizer_a": make_user(unit=town, role=Role.organizer),
        "organizer_b": make_user(unit=other, role=Role.organizer),
        "admin": make_user(unit=county, role=Role.admin),
    }
    return {"county": county, "town": town, "villages": villages, "other": other,
            "campaign": quiz.campaign, "slug": quiz.campaign.slug, "people": people}


def logged_in(app, world, who: str):
    client = fresh_client(app)
    if who != "visitor":
        assert AuthActions(client).login(world["people"][who].phone).status_code == 302
    return client


def link(world, code: str) -> str:
    return f"{PUBLIC}/c/{world['slug']}?unit={code}"


# --- reading codes back ----------------------------------------------------------------


def svg_image(svg: str, scale: int = 8) -> Image.Image:
    """segno's inline SVG drawn as its path says: each `h` a run of dark modules along the
    row its y lies in (the stroke is one module wide), the white square under them all."""
    side = int(re.search(r'viewBox="0 0 (\d+) \1"', svg).group(1))
    path = re.search(r'<path stroke="#000" d="([^"]+)"', svg).group(1)
    image = Image.new("L", (side * scale, side * scale), 255)
    x = y = 0.0
    for command, args in re.findall(r"([MmHh])([^MmHh]*)", path):
        numbers = [float(n) for n in re.findall(r"-?\d+(?:\.\d+)?", args)]
        if command == "M":
            x, y = numbers
        elif command == "m":
            x, y = x + numbers[0], y + numbers[1]
        else:
            end = numbers[0] if command == "H" else x + numbers[0]
            top = int(y) * scale
            image.paste(0, (int(x) * scale, top, int(end) * scale, top + scale))
            x = end
    return image


def decode(image: Image.Image) -> list[str]:
    return sorted(result.text for result in zxingcpp.read_barcodes(image))


def svgs(html: str) -> list[str]:
    return re.findall(r"<svg .*?</svg>", html, flags=re.S)


def pdf_pages(data: bytes) -> int:
    info = subprocess.run(["pdfinfo", "-"], input=data, capture_output=True, check=True)
    return int(re.search(rb"Pages:\s+(\d+)", info.stdout).group(1))


def pdf_page_image(data: bytes, page: int, dpi: int = 100) -> Image.Image:
    """One page as poppler renders it (pdftoppm writes to its standard output without a
    file name to write to)."""
    png = subprocess.run(["pdftoppm", "-png", "-r", str(dpi), "-f", str(page), "-l", str(page)],
                         input=data, capture_output=True, check=True).stdout
    return Image.open(io.BytesIO(png)).convert("L")


def pdf_text(data: bytes) -> str:
    return subprocess.run(["pdftotext", "-", "-"], input=data, capture_output=True,
                          check=True).stdout.decode()


# --- one unit's page -------------------------------------------------------------------


def test_the_poster_page_code_decodes_to_the_exact_absolute_link(app, world):
    client = logged_in(app, world, "organizer_a")
    response = client.get(f"/manage/campaigns/{world['slug']}/units/A-03/poster")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    [svg] = svgs(html)
    assert decode(svg_image(svg)) == [link(world, "A-03")]
    assert link(world, "A-03") in html  # written out under the code too


def test_the_poster_page_says_what_the_campaign_and_its_rules_are_in_chinese(app, world):
    html = logged_in(app, world, "organizer_a").get(
        f"/manage/campaigns/{world['slug']}/units/A/poster").get_data(as_text=True)
    for text in ("安全生产月知识竞赛", "人人讲安全、个个会应急", "城关镇",
                 "2026年6月1日 至 2026年6月30日", "每次答题：10 道题", "答题限时：15 分钟",
                 "每天最多答题：3 次", "单位编码：A"):
        assert text in html, text
    assert "css/poster.css" in html


def test_the_link_on_a_poster_opens_the_campaign_with_the_unit_preselected(app, world):
    html = logged_in(app, world, "admin").get(
        f"/manage/campaigns/{world['slug']}/units/A-01/poster").get_data(as_text=True)
    [decoded] = decode(svg_image(svgs(html)[0]))
    parts = urlsplit(decoded)
    page = fresh_client(app).get(f"{parts.path}?{parts.query}")
    assert page.status_code == 200
    assert "unit=A-01" in page.get_data(as_text=True)  # passed on to the registration link


def test_a_retired_unit_gets_no_poster_and_is_told_why(app, db, world):
    world["villages"][0].retired_at = world["campaign"].created_at
    db.session.commit()
    response = logged_in(app, world, "admin").get(
        f"/manage/campaigns/{world['slug']}/units/A-01/poster")
    assert response.status_code == 422
    assert "已撤销" in response.get_data(as_text=True)


# --- the address warnings --------------------------------------------------------------


def test_a_loopback_public_url_is_warned_about_on_the_poster_pages(app, world):
    app.config["PUBLIC_URL"] = "http://127.0.0.1:5000"
    client = logged_in(app, world, "admin")
    for url in (f"/manage/campaigns/{world['slug']}/units/A/poster",
                f"/manage/campaigns/{world['slug']}/posters?unit=A"):
        html = client.get(url).get_data(as_text=True)
        assert "127.0.0.1 是回环地址" in html, url
        assert "poster-warnings unreachable" in html


def test_a_public_address_gets_no_warning(app, world):
    app.config["PUBLIC_URL"] = "https://quiz.example.cn"
    html = logged_in(app, world, "admin").get(
        f"/manage/campaigns/{world['slug']}/units/A/poster").get_data(as_text=True)
    assert "回环地址" not in html and "poster-warnings" not in html


def test_without_public_url_the_page_says_so_and_uses_the_requests_address(app, world):
    app.config["PUBLIC_URL"] = None
    html = logged_in(app, world, "admin").get(
        f"/manage/campaigns/{world['slug']}/units/A/poster").get_data(as_text=True)
    assert "未设置 PUBLIC_URL" in html
    # the test client's host is "localhost": a loopback name, warned about as well
    assert decode(svg_image(svgs(html)[0])) == [f"http://localhost/c/{world['slug']}?unit=A"]
    assert "localhost 是回环地址" in html


# --- a subtree: the page and the PDFs --------------------------------------------------


def test_the_posters_page_holds_the_unit_and_every_unit_below_it_in_tree_order(app, world):
    html = logged_in(app, world, "organizer_a").get(
        f"/manage/campaigns/{world['slug']}/posters?unit=A").get_data(as_text=True)
    codes = [decode(svg_image(svg)) for svg in svgs(html)]
    assert codes == [[link(world, code)] for code in ["A", *(f"A-{n:02d}" for n in range(1, 13))]]


@needs_poppler
def test_the_posters_pdf_has_one_page_per_unit_each_code_decoding_to_its_link(app, world):
    response = logged_in(app, world, "organizer_a").get(
        f"/manage/campaigns/{world['slug']}/posters.pdf?unit=A&layout=posters")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert "attachment" in response.headers["Content-Disposition"]
    data = response.data
    assert pdf_pages(data) == 13
    assert decode(pdf_page_image(data, 1)) == [link(world, "A")]
    assert decode(pdf_page_image(data, 13)) == [link(world, "A-12")]


@needs_poppler
def test_the_posters_pdf_text_is_chinese_that_can_be_extracted(app, world):
    data = logged_in(app, world, "admin").get(
        f"/manage/campaigns/{world['slug']}/posters.pdf?unit=A").data
    text = pdf_text(data)
    for expected in ("城关镇", "第01村民委员会", "第12村民委员会", "安全生产月知识竞赛",
                     "每次答题：10 道题", "手机扫码", link(world, "A-07")):
        assert expected in text, expected
    assert "回环地址" not in text


@needs_poppler
def test_the_sheet_puts_twelve_codes_on_a_page_with_names_and_codes(app, world):
    data = logged_in(app, world, "organizer_a").get(
        f"/manage/campaigns/{world['slug']}/posters.pdf?unit=A&layout=sheet").data
    assert pdf_pages(data) == 2  # 13 units at 3 × 4
    first = decode(pdf_page_image(data, 1, dpi=150))
    assert first == sorted([link(world, "A"), *(link(world, f"A-{n:02d}") for n in range(1, 12))])
    assert decode(pdf_page_image(data, 2, dpi=150)) == [link(world, "A-12")]
    text = pdf_text(data)
    assert "第11村民委员会" in text and "单位编码：A-11" in text
    assert re.search(r"2\s*/\s*2", text)  # the page number


@needs_poppler
def test_a_loopback_address_is_printed_as_a_warning_on_every_pdf_page(app, world):
    app.config["PUBLIC_URL"] = "http://127.0.0.1:5000"
    data = logged_in(app, world, "admin").get(
        f"/manage/campaigns/{world['slug']}/posters.pdf?unit=A&layout=sheet").data
    pages = pdf_text(data).split("\f")
    assert all("回环地址" in page for page in pages if page.strip())


def test_an_unknown_layout_is_refused_and_named(app, world):
    response = logged_in(app, world, "admin").get(
        f"/manage/campaigns/{world['slug']}/posters.pdf?unit=A&layout=booklet")
    assert response.status_code == 422
    assert "booklet" in response.get_data(as_text=True)


def test_more_units_than_the_limit_are_refused_saying_the_limit_and_the_count(
        app, world, monkeypatch):
    monkeypatch.setattr(poster_service, "MAX_UNITS_PER_PDF", 12)
    client = logged_in(app, world, "admin")
    for url in (f"/manage/campaigns/{world['slug']}/posters.pdf?unit=A",
                f"/manage/campaigns/{world['slug']}/posters?unit=A"):
        response = client.get(url)
        assert response.status_code == 422, url
        html = response.get_data(as_text=True)
        assert "最多打印 12 个单位" in html and "共有 13 个" in html
    assert client.get(f"/manage/campaigns/{world['slug']}/posters.pdf?unit=A-01").status_code \
        == 200


# --- who may see which unit's posters --------------------------------------------------


def _poster_urls(world, code: str) -> list[str]:
    slug = world["slug"]
    return [f"/manage/campaigns/{slug}/units/{code}/poster",
            f"/manage/campaigns/{slug}/posters?unit={code}",
            f"/manage/campaigns/{slug}/posters.pdf?unit={code}&layout=sheet"]


def test_an_organizer_of_a_sibling_unit_gets_not_found(app, world):
    client = logged_in(app, world, "organizer_b")
    for url in _poster_urls(world, "A") + _poster_urls(world, "A-01"):
        assert client.get(url).status_code == 404, url
    assert client.get(_poster_urls(world, "B")[0]).status_code == 200


def test_an_organizer_cannot_print_the_units_above_their_own(app, world):
    client = logged_in(app, world, "organizer_a")
    for url in _poster_urls(world, "P"):
        assert client.get(url).status_code == 404, url


def test_a_participant_is_refused_and_a_visitor_sent_to_log_in(app, world):
    for url in _poster_urls(world, "A"):
        response = fresh_client(app).get(url)
        assert response.status_code == 302 and "/auth/login" in response.headers["Location"]
    participant = logged_in(app, world, "participant")
    for url in _poster_urls(world, "A"):
        assert participant.get(url).status_code == 403, url


def test_a_unit_outside_the_campaigns_host_is_not_found(app, db, world):
    world["campaign"].host_unit = world["other"]
    db.session.commit()
    client = logged_in(app, world, "admin")
    for url in _poster_urls(world, "A"):
        response = client.get(url)
        assert response.status_code == 404, url
        assert "河山镇" in response.get_data(as_text=True)
    assert client.get(_poster_urls(world, "B")[0]).status_code == 200


def test_an_unknown_unit_code_or_campaign_is_not_found_and_named(app, world):
    client = logged_in(app, world, "admin")
    response = client.get(f"/manage/campaigns/{world['slug']}/units/NOPE/poster")
    assert response.status_code == 404 and "NOPE" in response.get_data(as_text=True)
    response = client.get("/manage/campaigns/no-such-campaign/posters?unit=A")
    assert response.status_code == 404
    assert "no-such-campaign" in response.get_data(as_text=True)


def test_the_campaign_pages_link_to_the_posters(app, world):
    html = logged_in(app, world, "organizer_a").get(
        f"/manage/campaigns/{world['slug']}/units?unit=A").get_data(as_text=True)
    assert f'href="/manage/campaigns/{world["slug"]}/posters?unit=A"' in html
    assert "二维码海报" in html
