"""`flask --app quiz ...` commands for operators, one module per subject."""

from __future__ import annotations

from . import banks, campaigns, core, people, stats, units


def init_cli(app) -> None:
    for command in (core.init_db_command, core.seed_demo_command, core.reconcile_command,
                    banks.import_bank_command, banks.export_bank_command,
                    people.create_user_command, people.import_people_command,
                    units.import_units_command,
                    units.export_units_command, stats.export_stats_command,
                    campaigns.create_campaign_command, campaigns.add_quiz_command):
        app.cli.add_command(command)
