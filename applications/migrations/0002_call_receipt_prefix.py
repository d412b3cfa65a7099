"""Receipt numbers become PREFIX-FIELD-NNN with a prefix unique per call (two calls in one year collided)."""

import zoneinfo

import django.core.validators
from django.db import migrations, models


def fill_prefixes(apps, schema_editor):
    Call = apps.get_model("applications", "Call")
    seoul = zoneinfo.ZoneInfo("Asia/Seoul")
    taken = set()
    for call in Call.objects.order_by("deadline", "pk"):
        year = str(call.deadline.astimezone(seoul).year)
        for suffix in ["", *"BCDEFGHJKLMNPQRSTUVWXYZ"]:
            if year + suffix not in taken:
                call.receipt_prefix = year + suffix
                break
        taken.add(call.receipt_prefix)
        call.save(update_fields=["receipt_prefix"])


class Migration(migrations.Migration):
    dependencies = [("applications", "0001_initial")]

    operations = [
        migrations.AddField(
            model_name="call",
            name="receipt_prefix",
            field=models.CharField(blank=True, default="", max_length=12),
            preserve_default=False,
        ),
        migrations.RunPython(fill_prefixes, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="call",
            name="receipt_prefix",
            field=models.CharField(
                blank=True,
                help_text="Receipt numbers read PREFIX-BAT-001. Left empty, the deadline's year is used (2026, 2026B, …).",
                max_length=12,
                unique=True,
                validators=[
                    django.core.validators.RegexValidator("^[A-Z0-9]+$", "Use capital letters A-Z and digits only.")
                ],
                verbose_name="receipt-number prefix",
            ),
        ),
    ]
