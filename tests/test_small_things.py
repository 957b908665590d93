"""Small things a user meets: the favicon, download headers, login links."""

from __future__ import annotations

import re

from quiz.models import Role


def test_the_favicon_is_served(client):
    with client.get("/favicon.ico") as response:  # a file response: close it
        assert response.status_code == 200
        assert response.data[:4] == b"\x00\x00\x01\x00"  # an ICO file
        assert response.headers["Content-Type"].startswith("image/")


def test_the_gift_download_names_its_charset_once(client, auth, make_user, make_bank):
    auth.login(make_user(role=Role.organizer).phone)
    bank = make_bank(single=2, multiple=0, judge=0)
    response = client.get(f"/manage/banks/{bank.id}/export.gift")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/plain; charset=utf-8"


def test_login_links_carry_no_stray_question_mark(client, make_quiz):
    quiz = make_quiz()
    for page in (f"/c/{quiz.campaign.slug}", "/auth/register"):
        html = client.get(page).get_data(as_text=True)
        for link in re.findall(r'href="(/auth/login[^"]*)"', html):
            assert not link.endswith("%3F") and not link.endswith("?"), link
    response = client.get("/manage/banks")
    assert response.headers["Location"].endswith("next=/manage/banks")


def test_a_new_sqlite_file_gets_8_kb_pages_and_wal(tmp_path):
    """An attempt's row is about 2 KB: 4 KB pages held one each, half empty."""
    import sqlalchemy as sa

    import quiz.db  # noqa: F401  (installs the connection tuning)

    engine = sa.create_engine(f"sqlite:///{tmp_path / 'new.sqlite3'}")
    with engine.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE t (x)")
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA page_size").scalar() == 8192
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
    engine.dispose()
