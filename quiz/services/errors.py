"""Domain errors. Services raise them; `quiz.errors` turns them into pages and JSON."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l


class QuizError(Exception):
    """A rule was broken. `code` is stable for API clients; `message` is for people."""

    code = "invalid"
    status = 400
    #: True when the work done before the error must still be committed.
    keeps_changes = False
    default_message = _l("The request could not be carried out.")

    def __init__(self, message=None, *, field: str | None = None, **params):
        self.message = message if message is not None else self.default_message
        self.field = field
        self.params = params
        super().__init__(str(self.code))

    def __str__(self) -> str:
        return str(self.message)


class ValidationFailed(QuizError):
    code = "validation_failed"
    status = 422


class InvalidFields(ValidationFailed):
    """Several fields are wrong at once: `errors` maps each field to its error; the first
    one is this error's own code, message and field (as a single error would be)."""

    def __init__(self, errors: dict[str, QuizError]):
        first = next(iter(errors.values()))
        self.code, self.status = first.code, first.status
        super().__init__(first.message, field=first.field)
        self.errors = errors


def check_fields(checks) -> tuple[dict, dict]:
    """Run each (field, check) of a form's fields: ({field: value} of those that passed,
    {field: error} of those that failed), so that every bad field is named at once."""
    values, errors = {}, {}
    for field, check in checks:
        try:
            values[field] = check()
        except QuizError as error:
            errors[error.field or field] = error
    return values, errors


class NotFound(QuizError):
    code = "not_found"
    status = 404
    default_message = _l("Not found.")


class Forbidden(QuizError):
    code = "forbidden"
    status = 403
    default_message = _l("You may not do that.")


class Unauthorized(QuizError):
    code = "unauthorized"
    status = 401
    default_message = _l("Please log in first.")


class PhoneTaken(QuizError):
    code = "phone_taken"
    status = 409
    default_message = _l("This mobile number is already registered. Please log in.")


class BadCredentials(QuizError):
    code = "bad_credentials"
    status = 401
    default_message = _l("Wrong mobile number or password.")


class UnknownUnit(QuizError):
    code = "unknown_unit"
    status = 422
    default_message = _l("No unit has this code. Please pick your unit from the list.")


class CampaignNotStarted(QuizError):
    code = "campaign_not_started"
    status = 409
    default_message = _l("This campaign has not started yet.")


class CampaignEnded(QuizError):
    code = "campaign_ended"
    status = 409
    default_message = _l("This campaign has ended.")


class CampaignClosed(QuizError):
    code = "campaign_closed"
    status = 409
    default_message = _l("The organizers have closed this campaign.")


class NotForYourUnit(QuizError):
    code = "not_for_your_unit"
    status = 403
    default_message = _l("This campaign is for the people of another unit.")


class QuizUnavailable(QuizError):
    code = "quiz_unavailable"
    status = 409
    default_message = _l("This quiz is not available.")


class DailyLimitReached(QuizError):
    code = "daily_limit_reached"
    status = 409
    default_message = _l("You have used all your attempts for today. Come back tomorrow.")


class NotEnoughQuestions(QuizError):
    code = "not_enough_questions"
    status = 409
    default_message = _l(
        "The question bank does not hold enough questions for this quiz. "
        "Please tell the organizer."
    )


class TimeUp(QuizError):
    code = "time_up"
    status = 409
    keeps_changes = True
    default_message = _l(
        "Time is up: answers sent after the deadline were not accepted. "
        "The attempt was scored with the answers saved in time."
    )


class AttemptFinished(QuizError):
    code = "attempt_finished"
    status = 409
    default_message = _l("This attempt has already been submitted.")


class ConcurrentChange(QuizError):
    code = "concurrent_change"
    status = 409
    default_message = _l(
        "Someone else changed the same question bank at the same moment; nothing was stored. "
        "Please try again."
    )


class DatabaseBusy(QuizError):
    """Writers queued longer than the database's busy timeout: nothing was written."""

    code = "busy"
    status = 503
    default_message = _l("The server is busy. Nothing was saved: please try again in a moment.")
