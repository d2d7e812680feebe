"""The person's digest unique by a constraint: the same unique index, without the second
(varchar_pattern_ops) index Django adds on PostgreSQL for a unique CharField, which served no
query and cost every new person an index insertion (docs/benchmarks.md, 2026-12-05). The
constraint comes first, so the digest is never without its uniqueness."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0006_holding_by_name"),
    ]

    operations = [
        migrations.AddConstraint(
            model_name="person",
            constraint=models.UniqueConstraint(
                fields=("email_digest",), name="registry_person_digest_unique"
            ),
        ),
        migrations.AlterField(
            model_name="person",
            name="email_digest",
            field=models.CharField(max_length=64),
        ),
    ]
