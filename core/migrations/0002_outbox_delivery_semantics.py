"""The outbox records "sending" before SMTP is called and gives every message a stable Message-ID."""

from django.db import migrations, models


def fill_message_ids(apps, schema_editor):
    from core.models import new_message_id

    OutboxMessage = apps.get_model("core", "OutboxMessage")
    for message in OutboxMessage.objects.filter(message_id="").only("pk"):
        OutboxMessage.objects.filter(pk=message.pk).update(message_id=new_message_id())


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]

    operations = [
        migrations.AddField(
            model_name="outboxmessage",
            name="message_id",
            field=models.CharField(default="", editable=False, max_length=255, verbose_name="Message-ID"),
            preserve_default=False,
        ),
        migrations.RunPython(fill_message_ids, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="outboxmessage",
            name="message_id",
            field=models.CharField(editable=False, max_length=255, unique=True, verbose_name="Message-ID"),
        ),
        migrations.AddField(
            model_name="outboxmessage",
            name="sending_since",
            field=models.DateTimeField(blank=True, null=True, verbose_name="sending since"),
        ),
        migrations.AlterField(
            model_name="outboxmessage",
            name="status",
            field=models.CharField(
                choices=[
                    ("pending", "Waiting to be sent"),
                    ("sending", "Being sent"),
                    ("sent", "Sent"),
                    ("failed", "Failed"),
                ],
                default="pending",
                max_length=10,
                verbose_name="status",
            ),
        ),
    ]
