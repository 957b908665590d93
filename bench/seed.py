"""The benchmark's world: a county with townships and villages, one campaign hosted by the
county, a quiz of 20 questions (10 single, 5 multiple, 5 true/false) over a bank of 200,
people spread over the villages, and an admin who reads the figures."""

from __future__ import annotations

from dataclasses import dataclass

TOWNSHIPS = 4
VILLAGES_PER_TOWNSHIP = 4
SLUG = "bench"


@dataclass
class World:
    quiz_id: int
    slug: str
    admin_token: str
    #: One bearer token per participant, in the order they were made.
    tokens: list[str]


def prepare(database_url: str, people: int) -> World:
    """Migrate an empty database and fill it; returns what the load needs."""
    from flask_migrate import upgrade

    from quiz import create_app
    from quiz.api.auth import issue_token
    from quiz.extensions import db
    from quiz.models import JUDGE_OPTIONS, Bank, Campaign, Question, Quiz, QuizRule, User
    from quiz.services import units
    from quiz.timeutil import local_date, utcnow

    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url})
    with app.app_context():
        upgrade()
        county = units.create_unit("BENCH", "压测县", "county", None, people)
        db.session.flush()
        villages = []
        for t in range(1, TOWNSHIPS + 1):
            township = units.create_unit(f"BENCH-T{t}", f"压测镇{t}", "township", county,
                                         people // TOWNSHIPS)
            db.session.flush()
            for v in range(1, VILLAGES_PER_TOWNSHIP + 1):
                villages.append(units.create_unit(
                    f"BENCH-T{t}-V{v}", f"压测村{t}-{v}", "village", township,
                    people // (TOWNSHIPS * VILLAGES_PER_TOWNSHIP)))
            db.session.flush()
        bank = Bank(name="压测题库")
        db.session.add(bank)
        db.session.flush()
        for qtype, n, options, answer in (("single", 100, ["甲", "乙", "丙", "丁"], "B"),
                                          ("multiple", 50, ["甲", "乙", "丙", "丁"], "AC"),
                                          ("judge", 50, list(JUDGE_OPTIONS), "A")):
            for i in range(n):
                db.session.add(Question(bank_id=bank.id, type=qtype, stem=f"{qtype}{i}题干",
                                        options=options, answer=answer, explanation="解析",
                                        fingerprint=f"{qtype}{i}"))
        today = local_date(utcnow(), "Asia/Shanghai")
        campaign = Campaign(slug=SLUG, title="压测", starts_on=today, ends_on=today,
                            host_unit_id=county.id)
        quiz = Quiz(title="压测", banks=[bank], attempts_per_day=1000,
                    rules=[QuizRule(type="single", count=10),
                           QuizRule(type="multiple", count=5), QuizRule(type="judge", count=5)])
        campaign.quizzes.append(quiz)
        db.session.add(campaign)
        admin = User(name="管理员", phone="13600000000", unit=county, role="admin")
        admin.set_password("bench-password")
        hashed = admin.password_hash  # one hash for all: hashing is not what we measure
        users = [admin]
        for i in range(people):
            user = User(name=f"用户{i}", phone=f"137{i:08d}", unit=villages[i % len(villages)])
            user.password_hash = hashed
            users.append(user)
        db.session.add_all(users)
        db.session.commit()
        return World(quiz.id, SLUG, issue_token(admin), [issue_token(u) for u in users[1:]])
