"""Rows are found by the SHA-256 of their link's locator (``scheduling.tokens``), which needs no key:
links made before this change (a bare MAC) stop working and are re-sent with the new form."""

from django.db import migrations

from scheduling import tokens


def relocate(apps, schema_editor):
    Attendee = apps.get_model("scheduling", "Attendee")
    CalendarFeed = apps.get_model("scheduling", "CalendarFeed")
    for attendee in Attendee.objects.only("pk", "join_token_salt").iterator():
        Attendee.objects.filter(pk=attendee.pk).update(
            join_token_hash=tokens.token_hash(tokens.token_for("join", attendee.join_token_salt))
        )
    for feed in CalendarFeed.objects.only("pk", "token_salt").iterator():
        CalendarFeed.objects.filter(pk=feed.pk).update(
            token_hash=tokens.token_hash(tokens.token_for("feed", feed.token_salt))
        )


class Migration(migrations.Migration):
    dependencies = [("scheduling", "0001_initial")]

    operations = [migrations.RunPython(relocate, migrations.RunPython.noop)]
