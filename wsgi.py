"""The gunicorn entry point: `gunicorn wsgi:app`."""

from quiz import create_app

app = create_app()
