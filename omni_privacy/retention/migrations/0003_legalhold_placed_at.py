"""Legal holds carry the moment they are in force from (``placed_at``), so that a hold placed
``--as-of`` a day is not in force before it. Existing holds were in force from their creation."""

from __future__ import annotations

import django.utils.timezone
from django.db import migrations, models
from django.db.models import F


def _from_creation(apps, schema_editor):  # noqa: ARG001 (migration signature)
    apps.get_model("retention", "LegalHold").objects.update(placed_at=F("created_at"))


class Migration(migrations.Migration):
    dependencies = [("retention", "0002_anonymised_fact")]

    operations = [
        migrations.AddField(
            model_name="legalhold", name="placed_at", field=models.DateTimeField(null=True)
        ),
        migrations.RunPython(_from_creation, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="legalhold",
            name="placed_at",
            field=models.DateTimeField(
                default=django.utils.timezone.now,
                help_text="in force from then (the start of --as-of's day when placed from the CLI)"
            ),
        ),
    ]
