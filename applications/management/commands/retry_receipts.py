from django.core.management.base import BaseCommand

from applications.models import PlanVersion
from applications.tasks import generate_receipt


class Command(BaseCommand):
    help = (
        "Give every submission receipt that could not be produced (given up after its rounds failed) a new "
        "round: run it once the cause in the worker log is fixed. Each receipt is still produced and e-mailed once."
    )

    def handle(self, *args, **options):
        ids = list(PlanVersion.objects.receipt_given_up().order_by("pk").values_list("pk", flat=True))
        PlanVersion.objects.filter(pk__in=ids).update(receipt_failures=0)
        for version_id in ids:
            generate_receipt.delay(version_id)
        self.stdout.write(self.style.SUCCESS(f"{len(ids)} receipt(s) queued again."))
