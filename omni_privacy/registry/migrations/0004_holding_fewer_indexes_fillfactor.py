"""Holdings: two redundant indexes dropped, and room left on each page for cheap updates.

The organisation's and the instance's own foreign-key indexes repeat the leading column of
registry_holding_org_source and registry_holding_profile; each insert and update wrote them.
On PostgreSQL, a fillfactor of 85 leaves room on each page so that an update touching no
indexed column (the monthly sync's rectified names and languages) is a heap-only tuple update,
which writes no index at all. It applies to pages written from now on.
"""

import django.db.models.deletion
from django.db import migrations, models

FILLFACTOR = 85


def _fillfactor(value):
    def set_fillfactor(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        table = schema_editor.quote_name(apps.get_model("registry", "Holding")._meta.db_table)
        schema_editor.execute(f"ALTER TABLE {table} SET (fillfactor = {int(value)})")

    return set_fillfactor


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0003_holding_source_key"),
    ]

    operations = [
        migrations.AlterField(
            model_name="holding",
            name="instance",
            field=models.ForeignKey(
                blank=True,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="holdings",
                to="registry.instance",
            ),
        ),
        migrations.AlterField(
            model_name="holding",
            name="organization",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="holdings",
                to="registry.organization",
            ),
        ),
        migrations.RunPython(_fillfactor(FILLFACTOR), _fillfactor(100)),
    ]
