from flask import Blueprint

bp = Blueprint("manage", __name__, url_prefix="/manage")

from . import banks, campaigns, common, dashboard, people, reports, screen, units  # noqa: E402,F401
