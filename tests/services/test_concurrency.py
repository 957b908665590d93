"""Concurrent submits for one unit: nothing lost, nothing counted twice."""

from __future__ import annotations

import threading

from quiz.api.auth import issue_token
from quiz.extensions import db
from quiz.services import counters
from tests.helpers import kept_counter

USERS = 12
TAPS = 3  # each person submits three times at once (double tap, retries)


def test_concurrent_submits_for_one_unit_match_a_recount(app, make_unit, make_user, make_quiz):
    quiz = make_quiz()
    unit = make_unit("华瑞电子科技有限公司")
    tokens = [issue_token(make_user(unit=unit)) for _ in range(USERS)]
    attempt_ids = []
    for token in tokens:
        response = app.test_client().post(f"/api/v1/quizzes/{quiz.id}/attempts",
                                          headers={"Authorization": f"Bearer {token}"})
        attempt_ids.append(response.json["id"])

    barrier = threading.Barrier(USERS * TAPS)
    results: list[tuple[int, dict]] = []
    lock = threading.Lock()

    def tap(token: str, attempt_id: str) -> None:
        client = app.test_client()
        barrier.wait()
        response = client.post(f"/api/v1/attempts/{attempt_id}/submit",
                               headers={"Authorization": f"Bearer {token}"})
        with lock:
            results.append((response.status_code, response.json))

    threads = [threading.Thread(target=tap, args=(token, attempt_id))
               for token, attempt_id in zip(tokens, attempt_ids, strict=True)
               for _ in range(TAPS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert [status for status, _ in results] == [200] * (USERS * TAPS)
    by_attempt: dict[str, list[dict]] = {}
    for _, body in results:
        by_attempt.setdefault(body["id"], []).append(body)
    assert all(len({str(b) for b in bodies}) == 1 for bodies in by_attempt.values())

    db.session.rollback()  # end the test's own read snapshot, see the threads' writes
    kept = kept_counter(quiz.campaign_id, unit.id)
    assert (kept.attempts, kept.participants) == (USERS, USERS)
    assert counters.compare() == []
