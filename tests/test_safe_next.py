"""Where a login (or a new password) sends people next: only a path of this site."""

from __future__ import annotations

import pytest

from quiz.forms import safe_next


@pytest.mark.parametrize("target", [
    "https://evil.example/", "//evil.example/", "/\\evil.example", "/\t/evil.example",
    "\\\\evil.example", "javascript:alert(1)", "c/slug", "/\n/evil.example",
])
def test_a_target_that_could_leave_the_site_goes_home(target):
    assert safe_next(target, "/home") == "/home"


@pytest.mark.parametrize("target", ["/c/safety-2026?unit=A1", "/me/attempts", "/"])
def test_a_path_of_the_site_is_kept(target):
    assert safe_next(target, "/home") == target
