import datetime as dt

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

        from omni_privacy.core.periodic import PeriodicJob, register

        register(
            PeriodicJob(
                name="reap_lost_tasks",
                interval=dt.timedelta(minutes=5),
                enqueue=_reap_lost_tasks,
            )
        )

        # core.errors is plain Python (domain code imports it): it says codes through Django.
        errors.use_translation(gettext, ngettext)


def _reap_lost_tasks(day: dt.date) -> None:  # noqa: ARG001 - PeriodicJob contract
    # Run in the scheduler itself, not queued: a lost task may be what blocks the queue.
    from omni_privacy.core.reaper import reap_lost_tasks

    reap_lost_tasks()


# The words core.errors writes itself (a problem with its line; a whole line as its field).
gettext_noop("line %(number)s: %(problem)s")
gettext_noop("%(field)s: %(message)s")
gettext_noop("(line)")
