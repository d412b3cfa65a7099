from django.core.management.base import BaseCommand, CommandError

from applications.audit import anchor, verify_chain


class Command(BaseCommand):
    help = (
        "Check the audit trail's hash chains and name the first broken event; when intact, anchor every plan "
        "chain's head into the global chain, so what was checked can no longer be cut off unnoticed."
    )

    def handle(self, *args, **options):
        checked, broken, why = verify_chain()
        if why:
            where = (
                f"event #{broken.pk} ({broken.action}, {broken.created_at:%Y-%m-%d %H:%M:%S%z})"
                if broken
                else "the chain"
            )
            raise CommandError(f"Audit trail broken at {where}: {why}. {checked} events before it are intact.")
        anchor()
        self.stdout.write(self.style.SUCCESS(f"Audit trail intact: {checked} events checked."))
