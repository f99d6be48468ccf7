from django.db import migrations, models
from django.utils.text import slugify


def fill_slugs(apps, schema_editor):
    School = apps.get_model("classrooms", "School")
    taken = set()
    for school in School.objects.order_by("created_at", "pk"):
        base = (slugify(school.name) or "school")[:70]
        slug, number = base, 1
        while slug in taken:
            number += 1
            slug = f"{base}-{number}"
        taken.add(slug)
        school.slug = slug
        school.save(update_fields=["slug"])


class Migration(migrations.Migration):
    dependencies = [("classrooms", "0003_language")]

    operations = [
        migrations.AddField(
            model_name="school", name="slug",
            # No index yet: on PostgreSQL the unique field below makes its own "_like" index, and a
            # second one of the same name would clash.
            field=models.SlugField(max_length=80, null=True, db_index=False, verbose_name="short name in links"),
        ),
        migrations.RunPython(fill_slugs, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="school", name="slug",
            field=models.SlugField(max_length=80, unique=True, verbose_name="short name in links"),
        ),
    ]
