"""Seed the Vietnamese default message templates (cchc.notifications.defaults)."""

from django.db import migrations

CHANNELS = ("email", "sms", "zalo")


def seed(apps, schema_editor):
    from cchc.notifications.defaults import DEFAULTS

    MessageTemplate = apps.get_model("notifications", "MessageTemplate")
    for topic, (subject, body, short) in DEFAULTS.items():
        for channel in CHANNELS:
            MessageTemplate.objects.get_or_create(
                topic=str(topic),
                channel=channel,
                defaults={
                    "subject": subject if channel == "email" else "",
                    "body": body if channel == "email" else short,
                },
            )


def unseed(apps, schema_editor):
    apps.get_model("notifications", "MessageTemplate").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("notifications", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
