"""Switching a campaign's big screen (/c/<slug>/screen) on and off, from the campaigns list.

Admins, organizers of the root unit and those whose reach holds the campaign's host may
(quiz.services.screen.may_switch); other organizers see whether it is on. The list's
template asks `may_switch_screen(campaign)`.
"""

from __future__ import annotations

from flask import flash, redirect, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import HiddenField

from .. import caching
from ..db import write_transaction
from ..services import screen as screen_service
from ..services.campaigns import get_campaign
from . import bp


class ScreenForm(FlaskForm):
    """The switch: "1" turns the screen on, anything else off; and the CSRF token."""

    on = HiddenField()


@bp.context_processor
def _screen_switch():
    return {"may_switch_screen": lambda campaign=None: screen_service.may_switch(current_user,
                                                                                  campaign)}


@bp.route("/campaigns/<slug>/screen", methods=["POST"])
def switch_screen(slug: str):
    form = ScreenForm()
    if not form.validate_on_submit():
        flash(_("The form has expired or was sent from another page. Please try again."),
              "error")
        return redirect(url_for(".campaign_list"))
    campaign = get_campaign(slug)
    with write_transaction():
        screen_service.set_screen(campaign, form.on.data == "1", by=current_user)
    # After the commit: a screen switched off is gone at once (everywhere with Redis; in
    # each other worker's own memory within caching.SCREEN_SECONDS).
    caching.forget(caching.screen_key(slug))
    if campaign.screen_enabled:
        flash(_("The big screen of “%(title)s” is on.", title=campaign.title), "success")
    else:
        flash(_("The big screen of “%(title)s” is off.", title=campaign.title), "success")
    return redirect(url_for(".campaign_list"))
