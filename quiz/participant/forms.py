from flask_wtf import FlaskForm


class ActionForm(FlaskForm):
    """A button that changes something (start, submit): only the CSRF token."""
