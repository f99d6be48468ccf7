"""Hearings are found by the SHA-256 of their observer link's locator (``scheduling.tokens``)."""

from django.db import migrations

from scheduling import tokens


def relocate(apps, schema_editor):
    Hearing = apps.get_model("hearings", "Hearing")
    for hearing in Hearing.objects.only("pk", "observer_salt").iterator():
        Hearing.objects.filter(pk=hearing.pk).update(
            observer_token_hash=tokens.token_hash(tokens.token_for("observe", hearing.observer_salt))
        )


class Migration(migrations.Migration):
    dependencies = [("hearings", "0003_observer_places")]

    operations = [migrations.RunPython(relocate, migrations.RunPython.noop)]
