from django.core.management.base import BaseCommand, CommandError

from applications.models import Call
from reviews import standings


class Command(BaseCommand):
    help = (
        "Recompute the stored ranking summaries (reviews.standings) from the reviews that count: after a bulk "
        "load, a restore or anything that changed reviews or conflicts outside the services."
    )

    def add_arguments(self, parser):
        parser.add_argument("--call", help="only the call with this slug")

    def handle(self, *args, **options):
        call = None
        if options["call"]:
            call = Call.objects.filter(slug=options["call"]).first()
            if call is None:
                raise CommandError(f"No call with the slug {options['call']!r}.")
        written = standings.rebuild(call)
        self.stdout.write(self.style.SUCCESS(f"{written} ranking summaries written."))
