from django.core.management.base import BaseCommand, CommandError

from applications.audit import verify_chain


class Command(BaseCommand):
    help = "Check the audit trail's hash chain and name the first broken event."

    def handle(self, *args, **options):
        checked, broken, why = verify_chain()
        if why:
            where = (
                f"event #{broken.pk} ({broken.action}, {broken.created_at:%Y-%m-%d %H:%M:%S%z})"
                if broken
                else "the chain"
            )
            raise CommandError(f"Audit trail broken at {where}: {why}. {checked} events before it are intact.")
        self.stdout.write(self.style.SUCCESS(f"Audit trail intact: {checked} events checked."))
