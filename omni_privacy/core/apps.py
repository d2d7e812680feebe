from django.apps import AppConfig
from django.utils.translation import gettext_noop


class CoreConfig(AppConfig):
    name = "omni_privacy.core"
    label = "core"

    def ready(self) -> None:
        from django.db.backends.signals import connection_created
        from django.utils.translation import gettext, ngettext

        from omni_privacy.core import dbwait, errors

        connection_created.connect(dbwait.on_connection_created, dispatch_uid="core.dbwait")

        # core.errors is plain Python (domain code imports it): it says codes through Django.
        errors.use_translation(gettext, ngettext)


# The one template core.errors writes itself (a problem with its line).
gettext_noop("line %(number)s: %(problem)s")
