"""The OpenAPI document describes the API that the app actually routes."""

from __future__ import annotations

import json
import re

from quiz.api.openapi import openapi_document
from quiz.services import errors

PREFIX = "/api/v1"
IGNORED_METHODS = {"HEAD", "OPTIONS"}


def _openapi_path(rule: str) -> str:
    """Flask's `/quizzes/<int:quiz_id>/attempts` as OpenAPI's `/quizzes/{quiz_id}/attempts`."""
    return re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule[len(PREFIX):])


def _routed(app) -> dict[str, set[str]]:
    routes: dict[str, set[str]] = {}
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith(PREFIX + "/"):
            methods = {m.lower() for m in rule.methods - IGNORED_METHODS}
            routes.setdefault(_openapi_path(rule.rule), set()).update(methods)
    return routes


def _operations(document: dict):
    for path, item in document["paths"].items():
        for method, operation in item.items():
            if method != "parameters":
                yield path, method, operation


def test_path_conversion():
    assert _openapi_path("/api/v1/quizzes/<int:quiz_id>/attempts") == "/quizzes/{quiz_id}/attempts"
    assert _openapi_path("/api/v1/attempts/<attempt_id>") == "/attempts/{attempt_id}"


def test_every_api_route_is_documented_with_its_methods(app):
    routed = _routed(app)
    routed.pop("/openapi.json", None)
    assert routed, "no API routes found: is the api blueprint registered?"
    documented = {
        path: {method for method in item if method != "parameters"}
        for path, item in openapi_document()["paths"].items()
    }
    for path, methods in routed.items():
        assert path in documented, f"{path} is routed but not documented"
        assert documented[path] == methods, path
    # And nothing is documented that is not routed.
    assert set(documented) - {"/openapi.json"} == set(routed)


def test_path_parameters_match_the_path(app):
    for path, _method, operation in _operations(openapi_document()):
        in_path = set(re.findall(r"{(\w+)}", path))
        declared = {p["name"] for p in operation.get("parameters", []) if p["in"] == "path"}
        assert declared == in_path, path


def test_openapi_json_is_served(client):
    response = client.get(f"{PREFIX}/openapi.json")
    assert response.status_code == 200
    assert response.is_json
    document = response.get_json()
    assert document["openapi"] == "3.1.0"
    assert document["info"]["title"] == "Safety Month Quiz API"
    assert document["servers"] == [{"url": "/api/v1"}]
    assert "/auth/login" in document["paths"]


def test_document_is_json_and_every_reference_resolves():
    document = openapi_document()
    text = json.dumps(document)
    for ref in set(re.findall(r'"\$ref": "#/([^"]+)"', text)):
        node = document
        for part in ref.split("/"):
            assert part in node, f"dangling $ref #/{ref}"
            node = node[part]


def test_operations_are_named_and_protected_ones_declare_401():
    ids = []
    for path, method, operation in _operations(openapi_document()):
        ids.append(operation["operationId"])
        assert operation["summary"], (path, method)
        assert operation["responses"], (path, method)
        if operation.get("security") != []:
            assert "401" in operation["responses"], (path, method)
    assert len(ids) == len(set(ids))


def test_documented_error_codes_exist():
    known = {cls.code for cls in vars(errors).values()
             if isinstance(cls, type) and issubclass(cls, errors.QuizError)}
    text = json.dumps(openapi_document())
    for codes in re.findall(r'"code": {"enum": (\[[^\]]*\])', text):
        for code in json.loads(codes):
            assert code in known, code


def test_start_attempt_documents_created_and_resumed():
    responses = openapi_document()["paths"]["/quizzes/{quiz_id}/attempts"]["post"]["responses"]
    assert {"200", "201", "401", "404", "409"} <= set(responses)
