"""`runserver` that also runs the periodic work in the embedded default (core/scheduler.py)."""

import os

from django.contrib.staticfiles.management.commands.runserver import Command as StaticfilesRunserver

from core import scheduler


class Command(StaticfilesRunserver):
    """Also serves static files through WhiteNoise as in production (what whitenoise.runserver_nostatic did)."""

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.set_defaults(use_static_handler=False)

    def inner_run(self, *args, **options):
        # With the autoreloader, inner_run runs in the serving child (RUN_MAIN); without it, in this process.
        if scheduler.should_run() and (os.environ.get("RUN_MAIN") == "true" or not options.get("use_reloader")):
            scheduler.EmbeddedBeat().start()
            self.stdout.write("Periodic tasks (closing calls, reminders, sweeps) run in this process.")
        super().inner_run(*args, **options)
