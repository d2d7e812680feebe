from django.db import migrations, models


class Migration(migrations.Migration):
    """An instance's export (monthly sync): its URL, its sealed token, its last success."""

    dependencies = [
        ("registry", "0001_initial"),
    ]

    operations = [
        migrations.RenameField(model_name="instance", old_name="base_url", new_name="export_url"),
        migrations.AlterField(
            model_name="instance",
            name="export_url",
            field=models.URLField(
                blank=True, help_text="where the monthly sync fetches the user-profile snapshot"
            ),
        ),
        migrations.AddField(
            model_name="instance",
            name="token_sealed",
            field=models.TextField(
                blank=True, help_text="the export's access token, encrypted (core/crypto.py)"
            ),
        ),
        migrations.AddField(
            model_name="instance",
            name="last_synced_at",
            field=models.DateTimeField(
                blank=True, help_text="end of the last successful sync", null=True
            ),
        ),
    ]
