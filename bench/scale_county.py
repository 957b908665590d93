"""The scale run's county, made through the app's models and services: the unit tree (about
300 units with headcounts), a bank of a few hundred questions, a month's campaign hosted at
the county with its quiz, and an admin. The people and their attempts come after, in bulk
(bench/scale_load.py).

The tree and the bank come from a fixed seed, so the big and the small databases have the
same units, questions and days; only the people and the attempts differ.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import random
from dataclasses import dataclass

from quiz.extensions import db
from quiz.models import JUDGE_OPTIONS, Bank, Campaign, Question, Quiz, QuizRule, Role, User
from quiz.services import units

TREE_SEED = 2026
SLUG = "scale-2026"
FIRST_DAY = dt.date(2026, 6, 1)
TIMEZONE = "Asia/Shanghai"
ADMIN_PHONE = "13800000001"
ADMIN_PASSWORD = "scale-admin-2026"
#: The quiz: as the demo's (quiz/demo.py), 20 questions of 5 points, 60 to pass.
RULES = (("single", 10), ("multiple", 5), ("judge", 5))
POINTS = 5
TIME_LIMIT = 600
PASS_MARK = 60
PER_DAY = 3
#: The bank: questions of each type.
BANK = (("single", 160), ("multiple", 80), ("judge", 60))

TOWNSHIPS = ("城关镇", "河山镇", "青石乡", "南岳镇", "新华街道", "东湖街道", "白马镇", "龙泉镇",
             "柳树乡", "石门镇", "双河镇", "金沙乡", "桃源镇", "云台乡")
DEPARTMENTS = ("县教育局", "县应急管理局", "县卫生健康局", "县交通运输局", "县住房城乡建设局",
               "县工业和信息化局")
VILLAGE = ("上湾", "下湾", "林山", "大庄", "枣园", "白杨", "青石", "高坪", "马家", "张庄", "李湾",
           "河口", "新民", "红星", "团结", "和平", "前进", "长岭", "沙坝", "杨柳")
FIRM = ("安达化工", "华瑞电子", "顺通物流", "鑫源建筑", "恒通机械", "宏远建材", "金鹏纺织",
        "永兴食品", "天成矿业", "利民燃气", "盛达包装", "佳禾农业")


@dataclass(frozen=True)
class UnitSpec:
    code: str
    name: str
    kind: str
    headcount: int
    parent: str | None
    #: Share of the headcount that takes part (0: no one, a unit to call).
    turnout: float


def unit_specs() -> list[UnitSpec]:
    """The county's tree, parents first: the county, 14 townships and 6 departments, and
    about 280 villages, communities, enterprises, schools (a few with workshops below)."""
    rng = random.Random(TREE_SEED)

    def turnout() -> float:
        return 0.0 if rng.random() < 0.04 else rng.uniform(0.35, 1.15)

    specs = [UnitSpec("CH", "长河县", "county", 0, None, 0.0)]
    for t, name in enumerate(TOWNSHIPS, 1):
        code = f"CH-T{t:02d}"
        specs.append(UnitSpec(code, name, "township", rng.randint(20, 60), "CH", turnout()))
        for n in range(rng.randint(13, 17)):
            kind = rng.choices(("village", "community", "enterprise", "school"),
                               (6, 3, 3, 1))[0]
            size = {"village": (150, 700), "community": (300, 1500),
                    "enterprise": (40, 900), "school": (200, 1600)}[kind]
            label = {"village": f"{rng.choice(VILLAGE)}村", "community": f"{name[:2]}{n}社区",
                     "enterprise": f"{rng.choice(FIRM)}有限公司",
                     "school": f"{name[:2]}中心小学"}[kind]
            child = f"{code}-{n + 1:02d}"
            specs.append(UnitSpec(child, f"{name}{label}", kind, rng.randint(*size), code,
                                  turnout()))
            if kind == "enterprise" and rng.random() < 0.12:  # workshops below it
                for w in range(1, 3):
                    specs.append(UnitSpec(f"{child}-W{w}", f"第{w}车间", "other",
                                          rng.randint(30, 200), child, turnout()))
    for d, name in enumerate(DEPARTMENTS, 1):
        code = f"CH-D{d:02d}"
        specs.append(UnitSpec(code, name, "department", rng.randint(30, 100), "CH", turnout()))
        below = 22 if d == 1 else rng.randint(3, 7)
        for n in range(below):
            kind = "school" if d == 1 else "enterprise"
            label = f"第{n + 1}中学" if d == 1 else f"{rng.choice(FIRM)}{n + 1}公司"
            specs.append(UnitSpec(f"{code}-{n + 1:02d}", label, kind,
                                  rng.randint(150, 2000) if d == 1 else rng.randint(40, 600),
                                  code, turnout()))
    return specs


@dataclass(frozen=True)
class QuestionSpec:
    type: str
    stem: str
    options: list[str]
    answer: str


def question_specs() -> list[QuestionSpec]:
    """The bank: single choice of 4 options, multiple choice of 4 or 5 (2 or 3 right),
    true/false."""
    rng = random.Random(TREE_SEED + 1)
    topics = ("消防", "燃气", "用电", "有限空间", "危险化学品", "交通", "防溺水", "应急救护",
              "特种设备", "建筑施工")
    specs = []
    for qtype, count in BANK:
        for i in range(count):
            topic = topics[i % len(topics)]
            if qtype == "judge":
                specs.append(QuestionSpec(qtype, f"（{topic}）判断题{i + 1}：该说法是否正确？",
                                          list(JUDGE_OPTIONS), rng.choice("AB")))
                continue
            n = 4 if qtype == "single" or rng.random() < 0.6 else 5
            options = [f"{topic}选项{i + 1}-{k}" for k in range(1, n + 1)]
            keys = "ABCDE"[:n]
            picked = rng.sample(keys, 1 if qtype == "single" else rng.choice((2, 3)))
            kind = "单选" if qtype == "single" else "多选"
            specs.append(QuestionSpec(qtype, f"（{topic}）{kind}题{i + 1}：下列说法正确的是（ ）",
                                      options, "".join(sorted(picked))))
    return specs


def build(days: int) -> dict:
    """Add the county, bank, campaign, quiz and admin; commit; return their ids."""
    made: dict[str, object] = {}
    for spec in unit_specs():
        parent = made.get(spec.parent)
        made[spec.code] = units.create_unit(spec.code, spec.name, spec.kind, parent,
                                            spec.headcount)
    county = made["CH"]
    bank = Bank(name="长河县安全生产月题库")
    db.session.add(bank)
    db.session.flush()
    for spec in question_specs():
        db.session.add(Question(bank_id=bank.id, type=spec.type, stem=spec.stem,
                                options=spec.options, answer=spec.answer, explanation="见教材。",
                                category="", difficulty=2,
                                fingerprint=hashlib.sha1(spec.stem.encode()).hexdigest()))
    campaign = Campaign(slug=SLUG, title="2026年长河县“安全生产月”网络知识竞赛",
                        theme="人人讲安全、个个会应急",
                        starts_on=FIRST_DAY, ends_on=FIRST_DAY + dt.timedelta(days=days - 1),
                        timezone=TIMEZONE, host_unit=county)
    quiz = Quiz(title="安全知识竞赛答题", time_limit_seconds=TIME_LIMIT, pass_mark=PASS_MARK,
                attempts_per_day=PER_DAY, points_single=POINTS, points_multiple=POINTS,
                points_judge=POINTS, banks=[bank],
                rules=[QuizRule(type=t, count=n) for t, n in RULES])
    campaign.quizzes.append(quiz)
    db.session.add(campaign)
    admin = User(name="县管理员", phone=ADMIN_PHONE, role=Role.admin.value, unit=county)
    admin.set_password(ADMIN_PASSWORD)
    db.session.add(admin)
    db.session.commit()
    return {"campaign_id": campaign.id, "quiz_id": quiz.id, "admin_id": admin.id,
            "county_id": county.id}
