"""Demo data for `flask seed-demo`: a county's unit tree, accounts, a bank, an open campaign.

Idempotent: each piece is looked up by its natural key first and only added when missing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

import sqlalchemy as sa

import question_bank

from .extensions import db
from .models import Campaign, Quiz, QuizRule, Role, Unit, User
from .services import accounts, banks, units
from .timeutil import local_date

DEMO_BANK_PATH = Path(__file__).resolve().parent.parent / "question_bank" / "data" / "demo_bank.csv"
DEMO_BANK_NAME = "安全生产月示范题库"
THEME = "人人讲安全、个个会应急"
#: The demo campaign began this many days before the demo was loaded.
DAYS_UNDER_WAY = 6

#: (code, name, kind, headcount, children): a fictional county, three levels below it.
UNIT_TREE = (
    "PA", "平安县", "county", 0, [
        ("PA-YJJ", "县应急管理局", "department", 60, []),
        ("PA-JYJ", "县教育局", "department", 45, [
            ("PA-JYJ-YZ", "平安县第一中学", "school", 180, []),
            ("PA-JYJ-SX", "城关实验小学", "school", 120, []),
        ]),
        ("PA-CG", "城关镇", "township", 40, [
            ("PA-CG-DJ", "东街社区", "community", 320, []),
            ("PA-CG-XJ", "西街社区", "community", 280, []),
            ("PA-CG-NM", "南门社区", "community", 260, []),
            ("PA-CG-HT", "恒通机械有限公司", "enterprise", 150, []),
        ]),
        ("PA-HS", "河山镇", "township", 35, [
            ("PA-HS-SW", "上湾村", "village", 210, []),
            ("PA-HS-XW", "下湾村", "village", 190, []),
            ("PA-HS-LS", "林山村", "village", 160, []),
            ("PA-HS-JC", "河山建材厂", "enterprise", 90, []),
        ]),
        ("PA-QS", "青石乡", "township", 30, [
            ("PA-QS-QS", "青石村", "village", 170, []),
            ("PA-QS-BY", "白杨村", "village", 140, []),
            ("PA-QS-ZX", "青石乡中心小学", "school", 95, []),
        ]),
        ("PA-KF", "经济开发区", "township", 25, [
            ("PA-KF-HG", "安达化工有限公司", "enterprise", 230, []),
            ("PA-KF-DZ", "华瑞电子科技有限公司", "enterprise", 410, []),
            ("PA-KF-WL", "顺通物流园", "enterprise", 120, []),
            ("PA-KF-JZ", "鑫源建筑工程有限公司", "enterprise", 200, []),
        ]),
        ("PA-XH", "新华街道", "township", 30, [
            ("PA-XH-GY", "公园路社区", "community", 350, []),
            ("PA-XH-HX", "和谐家园社区", "community", 300, []),
            ("PA-XH-SC", "新华商贸城", "enterprise", 140, []),
        ]),
        ("PA-NY", "南岳镇", "township", 30, [
            ("PA-NY-DZ", "大庄村", "village", 220, []),
            ("PA-NY-ZY", "枣园村", "village", 180, []),
            ("PA-NY-KS", "南岳石料矿", "enterprise", 75, []),
        ]),
    ],
)


@dataclass
class DemoAccount:
    role: str
    name: str
    phone: str
    password: str
    unit_code: str


DEMO_ACCOUNTS = (
    DemoAccount(Role.admin.value, "系统管理员", "13800000001", "admin-demo-2026", "PA"),
    DemoAccount(Role.organizer.value, "应急局组织员", "13800000002", "organizer-demo-2026",
                "PA-YJJ"),
    DemoAccount(Role.participant.value, "张三", "13800000003", "participant-demo", "PA-CG-DJ"),
)


@dataclass
class SeedReport:
    units_added: int = 0
    accounts_added: int = 0
    questions_added: int = 0
    campaign_added: bool = False
    notes: list[str] = field(default_factory=list)


def _add_units(node, parent: Unit | None, report: SeedReport) -> None:
    code, name, kind, headcount, children = node
    unit = units.unit_by_code(code)
    if unit is None:
        unit = units.create_unit(code, name, kind, parent, headcount)
        report.units_added += 1
    for child in children:
        _add_units(child, unit, report)


def seed(now: dt.datetime) -> SeedReport:
    """Add whatever part of the demo data is missing; the caller commits."""
    report = SeedReport()
    _add_units(UNIT_TREE, None, report)
    for account in DEMO_ACCOUNTS:
        if db.session.scalar(sa.select(User.id).where(User.phone == account.phone)) is None:
            accounts.register(account.name, account.phone, account.password,
                              account.unit_code, role=Role(account.role))
            report.accounts_added += 1

    result = question_bank.parse_file(DEMO_BANK_PATH)
    if not result.ok:
        problems = "; ".join(f"row {i.row}: {i.message}" for i in result.errors[:10])
        raise RuntimeError(f"the demo bank {DEMO_BANK_PATH} does not import: {problems}")
    bank = banks.get_or_create_bank(DEMO_BANK_NAME)
    report.questions_added = banks.store_drafts(bank, result.drafts).added

    today = local_date(now, "Asia/Shanghai")
    slug = f"safety-month-{today.year}"
    if db.session.scalar(sa.select(Campaign.id).where(Campaign.slug == slug)) is None:
        campaign = Campaign(
            slug=slug,
            title=f"{today.year}年“安全生产月”网络知识竞赛",
            theme=THEME,
            description=(
                "本次竞赛面向全县企业职工、学校师生和城乡居民，题目来自安全生产法律法规、"
                "消防、燃气、用电、有限空间、危险化学品、交通、防溺水和应急自救互救等方面。\n\n"
                "每次答题随机抽取20道题（单选10道、多选5道、判断5道），每题5分，满分100分，"
                "60分及格；限时10分钟，时间到自动交卷。每人每天可答题3次，成绩取最高分。\n\n"
                "答题时每选一个答案都会自动保存，网络中断或刷新页面后可以继续作答。"
            ),
            # Under way for a week, so that the console has days of figures to show.
            starts_on=today - dt.timedelta(days=DAYS_UNDER_WAY),
            ends_on=today - dt.timedelta(days=DAYS_UNDER_WAY) + dt.timedelta(days=29),
            timezone="Asia/Shanghai",
            host_unit=units.unit_by_code(UNIT_TREE[0]),
        )
        quiz = Quiz(
            title="安全知识竞赛答题", time_limit_seconds=600, pass_mark=60, attempts_per_day=3,
            points_single=5, points_multiple=5, points_judge=5, banks=[bank],
            rules=[QuizRule(type="single", count=10), QuizRule(type="multiple", count=5),
                   QuizRule(type="judge", count=5)],
        )
        campaign.quizzes.append(quiz)
        db.session.add(campaign)
        report.campaign_added = True
    db.session.flush()
    return report
