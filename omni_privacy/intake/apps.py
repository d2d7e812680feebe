import datetime as dt

from django.apps import AppConfig
from django.utils.translation import ngettext_lazy


class IntakeConfig(AppConfig):
    """Collection (notice §2.4): the monthly sync from customer instances, punctual intake."""

    name = "omni_privacy.intake"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from omni_privacy.core.periodic import PeriodicJob, register

        # Hourly: each instance is pulled when a month has passed since its last success (or
        # its retry delay after a failure); see intake/domain/schedule.py.
        register(PeriodicJob(name="sync_monthly", interval=dt.timedelta(hours=1), enqueue=_enqueue))


def _enqueue(day: dt.date) -> None:
    from omni_privacy.intake.tasks import task_sync_due

    task_sync_due.enqueue(day.isoformat())


# The plural error code of intake/domain/snapshot.py (pure, so it cannot mark it itself),
# marked here for makemessages; core.errors.words says it through ngettext.
ngettext_lazy("... and %(count)s more problem", "... and %(count)s more problems", "count")
