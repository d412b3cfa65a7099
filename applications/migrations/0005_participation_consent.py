"""Participation needs the invited organisation's consent (issue 10, finding 9): a status (invited, accepted,
declined), who answered and when.

Existing rows become "accepted": they were added under the old rule, where adding an organisation gave its
members read access at once, so keeping them accepted changes nobody's access or detected conflicts. Their
responded_at / responded_by stay empty (nobody answered an invitation).
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def accept_existing(apps, schema_editor):
    apps.get_model("applications", "Participation").objects.update(status="accepted")


class Migration(migrations.Migration):

    dependencies = [
        ('applications', '0004_dates_within_sane_range'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='participation',
            name='responded_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='answered at'),
        ),
        migrations.AddField(
            model_name='participation',
            name='responded_by',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddField(
            model_name='participation',
            name='status',
            field=models.CharField(choices=[('invited', 'Invited'), ('accepted', 'Accepted'), ('declined', 'Declined')], default='invited', max_length=10, verbose_name='status'),
        ),
        migrations.RunPython(accept_existing, migrations.RunPython.noop),
    ]
