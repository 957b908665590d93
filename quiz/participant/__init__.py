from flask import Blueprint

bp = Blueprint("participant", __name__)

from . import screen, views  # noqa: E402,F401
