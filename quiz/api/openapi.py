"""The OpenAPI 3.1 description of JSON API v1, served at /api/v1/openapi.json.

Written by hand next to the views it describes (quiz/api/views.py); tests/api/test_openapi.py
checks that every route appears here with the same methods. Built on each call from plain
dicts: nothing is read or computed at import.
"""

from __future__ import annotations

from ..models import OPTION_KEYS, AttemptStatus, QuestionType, Role, UnitKind

_JSON = "application/json"

# --- small builders ----------------------------------------------------------------------


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _obj(properties: dict, *, optional: tuple[str, ...] = (), description: str = "") -> dict:
    """An object schema whose properties are all required except `optional`."""
    schema = {"type": "object", "properties": properties,
              "required": [name for name in properties if name not in optional]}
    if description:
        schema["description"] = description
    return schema


def _typed(type_, description: str = "", **extra) -> dict:
    return {"type": type_, **({"description": description} if description else {}), **extra}


def _nullable(type_: str, description: str = "", **extra) -> dict:
    return _typed([type_, "null"], description, **extra)


def _int(description: str = "", **extra) -> dict:
    return _typed("integer", description, **extra)


def _str(description: str = "", **extra) -> dict:
    return _typed("string", description, **extra)


def _json(schema: dict, description: str) -> dict:
    return {"description": description, "content": {_JSON: {"schema": schema}}}


def _error(description: str, *codes: str) -> dict:
    """An error response (the Error shape) whose `error.code` is one of `codes`."""
    narrowed = {"properties": {"error": {"properties": {"code": {"enum": list(codes)}}}}}
    return _json({"allOf": [_ref("Error"), narrowed]}, f"{description} Codes: {', '.join(codes)}.")


def _unauthorized() -> dict:
    return _error("No valid bearer token: missing, malformed or expired, or the user logged "
                  "out, changed the password or was disabled since the token was issued.",
                  "unauthorized")


def _invalid_body(description: str = "The body is not a JSON object.") -> dict:
    return _error(description + " `error.field` names the offending field when there is one.",
                  "validation_failed")


def _body(schema: dict, description: str, required: bool = True) -> dict:
    return {"required": required, "description": description,
            "content": {_JSON: {"schema": schema}}}


def _op(op_id: str, tag: str, summary: str, responses: dict, *, description: str = "",
        body: dict | None = None, public: bool = False, parameters: list | None = None) -> dict:
    extra = {"description": description, "parameters": parameters, "requestBody": body}
    operation = {"operationId": op_id, "tags": [tag], "summary": summary,
                 **{key: value for key, value in extra.items() if value}}
    if public:
        operation["security"] = []  # overrides the document-wide bearerAuth requirement
    return {**operation, "responses": responses}


def _path_param(name: str, schema: dict, description: str) -> dict:
    return {"name": name, "in": "path", "required": True, "schema": schema,
            "description": description}


# --- components ----------------------------------------------------------------------------

_GIVEN_NOTE = ("Option keys as displayed to this participant (A = the first option shown, "
               "whatever the option's place in the question bank), sorted, e.g. [\"A\", \"C\"]; "
               "[] when not answered.")


def _schemas() -> dict:
    option_key = _str("Option key as displayed: A is the first option shown.",
                      enum=list(OPTION_KEYS))
    answer_map = {
        "type": "object",
        "description": "Question id (as a string) to the chosen option keys as displayed. "
                       "[] or null clears an answer; a string such as \"AC\" is also accepted. "
                       "Single-choice and true/false questions take at most one key.",
        "propertyNames": {"pattern": "^[0-9]+$"},
        "additionalProperties": {"type": ["array", "string", "null"], "items": option_key},
        "examples": [{"101": ["B"], "205": ["A", "C", "D"], "311": ["A"]}],
    }
    question = _obj({
        "id": _int(),
        "type": _str("single = 单选, multiple = 多选, judge = 判断 (options 正确, 错误).",
                     enum=[t.value for t in QuestionType]),
        "stem": _str(),
        "points": _int("Points this question is worth in this attempt."),
        "options": {"type": "array", "items": _obj({"key": option_key, "text": _str()}),
                    "description": "In the order shown to this participant."},
    }, description="A question as the participant sees it: no answer key, no explanation.")
    return {
        "Error": _obj({"error": _obj({
            "code": _str("Stable, for programs: switch on this."),
            "message": _str("For people, in the request's language."),
            "field": _nullable("string", "The request field at fault, if any."),
            "fields": {"type": "object", "additionalProperties": {"type": "string"},
                       "description": "When several fields are wrong (registration): each "
                                      "field's message; the first is `field` and `message`."},
        }, optional=("fields",))}),
        "User": _obj({"id": _int(), "name": _str(), "phone": _str(examples=["13912345678"]),
                      "role": _str(enum=[r.value for r in Role]), "unit_code": _str()}),
        "Session": _obj({"token": _str("Bearer token, valid 30 days."), "user": _ref("User")}),
        "Register": _obj({"name": _str(maxLength=50), "phone": _str(
            "Mainland mobile number; spaces, dashes and a +86 prefix are ignored."),
            "password": _str(minLength=6, maxLength=128),
            "unit_code": _str("Code of the participant's unit, from GET /units.")}),
        "Login": _obj({"phone": _str(), "password": _str()}),
        "Unit": _obj({"code": _str(), "name": _str(),
                      "kind": _str(enum=[k.value for k in UnitKind]),
                      "parent_code": _nullable("string", "null for a root unit.")}),
        "QuizSummary": _obj({
            "id": _int(), "title": _str(), "time_limit_seconds": _int(),
            "question_count": _int(), "max_score": _int(), "pass_mark": _int(),
            "attempts_left_today": _int("Attempts this user may still start today "
                                        "(in the campaign's time zone)."),
        }),
        "Campaign": _obj({
            "slug": _str(), "title": _str(), "theme": _str(),
            "starts_on": _str(format="date"), "ends_on": _str(format="date"),
            "quizzes": {"type": "array", "items": _ref("QuizSummary"),
                        "description": "Active quizzes only."},
        }),
        "Question": question,
        "AnswerMap": answer_map,
        "Answers": _obj({"answers": _ref("AnswerMap")}),
        "Attempt": _obj({
            "id": _str("32 hex digits."), "quiz_id": _int(),
            "status": _str(enum=[AttemptStatus.open.value]),
            "deadline": _str("UTC, ending in Z.", format="date-time",
                             examples=["2026-06-10T02:10:00Z"]),
            "remaining_seconds": _int("Whole seconds to the deadline, never negative.",
                                      minimum=0),
            "questions": {"type": "array", "items": _ref("Question")},
            "answers": {"type": "object", "description": "Answers saved so far: question id "
                        "to option keys as displayed.",
                        "additionalProperties": {"type": "array", "items": option_key}},
        }, description="An unfinished attempt."),
        "SaveResult": _obj({"saved": {"const": True}, "remaining_seconds": _int(minimum=0)}),
        "ReviewItem": {"allOf": [_ref("Question"), _obj({
            "given": {"type": "array", "items": option_key, "description": _GIVEN_NOTE},
            "awarded": _int("Points awarded for this question. Present only when the quiz "
                            "shows answers, or marks right and wrong without them."),
            "correct": {"type": "array", "items": option_key,
                        "description": "The right keys, as displayed, like `given`. Present "
                                       "only when the quiz shows answers in the review."},
            "is_correct": {"type": "boolean", "description": "Present with `awarded`."},
            "explanation": _str("Present only when the quiz shows explanations."),
        }, optional=("awarded", "correct", "is_correct", "explanation"))]},
        "Result": _obj({
            "id": _str(),
            "status": _str("submitted, or timed_out when the deadline (and its grace) passed "
                           "first and the answers saved in time were scored.",
                           enum=[s.value for s in AttemptStatus]),
            "score": _int(), "max_score": _int(), "passed": {"type": "boolean"},
            "correct_count": {"type": ["integer", "null"], "description": "Null when the "
                              "quiz hides answers and right/wrong marks."},
            "question_count": _int(),
            "duration_seconds": _nullable("integer", "Time used, at most the time limit."),
            "review": {"type": "array", "items": _ref("ReviewItem")},
        }, description="A finished attempt with its review."),
        **stats_schemas(),
    }


# --- paths ---------------------------------------------------------------------------------

_ATTEMPT_ID = _path_param("attempt_id", _str(pattern="^[0-9a-f]{32}$"),
                          "The attempt's id. Someone else's attempt answers 404.")
_NOT_YOURS = "No attempt with this id belongs to you."


def _paths() -> dict:
    return {
        "/openapi.json": {"get": _op(
            "getOpenApiDocument", "meta", "This document", public=True,
            responses={"200": _json({"type": "object"}, "The OpenAPI 3.1 document.")})},
        "/auth/register": {"post": _op(
            "register", "auth", "Create a participant account and get a token",
            body=_body(_ref("Register"), "The new participant."), public=True, responses={
                "201": _json(_ref("Session"), "Account created."),
                "409": _error("This mobile number is already registered.", "phone_taken"),
                "422": _error("A field is missing or invalid (`error.field` says which: name, "
                              "phone, password, unit_code), or the body is not a JSON object.",
                              "validation_failed", "unknown_unit"),
            })},
        "/auth/login": {"post": _op(
            "login", "auth", "Log in with mobile number and password",
            body=_body(_ref("Login"), "Credentials."), public=True, responses={
                "200": _json(_ref("Session"), "Logged in."),
                "401": _error("Wrong number or password, or the account is disabled; the "
                              "answer never says which.", "bad_credentials"),
                "422": _invalid_body(),
            })},
        "/auth/logout": {"post": _op(
            "logout", "auth", "Log out everywhere",
            description="Ends every session of the user: this token, every other token and "
                        "every logged-in browser.",
            responses={"204": {"description": "Logged out."}, "401": _unauthorized()})},
        "/units": {"get": _op(
            "listUnits", "units", "All units, parents before children", public=True,
            description="For the unit picker at registration.",
            responses={"200": _json({"type": "array", "items": _ref("Unit")}, "The unit tree, "
                                    "flattened.")})},
        "/campaigns": {"get": _op(
            "listCampaigns", "campaigns", "Campaigns open today, with their quizzes",
            responses={"200": _json({"type": "array", "items": _ref("Campaign")},
                                    "Newest first."), "401": _unauthorized()})},
        "/quizzes/{quiz_id}/attempts": {"post": _op(
            "startAttempt", "attempts", "Start an attempt, or resume the unfinished one",
            description="The server draws the questions and fixes the deadline. If you have an "
                        "unfinished attempt at this quiz that is still in time, it is returned "
                        "(200) instead of a new one (201); an overdue one is finished first.",
            parameters=[_path_param("quiz_id", _int(), "The quiz's id.")], responses={
                "201": _json(_ref("Attempt"), "A new attempt was started."),
                "200": _json(_ref("Attempt"), "Your unfinished attempt, resumed."),
                "401": _unauthorized(),
                "404": _error("No quiz with this id.", "not_found"),
                "409": _error("The quiz cannot be started now.", "campaign_not_started",
                              "campaign_ended", "daily_limit_reached", "quiz_unavailable",
                              "not_enough_questions"),
            })},
        "/attempts/{attempt_id}": {"get": _op(
            "getAttempt", "attempts", "An attempt: the questions if open, the result if finished",
            description="An open attempt past its deadline (plus a few seconds of grace) is "
                        "finished here with the answers saved in time (status timed_out).",
            parameters=[_ATTEMPT_ID], responses={
                "200": _json({"oneOf": [_ref("Attempt"), _ref("Result")]},
                             "Attempt while status is open, Result otherwise."),
                "401": _unauthorized(), "404": _error(_NOT_YOURS, "not_found"),
            })},
        "/attempts/{attempt_id}/answers": {"put": _op(
            "saveAnswers", "attempts", "Autosave answers",
            description="Merges the given answers into those saved: questions left out keep "
                        "their saved answer. Answers use the option keys as displayed "
                        "(A = first shown option).",
            parameters=[_ATTEMPT_ID], body=_body(_ref("Answers"), "Answers to save."),
            responses={
                "200": _json(_ref("SaveResult"), "Saved."),
                "401": _unauthorized(), "404": _error(_NOT_YOURS, "not_found"),
                "409": _error("The attempt is already finished; with time_up it has just been "
                              "finished now, scored with the answers saved in time, and these "
                              "answers were not taken.", "attempt_finished", "time_up"),
                "422": _invalid_body("Unknown question or option, several keys for a "
                                     "one-answer question, or a body that is not a JSON object."),
            })},
        "/attempts/{attempt_id}/submit": {"post": _op(
            "submitAttempt", "attempts", "Submit and score the attempt",
            description="Answers sent here are merged into those saved, then the attempt is "
                        "scored (status submitted). Submitting again returns the same body. "
                        "A submit after the deadline (plus a few seconds of grace) does not "
                        "take the answers it carries: it finishes the attempt with the answers "
                        "saved in time and returns status timed_out.",
            parameters=[_ATTEMPT_ID],
            body=_body(_obj({"answers": _ref("AnswerMap")}, optional=("answers",)),
                       "Optional: last answers to save before scoring.", required=False),
            responses={
                "200": _json(_ref("Result"), "The result, with its review."),
                "401": _unauthorized(), "404": _error(_NOT_YOURS, "not_found"),
                "422": _invalid_body("Unknown question or option, several keys for a "
                                     "one-answer question, or a body that is not a JSON object."),
            })},
        **stats_paths(),
    }


from .openapi_stats import stats_paths, stats_schemas  # noqa: E402  (it uses the builders)


def openapi_document() -> dict:
    """The OpenAPI 3.1 document for /api/v1, as a JSON-ready dict."""
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Safety Month Quiz API",
            "version": "1.0.0",
            "description": "JSON API for apps and mini-programs. Log in or register to get a "
                           "bearer token (valid 30 days, ended by a password change). Errors "
                           "share one shape: {\"error\": {\"code\", \"message\", \"field\"}}.",
        },
        "servers": [{"url": "/api/v1"}],
        "security": [{"bearerAuth": []}],
        "tags": [{"name": name} for name in ("auth", "units", "campaigns", "attempts",
                                             "stats", "meta")],
        "paths": _paths(),
        "components": {
            "securitySchemes": {"bearerAuth": {
                "type": "http", "scheme": "bearer",
                "description": "A token from /auth/login or /auth/register.",
            }},
            "schemas": _schemas(),
        },
    }
