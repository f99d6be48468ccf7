"""Daily: the outbox's retention (``notifications.tasks.purge``) and Django's expired sessions."""

from django.db import migrations

SCHEDULES = {
    "notifications.purge": {"func": "notifications.tasks.purge", "args": None},
    "sessions.clearsessions": {"func": "django.core.management.call_command", "args": "'clearsessions'"},
}


def create(apps, schema_editor):
    Schedule = apps.get_model("django_q", "Schedule")
    for name, spec in SCHEDULES.items():
        Schedule.objects.update_or_create(
            name=name, defaults={**spec, "schedule_type": "D", "repeats": -1},
        )


def remove(apps, schema_editor):
    apps.get_model("django_q", "Schedule").objects.filter(name__in=SCHEDULES).delete()


class Migration(migrations.Migration):
    dependencies = [("notifications", "0003_worker_heartbeat")]

    operations = [migrations.RunPython(create, remove)]
