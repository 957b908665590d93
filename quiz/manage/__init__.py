from flask import Blueprint

bp = Blueprint("manage", __name__, url_prefix="/manage")

from . import (  # noqa: E402,F401
    accounts,
    banks,
    campaign_admin,
    campaigns,
    common,
    dashboard,
    people,
    posters,
    reports,
    screen,
    units,
)
