# The staff API token now belongs to accounts (accounts migration 0003): removed from dsr's
# state only; the table stays, owned by accounts.StaffApiToken.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('dsr', '0001_initial'),
        ('accounts', '0003_staffapitoken'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name='StaffApiToken')],
            database_operations=[],
        ),
    ]
