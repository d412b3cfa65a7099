"""Load demo data: every app with a `demo` module contributes, in INSTALLED_APPS order. Idempotent."""

from importlib import import_module

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import transaction


class Command(BaseCommand):
    help = "Create (or bring up to date) the demo accounts, organisations and the 2026 call. Safe to repeat."

    def add_arguments(self, parser):
        parser.add_argument("--quiet-accounts", action="store_true", help="Do not print the demo accounts.")

    def handle(self, *args, quiet_accounts=False, **options):
        accounts = []
        password = None
        with transaction.atomic():
            for config in apps.get_app_configs():
                try:
                    module = import_module(f"{config.name}.demo")
                except ModuleNotFoundError as exc:
                    if exc.name != f"{config.name}.demo":
                        raise
                    continue
                accounts.extend(module.seed() or [])
                password = getattr(module, "DEMO_PASSWORD", password)
        self.stdout.write(self.style.SUCCESS("Demo data is in place."))
        if accounts and not quiet_accounts:
            # The accounts room's demo module names the password; core imports no room.
            self.stdout.write(f"Demo accounts (password for all: {password}):")
            for email, description in accounts:
                self.stdout.write(f"  {email:<28} {description}")
