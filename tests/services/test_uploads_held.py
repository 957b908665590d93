"""Held uploads of three kinds (question banks, unit files, rosters) share one table: each
kind is shown only as itself, and a new upload replaces only the uploader's file of its kind."""

from __future__ import annotations

import pytest

from quiz.db import write_transaction
from quiz.services import roster_uploads, unit_uploads, uploads
from quiz.services.errors import NotFound


def _hold_all(user):
    with write_transaction():
        bank = uploads.hold_upload(user, bank_name="新题库", filename="a.csv", data=b"x")
        units = unit_uploads.hold_unit_file(user, "u.csv", b"y")
        people = roster_uploads.hold_roster(user, "r.csv", b"z")
    return bank.id, units.id, people.id


def test_each_kind_is_found_only_as_itself(make_user):
    user = make_user()
    bank, units, people = _hold_all(user)
    assert uploads.get_pending(user, bank).id == bank
    assert unit_uploads.get_unit_file(user, units).id == units
    assert roster_uploads.get_roster(user, people).id == people
    for get, token in ((uploads.get_pending, units), (uploads.get_pending, people),
                       (unit_uploads.get_unit_file, people), (roster_uploads.get_roster, bank)):
        with pytest.raises(NotFound):
            get(user, token)


def test_a_new_upload_replaces_only_the_uploaders_file_of_its_kind(make_user):
    user = make_user()
    bank, units, people = _hold_all(user)
    with write_transaction():
        newer = uploads.hold_upload(user, bank_name="新题库", filename="b.csv", data=b"x")
    with pytest.raises(NotFound):
        uploads.get_pending(user, bank)
    assert uploads.get_pending(user, newer.id)
    assert unit_uploads.get_unit_file(user, units) and roster_uploads.get_roster(user, people)
